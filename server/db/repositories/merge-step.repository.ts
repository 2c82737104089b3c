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

type Db = Kysely<Tables> | Transaction<Tables>

/**
 * Overlays of shapes that share nearly-identical edges (two versions of a grid, a grid and its
 * community) run with GEOS's fixed-precision mode at 1 mm: snap-rounding makes them robust where
 * floating-point overlay can throw (and the embedded PostGIS would then fail silently).
 */
export const GRID_SIZE_M = 0.001

/**
 * Whether a shape's area is off the area it should have by more than a millimetre along its outline:
 * the one tolerance for everything noded on the millimetre grid (faces of a community, a unified grid
 * or an issue built from its outline).
 */
/**
 * The longest edge of a community boundary taken into the metric frame, in degrees (about 11 m):
 * ST_Segmentize splits only the edges longer than that. An edge straight in lon/lat and its UTM chord
 * part by the square of its length (0.15 mm at 0.001°, 1.5 µm at 0.0001° at the demo's latitude), and
 * a vertex the millimetre noding left up to 0.7 mm off the boundary and that settleOnBoundary puts
 * back on the chord stays that near the stored edge. Measured on the ×1 demo, server PostGIS, both
 * strategies (issue 19): at 0.0001° the largest overlap between grids is 0.0051 m² (limit 0.01); at
 * 0.0002° and 0.0005° up to 0.027–0.040 m², over the limit in 3 to 13 communities. (0.00005° had
 * been chosen when a snapped shape left invalid was dropped for the unsnapped one, see
 * insertUnifiedGrids: that, not the step, put grids 0.023 m² over each other; it took the merge from
 * 2.1 s to 4.7 s.)
 */
const STORED_EDGE_STEP_DEGREES = 0.0001

/**
 * How far (in degrees, about 2 mm) a unified grid's vertex may lie from a vertex of its community's
 * densified boundary and be put back on it in EPSG:4326: the millimetre noding in the metric frame
 * and the way back leave it that near.
 */
const STORED_SNAP_DEGREES = 0.00000002

/**
 * The vertices of the stored (densified) community boundary `storedOutline` that lie within
 * STORED_SNAP_DEGREES of a vertex of `shape` (NULL if none): the snap reference that puts those
 * vertices onto the boundary's and inserts nothing. Given the whole outline, ST_Snap also inserts a
 * boundary vertex into every edge of the shape that passes within the tolerance of it, unless the
 * shape has that vertex already; two grids sharing that edge then part. In 翠湾社区 (the
 * household-balanced merge of governance, urban and party, target 300) a sliver face ran 18 m along
 * the boundary to a vertex 2.3 mm inside it and went to grid 007, which so had the boundary vertex M
 * between; grid 006's edge along that sliver, 1.3 mm from M, had M inserted and covered the sliver:
 * 0.012 m² of overlap in the stored rows. Vertex onto vertex, every grid moves a shared vertex alike and
 * shared edges stay one vertex list.
 */
const storedCorners = (shape: RawBuilder<unknown>, storedOutline: RawBuilder<unknown>) =>
  sql`(SELECT ST_Collect(p.geom) FROM ST_DumpPoints(${storedOutline}) p,
         (SELECT ST_Points(${shape}) AS corners, ST_Expand(${shape}, ${STORED_SNAP_DEGREES}::float8) AS box) v
       WHERE p.geom && v.box AND ST_DWithin(p.geom, v.corners, ${STORED_SNAP_DEGREES}::float8))`

const areaIsOff = (shape: RawBuilder<unknown>, expected: RawBuilder<unknown>) =>
  sql<boolean>`abs(ST_Area(${shape}) - ${expected}) > ${GRID_SIZE_M}::float8 * ST_Perimeter(${shape}) + 0.01`

/** How far a rebuilt grid's vertex moves back onto its outline's: the millimetre grid's half diagonal, and a little. */
const SNAP_BACK_M = 0.0008

/**
 * A unified grid rebuilt on the millimetre grid (`rounded`), its vertices put back where its outline
 * (`outline`, the mesh edges as settled) has them, if it stays valid here and in WGS84. The rounding
 * moves the vertices settleOnBoundary put on the community boundary by up to 0.7 mm; the
 * neighbouring grid keeps them, and an edge they share kilometres long then parts from its
 * neighbour's by that much at one end: 0.228 m² of overlap on a 1.3 km edge of 银湾村 (issue 19).
 * Vertices that the rounding added (a vertex a hair off an edge, noded onto it) lie on the
 * outline's vertices already and stay.
 */
const backOnOutline = (rounded: RawBuilder<unknown>, outline: RawBuilder<unknown>) =>
  sql`(SELECT CASE WHEN ${outline} IS NOT NULL AND ST_IsValid(back) AND ST_IsValid(ST_Transform(back, 4326))
                   AND NOT ${areaIsOff(sql`back`, sql`ST_Area(${rounded})`)} THEN back ELSE ${rounded} END
       FROM (SELECT ST_Snap(${rounded}, ${outline}, ${SNAP_BACK_M}::float8) AS back) b)`

const stepTables = ['merge_community', 'merge_piece', 'merge_face', 'merge_point', 'merge_label', 'merge_unified']

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
  // insertUnifiedGrids for the way back). stored_outline: that densified boundary as stored.
  await sql`
    CREATE TEMP TABLE merge_community AS
    SELECT code, name, geom, outline, core, ST_Transform(core, 4326) AS core4326, stored_outline
    FROM (
      SELECT code, name, geom, ST_Boundary(geom) AS outline, ST_Buffer(geom, -${GRID_SIZE_M}::float8) AS core, stored_outline
      FROM (SELECT code, name, ST_Transform(d.boundary, ${srid}) AS geom, ST_Boundary(d.boundary) AS stored_outline
            FROM (SELECT code, name, ST_Segmentize(boundary, ${STORED_EDGE_STEP_DEGREES}::float8) AS boundary FROM regions WHERE code = ANY(${o.communities}::text[])) d) c
    ) c`.execute(trx)
  // Each grid reaching more than a millimetre into the community (not the neighbours' grids that
  // merely touch it), repaired (ST_MakeValid before any overlay: PGlite would fail silently otherwise),
  // its vertices snapped onto the community boundary where within tolerance, and cut to the community.
  await sql`
    CREATE TEMP TABLE merge_piece AS
    SELECT g.id AS grid_id, l.department, c.code AS community_code, g.community_code AS grid_community,
           ST_CollectionExtract(ST_Intersection(
             ST_MakeValid(ST_Snap(ST_MakeValid(ST_Transform(g.boundary, ${srid})), c.outline, ${o.snapM}::float8)), c.geom), 3) AS geom
    FROM merge_community c
    JOIN grids g ON g.boundary && c.core4326 AND ST_Intersects(g.boundary, c.core4326)
    JOIN grid_layers l ON l.id = g.layer_id AND l.id = ANY(${o.layerIds}::bigint[])`.execute(trx)
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

/**
 * Codes stay stable across versions: a unified grid that matches one of the previous version
 * (IoU ≥ 0.5, best matches first) keeps its code; the others take the next free serials of their
 * community in reading order.
 */
async function assignStableCodes(trx: Db, previousRunId: number | null, srid: number): Promise<void> {
  // the area a new grid shares with a previous one is that of its faces lying inside the previous
  // grid: a point-in-polygon test per face, no overlay (which could throw on a reprojected boundary)
  const { rows: pairs } = await sql<{ community: string; label: number; code: string; iou: number }>`
    WITH previous AS MATERIALIZED (
      SELECT code, community_code, area_m2, ST_Transform(boundary, ${sql.lit(srid)}) AS geom FROM unified_grids
      WHERE merge_run_id = ${previousRunId ?? -1}::bigint AND community_code IN (SELECT code FROM merge_community)
    ), shared AS (
      -- one previous grid at a time against its community's faces: PostGIS then prepares its shape once
      SELECT p.community_code AS community, l.label, p.code, p.area_m2 AS previous_area, sum(f.area) AS shared
      FROM previous p
      CROSS JOIN LATERAL (SELECT face_id, area FROM merge_face f WHERE f.community_code = p.community_code AND ST_Intersects(p.geom, f.inner_point)) f
      JOIN merge_label l ON l."faceId" = f.face_id
      GROUP BY p.community_code, l.label, p.code, p.area_m2
    )
    SELECT s.community, s.label, s.code, s.shared / nullif(u.area + s.previous_area - s.shared, 0) AS iou
    FROM shared s JOIN merge_unified u ON u.community_code = s.community AND u.label = s.label`.execute(trx)
  const { rows: grids } = await sql<{ community: string; label: number; y: number; x: number }>`
    SELECT community_code AS community, label, ST_Y(p) AS y, ST_X(p) AS x
    FROM (SELECT community_code, label, ST_Transform(ST_Centroid(ST_Envelope(geom)), 4326) AS p FROM merge_unified) u`.execute(
    trx,
  )
  const codes = new Map<string, string>()
  const taken = new Set<string>()
  for (const pair of pairs.filter((p) => p.iou >= 0.5).sort((a, b) => b.iou - a.iou)) {
    const key = `${pair.community}/${pair.label}`
    if (codes.has(key) || taken.has(pair.code)) continue
    codes.set(key, pair.code)
    taken.add(pair.code)
  }
  // new serials follow every serial the previous version used (a grid that went away keeps its code
  // from being given to another)
  const { rows: used } = await sql<{ community: string; serial: number }>`
    SELECT community_code AS community, max(substr(code, 13)::int) AS serial FROM unified_grids
    WHERE merge_run_id = ${previousRunId ?? -1}::bigint AND community_code IN (SELECT code FROM merge_community) GROUP BY community_code`.execute(
    trx,
  )
  const usedSerials = new Map(used.map((u) => [u.community, u.serial]))
  // reading order (true north) of the grids' envelope centres, which a hair of snapping does not
  // move: bands of 0.0005° (≈ 55 m) north to south, west to east in a band
  const band = (lat: number) => Math.round(lat / 0.0005)
  for (const grid of grids.sort(
    (a, b) => a.community.localeCompare(b.community) || band(b.y) - band(a.y) || a.x - b.x,
  )) {
    const key = `${grid.community}/${grid.label}`
    if (codes.has(key)) continue
    const serial = (usedSerials.get(grid.community) ?? 0) + 1
    if (serial > 999)
      throw new Error(
        `Community ${grid.community} would hold more than 999 unified grids, and a grid code has a 3-digit serial: merge with larger grids`,
      )
    usedSerials.set(grid.community, serial)
    codes.set(key, `${grid.community}${String(serial).padStart(3, '0')}`)
  }
  const assignments = [...codes].map(([key, code]) => ({
    community: key.split('/')[0],
    label: Number(key.split('/')[1]),
    code,
  }))
  await sql`
    UPDATE merge_unified u SET code = a.code
    FROM json_to_recordset(${JSON.stringify(assignments)}::json) AS a(community text, label int, code text)
    WHERE u.community_code = a.community AND u.label = a.label`.execute(trx)
}

/** A unified grid (community and label) by its outline, as WKB in the metric frame (see outlinesOf). */
export interface GroupOutline {
  community: string
  label: number
  outline: Uint8Array
}

/**
 * Array literals for columns sent in bulk (a value per face or mapping row): PostgreSQL reads them
 * several times faster than the same values as JSON objects.
 */
const numberArray = (values: number[]) => `{${values.join(',')}}`
const textArray = (values: string[]) => `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`

/** Outlines travel in JSON as hex WKB (PostGIS reads it without parsing a number's text). */
const hex = (wkb: Uint8Array | null) =>
  wkb ? Buffer.from(wkb.buffer, wkb.byteOffset, wkb.byteLength).toString('hex') : null

/** The overlap of a unified grid (community and label) with a department grid. */
export interface GroupSource {
  community: string
  label: number
  gridId: number
  overlapM2: number
}

/** Unifies faces by label into unified grids with their mapping rows to every department grid they overlap. */
export async function insertUnifiedGrids(
  trx: Db,
  runId: number,
  groups: {
    labels: { faceId: number; label: number }[]
    outlines: GroupOutline[]
    sources: GroupSource[]
    /** each unified grid's households where they come from a grid layer (else: the points inside it) */
    households?: { community: string; label: number; households: number }[]
  },
  previousRunId: number | null,
  srid: number,
): Promise<number> {
  const { labels, outlines, sources, households } = groups
  await sql`
    CREATE TEMP TABLE merge_label AS
    SELECT * FROM unnest(${numberArray(labels.map((l) => l.faceId))}::int[], ${numberArray(labels.map((l) => l.label))}::int[]) AS r("faceId", label)`.execute(
    trx,
  )
  await sql`CREATE INDEX ON merge_label ("faceId")`.execute(trx)
  await sql`ANALYZE merge_label`.execute(trx)
  // Each unified grid's area is built from its outline (the mesh edges between it and the rest),
  // far cheaper than unioning its faces' shapes.
  const areas = sql`(SELECT f.community_code, l.label, sum(f.area) AS area FROM merge_face f JOIN merge_label l ON l."faceId" = f.face_id GROUP BY f.community_code, l.label)`
  // Each grid's shape in the metric frame (geom) and in WGS84 as it will be stored (boundary), and
  // whether the latter is valid: a rebuilt shape (a column of a subquery, computed once) sets all three.
  const shaped = (shape: RawBuilder<unknown>) =>
    sql`geom = ${shape}, boundary = ST_Transform(${shape}, 4326), valid = ST_IsValid(ST_Transform(${shape}, 4326))`
  await sql`
    CREATE TEMP TABLE merge_unified AS
    -- materialized: each shape is transformed once, not once more for its validity
    WITH built AS MATERIALIZED (
      SELECT a.community_code, a.label, o.outline, g.geom, ST_Transform(g.geom, 4326) AS boundary, a.area, NULL::text AS code
      FROM ${areas} a
      LEFT JOIN (
        SELECT community, label, ST_GeomFromWKB(decode(outline, 'hex'), ${sql.lit(srid)}) AS outline
        FROM json_to_recordset(${JSON.stringify(outlines.map((o) => ({ ...o, outline: hex(o.outline) })))}::json) AS o(community text, label int, outline text)
      ) o ON o.community = a.community_code AND o.label = a.label
      CROSS JOIN LATERAL (SELECT ST_BuildArea(o.outline) AS geom) g
    )
    SELECT *, coalesce(ST_IsValid(boundary), false) AS valid FROM built`.execute(trx)
  // every unified grid has an outline, so there is a row for each outline unless GEOS failed
  const {
    rows: [built],
  } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM merge_unified`.execute(trx)
  if (built.n !== outlines.length) {
    // the embedded PostGIS answers a GEOS failure with no rows at all: build every grid the slow way
    await sql`DROP TABLE merge_unified`.execute(trx)
    await sql`
      CREATE TEMP TABLE merge_unified AS
      SELECT a.community_code, a.label, NULL::geometry AS outline, NULL::geometry AS geom, NULL::geometry AS boundary, a.area, NULL::text AS code, false AS valid FROM ${areas} a`.execute(
      trx,
    )
  }
  // A float shape can leave a vertex a hair off a neighbouring edge: valid here, crossing itself once
  // reprojected to WGS84, where repair would drop a pocket of land. Such a grid is built again from its
  // outline noded on the millimetre grid (snap-rounding puts the vertex on the edge).
  await sql`
    UPDATE merge_unified u SET ${shaped(sql`r.geom`)}
    FROM (
      SELECT community_code, label, ${backOnOutline(sql`rounded`, sql`outline`)} AS geom
      FROM (SELECT community_code, label, outline, ST_BuildArea(ST_UnaryUnion(outline, ${GRID_SIZE_M}::float8)) AS rounded FROM merge_unified
            WHERE outline IS NOT NULL AND geom IS NOT NULL AND NOT valid) b
    ) r
    WHERE u.community_code = r.community_code AND u.label = r.label`.execute(trx)
  // Any grid still without a shape that gives back its faces' area and stays valid in WGS84 (a GEOS
  // failure, say) is unioned from its faces on the millimetre grid: slowest, so only for those.
  await sql`
    WITH bad AS MATERIALIZED (
      SELECT community_code, label, outline FROM merge_unified
      WHERE geom IS NULL OR ${areaIsOff(sql`geom`, sql`area`)} OR NOT valid
    )
    UPDATE merge_unified u SET ${shaped(sql`r.geom`)}
    FROM (
      SELECT community_code, label, ${backOnOutline(sql`rounded`, sql`outline`)} AS geom
      FROM (SELECT f.community_code, l.label, bad.outline, ST_Union(f.geom, ${GRID_SIZE_M}::float8) AS rounded
            FROM bad JOIN merge_label l ON l.label = bad.label JOIN merge_face f ON f.face_id = l."faceId" AND f.community_code = bad.community_code
            GROUP BY f.community_code, l.label, bad.outline) b
    ) r
    WHERE u.community_code = r.community_code AND u.label = r.label`.execute(trx)
  await sql`ANALYZE merge_unified (community_code, label)`.execute(trx)
  await assignStableCodes(trx, previousRunId, srid)
  // households and residents of each unified grid: the population points inside it, counted grid
  // by grid (one shape against many points: PostGIS prepares it once); and its mapping rows, joined
  // to the grids as they are inserted (not looked up in unified_grids, which grows through the run
  // while the planner's statistics of it stay those of its start)
  const { rows } = await sql<{ n: number }>`
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
      SELECT r.*, ST_Multi(coalesce(ST_Snap(r.boundary, ${storedCorners(sql`r.boundary`, sql`r.stored_outline`)}, ${STORED_SNAP_DEGREES}::float8), r.boundary)) AS snapped
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
      SELECT ${runId}::bigint, u.code, u.community_code, u.area, coalesce(${households ? sql`l.households` : sql`h.households`}, 0), coalesce(h.residents, 0), u.boundary
      FROM u
      ${
        households
          ? sql`LEFT JOIN (
        SELECT mu.code, l.households FROM merge_unified mu
        JOIN unnest(${textArray(households.map((h) => h.community))}::text[], ${numberArray(households.map((h) => h.label))}::int[],
                    ${numberArray(households.map((h) => h.households))}::int[]) AS l(community, label, households)
          ON l.community = mu.community_code AND l.label = mu.label
      ) l ON l.code = u.code`
          : sql``
      }
      LEFT JOIN LATERAL (
        SELECT sum(p.households)::int AS households, sum(p.residents)::int AS residents
        FROM population_points p WHERE p.location && u.boundary AND ST_Intersects(u.boundary, p.location) AND p.region_code = u.community_code
      ) h ON true
      RETURNING id, code, area_m2
    ), mapped AS (
      INSERT INTO unified_grid_sources (unified_grid_id, grid_id, overlap_m2, share)
      SELECT i.id, s."gridId", s."overlapM2", least(1, s."overlapM2" / nullif(i.area_m2, 0))
      FROM unnest(${textArray(sources.map((s) => s.community))}::text[], ${numberArray(sources.map((s) => s.label))}::int[],
                  ${numberArray(sources.map((s) => s.gridId))}::bigint[], ${numberArray(sources.map((s) => s.overlapM2))}::float8[]) AS s(community, label, "gridId", "overlapM2")
      JOIN merge_unified mu ON mu.community_code = s.community AND mu.label = s.label
      JOIN inserted i ON i.code = mu.code
    )
    SELECT count(*)::int AS n FROM inserted`.execute(trx)
  return rows[0].n
}

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
