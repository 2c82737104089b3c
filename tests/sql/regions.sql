-- findHouseholdNorms
WITH RECURSIVE chain AS (
      SELECT c.code AS community, c.is_urban, c.code, c.name, c.level, c.parent_code, c.households_min, c.households_max, 0 AS depth
      FROM regions c WHERE c.code = ANY($1::text[])
      UNION ALL
      SELECT chain.community, chain.is_urban, p.code, p.name, p.level, p.parent_code, p.households_min, p.households_max, chain.depth + 1
      FROM chain JOIN regions p ON p.code = chain.parent_code
      WHERE chain.households_min IS NULL AND chain.depth < 8
    )
    SELECT DISTINCT ON (community) community, is_urban AS "isUrban", code, name, level, households_min AS min, households_max AS max
    FROM chain ORDER BY community, households_min IS NULL, depth;

-- findRegion
select "code", "name", "level", "parent_code" as "parentCode", "is_urban" as "isUrban", CASE WHEN boundary IS NULL THEN NULL
        ELSE json_build_array(round(ST_XMin(boundary)::numeric, 6), round(ST_YMin(boundary)::numeric, 6),
                              round(ST_XMax(boundary)::numeric, 6), round(ST_YMax(boundary)::numeric, 6)) END as "bbox" from "regions" where "code" = $1 and TRUE;

select "code", "name", "level", "parent_code" as "parentCode", "is_urban" as "isUrban", CASE WHEN boundary IS NULL THEN NULL
        ELSE json_build_array(round(ST_XMin(boundary)::numeric, 6), round(ST_YMin(boundary)::numeric, 6),
                              round(ST_XMax(boundary)::numeric, 6), round(ST_YMax(boundary)::numeric, 6)) END as "bbox" from "regions" where "code" = $1 and left("code", $2::int) = $3::text;

-- findRegionFigures
SELECT
      (SELECT count(*)::int FROM regions WHERE parent_code = $1) AS children,
      (SELECT coalesce(ST_Area(boundary::geography) / 1e6, 0)::float8 FROM regions WHERE code = $2) AS "areaKm2",
      (SELECT coalesce(sum(residents), 0)::int FROM population_points WHERE left("region_code", $3) = $4) AS residents,
      (SELECT coalesce(sum(households), 0)::int FROM population_points WHERE left("region_code", $5) = $6) AS households,
      (SELECT count(*)::int FROM service_centers WHERE left("region_code", $7) = $8) AS "serviceCenters",
      (SELECT count(*)::int FROM party_orgs WHERE left("region_code", $9) = $10) AS "partyOrgs",
      (SELECT count(*)::int FROM units WHERE left("region_code", $11) = $12) AS units;

select "l"."department", count(*)::int as "count" from "grids" as "g" inner join "grid_layers" as "l" on "l"."id" = "g"."layer_id" where "l"."is_active" = $1 and left("g"."community_code", $2) = $3 group by "l"."department" order by "l"."department";

-- findRegionGrids
SELECT 'unified' AS layer, u.id::int AS id, u.code, c.name || '第' || right(u.code, 3) || '网格' AS name,
           u.community_code AS "communityCode", c.name AS "communityName", s.name AS "streetName", u.households,
           NULL::text AS "chiefName", NULL::int AS "fullTimeWorkers", json_build_array(round(ST_XMin("u"."boundary")::numeric, 6), round(ST_YMin("u"."boundary")::numeric, 6),
                         round(ST_XMax("u"."boundary")::numeric, 6), round(ST_YMax("u"."boundary")::numeric, 6)) AS bbox
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code LEFT JOIN regions s ON s.code = c.parent_code
    WHERE left("u"."community_code", $1) = $2
    UNION ALL
    SELECT l.department, g.id::int, g.code, g.name, g.community_code, c.name, s.name, g.households,
           (SELECT st.name FROM grid_staff st WHERE st.grid_id = g.id AND st.role = 'chief' ORDER BY st.id LIMIT 1),
           (SELECT count(*)::int FROM grid_staff st WHERE st.grid_id = g.id AND st.role = 'full_time'),
           json_build_array(round(ST_XMin("g"."boundary")::numeric, 6), round(ST_YMin("g"."boundary")::numeric, 6),
                         round(ST_XMax("g"."boundary")::numeric, 6), round(ST_YMax("g"."boundary")::numeric, 6))
    FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active
    LEFT JOIN regions c ON c.code = g.community_code LEFT JOIN regions s ON s.code = c.parent_code
    WHERE left("g"."community_code", $3) = $4
    ORDER BY layer, code;

-- findRegions
select "code", "name", "level", "parent_code" as "parentCode", "is_urban" as "isUrban", CASE WHEN boundary IS NULL THEN NULL
        ELSE json_build_array(round(ST_XMin(boundary)::numeric, 6), round(ST_YMin(boundary)::numeric, 6),
                              round(ST_XMax(boundary)::numeric, 6), round(ST_YMax(boundary)::numeric, 6)) END as "bbox" from "regions" where TRUE and "parent_code" = $1 order by "code";

select "code", "name", "level", "parent_code" as "parentCode", "is_urban" as "isUrban", CASE WHEN boundary IS NULL THEN NULL
        ELSE json_build_array(round(ST_XMin(boundary)::numeric, 6), round(ST_YMin(boundary)::numeric, 6),
                              round(ST_XMax(boundary)::numeric, 6), round(ST_YMax(boundary)::numeric, 6)) END as "bbox" from "regions" where left("code", $1::int) = $2::text order by "code";
