// SQL of the 多网合一 merge. A run works community by community in short transactions: the grids of
// the selected layers are cut to each community, repaired and snapped in a metric CRS, their
// boundaries noded and polygonized into faces (the common refinement), and every face attributed
// to the grid each department has there. A step runs in one transaction, on a pooled connection
// (server PostGIS) or on an embedded engine (PGlite, see services/merge/merge-engine.ts); its temp tables
// are dropped when the step ends, when the next one starts, and when a run fails.
import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely'
import type { Tables } from '../tables.ts'
import type { Face, GridCover, IssuePiece } from '../merge-graph.ts'
import { readPolygonSequence } from '../wkb.ts'
import { GRID_SIZE_M, overlayWithFallback, reachesCore } from '../merge-overlay.ts'

type Db = Kysely<Tables> | Transaction<Tables>

/**
 * The longest edge of a community boundary taken into the metric frame, in degrees (about 11 m):
 * ST_Segmentize splits only the edges longer than that. An edge straight in lon/lat and its UTM chord
 * part by the square of its length (0.15 mm at 0.001°, 1.5 µm at 0.0001° at the demo's latitude), and
 * a vertex the millimetre noding left up to 0.7 mm off the boundary and that settleOnBoundary puts
 * back on the chord stays that near the stored edge. Coarser steps put grids over each other beyond the
 * tiling check's overlap limit (issue 19; the merge bench prints the tiling figures).
 */
const STORED_EDGE_STEP_DEGREES = 0.0001

/**
 * Whether a shape's area is off the area it should have by more than a millimetre along its outline:
 * the one tolerance for everything noded on the millimetre grid (faces of a community, a unified grid
 * or an issue built from its outline).
 */
export const areaIsOff = (shape: RawBuilder<unknown>, expected: RawBuilder<unknown>) =>
  sql<boolean>`abs(ST_Area(${shape}) - ${expected}) > ${GRID_SIZE_M}::float8 * ST_Perimeter(${shape}) + 0.01`

const stepTables = [
  'merge_community',
  'merge_piece',
  'merge_face',
  'merge_point',
  'merge_label',
  'merge_unified',
  'merge_outline_point',
]

/** Drops the temp tables a step leaves behind (before a step, and when a run ends). */
export async function dropStepTables(db: Db): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${sql.join(stepTables.map((t) => sql.id(t)))}`.execute(db)
}

export interface StepOptions {
  runId: number
  communities: string[]
  layerIds: number[]
  srid: number
  snapM: number
  baseDepartment: string
  /** households per face are needed by the household-balanced strategy only */
  withHouseholds: boolean
}

/** Cuts grids to the communities, nodes and polygonizes them into faces, attributes the faces. */
export async function buildFaces(trx: Db, o: StepOptions): Promise<void> {
  const srid = sql.lit(o.srid)
  await dropStepTables(trx)
  // The boundary densified in EPSG:4326 before it goes to the metric frame: an edge kilometres long
  // is straight in lon/lat as stored but not in UTM, where the two part by metres in the middle;
  // with a vertex every 0.00005° (about 5 m) they coincide to micrometres (see
  // merge-unified.repository insertUnifiedGrids for the way back). stored_outline: that densified
  // boundary as stored.
  await sql`
    CREATE TEMP TABLE merge_community AS
    SELECT code, name, geom, outline, core, ST_MakeValid(ST_Transform(core, 4326)) AS core4326, stored_outline
    FROM (
      SELECT code, name, geom, ST_Boundary(geom) AS outline, ST_Buffer(geom, -${GRID_SIZE_M}::float8) AS core, stored_outline
      FROM (SELECT code, name, ST_Transform(d.boundary, ${srid}) AS geom, ST_Boundary(d.boundary) AS stored_outline
            FROM (SELECT code, name, ST_Segmentize(boundary, ${STORED_EDGE_STEP_DEGREES}::float8) AS boundary FROM regions WHERE code = ANY(${o.communities}::text[])) d) c
    ) c`.execute(trx)
  // Each grid reaching more than a millimetre into the community (not the neighbours' grids that
  // merely touch it), repaired (ST_MakeValid before any overlay: PGlite would fail silently otherwise),
  // its vertices snapped onto the community boundary where within tolerance, and cut to the community.
  // A float overlay: where GEOS throws on it, again with the community repaired, on the millimetre grid,
  // and the grids reaching in found by such an overlay too (see reachesCore).
  await overlayWithFallback(
    trx,
    (robust) =>
      sql`
    CREATE TEMP TABLE merge_piece AS
    SELECT g.id AS grid_id, l.department, c.code AS community_code, g.community_code AS grid_community,
           ST_CollectionExtract(ST_Intersection(
             ST_MakeValid(ST_Snap(ST_MakeValid(ST_Transform(g.boundary, ${srid})), c.outline, ${o.snapM}::float8)),
             ${robust ? sql`ST_MakeValid(c.geom), ${GRID_SIZE_M}::float8` : sql`c.geom`}), 3) AS geom
    FROM merge_community c
    JOIN grids g ON g.boundary && c.core4326 AND ${reachesCore(sql`g.boundary`, { core4326: sql`c.core4326`, core: sql`c.core` }, o.srid, robust)}
    JOIN grid_layers l ON l.id = g.layer_id AND l.id = ANY(${o.layerIds}::bigint[])`.execute(trx),
    'merge_piece',
  )
  // Then the other departments' edges snap onto the base department's where within tolerance, so
  // that boundaries drawn "the same" by two departments become one line instead of a sliver. Lines
  // are collected in grid order here and below: snapping and noding depend on the order of their
  // input, and the same grids must give the same unified grid whatever order a scan returns them in. Not cut
  // to the community again: where a snapped edge strays a hair outside it (at a concave corner),
  // the faces it makes there lie outside and are dropped with the others.
  await sql`
    UPDATE merge_piece p SET geom = ST_CollectionExtract(ST_MakeValid(ST_Snap(p.geom, b.lines, ${o.snapM}::float8)), 3)
    FROM (SELECT community_code, ST_Collect(ST_Boundary(geom) ORDER BY grid_id) AS lines FROM merge_piece WHERE department = ${o.baseDepartment} GROUP BY community_code) b
    WHERE p.department <> ${o.baseDepartment} AND b.community_code = p.community_code`.execute(trx)
  await sql`DELETE FROM merge_piece WHERE ST_IsEmpty(geom) OR ST_Area(geom) < 0.0001`.execute(trx)
  // The common refinement: all boundaries as one set of linework, noded by snap-rounding on the
  // millimetre grid and polygonized into faces. Snap-rounding, not rounding the vertices first:
  // the same boundary cut out of several grids differs by float noise, and rounded vertices turn
  // that noise into zigzags that cross each other (on the demo, 40 % of the faces were crumbs
  // under 0.1 m²); snap-rounding collapses them onto one line. Unified grids therefore follow the
  // community boundary to within a millimetre.
  await sql`
    CREATE TEMP TABLE merge_face AS
    WITH lines AS (
      SELECT code AS community_code, 0::bigint AS grid_id, ST_Boundary(geom) AS line FROM merge_community
      UNION ALL
      SELECT community_code, grid_id, ST_Boundary(geom) FROM merge_piece
    ), noded AS (
      SELECT community_code, ST_UnaryUnion(ST_Collect(line ORDER BY grid_id), ${GRID_SIZE_M}::float8) AS lines FROM lines GROUP BY community_code
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
                          OR ST_DWithin(c.outline, f.inner_point, ${GRID_SIZE_M}::float8)
                             AND ST_Area(ST_Intersection(f.geom, c.geom, ${GRID_SIZE_M}::float8)) >= f.area / 2)`.execute(
    trx,
  )
  // The faces must tile each community, to the millimetre grid along its boundary. A GEOS failure
  // that the embedded PostGIS swallows would leave faces missing; it must stop the run instead of
  // producing a wrong unified grid.
  const { rows: broken } = await sql<{ code: string; covered: number; area: number }>`
    SELECT c.code, coalesce(sum(f.area), 0) AS covered, ST_Area(c.geom) AS area
    FROM merge_community c LEFT JOIN merge_face f ON f.community_code = c.code
    GROUP BY c.code, c.geom HAVING ${areaIsOff(sql`c.geom`, sql`coalesce(sum(f.area), 0)`)}`.execute(trx)
  if (broken.length > 0) {
    const [first] = broken
    throw new Error(
      `The overlay of community ${first.code} failed: its faces cover ${first.covered.toFixed(1)} of ${first.area.toFixed(1)} m² (${broken.length} community(ies) affected)`,
    )
  }
  // temp tables have no statistics until analysed: without them the planner picks nested loops (the
  // key columns only: statistics of the shapes take longer to gather than they help)
  await sql`CREATE INDEX ON merge_face (face_id)`.execute(trx)
  await sql`CREATE INDEX ON merge_face USING gist (inner_point)`.execute(trx)
  await sql`ANALYZE merge_face (face_id, community_code)`.execute(trx)
}

/**
 * Faces with their households and the base department's grid, their shapes (rings of flat x, y
 * pairs, in face order, for the step's face mesh), and which grids cover each face.
 */
export async function findFaceGraph(
  trx: Db,
  o: StepOptions,
): Promise<{ faces: (Face & { communityCode: string })[]; shapes: Float64Array[][]; covers: GridCover[] }> {
  if (o.withHouseholds) {
    await sql`
      CREATE TEMP TABLE merge_point AS
      SELECT households, ST_Transform(location, ${sql.lit(o.srid)}) AS geom FROM population_points WHERE region_code = ANY(${o.communities}::text[])`.execute(
      trx,
    )
    await sql`CREATE INDEX ON merge_point USING gist (geom)`.execute(trx)
  }
  // households per face: the points inside it, found through the index of the step's points
  const withHouseholds = o.withHouseholds
    ? sql`LEFT JOIN LATERAL (SELECT sum(p.households)::int AS households FROM merge_point p WHERE p.geom && f.geom AND ST_Intersects(f.geom, p.geom)) h ON true`
    : sql``
  const households = o.withHouseholds ? sql`coalesce(h.households, 0)` : sql`0`
  // one row per statement, not a row per face (the embedded driver parses rows in JavaScript): the
  // faces' figures as one bytea of fixed-size binary records (no number printed and parsed again),
  // their shapes as one bytea of WKBs end to end, both in face order; the communities by number
  const {
    rows: [faceRow],
  } = await sql<{ communities: string | null; figures: Uint8Array | null; shapes: Uint8Array | null }>`
    SELECT (SELECT json_agg(code ORDER BY code) FROM (SELECT DISTINCT community_code AS code FROM merge_face) c)::text AS communities,
           string_agg(int4send(f.face_id) || int4send(f.part) || float8send(f.area) || float8send(f.perimeter)
                      || float8send(ST_X(f.inner_point)) || float8send(ST_Y(f.inner_point)) || int4send(f.households), ''::bytea ORDER BY f.face_id) AS figures,
           string_agg(ST_AsBinary(f.geom), ''::bytea ORDER BY f.face_id) AS shapes
    FROM (SELECT f.*, (dense_rank() OVER (ORDER BY f.community_code))::int - 1 AS part, ${households} AS households FROM merge_face f ${withHouseholds}) f`.execute(
    trx,
  )
  // the faces each grid covers: piece by piece against the faces' points (PostGIS prepares each
  // piece once), with the community the grid belongs to
  const {
    rows: [coverRow],
  } = await sql<{ covers: string | null }>`
    SELECT json_agg(json_build_array(p.department, p.grid_id, p.grid_community, f.ids))::text AS covers
    FROM merge_piece p
    CROSS JOIN LATERAL (
      SELECT array_agg(face_id) AS ids FROM merge_face f
      WHERE f.community_code = p.community_code AND f.inner_point && p.geom AND ST_Intersects(p.geom, f.inner_point)
    ) f
    WHERE f.ids IS NOT NULL`.execute(trx)
  const covers = (JSON.parse(coverRow?.covers ?? '[]') as [string, number, string | null, number[]][]).map(
    ([department, gridId, gridCommunity, faceIds]) => ({ department, gridId: Number(gridId), gridCommunity, faceIds }),
  )
  const faces = readFaceFigures(
    faceRow?.figures ?? new Uint8Array(),
    JSON.parse(faceRow?.communities ?? '[]') as string[],
  )
  // the base department's grid of the face's own community: where a grid of a neighbouring community
  // reaches across the boundary, that part is absorbed like a gap (and reported as crossing)
  const communityOf = new Map(faces.map(({ id, communityCode }) => [id, communityCode]))
  const baseOf = new Map<number, number>()
  for (const { department, gridId, gridCommunity, faceIds } of covers) {
    if (department !== o.baseDepartment) continue
    for (const faceId of faceIds) {
      if (gridCommunity !== communityOf.get(faceId)) continue
      const current = baseOf.get(faceId)
      if (current === undefined || gridId < current) baseOf.set(faceId, gridId)
    }
  }
  for (const face of faces) face.baseGridId = baseOf.get(face.id) ?? null
  const shapes = faceRow?.shapes ? readPolygonSequence(faceRow.shapes) : []
  return { faces, shapes, covers }
}

/**
 * The step's community boundaries in the metric frame, densified as they went there: their rings as
 * flat x, y pairs.
 */
export async function findCommunityRings(trx: Db): Promise<Float64Array[]> {
  const {
    rows: [row],
  } = await sql<{ shapes: Uint8Array | null }>`
    SELECT string_agg(ST_AsBinary(d.geom), ''::bytea ORDER BY c.code, d.path) AS shapes
    FROM merge_community c CROSS JOIN LATERAL ST_Dump(c.geom) d`.execute(trx)
  return row?.shapes ? readPolygonSequence(row.shapes).flat() : []
}

/** The households (户数) of the department's grids cut into the step's communities, by grid id. */
export async function findPieceHouseholds(trx: Db, department: string): Promise<Map<number, number>> {
  const { rows } = await sql<{ id: number; households: number }>`
    SELECT DISTINCT g.id, g.households FROM merge_piece p JOIN grids g ON g.id = p.grid_id
    WHERE p.department = ${department} AND g.households IS NOT NULL`.execute(trx)
  return new Map(rows.map((r) => [Number(r.id), Number(r.households)]))
}

/** Bytes of a face's figures: id and community number (int4), area, perimeter, x, y (float8), households (int4). */
const FACE_RECORD_BYTES = 4 + 4 + 4 * 8 + 4

/** The faces' figures from their binary records (PostgreSQL's binary send format: big-endian). */
function readFaceFigures(bytes: Uint8Array, communities: string[]): (Face & { communityCode: string })[] {
  if (bytes.byteLength % FACE_RECORD_BYTES !== 0)
    throw new Error(`The faces' figures are ${bytes.byteLength} bytes, not whole records of ${FACE_RECORD_BYTES}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Array.from({ length: bytes.byteLength / FACE_RECORD_BYTES }, (_, n) => {
    const at = n * FACE_RECORD_BYTES
    return {
      id: view.getInt32(at),
      communityCode: communities[view.getInt32(at + 4)],
      areaM2: view.getFloat64(at + 8),
      perimeterM: view.getFloat64(at + 16),
      x: view.getFloat64(at + 24),
      y: view.getFloat64(at + 32),
      households: view.getInt32(at + 40),
      baseGridId: null as number | null,
    }
  })
}

/** Outlines travel in JSON as hex WKB (PostGIS reads it without parsing a number's text). */
export const hex = (wkb: Uint8Array | null) =>
  wkb ? Buffer.from(wkb.buffer, wkb.byteOffset, wkb.byteLength).toString('hex') : null

/**
 * Stores the gap, overlap and sliver pieces found on the face graph. A piece of one face takes that
 * face's shape as it is; a piece of several is built from its outline, or, where that does not give
 * back its faces' area, unioned from them.
 */
export async function insertIssuePieces(
  trx: Db,
  runId: number,
  pieces: (IssuePiece & { communityCode: string; outline: Uint8Array | null })[],
  srid: number,
): Promise<void> {
  if (pieces.length === 0) return
  const rows = pieces.map((p, n) => ({
    n,
    kind: p.kind,
    community: p.communityCode,
    department: p.department,
    grid_ids: p.gridIds,
    area: p.areaM2,
    faces: p.faceIds,
    note: p.note ?? null,
    outline: hex(p.outline),
  }))
  const {
    rows: [inserted],
  } = await sql<{ n: number }>`
    WITH piece AS MATERIALIZED (
      SELECT r.*, CASE WHEN cardinality(r.faces) = 1 THEN (SELECT f.geom FROM merge_face f WHERE f.face_id = r.faces[1])
                       ELSE ST_BuildArea(ST_GeomFromWKB(decode(r.outline, 'hex'), ${sql.lit(srid)})) END AS built
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS r(n int, kind text, community text, department text, grid_ids bigint[], area float8, faces int[], note text, outline text)
    ), shaped AS (
      SELECT p.*, CASE WHEN p.built IS NOT NULL AND NOT ${areaIsOff(sql`p.built`, sql`p.area`)} THEN p.built
                       ELSE (SELECT ST_Union(f.geom, ${GRID_SIZE_M}::float8) FROM merge_face f WHERE f.face_id = ANY(p.faces)) END AS geom
      FROM piece p
    ), stored AS (
      INSERT INTO merge_issues (merge_run_id, kind, community_code, department, area_m2, grid_ids, note, geom)
      SELECT ${runId}::bigint, kind, community, department, area, grid_ids, note, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(geom, 4326)), 3))
      FROM shaped
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM stored`.execute(trx)
  // the embedded PostGIS answers a GEOS failure with no rows: missing issues must fail the run
  if (inserted?.n !== pieces.length)
    throw new Error(`Stored ${inserted?.n ?? 0} of ${pieces.length} gap, overlap and sliver issues`)
}

/**
 * Grid-level issues: invalid input (repaired at import, or stored invalid) and parts outside the district altogether, of the grids
 * assigned to these communities; and the parts of grids that reach into one of these communities from
 * a neighbouring one, one issue per grid and community reached (its piece as the merge cut it).
 */
export async function insertGridIssues(trx: Db, runId: number, o: StepOptions, minAreaM2: number): Promise<void> {
  const srid = sql.lit(o.srid)
  await sql`
    INSERT INTO merge_issues (merge_run_id, kind, community_code, department, area_m2, grid_ids, note, geom)
    SELECT ${runId}::bigint, 'invalid_input', g.community_code, l.department, ST_Area(ST_Transform(ST_MakeValid(g.boundary), ${srid})),
           ARRAY[g.id], coalesce(g.repair_note, ST_IsValidReason(g.boundary)) || ' (repaired with ST_MakeValid)', ST_MakeValid(g.boundary)
    FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.id = ANY(${o.layerIds}::bigint[])
    -- repaired at import (the import stores the repaired shape), or stored invalid by other means
    WHERE g.community_code = ANY(${o.communities}::text[]) AND (g.repair_note IS NOT NULL OR NOT ST_IsValid(g.boundary))`.execute(
    trx,
  )
  await sql`
    -- the districts read once, not their shapes fetched (and detoasted) for every grid: PGlite 2× faster
    WITH district AS MATERIALIZED (SELECT code, boundary FROM regions WHERE level = 'district'),
    -- the grids of these communities looked up first (the planner would go through every community)
    own AS MATERIALIZED (
      SELECT g.id, g.community_code, l.department, g.boundary FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.id = ANY(${o.layerIds}::bigint[])
      WHERE g.community_code = ANY(${o.communities}::text[])
    )
    INSERT INTO merge_issues (merge_run_id, kind, community_code, department, area_m2, grid_ids, note, geom)
    SELECT ${runId}::bigint, kind, community_code, department, ST_Area(part), ARRAY[grid_id], note, ST_Multi(ST_Transform(part, 4326))
    FROM (
      SELECT 'crosses_boundary' AS kind, p.grid_community AS community_code, p.department, p.grid_id, '伸入相邻社区 ' || c.name AS note, p.geom AS part
      FROM merge_piece p JOIN merge_community c ON c.code = p.community_code
      WHERE p.grid_community <> p.community_code
      UNION ALL
      SELECT 'outside_region', g.community_code, g.department, g.id, '超出辖区范围',
             ST_CollectionExtract(ST_Difference(ST_MakeValid(ST_Transform(g.boundary, ${srid})), ST_Transform(d.boundary, ${srid}), ${GRID_SIZE_M}::float8), 3)
      FROM own g
      JOIN regions c ON c.code = g.community_code
      JOIN regions s ON s.code = c.parent_code
      -- ST_Covers, not ST_CoveredBy: PostGIS prepares the district once for all grids (6× faster)
      JOIN district d ON d.code = s.parent_code
      WHERE NOT ST_Covers(d.boundary, g.boundary)
    ) parts WHERE ST_Area(part) >= ${minAreaM2}::float8`.execute(trx)
}

/**
 * Issues of whole grids, once a run: the grids of the merged layers that lie in no community at all
 * (drawn outside the district: no step sees them).
 */
export async function insertRunGridIssues(db: Db, runId: number, layerIds: number[], srid: number): Promise<void> {
  await sql`
    INSERT INTO merge_issues (merge_run_id, kind, community_code, department, area_m2, grid_ids, note, geom)
    SELECT ${runId}::bigint, 'outside_region', NULL, l.department, ST_Area(ST_Transform(g.boundary, ${sql.lit(srid)})), ARRAY[g.id], '不在辖区任何社区内', g.boundary
    FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.id = ANY(${layerIds}::bigint[])
    WHERE g.community_code IS NULL
      AND NOT EXISTS (SELECT 1 FROM regions c WHERE c.level = 'community' AND c.boundary && g.boundary AND ST_Intersects(c.boundary, g.boundary))`.execute(
    db,
  )
}
