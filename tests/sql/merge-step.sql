-- buildFaces
DROP TABLE IF EXISTS "merge_community", "merge_piece", "merge_face", "merge_point", "merge_label", "merge_unified", "merge_outline_point";

CREATE TEMP TABLE merge_community AS
    SELECT code, name, geom, outline, core, ST_MakeValid(ST_Transform(core, 4326)) AS core4326, stored_outline
    FROM (
      SELECT code, name, geom, ST_Boundary(geom) AS outline, ST_Buffer(geom, -$1::float8) AS core, stored_outline
      FROM (SELECT code, name, ST_Transform(d.boundary, 32649) AS geom, ST_Boundary(d.boundary) AS stored_outline
            FROM (SELECT code, name, ST_Segmentize(boundary, $2::float8) AS boundary FROM regions WHERE code = ANY($3::text[])) d) c
    ) c;

SAVEPOINT merge_overlay;

CREATE TEMP TABLE merge_piece AS
    SELECT g.id AS grid_id, l.department, c.code AS community_code, g.community_code AS grid_community,
           ST_CollectionExtract(ST_Intersection(
             ST_MakeValid(ST_Snap(ST_MakeValid(ST_Transform(g.boundary, 32649)), c.outline, $1::float8)),
             c.geom), 3) AS geom
    FROM merge_community c
    JOIN grids g ON g.boundary && c.core4326 AND ST_Intersects(g.boundary, c.core4326)
    JOIN grid_layers l ON l.id = g.layer_id AND l.id = ANY($2::bigint[]);

SELECT to_regclass($1) IS NOT NULL AS found;

RELEASE SAVEPOINT merge_overlay;

UPDATE merge_piece p SET geom = ST_CollectionExtract(ST_MakeValid(ST_Snap(p.geom, b.lines, $1::float8)), 3)
    FROM (SELECT community_code, ST_Collect(ST_Boundary(geom) ORDER BY grid_id) AS lines FROM merge_piece WHERE department = $2 GROUP BY community_code) b
    WHERE p.department <> $3 AND b.community_code = p.community_code;

DELETE FROM merge_piece WHERE ST_IsEmpty(geom) OR ST_Area(geom) < 0.0001;

CREATE TEMP TABLE merge_face AS
    WITH lines AS (
      SELECT code AS community_code, 0::bigint AS grid_id, ST_Boundary(geom) AS line FROM merge_community
      UNION ALL
      SELECT community_code, grid_id, ST_Boundary(geom) FROM merge_piece
    ), noded AS (
      SELECT community_code, ST_UnaryUnion(ST_Collect(line ORDER BY grid_id), $1::float8) AS lines FROM lines GROUP BY community_code
    ), faces AS MATERIALIZED (
      SELECT community_code, n, geom, ST_Area(geom) AS area, ST_PointOnSurface(geom) AS inner_point
      FROM (SELECT p.community_code, d.path[1] AS n, d.geom
            FROM (SELECT community_code, ST_Polygonize(lines) AS polygons FROM noded GROUP BY community_code) p, ST_Dump(p.polygons) d) f
    )
    -- faces numbered in a fixed order: the grouping breaks ties by face
    SELECT (row_number() OVER (ORDER BY f.community_code, f.n))::int AS face_id, f.community_code, f.geom, f.area, ST_Perimeter(f.geom) AS perimeter, f.inner_point
    FROM faces f JOIN merge_community c ON c.code = f.community_code
    -- inside or outside (an enclave, float noise outside the boundary): by a point of the face, but
    -- a face so thin that the point lies within a millimetre of the boundary by the share of it
    -- inside instead, as the noded boundary may lie on either side of the drawn one (that overlay on
    -- the millimetre grid: a float one can throw on such a crumb, and PGlite then drops faces silently)
    WHERE f.area > 0 AND (ST_Intersects(c.core, f.inner_point)
                          OR ST_DWithin(c.outline, f.inner_point, $2::float8)
                             AND ST_Area(ST_Intersection(f.geom, c.geom, $3::float8)) >= f.area / 2);

SELECT c.code, coalesce(sum(f.area), 0) AS covered, ST_Area(c.geom) AS area
    FROM merge_community c LEFT JOIN merge_face f ON f.community_code = c.code
    GROUP BY c.code, c.geom HAVING abs(ST_Area(c.geom) - coalesce(sum(f.area), 0)) > $1::float8 * ST_Perimeter(c.geom) + 0.01;

CREATE INDEX ON merge_face (face_id);

CREATE INDEX ON merge_face USING gist (inner_point);

ANALYZE merge_face (face_id, community_code);

-- dropStepTables
DROP TABLE IF EXISTS "merge_community", "merge_piece", "merge_face", "merge_point", "merge_label", "merge_unified", "merge_outline_point";

-- findCommunityRings
SELECT string_agg(ST_AsBinary(d.geom), ''::bytea ORDER BY c.code, d.path) AS shapes
    FROM merge_community c CROSS JOIN LATERAL ST_Dump(c.geom) d;

-- findFaceGraph
SELECT (SELECT json_agg(code ORDER BY code) FROM (SELECT DISTINCT community_code AS code FROM merge_face) c)::text AS communities,
           string_agg(int4send(f.face_id) || int4send(f.part) || float8send(f.area) || float8send(f.perimeter)
                      || float8send(ST_X(f.inner_point)) || float8send(ST_Y(f.inner_point)) || int4send(f.households), ''::bytea ORDER BY f.face_id) AS figures,
           string_agg(ST_AsBinary(f.geom), ''::bytea ORDER BY f.face_id) AS shapes
    FROM (SELECT f.*, (dense_rank() OVER (ORDER BY f.community_code))::int - 1 AS part, 0 AS households FROM merge_face f ) f;

SELECT json_agg(json_build_array(p.department, p.grid_id, p.grid_community, f.ids))::text AS covers
    FROM merge_piece p
    CROSS JOIN LATERAL (
      SELECT array_agg(face_id) AS ids FROM merge_face f
      WHERE f.community_code = p.community_code AND f.inner_point && p.geom AND ST_Intersects(p.geom, f.inner_point)
    ) f
    WHERE f.ids IS NOT NULL;

CREATE TEMP TABLE merge_point AS
      SELECT households, ST_Transform(location, 32649) AS geom FROM population_points WHERE region_code = ANY($1::text[]);

CREATE INDEX ON merge_point USING gist (geom);

SELECT (SELECT json_agg(code ORDER BY code) FROM (SELECT DISTINCT community_code AS code FROM merge_face) c)::text AS communities,
           string_agg(int4send(f.face_id) || int4send(f.part) || float8send(f.area) || float8send(f.perimeter)
                      || float8send(ST_X(f.inner_point)) || float8send(ST_Y(f.inner_point)) || int4send(f.households), ''::bytea ORDER BY f.face_id) AS figures,
           string_agg(ST_AsBinary(f.geom), ''::bytea ORDER BY f.face_id) AS shapes
    FROM (SELECT f.*, (dense_rank() OVER (ORDER BY f.community_code))::int - 1 AS part, coalesce(h.households, 0) AS households FROM merge_face f LEFT JOIN LATERAL (SELECT sum(p.households)::int AS households FROM merge_point p WHERE p.geom && f.geom AND ST_Intersects(f.geom, p.geom)) h ON true) f;

-- findPieceHouseholds
SELECT DISTINCT g.id, g.households FROM merge_piece p JOIN grids g ON g.id = p.grid_id
    WHERE p.department = $1 AND g.households IS NOT NULL;

-- insertGridIssues
INSERT INTO merge_issues (merge_run_id, kind, community_code, department, area_m2, grid_ids, note, geom)
    SELECT $1::bigint, 'invalid_input', g.community_code, l.department, ST_Area(ST_Transform(ST_MakeValid(g.boundary), 32649)),
           ARRAY[g.id], coalesce(g.repair_note, ST_IsValidReason(g.boundary)) || ' (repaired with ST_MakeValid)', ST_MakeValid(g.boundary)
    FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.id = ANY($2::bigint[])
    -- repaired at import (the import stores the repaired shape), or stored invalid by other means
    WHERE g.community_code = ANY($3::text[]) AND (g.repair_note IS NOT NULL OR NOT ST_IsValid(g.boundary));

-- the districts read once, not their shapes fetched (and detoasted) for every grid: PGlite 2× faster
    WITH district AS MATERIALIZED (SELECT code, boundary FROM regions WHERE level = 'district'),
    -- the grids of these communities looked up first (the planner would go through every community)
    own AS MATERIALIZED (
      SELECT g.id, g.community_code, l.department, g.boundary FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.id = ANY($1::bigint[])
      WHERE g.community_code = ANY($2::text[])
    )
    INSERT INTO merge_issues (merge_run_id, kind, community_code, department, area_m2, grid_ids, note, geom)
    SELECT $3::bigint, kind, community_code, department, ST_Area(part), ARRAY[grid_id], note, ST_Multi(ST_Transform(part, 4326))
    FROM (
      SELECT 'crosses_boundary' AS kind, p.grid_community AS community_code, p.department, p.grid_id, '伸入相邻社区 ' || c.name AS note, p.geom AS part
      FROM merge_piece p JOIN merge_community c ON c.code = p.community_code
      WHERE p.grid_community <> p.community_code
      UNION ALL
      SELECT 'outside_region', g.community_code, g.department, g.id, '超出辖区范围',
             ST_CollectionExtract(ST_Difference(ST_MakeValid(ST_Transform(g.boundary, 32649)), ST_Transform(d.boundary, 32649), $4::float8), 3)
      FROM own g
      JOIN regions c ON c.code = g.community_code
      JOIN regions s ON s.code = c.parent_code
      -- ST_Covers, not ST_CoveredBy: PostGIS prepares the district once for all grids (6× faster)
      JOIN district d ON d.code = s.parent_code
      WHERE NOT ST_Covers(d.boundary, g.boundary)
    ) parts WHERE ST_Area(part) >= $5::float8;

-- insertIssuePieces
WITH piece AS MATERIALIZED (
      SELECT r.*, CASE WHEN cardinality(r.faces) = 1 THEN (SELECT f.geom FROM merge_face f WHERE f.face_id = r.faces[1])
                       ELSE ST_BuildArea(ST_GeomFromWKB(decode(r.outline, 'hex'), 32649)) END AS built
      FROM json_to_recordset($1::json)
        AS r(n int, kind text, community text, department text, grid_ids bigint[], area float8, faces int[], note text, outline text)
    ), shaped AS (
      SELECT p.*, CASE WHEN p.built IS NOT NULL AND NOT abs(ST_Area(p.built) - p.area) > $2::float8 * ST_Perimeter(p.built) + 0.01 THEN p.built
                       ELSE (SELECT ST_Union(f.geom, $3::float8) FROM merge_face f WHERE f.face_id = ANY(p.faces)) END AS geom
      FROM piece p
    ), stored AS (
      INSERT INTO merge_issues (merge_run_id, kind, community_code, department, area_m2, grid_ids, note, geom)
      SELECT $4::bigint, kind, community, department, area, grid_ids, note, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(geom, 4326)), 3))
      FROM shaped
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM stored;

-- insertRunGridIssues
INSERT INTO merge_issues (merge_run_id, kind, community_code, department, area_m2, grid_ids, note, geom)
    SELECT $1::bigint, 'outside_region', NULL, l.department, ST_Area(ST_Transform(g.boundary, 32649)), ARRAY[g.id], '不在辖区任何社区内', g.boundary
    FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.id = ANY($2::bigint[])
    WHERE g.community_code IS NULL
      AND NOT EXISTS (SELECT 1 FROM regions c WHERE c.level = 'community' AND c.boundary && g.boundary AND ST_Intersects(c.boundary, g.boundary));
