-- findDepartmentMatches
WITH dg AS (
      SELECT l.department, d.name AS department_name, g.id, g.code, g.name, g.community_code, v.boundary,
             ST_Area(v.boundary) AS area
      FROM grids g
      -- an invalid drawing (a self-crossing ring: the merge reports it) is measured as made valid
      CROSS JOIN LATERAL (SELECT CASE WHEN ST_IsValid(g.boundary) THEN g.boundary
                                 ELSE ST_CollectionExtract(ST_MakeValid(g.boundary), 3) END AS boundary) v JOIN grid_layers l ON l.id = g.layer_id AND l.is_active
      JOIN departments d ON d.code = l.department
      WHERE left(g.community_code, $1::int) = $2::text
    )
    SELECT dg.department, dg.department_name AS "departmentName", dg.id::int AS id, dg.code, dg.name,
           dg.community_code AS "communityCode", ST_Area(dg.boundary::geography) AS "areaM2",
           best.code AS "unifiedCode",
           CASE WHEN dg.area > 0 THEN least(1, coalesce(best.inter, 0) / dg.area) ELSE 0 END AS share,
           CASE WHEN best.code IS NULL OR dg.area + best.area - best.inter <= 0 THEN 0
                ELSE least(1, best.inter / (dg.area + best.area - best.inter)) END AS iou,
           json_build_array(round(ST_XMin(dg.boundary)::numeric, 6), round(ST_YMin(dg.boundary)::numeric, 6),
                            round(ST_XMax(dg.boundary)::numeric, 6), round(ST_YMax(dg.boundary)::numeric, 6)) AS bbox
    FROM dg LEFT JOIN LATERAL (
      SELECT u.code, ST_Area(u.boundary) AS area, ST_Area(ST_Intersection(u.boundary, dg.boundary, 0.0000001)) AS inter
      FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
      WHERE u.community_code = dg.community_code AND u.boundary && dg.boundary AND ST_Intersects(u.boundary, dg.boundary)
      ORDER BY inter DESC, u.code LIMIT 1
    ) best ON TRUE
    ORDER BY dg.department, dg.code;

-- findGridIssues
SELECT i.kind, i.department, i.area_m2::float8 AS "areaM2", cardinality(i.grid_ids)::int AS grids, i.note,
      CASE WHEN i.geom IS NULL THEN NULL ELSE
        json_build_array(round(ST_XMin(i.geom)::numeric, 6), round(ST_YMin(i.geom)::numeric, 6),
                         round(ST_XMax(i.geom)::numeric, 6), round(ST_YMax(i.geom)::numeric, 6)) END AS bbox
    FROM merge_issues i, unified_grids u
    WHERE u.id = $1 AND i.merge_run_id = $2 AND i.community_code = u.community_code
      AND i.geom && u.boundary AND ST_Intersects(i.geom, u.boundary)
    ORDER BY i.kind, i.id;

-- findPlaceOrgs
SELECT o.code, o.name, o.tier, o.status, o.member_count::int AS "memberCount", o.star_rating::int AS "starRating",
      (SELECT name FROM regions r WHERE r.code = left(o.region_code, 9) || '000' AND r.level = 'street') AS "streetName",
      (SELECT name FROM regions r WHERE r.code = o.region_code AND r.level = 'community') AS "communityName",
      CASE WHEN "o"."location" IS NULL THEN NULL ELSE
    json_build_array(round(ST_X("o"."location")::numeric, 6), round(ST_Y("o"."location")::numeric, 6),
                     round(ST_X("o"."location")::numeric, 6), round(ST_Y("o"."location")::numeric, 6)) END AS bbox, count(*) OVER ()::int AS total
    FROM party_orgs o
    WHERE o.region_code IS NOT NULL AND left("o"."region_code", $1::int) = $2::text
      AND ($3::text IS NULL OR o.status = $4::text)
      AND ($5::text IS NULL OR (
  SELECT min(g.code) FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
  WHERE g.community_code = "o"."region_code" AND g.boundary && "o"."location"
    AND ST_Covers(g.boundary, "o"."location")) = $6::text)
    ORDER BY o.region_code, o.code
    LIMIT $7;

-- findPlaceUnits
SELECT u.code, u.name, u.formal_party_members::int AS members, coalesce(c.mode, 'none') AS coverage,
      o.name AS "orgName",
      (SELECT name FROM regions r WHERE r.code = left(u.region_code, 9) || '000' AND r.level = 'street') AS "streetName",
      (SELECT name FROM regions r WHERE r.code = u.region_code AND r.level = 'community') AS "communityName",
      CASE WHEN "u"."location" IS NULL THEN NULL ELSE
    json_build_array(round(ST_X("u"."location")::numeric, 6), round(ST_Y("u"."location")::numeric, 6),
                     round(ST_X("u"."location")::numeric, 6), round(ST_Y("u"."location")::numeric, 6)) END AS bbox, count(*) OVER ()::int AS total
    FROM units u
    LEFT JOIN unit_coverage c ON c.unit_id = u.id
    LEFT JOIN party_orgs o ON o.id = c.party_org_id
    WHERE u.region_code IS NOT NULL AND left("u"."region_code", $1::int) = $2::text
      AND ($3::text IS NULL
        OR ($4::text = 'org' AND c.mode IN ('own', 'joint', 'affiliated'))
        OR ($5::text = 'work' AND c.mode IN ('own', 'joint', 'affiliated', 'work'))
        OR ($6::text = 'none' AND c.mode IS NULL))
      AND ($7::text IS NULL OR (
  SELECT min(g.code) FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
  WHERE g.community_code = "u"."region_code" AND g.boundary && "u"."location"
    AND ST_Covers(g.boundary, "u"."location")) = $8::text)
    ORDER BY u.region_code, u.code
    LIMIT $9;

-- findUnifiedGridPlace
SELECT u.id::int AS id, u.code, u.community_code AS "communityCode", c.name AS "communityName",
      c.parent_code AS "streetCode", s.name AS "streetName", u.households::int AS households,
      u.population::int AS population, u.area_m2::float8 AS "areaM2", ST_AsGeoJSON(u.boundary, 7) AS geojson,
      json_build_array(round(ST_XMin(u.boundary)::numeric, 6), round(ST_YMin(u.boundary)::numeric, 6),
                       round(ST_XMax(u.boundary)::numeric, 6), round(ST_YMax(u.boundary)::numeric, 6)) AS bbox,
      p.points, p.residents AS "pointResidents", p.households AS "pointHouseholds"
    FROM unified_grids u
    JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions s ON s.code = c.parent_code
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS points, coalesce(sum(pp.residents), 0)::int AS residents,
             coalesce(sum(pp.households), 0)::int AS households
      FROM population_points pp
      WHERE pp.region_code = u.community_code AND ST_Intersects(u.boundary, pp.location)
    ) p
    WHERE u.code = $1 AND ($2::text IS NULL OR left(u.community_code, $3::int) = $4::text);

-- readPlaceCoverageVersion
SELECT string_agg(table_name || ':' || version, ',' ORDER BY table_name) AS version FROM data_versions
    WHERE table_name IN ('merge_runs', 'population_points', 'regions', 'service_centers', 'unified_grids');
