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
    SELECT u.id AS fid, u.id, u.code, u.community_code AS "communityCode", c.name AS "communityName", round(u.area_m2)::int AS "areaM2",
           u.households, u.population, m.id::int AS version, ST_AsGeoJSON(u.boundary, 6) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    WHERE u.boundary && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326) AND TRUE) t ORDER BY t.fid LIMIT $5;

SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, u.community_code AS "communityCode", c.name AS "communityName", round(u.area_m2)::int AS "areaM2",
           u.households, u.population, m.id::int AS version, ST_AsGeoJSON(u.boundary, 6) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    WHERE u.boundary && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326) AND left(u.community_code, $5::int) = $6::text) t ORDER BY t.fid LIMIT $7;
