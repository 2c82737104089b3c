-- findActiveDepartmentLayers
select "l"."department", "d"."name", "d"."color", "l"."version" from "grid_layers" as "l" inner join "departments" as "d" on "d"."code" = "l"."department" where "l"."is_active" = $1 order by "d"."sort_order";

-- findDataBounds
SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
    FROM (SELECT ST_Extent(boundary)::geometry AS b FROM regions
          WHERE level IN ('district', 'street', 'community') AND TRUE) t;

SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
    FROM (SELECT ST_Extent(boundary)::geometry AS b FROM regions
          WHERE level IN ('district', 'street', 'community') AND left(code, $1::int) = $2::text) t;

-- findFeaturesInBbox
SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min, c_parent.households_min, c_grandparent.households_min,
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max, c_parent.households_max, c_grandparent.households_max,
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", ST_AsGeoJSON(u.boundary, 6) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions c_parent ON c_parent.code = c.parent_code
    LEFT JOIN regions c_grandparent ON c_grandparent.code = c_parent.parent_code
    WHERE u.boundary && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326) AND TRUE) t ORDER BY t.fid LIMIT $5;

SELECT * FROM (
  SELECT o.id AS fid, o.id, o.code, o.name, o.tier, o.domain, o.establishment, o.star_rating AS "starRating",
         repeat('★', coalesce(o.star_rating, 0)::int) AS stars, o.status, o.member_count AS "memberCount",
         r.name AS "regionName", o.region_code AS "regionCode", ST_AsGeoJSON(o.location, 6) AS geom
  FROM party_orgs o LEFT JOIN regions r ON r.code = o.region_code
  WHERE o.location && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326) AND TRUE) t ORDER BY t.fid LIMIT $5;

SELECT * FROM (
  SELECT u.id AS fid, u.id, u.code, u.name, u.kind, u.employees, u.formal_party_members AS "formalPartyMembers",
         coalesce(c.mode, 'none') AS coverage, ("u"."formal_party_members" >= 3 AND ("c"."mode" IS NULL OR "c"."mode" <> 'own')) AS "shouldEstablish",
         CASE WHEN ("u"."formal_party_members" >= 3 AND ("c"."mode" IS NULL OR "c"."mode" <> 'own')) THEN 'should_establish' ELSE coalesce(c.mode, 'none') END AS category,
         o.code AS "orgCode", o.name AS "orgName", u.region_code AS "regionCode", ST_AsGeoJSON(u.location, 6) AS geom
  FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id
  -- the covering organization named if it lies in the scope or above it (not another street's)
  LEFT JOIN party_orgs o ON o.id = c.party_org_id AND TRUE
  WHERE u.location && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326) AND TRUE) t ORDER BY t.fid LIMIT $5;

SELECT * FROM (
  SELECT u.id AS fid, u.code AS "unitCode", u.name AS "unitName", o.code AS "orgCode", o.name AS "orgName",
         c.mode, u.region_code AS "regionCode", ST_AsGeoJSON(l.line, 6) AS geom
  FROM unit_coverage c
  JOIN units u ON u.id = c.unit_id
  -- a link to another street's organization is not drawn for a scoped caller (its end lies there)
  JOIN party_orgs o ON o.id = c.party_org_id AND o.location IS NOT NULL
    AND TRUE
  CROSS JOIN LATERAL (SELECT ST_MakeLine(u.location, o.location) AS line) l
  -- the line's box, not either end's: a link crossing the tile with both ends outside it is drawn too
  WHERE l.line && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326) AND TRUE) t ORDER BY t.fid LIMIT $5;

SELECT * FROM (
  SELECT o.id AS fid, o.code, o.name, o.tier, o.status, o.member_count AS "memberCount", a.regions,
         o.region_code AS "regionCode", ST_AsGeoJSON(a.area, 6) AS geom
  FROM party_orgs o
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS regions, ST_Multi(ST_Union(ST_MakeValid(r.boundary))) AS area
    FROM party_org_regions pr JOIN regions r ON r.code = pr.region_code
    WHERE pr.party_org_id = o.id) a
  WHERE a.regions > 0 AND EXISTS (
    SELECT 1 FROM party_org_regions pr JOIN regions r ON r.code = pr.region_code
    WHERE pr.party_org_id = o.id AND r.boundary && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326))
    AND TRUE) t ORDER BY t.fid LIMIT $5;

SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min, c_parent.households_min, c_grandparent.households_min,
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max, c_parent.households_max, c_grandparent.households_max,
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", ST_AsGeoJSON(u.boundary, 6) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions c_parent ON c_parent.code = c.parent_code
    LEFT JOIN regions c_grandparent ON c_grandparent.code = c_parent.parent_code
    WHERE u.boundary && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326) AND left(u.community_code, $5::int) = $6::text) t ORDER BY t.fid LIMIT $7;

-- findPublishedRun
select id::int as "version", to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "publishedAt" from "merge_runs" where "is_published" = $1;
