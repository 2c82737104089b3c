-- buildFaces
DROP TABLE IF EXISTS "merge_community", "merge_piece", "merge_face", "merge_point", "merge_label", "merge_unified";

CREATE TEMP TABLE merge_community AS
    SELECT code, name, geom, outline, core, ST_Transform(core, 4326) AS core4326, stored_outline
    FROM (
      SELECT code, name, geom, ST_Boundary(geom) AS outline, ST_Buffer(geom, -$1::float8) AS core, stored_outline
      FROM (SELECT code, name, ST_Transform(d.boundary, 32649) AS geom, ST_Boundary(d.boundary) AS stored_outline
            FROM (SELECT code, name, ST_Segmentize(boundary, $2::float8) AS boundary FROM regions WHERE code = ANY($3::text[])) d) c
    ) c;

CREATE TEMP TABLE merge_piece AS
    SELECT g.id AS grid_id, l.department, c.code AS community_code, g.community_code AS grid_community,
           ST_CollectionExtract(ST_Intersection(
             ST_MakeValid(ST_Snap(ST_MakeValid(ST_Transform(g.boundary, 32649)), c.outline, $1::float8)), c.geom), 3) AS geom
    FROM merge_community c
    JOIN grids g ON g.boundary && c.core4326 AND ST_Intersects(g.boundary, c.core4326)
    JOIN grid_layers l ON l.id = g.layer_id AND l.id = ANY($2::bigint[]);

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
DROP TABLE IF EXISTS "merge_community", "merge_piece", "merge_face", "merge_point", "merge_label", "merge_unified";

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

-- insertUnifiedGrids
CREATE TEMP TABLE merge_label AS
    SELECT * FROM unnest($1::int[], $2::int[]) AS r("faceId", label);

CREATE INDEX ON merge_label ("faceId");

ANALYZE merge_label;

CREATE TEMP TABLE merge_unified AS
    -- materialized: each shape is transformed once, not once more for its validity
    WITH built AS MATERIALIZED (
      SELECT a.community_code, a.label, o.outline, g.geom, ST_Transform(g.geom, 4326) AS boundary, a.area, NULL::text AS code
      FROM (SELECT f.community_code, l.label, sum(f.area) AS area FROM merge_face f JOIN merge_label l ON l."faceId" = f.face_id GROUP BY f.community_code, l.label) a
      LEFT JOIN (
        SELECT community, label, ST_GeomFromWKB(decode(outline, 'hex'), 32649) AS outline
        FROM json_to_recordset($1::json) AS o(community text, label int, outline text)
      ) o ON o.community = a.community_code AND o.label = a.label
      CROSS JOIN LATERAL (SELECT ST_BuildArea(o.outline) AS geom) g
    )
    SELECT *, coalesce(ST_IsValid(boundary), false) AS valid FROM built;

SELECT count(*)::int AS n FROM merge_unified;

UPDATE merge_unified u SET geom = r.geom, boundary = ST_Transform(r.geom, 4326), valid = ST_IsValid(ST_Transform(r.geom, 4326))
    FROM (
      SELECT community_code, label, (SELECT CASE WHEN outline IS NOT NULL AND ST_IsValid(back) AND ST_IsValid(ST_Transform(back, 4326))
                   AND NOT abs(ST_Area(back) - ST_Area(rounded)) > $1::float8 * ST_Perimeter(back) + 0.01 THEN back ELSE rounded END
       FROM (SELECT ST_Snap(rounded, outline, $2::float8) AS back) b) AS geom
      FROM (SELECT community_code, label, outline, ST_BuildArea(ST_UnaryUnion(outline, $3::float8)) AS rounded FROM merge_unified
            WHERE outline IS NOT NULL AND geom IS NOT NULL AND NOT valid) b
    ) r
    WHERE u.community_code = r.community_code AND u.label = r.label;

WITH bad AS MATERIALIZED (
      SELECT community_code, label, outline FROM merge_unified
      WHERE geom IS NULL OR abs(ST_Area(geom) - area) > $1::float8 * ST_Perimeter(geom) + 0.01 OR NOT valid
    )
    UPDATE merge_unified u SET geom = r.geom, boundary = ST_Transform(r.geom, 4326), valid = ST_IsValid(ST_Transform(r.geom, 4326))
    FROM (
      SELECT community_code, label, (SELECT CASE WHEN outline IS NOT NULL AND ST_IsValid(back) AND ST_IsValid(ST_Transform(back, 4326))
                   AND NOT abs(ST_Area(back) - ST_Area(rounded)) > $2::float8 * ST_Perimeter(back) + 0.01 THEN back ELSE rounded END
       FROM (SELECT ST_Snap(rounded, outline, $3::float8) AS back) b) AS geom
      FROM (SELECT f.community_code, l.label, bad.outline, ST_Union(f.geom, $4::float8) AS rounded
            FROM bad JOIN merge_label l ON l.label = bad.label JOIN merge_face f ON f.face_id = l."faceId" AND f.community_code = bad.community_code
            GROUP BY f.community_code, l.label, bad.outline) b
    ) r
    WHERE u.community_code = r.community_code AND u.label = r.label;

ANALYZE merge_unified (community_code, label);

WITH previous AS MATERIALIZED (
      SELECT code, community_code, area_m2, ST_Transform(boundary, 32649) AS geom FROM unified_grids
      WHERE merge_run_id = $1::bigint AND community_code IN (SELECT code FROM merge_community)
    ), shared AS (
      -- one previous grid at a time against its community's faces: PostGIS then prepares its shape once
      SELECT p.community_code AS community, l.label, p.code, p.area_m2 AS previous_area, sum(f.area) AS shared
      FROM previous p
      CROSS JOIN LATERAL (SELECT face_id, area FROM merge_face f WHERE f.community_code = p.community_code AND ST_Intersects(p.geom, f.inner_point)) f
      JOIN merge_label l ON l."faceId" = f.face_id
      GROUP BY p.community_code, l.label, p.code, p.area_m2
    )
    SELECT s.community, s.label, s.code, s.shared / nullif(u.area + s.previous_area - s.shared, 0) AS iou
    FROM shared s JOIN merge_unified u ON u.community_code = s.community AND u.label = s.label;

SELECT community_code AS community, label, ST_Y(p) AS y, ST_X(p) AS x
    FROM (SELECT community_code, label, ST_Transform(ST_Centroid(ST_Envelope(geom)), 4326) AS p FROM merge_unified) u;

SELECT community_code AS community, max(substr(code, 13)::int) AS serial FROM unified_grids
    WHERE merge_run_id = $1::bigint AND community_code IN (SELECT code FROM merge_community) GROUP BY community_code;

UPDATE merge_unified u SET code = a.code
    FROM json_to_recordset($1::json) AS a(community text, label int, code text)
    WHERE u.community_code = a.community AND u.label = a.label;

-- materialized: a subquery's shape would be recomputed for every point it is tested against
    WITH r AS MATERIALIZED (
      SELECT u.code, u.community_code, u.area, ST_Multi(CASE WHEN u.valid THEN u.boundary ELSE ST_CollectionExtract(ST_MakeValid(u.boundary), 3) END) AS boundary,
             c.stored_outline
      FROM merge_unified u JOIN merge_community c ON c.code = u.community_code
    ), s AS MATERIALIZED (
      -- back in EPSG:4326, the vertices along the community boundary are put exactly on its densified
      -- vertices (there they were, to the millimetre): its edges and the grids' then coincide as stored.
      -- Vertex onto vertex only: ST_Snap also inserts a reference vertex into any edge of the shape
      -- within the tolerance of it, unless the shape has that vertex already, so two grids sharing an
      -- edge a hair from a boundary vertex part there (see storedCorners)
      SELECT r.*, ST_Multi(coalesce(ST_Snap(r.boundary, (SELECT ST_Collect(p.geom) FROM ST_DumpPoints(r.stored_outline) p,
         (SELECT ST_Points(r.boundary) AS corners, ST_Expand(r.boundary, $1::float8) AS box) v
       WHERE p.geom && v.box AND ST_DWithin(p.geom, v.corners, $2::float8)), $3::float8), r.boundary)) AS snapped
      FROM r
    ), u AS MATERIALIZED (
      -- a snap that leaves the shape invalid (two vertices within the tolerance of one boundary vertex
      -- make a spike) is repaired, not dropped: the shape as transformed lies up to a millimetre off the
      -- boundary all along it and overlaps the neighbouring community's grids by that much (0.023 m² in
      -- three communities of the household-balanced demo). Repair adds no part: where it cuts the spike
      -- off as a part of its own (a 13 mm² triangle touching the grid at one point, in one urban grid of
      -- that demo on server PostGIS) only the shape's own parts, the largest, are kept; the spike's
      -- sliver of area is left out. Only if repair changes the area (by more than a millionth) does the
      -- unsnapped shape stay.
      SELECT code, community_code, area,
             CASE WHEN ST_IsValid(snapped) THEN snapped
                  ELSE (SELECT CASE WHEN ST_IsValid(r.shape) AND NOT ST_IsEmpty(r.shape)
                                         AND abs(ST_Area(r.shape) - ST_Area(s.boundary)) <= 1e-6 * ST_Area(s.boundary)
                                    THEN r.shape ELSE s.boundary END
                        FROM (SELECT ST_Multi(ST_Collect(p.geom)) AS shape
                              FROM (SELECT d.geom, row_number() OVER (ORDER BY ST_Area(d.geom) DESC) AS n
                                    FROM ST_Dump(ST_CollectionExtract(ST_MakeValid(snapped), 3)) d) p
                              WHERE p.n <= ST_NumGeometries(s.boundary)) r) END AS boundary
      FROM s
    ), inserted AS (
      INSERT INTO unified_grids (merge_run_id, code, community_code, area_m2, households, population, boundary)
      SELECT $4::bigint, u.code, u.community_code, u.area, coalesce(h.households, 0), coalesce(h.residents, 0), u.boundary
      FROM u

      LEFT JOIN LATERAL (
        SELECT sum(p.households)::int AS households, sum(p.residents)::int AS residents
        FROM population_points p WHERE p.location && u.boundary AND ST_Intersects(u.boundary, p.location) AND p.region_code = u.community_code
      ) h ON true
      RETURNING id, code, area_m2
    ), mapped AS (
      INSERT INTO unified_grid_sources (unified_grid_id, grid_id, overlap_m2, share)
      SELECT i.id, s."gridId", s."overlapM2", least(1, s."overlapM2" / nullif(i.area_m2, 0))
      FROM unnest($5::text[], $6::int[],
                  $7::bigint[], $8::float8[]) AS s(community, label, "gridId", "overlapM2")
      JOIN merge_unified mu ON mu.community_code = s.community AND mu.label = s.label
      JOIN inserted i ON i.code = mu.code
    )
    SELECT count(*)::int AS n FROM inserted;

-- materialized: a subquery's shape would be recomputed for every point it is tested against
    WITH r AS MATERIALIZED (
      SELECT u.code, u.community_code, u.area, ST_Multi(CASE WHEN u.valid THEN u.boundary ELSE ST_CollectionExtract(ST_MakeValid(u.boundary), 3) END) AS boundary,
             c.stored_outline
      FROM merge_unified u JOIN merge_community c ON c.code = u.community_code
    ), s AS MATERIALIZED (
      -- back in EPSG:4326, the vertices along the community boundary are put exactly on its densified
      -- vertices (there they were, to the millimetre): its edges and the grids' then coincide as stored.
      -- Vertex onto vertex only: ST_Snap also inserts a reference vertex into any edge of the shape
      -- within the tolerance of it, unless the shape has that vertex already, so two grids sharing an
      -- edge a hair from a boundary vertex part there (see storedCorners)
      SELECT r.*, ST_Multi(coalesce(ST_Snap(r.boundary, (SELECT ST_Collect(p.geom) FROM ST_DumpPoints(r.stored_outline) p,
         (SELECT ST_Points(r.boundary) AS corners, ST_Expand(r.boundary, $1::float8) AS box) v
       WHERE p.geom && v.box AND ST_DWithin(p.geom, v.corners, $2::float8)), $3::float8), r.boundary)) AS snapped
      FROM r
    ), u AS MATERIALIZED (
      -- a snap that leaves the shape invalid (two vertices within the tolerance of one boundary vertex
      -- make a spike) is repaired, not dropped: the shape as transformed lies up to a millimetre off the
      -- boundary all along it and overlaps the neighbouring community's grids by that much (0.023 m² in
      -- three communities of the household-balanced demo). Repair adds no part: where it cuts the spike
      -- off as a part of its own (a 13 mm² triangle touching the grid at one point, in one urban grid of
      -- that demo on server PostGIS) only the shape's own parts, the largest, are kept; the spike's
      -- sliver of area is left out. Only if repair changes the area (by more than a millionth) does the
      -- unsnapped shape stay.
      SELECT code, community_code, area,
             CASE WHEN ST_IsValid(snapped) THEN snapped
                  ELSE (SELECT CASE WHEN ST_IsValid(r.shape) AND NOT ST_IsEmpty(r.shape)
                                         AND abs(ST_Area(r.shape) - ST_Area(s.boundary)) <= 1e-6 * ST_Area(s.boundary)
                                    THEN r.shape ELSE s.boundary END
                        FROM (SELECT ST_Multi(ST_Collect(p.geom)) AS shape
                              FROM (SELECT d.geom, row_number() OVER (ORDER BY ST_Area(d.geom) DESC) AS n
                                    FROM ST_Dump(ST_CollectionExtract(ST_MakeValid(snapped), 3)) d) p
                              WHERE p.n <= ST_NumGeometries(s.boundary)) r) END AS boundary
      FROM s
    ), inserted AS (
      INSERT INTO unified_grids (merge_run_id, code, community_code, area_m2, households, population, boundary)
      SELECT $4::bigint, u.code, u.community_code, u.area, coalesce(l.households, 0), coalesce(h.residents, 0), u.boundary
      FROM u
      LEFT JOIN (
        SELECT mu.code, l.households FROM merge_unified mu
        JOIN unnest($5::text[], $6::int[],
                    $7::int[]) AS l(community, label, households)
          ON l.community = mu.community_code AND l.label = mu.label
      ) l ON l.code = u.code
      LEFT JOIN LATERAL (
        SELECT sum(p.households)::int AS households, sum(p.residents)::int AS residents
        FROM population_points p WHERE p.location && u.boundary AND ST_Intersects(u.boundary, p.location) AND p.region_code = u.community_code
      ) h ON true
      RETURNING id, code, area_m2
    ), mapped AS (
      INSERT INTO unified_grid_sources (unified_grid_id, grid_id, overlap_m2, share)
      SELECT i.id, s."gridId", s."overlapM2", least(1, s."overlapM2" / nullif(i.area_m2, 0))
      FROM unnest($8::text[], $9::int[],
                  $10::bigint[], $11::float8[]) AS s(community, label, "gridId", "overlapM2")
      JOIN merge_unified mu ON mu.community_code = s.community AND mu.label = s.label
      JOIN inserted i ON i.code = mu.code
    )
    SELECT count(*)::int AS n FROM inserted;
