// The way back to EPSG:4326 of a merge step: the unified grids built from their outlines in the
// metric frame, repaired where a float shape fails, snapped vertex onto vertex to the stored community
// boundary and inserted with their stable codes and mapping rows. Runs in the step's transaction,
// on the temp tables of the step's overlay (merge-step.repository: merge_community, merge_face).
import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely'
import type { Tables } from '../tables.ts'
import { GRID_SIZE_M } from '../merge-overlay.ts'
import { areaIsOff, hex } from './merge-step.repository.ts'

type Db = Kysely<Tables> | Transaction<Tables>

/**
 * How far (in degrees, about 2 mm) a unified grid's vertex may lie from a vertex of its community's
 * densified boundary and be put back on it in EPSG:4326: the millimetre noding in the metric frame
 * and the way back leave it that near.
 */
const STORED_SNAP_DEGREES = 0.00000002

/**
 * The vertices of the stored (densified) community boundary of `community` (merge_outline_point) that
 * lie within STORED_SNAP_DEGREES of a vertex of `shape` (NULL if none), in the boundary's order: the
 * snap reference that puts those vertices onto the boundary's and inserts nothing. Given the whole
 * outline, ST_Snap also inserts a boundary vertex into every edge of the shape that passes within the
 * tolerance of it, unless the shape has that vertex already; two grids sharing that edge then part. In
 * 翠湾社区 (the household-balanced merge of governance, urban and party, target 300) a sliver face ran
 * 18 m along the boundary to a vertex 2.3 mm inside it and went to grid 007, which so had the boundary
 * vertex M between; grid 006's edge along that sliver, 1.3 mm from M, had M inserted and covered the
 * sliver: 0.012 m² of overlap in the stored rows. Vertex onto vertex, every grid moves a shared vertex
 * alike and shared edges stay one vertex list. The boundary vertices are looked up through the points'
 * index once a shape, by its box (a grid inside the community finds none), and each tested against the
 * shape's vertices as one multipoint (every boundary vertex tested against every grid's vertices took a
 * third of a step; a lookup for each vertex of the shape, half of the statement that stores the grids).
 */
const storedCorners = (shape: RawBuilder<unknown>, community: RawBuilder<unknown>) =>
  sql`(SELECT ST_Collect(p.geom ORDER BY p.path)
       FROM (SELECT ST_Points(${shape}) AS points OFFSET 0) v
       JOIN merge_outline_point p ON p.code = ${community} AND p.geom && ST_Expand(${shape}, ${STORED_SNAP_DEGREES}::float8)
                                 AND ST_DWithin(p.geom, v.points, ${STORED_SNAP_DEGREES}::float8))`

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
  // the stored boundary's vertices, by community, for storedCorners
  await sql`
    CREATE TEMP TABLE merge_outline_point AS
    SELECT c.code, p.path, p.geom FROM merge_community c CROSS JOIN LATERAL ST_DumpPoints(c.stored_outline) p`.execute(
    trx,
  )
  await sql`CREATE INDEX ON merge_outline_point USING gist (geom)`.execute(trx)
  // households and residents of each unified grid: the population points inside it, counted grid
  // by grid (one shape against many points: PostGIS prepares it once); and its mapping rows, joined
  // to the grids as they are inserted (not looked up in unified_grids, which grows through the run
  // while the planner's statistics of it stay those of its start)
  const { rows } = await sql<{ n: number }>`
    -- materialized: a subquery's shape would be recomputed for every point it is tested against
    WITH r AS MATERIALIZED (
      SELECT u.code, u.community_code, u.area, ST_Multi(CASE WHEN u.valid THEN u.boundary ELSE ST_CollectionExtract(ST_MakeValid(u.boundary), 3) END) AS boundary
      FROM merge_unified u JOIN merge_community c ON c.code = u.community_code
    ), s AS MATERIALIZED (
      -- back in EPSG:4326, the vertices along the community boundary are put exactly on its densified
      -- vertices (there they were, to the millimetre): its edges and the grids' then coincide as stored.
      -- Vertex onto vertex only: ST_Snap also inserts a reference vertex into any edge of the shape
      -- within the tolerance of it, unless the shape has that vertex already, so two grids sharing an
      -- edge a hair from a boundary vertex part there (see storedCorners)
      SELECT r.*, ST_Multi(coalesce(ST_Snap(r.boundary, ${storedCorners(sql`r.boundary`, sql`r.community_code`)}, ${STORED_SNAP_DEGREES}::float8), r.boundary)) AS snapped
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
