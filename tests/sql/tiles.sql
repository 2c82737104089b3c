-- findTileFeatures
SELECT * FROM (SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min, c_parent.households_min, c_grandparent.households_min,
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max, c_parent.households_max, c_grandparent.households_max,
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", tile_pixel_geojson(u.boundary, $1::float8, $2::float8, $3::float8, 4096, 64) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions c_parent ON c_parent.code = c.parent_code
    LEFT JOIN regions c_grandparent ON c_grandparent.code = c_parent.parent_code
    WHERE u.boundary && ST_Transform(ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, 3857), 4326) AND TRUE) r OFFSET 0) t WHERE t.geom IS NOT NULL;

SELECT * FROM (SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min, c_parent.households_min, c_grandparent.households_min,
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max, c_parent.households_max, c_grandparent.households_max,
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", tile_pixel_geojson(u.boundary, $1::float8, $2::float8, $3::float8, 4096, 64) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions c_parent ON c_parent.code = c.parent_code
    LEFT JOIN regions c_grandparent ON c_grandparent.code = c_parent.parent_code
    WHERE u.boundary && ST_Transform(ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, 3857), 4326) AND left(u.community_code, $8::int) = $9::text) r OFFSET 0) t WHERE t.geom IS NOT NULL;

-- postgisTileQuery
SELECT ST_AsMVT(t, $1::text, 4096, 'geom', 'fid') AS mvt
    FROM (SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min, c_parent.households_min, c_grandparent.households_min,
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max, c_parent.households_max, c_grandparent.households_max,
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", ST_AsMVTGeom(
      ST_Transform(u.boundary, 3857),
      ST_MakeEnvelope($2::float8, $3::float8, $4::float8, $5::float8, 3857)::box2d,
      4096, 64, true) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions c_parent ON c_parent.code = c.parent_code
    LEFT JOIN regions c_grandparent ON c_grandparent.code = c_parent.parent_code
    WHERE u.boundary && ST_Transform(ST_MakeEnvelope($6::float8, $7::float8, $8::float8, $9::float8, 3857), 4326) AND TRUE) r OFFSET 0) t WHERE t.geom IS NOT NULL;

SELECT ST_AsMVT(t, $1::text, 4096, 'geom', 'fid') AS mvt
    FROM (SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min, c_parent.households_min, c_grandparent.households_min,
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max, c_parent.households_max, c_grandparent.households_max,
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", ST_AsMVTGeom(
      ST_Transform(u.boundary, 3857),
      ST_MakeEnvelope($2::float8, $3::float8, $4::float8, $5::float8, 3857)::box2d,
      4096, 64, true) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions c_parent ON c_parent.code = c.parent_code
    LEFT JOIN regions c_grandparent ON c_grandparent.code = c_parent.parent_code
    WHERE u.boundary && ST_Transform(ST_MakeEnvelope($6::float8, $7::float8, $8::float8, $9::float8, 3857), 4326) AND left(u.community_code, $10::int) = $11::text) r OFFSET 0) t WHERE t.geom IS NOT NULL;
