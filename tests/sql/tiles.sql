-- findTileFeatures
SELECT * FROM (SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min,
      (SELECT p.households_min FROM regions p WHERE p.code = c.parent_code),
      (SELECT g.households_min FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = c.parent_code),
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max,
      (SELECT p.households_max FROM regions p WHERE p.code = c.parent_code),
      (SELECT g.households_max FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = c.parent_code),
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", (
      SELECT CASE WHEN g IS NULL OR ST_IsEmpty(g) OR (ST_Dimension(g) = 2 AND ST_Area(g) = 0)
                    OR (ST_Dimension(a) > 0 AND ST_XMax(a) - ST_XMin(a) < 0.5 AND ST_YMax(a) - ST_YMin(a) < 0.5)
                  THEN NULL ELSE ST_AsGeoJSON(g, 0) END
      FROM (SELECT a, ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(ST_RemoveRepeatedPoints(ST_SnapToGrid(
                     -- snapping can leave a ring touching itself: repair before clipping, as GEOS's
                     -- rectangle clip throws on invalid input (and the embedded PostGIS then fails silently)
                     -- the box a hair wider than the buffer: a point on its edge stays, as in
                     -- ST_AsMVTGeom (PGlite's PostGIS 3.6 rectangle clip drops it; the snap below undoes the hair)
                     ST_ClipByBox2D(ST_MakeValid(ST_Simplify(ST_SnapToGrid(a, 1), 0)),
                       ST_MakeEnvelope(-64.001, -64.001, 4160.001, 4160.001)),
                     1))), ST_Dimension(u.boundary) + 1)) AS g
            FROM (SELECT ST_Affine(ST_Transform(u.boundary, 3857),
                    $1::float8, 0, 0, -$2::float8, -$3::float8, $4::float8) AS a) pixels
           ) tile_geometry) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    WHERE u.boundary && ST_Transform(ST_MakeEnvelope($5::float8, $6::float8, $7::float8, $8::float8, 3857), 4326) AND TRUE) r OFFSET 0) t WHERE t.geom IS NOT NULL;

SELECT * FROM (SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min,
      (SELECT p.households_min FROM regions p WHERE p.code = c.parent_code),
      (SELECT g.households_min FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = c.parent_code),
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max,
      (SELECT p.households_max FROM regions p WHERE p.code = c.parent_code),
      (SELECT g.households_max FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = c.parent_code),
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", (
      SELECT CASE WHEN g IS NULL OR ST_IsEmpty(g) OR (ST_Dimension(g) = 2 AND ST_Area(g) = 0)
                    OR (ST_Dimension(a) > 0 AND ST_XMax(a) - ST_XMin(a) < 0.5 AND ST_YMax(a) - ST_YMin(a) < 0.5)
                  THEN NULL ELSE ST_AsGeoJSON(g, 0) END
      FROM (SELECT a, ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(ST_RemoveRepeatedPoints(ST_SnapToGrid(
                     -- snapping can leave a ring touching itself: repair before clipping, as GEOS's
                     -- rectangle clip throws on invalid input (and the embedded PostGIS then fails silently)
                     -- the box a hair wider than the buffer: a point on its edge stays, as in
                     -- ST_AsMVTGeom (PGlite's PostGIS 3.6 rectangle clip drops it; the snap below undoes the hair)
                     ST_ClipByBox2D(ST_MakeValid(ST_Simplify(ST_SnapToGrid(a, 1), 0)),
                       ST_MakeEnvelope(-64.001, -64.001, 4160.001, 4160.001)),
                     1))), ST_Dimension(u.boundary) + 1)) AS g
            FROM (SELECT ST_Affine(ST_Transform(u.boundary, 3857),
                    $1::float8, 0, 0, -$2::float8, -$3::float8, $4::float8) AS a) pixels
           ) tile_geometry) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    WHERE u.boundary && ST_Transform(ST_MakeEnvelope($5::float8, $6::float8, $7::float8, $8::float8, 3857), 4326) AND left(u.community_code, $9::int) = $10::text) r OFFSET 0) t WHERE t.geom IS NOT NULL;

-- postgisTileQuery
SELECT ST_AsMVT(t, $1::text, 4096, 'geom', 'fid') AS mvt
    FROM (SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min,
      (SELECT p.households_min FROM regions p WHERE p.code = c.parent_code),
      (SELECT g.households_min FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = c.parent_code),
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max,
      (SELECT p.households_max FROM regions p WHERE p.code = c.parent_code),
      (SELECT g.households_max FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = c.parent_code),
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", ST_AsMVTGeom(
      ST_Transform(u.boundary, 3857),
      ST_MakeEnvelope($2::float8, $3::float8, $4::float8, $5::float8, 3857)::box2d,
      4096, 64, true) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    WHERE u.boundary && ST_Transform(ST_MakeEnvelope($6::float8, $7::float8, $8::float8, $9::float8, 3857), 4326) AND TRUE) r OFFSET 0) t WHERE t.geom IS NOT NULL;

SELECT ST_AsMVT(t, $1::text, 4096, 'geom', 'fid') AS mvt
    FROM (SELECT * FROM (
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           coalesce(u.households < coalesce(c.households_min,
      (SELECT p.households_min FROM regions p WHERE p.code = c.parent_code),
      (SELECT g.households_min FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = c.parent_code),
      CASE WHEN c.is_urban THEN 300 END) OR u.households > coalesce(c.households_max,
      (SELECT p.households_max FROM regions p WHERE p.code = c.parent_code),
      (SELECT g.households_max FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = c.parent_code),
      CASE WHEN c.is_urban THEN 500 END), false) AS "outsideNorm", ST_AsMVTGeom(
      ST_Transform(u.boundary, 3857),
      ST_MakeEnvelope($2::float8, $3::float8, $4::float8, $5::float8, 3857)::box2d,
      4096, 64, true) AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code
    WHERE u.boundary && ST_Transform(ST_MakeEnvelope($6::float8, $7::float8, $8::float8, $9::float8, 3857), 4326) AND left(u.community_code, $10::int) = $11::text) r OFFSET 0) t WHERE t.geom IS NOT NULL;
