-- findActiveDepartmentLayers
select "l"."department", "d"."name", "d"."color", "l"."version" from "grid_layers" as "l" inner join "departments" as "d" on "d"."code" = "l"."department" where "l"."is_active" = $1 order by "d"."sort_order";

-- findDataBounds
SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
    FROM (SELECT ST_Extent(boundary)::geometry AS b FROM regions WHERE level IN ('district', 'street')) t;

-- findFeaturesInBbox
SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min,
      (SELECT p.households_min FROM regions p WHERE p.code = c.parent_code),
      (SELECT g.households_min FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = c.parent_code),
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max,
      (SELECT p.households_max FROM regions p WHERE p.code = c.parent_code),
      (SELECT g.households_max FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = c.parent_code),
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", ST_AsGeoJSON(u.boundary, 6) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    WHERE u.boundary && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326)) t ORDER BY t.fid LIMIT $5;

-- findPublishedRun
select id::int as "version", to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "publishedAt" from "merge_runs" where "is_published" = $1;
