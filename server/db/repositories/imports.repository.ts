// SQL of imports: checking geometries before anything is stored and storing a department's grid layer
// as a new version, in one transaction (a region tree's SQL is in region-imports.repository.ts).
import { type Kysely, type Transaction, sql } from 'kysely'
import type { ImportTimings } from '../../schemas/imports.schema.ts'
import type { Tables } from '../tables.ts'

type Db = Kysely<Tables> | Transaction<Tables>

/**
 * Row r's geometry in WGS84 as imported, before any repair (r has the columns geometry, hex WKB, and
 * srid). WKB, not GeoJSON: PostGIS reads a huge polygon from WKB several times faster than
 * ST_GeomFromGeoJSON parses it.
 */
const asImported = sql`ST_Transform(ST_SetSRID(ST_GeomFromWKB(decode(r.geometry, 'hex')), r.srid), 4326)`

/** Row r's geometry in WGS84, repaired and kept polygonal (region-imports.repository.ts stores regions by it too). */
export const repairedPolygon = sql`ST_CollectionExtract(ST_MakeValid(${asImported}), 3)`

export interface GeometryRow {
  index: number
  /** 2D WKB in hex, in the source frame (GCJ-02/BD-09 already converted to WGS84) */
  geometry: string
  srid: number
}

/** What every import learns about a geometry once in WGS84: validity, area after repair, extent. */
export interface GeometryCheck {
  index: number
  valid: boolean
  reason: string
  empty: boolean
  areaM2: number
  west: number
  south: number
  east: number
  north: number
}

/** Where a grid lies among the stored regions. */
export interface GridPlacement {
  /** the share of the repaired grid's area outside every stored district: 0 inside, 1 wholly outside */
  outsideShare: number
  communityKnown: boolean
  /** the community the repaired grid mostly lies in */
  containingCommunity: string | null
}

/** A feature staged for its checks: its geometry, and the community its file names, if any. */
export interface StagedRow extends GeometryRow {
  communityCode?: string | null
}

/**
 * Stages the rows of an import run in one batch insert: each geometry once in WGS84 as imported,
 * its validity (the reason when invalid), emptiness and extent, and the geometry repaired with
 * ST_MakeValid (only when invalid) and kept polygonal. The checks then read the staged rows.
 * `OFFSET 0` keeps the planner from pulling the subqueries up: pulled up, the parse and transform
 * were written into each of the eight places that read them and run eight times.
 */
export async function stageGeometries(db: Db, runId: number, rows: StagedRow[]): Promise<void> {
  await sql`
    INSERT INTO import_staging (import_run_id, index, community_code, valid, reason, empty, west, south, east, north, boundary)
    SELECT ${runId}::bigint, r.index, r."communityCode", i.valid, CASE WHEN i.valid THEN NULL ELSE ST_IsValidReason(i.g) END,
           ST_IsEmpty(i.g), ST_XMin(i.g), ST_YMin(i.g), ST_XMax(i.g), ST_YMax(i.g),
           ST_CollectionExtract(CASE WHEN i.valid THEN i.g ELSE ST_MakeValid(i.g) END, 3)
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(index int, geometry text, srid int, "communityCode" text),
         LATERAL (SELECT x.g, ST_IsValid(x.g) AS valid FROM (SELECT ${asImported} AS g OFFSET 0) x OFFSET 0) i`.execute(
    db,
  )
}

/**
 * The staged rows of a run the import keeps no longer (the run is over): all of them, or those with
 * an index in [from, to) — a large run's rows go in batches, so that reads get in between.
 */
export async function deleteStaged(db: Db, runId: number, range?: { from: number; to: number }): Promise<void> {
  let query = db.deleteFrom('import_staging').where('import_run_id', '=', runId)
  if (range) query = query.where('index', '>=', range.from).where('index', '<', range.to)
  await query.execute()
}

/**
 * Measures the area on the spheroid of the run's staged geometries with these indexes (0 when
 * empty), once, in a statement of its own: for a polygon of 1,000,000 vertices it takes seconds,
 * which the staging statement and each check would otherwise add to theirs. Rows left unmeasured
 * (light ones) have their area measured by the check that reads them.
 */
export async function measureStagedAreas(db: Db, runId: number, indexes: number[]): Promise<void> {
  await sql`
    UPDATE import_staging s SET area_m2 = coalesce(ST_Area(s.boundary::geography), 0)
    WHERE s.import_run_id = ${runId} AND s.index = ANY(${indexes}::int[])`.execute(db)
}

/** Validity, area after repair and extent of each staged geometry of the run with an index in [from, to). */
export async function checkStagedGeometries(db: Db, runId: number, from: number, to: number): Promise<GeometryCheck[]> {
  const { rows } = await sql<GeometryCheck>`
    SELECT s.index, s.valid, coalesce(s.reason, 'Valid Geometry') AS reason, s.empty,
           coalesce(s.area_m2, ST_Area(s.boundary::geography), 0) AS "areaM2", s.west, s.south, s.east, s.north
    FROM import_staging s
    WHERE s.import_run_id = ${runId} AND s.index >= ${from} AND s.index < ${to}
    ORDER BY s.index`.execute(db)
  return rows
}

/** Points above which a grid's overlap with the communities is measured on it simplified by rankedTolerance (degrees, ~1 m). */
const rankedPointsMax = 10_000
const rankedTolerance = 0.00001

/**
 * The checks of checkStagedGeometries, and where each grid lies among the stored regions, as joins:
 * a grid covered by a district lies 0 outside; the share outside is measured (an overlay) only for a
 * grid that touches one without lying inside it; a grid that touches none is wholly outside. The
 * community a grid mostly lies in is looked for only when its file names none, set-based over the
 * batch: each grid's candidates (communities whose box meets its box) are found once; one that
 * covers it wins (the smallest code if several do) with no overlay at all, and only a grid that no
 * community covers (it straddles a boundary) has its overlap with each candidate measured, the
 * largest winning (ties to the smaller code). A grid of more than rankedPointsMax points is measured
 * on a copy simplified to ~1 m: the overlay of a polygon of a million vertices with its communities
 * held the embedded database for many seconds; simplified, a fraction of one. The area is the one
 * measureStagedAreas kept.
 */
export async function checkStagedGrids(
  db: Db,
  runId: number,
  from: number,
  to: number,
): Promise<(GeometryCheck & GridPlacement)[]> {
  const { rows } = await sql<GeometryCheck & GridPlacement>`
    WITH candidate AS MATERIALIZED (
      SELECT b.index, c.code, c.boundary AS community,
             CASE WHEN ST_NPoints(b.boundary) > ${sql.lit(rankedPointsMax)}
                  THEN ST_SimplifyPreserveTopology(b.boundary, ${sql.lit(rankedTolerance)}) ELSE b.boundary END AS grid,
             (c.boundary ~ b.boundary AND ST_CoveredBy(b.boundary, c.boundary)) AS covers
      FROM import_staging b JOIN regions c ON c.level = 'community' AND c.boundary && b.boundary
      WHERE b.import_run_id = ${runId} AND b.index >= ${from} AND b.index < ${to} AND b.community_code IS NULL
    ), placed AS MATERIALIZED (
      -- a covering community first (the smallest code), else the largest overlap: measured only for a
      -- grid no community covers, by GEOS's robust overlay (3.9 and later; no precision grid: about
      -- twice as fast as snap-rounding on these small shapes, and the same winners)
      SELECT DISTINCT ON (index) index, code
      FROM (SELECT *, bool_or(covers) OVER (PARTITION BY index) AS covered FROM candidate) k
      ORDER BY index, covers DESC, CASE WHEN covered THEN 0 ELSE ST_Area(ST_Intersection(community, grid)) END DESC, code
    )
    SELECT s.index, s.valid, coalesce(s.reason, 'Valid Geometry') AS reason, s.empty,
           coalesce(s.area_m2, ST_Area(s.boundary::geography), 0) AS "areaM2", s.west, s.south, s.east, s.north,
           CASE WHEN ST_IsEmpty(s.boundary) THEN 1
                WHEN EXISTS (SELECT 1 FROM regions o WHERE o.level = 'district' AND ST_CoveredBy(s.boundary, o.boundary)) THEN 0
                ELSE (SELECT CASE WHEN count(*) = 0 THEN 1 ELSE greatest(0, least(1, ST_Area(ST_Difference(s.boundary, ST_Union(o.boundary))::geography) / nullif(coalesce(s.area_m2, ST_Area(s.boundary::geography)), 0))) END
                      FROM regions o WHERE o.level = 'district' AND ST_Intersects(o.boundary, s.boundary)) END AS "outsideShare",
           (s.community_code IS NULL OR EXISTS (SELECT 1 FROM regions c WHERE c.code = s.community_code AND c.level = 'community')) AS "communityKnown",
           p.code AS "containingCommunity"
    FROM import_staging s
    LEFT JOIN placed p ON p.index = s.index
    WHERE s.import_run_id = ${runId} AND s.index >= ${from} AND s.index < ${to}
    ORDER BY s.index`.execute(db)
  return rows
}

export interface GridInsert {
  /** the feature's index in its file: its geometry is the staged row of the import run with this index */
  index: number
  communityCode: string | null
  code: string
  name: string
  households: number | null
  attributes: Record<string, unknown>
  /** the department's own identifier of the grid, kept beside the code in the scheme */
  sourceId: string | null
}

/** The codes of the department's active layer, with the department's own identifier of each grid. */
export async function findActiveGridCodes(
  db: Db,
  department: string,
): Promise<{ code: string; sourceId: string | null }[]> {
  return db
    .selectFrom('grids as g')
    .innerJoin('grid_layers as l', 'l.id', 'g.layer_id')
    .select(['g.code', 'g.source_id as sourceId'])
    .where('l.department', '=', department)
    .where('l.is_active', '=', true)
    .orderBy('g.code')
    .execute()
}

/** A new version of the department's layer, made active; the previous version stays, inactive. */
export async function insertGridLayerVersion(
  trx: Transaction<Tables>,
  layer: { department: string; title: string; importRunId: number; sourceCrs: string },
  grids: GridInsert[],
): Promise<{ layerId: number; version: number }> {
  // one import per department at a time: a second waits here until the first commits, then reads
  // its version (two at once gave a duplicate-key 500 on server PostgreSQL)
  await sql`SELECT pg_advisory_xact_lock(hashtext('grid_layers:' || ${layer.department}::text))`.execute(trx)
  const { rows } = await sql<{
    version: number
  }>`SELECT coalesce(max(version), 0)::int + 1 AS version FROM grid_layers WHERE department = ${layer.department}`.execute(
    trx,
  )
  const version = rows[0].version
  await trx
    .updateTable('grid_layers')
    .set({ is_active: false })
    .where('department', '=', layer.department)
    .where('is_active', '=', true)
    .execute()
  const { id } = await trx
    .insertInto('grid_layers')
    .values({
      department: layer.department,
      version,
      title: layer.title,
      import_run_id: layer.importRunId,
      source_crs: layer.sourceCrs,
      is_active: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (let start = 0; start < grids.length; start += 2000) {
    const batch = grids.slice(start, start + 2000)
    // the geometry is the one staged (and checked) by this import run; the repair note is the reason
    // the geometry as imported was invalid, as the import report said
    await sql`
      INSERT INTO grids (layer_id, code, name, community_code, households, attributes, boundary, repair_note, source_id)
      SELECT ${id}::bigint, r.code, r.name, r."communityCode", r.households, r.attributes,
             ST_Multi(s.boundary), s.reason, r."sourceId"
      FROM json_to_recordset(${JSON.stringify(batch)}::json)
        AS r(index int, code text, name text, "communityCode" text, households int, attributes jsonb, "sourceId" text)
      JOIN import_staging s ON s.import_run_id = ${layer.importRunId}::bigint AND s.index = r.index
      ORDER BY r.index`.execute(trx)
  }
  return { layerId: id, version }
}

export async function insertImportRun(
  db: Db,
  run: { kind: 'grids' | 'regions'; department: string | null; fileName: string; format: string; dryRun: boolean },
): Promise<number> {
  const { id } = await db
    .insertInto('import_runs')
    .values({
      kind: run.kind,
      department: run.department,
      file_name: run.fileName,
      format: run.format as never,
      dry_run: run.dryRun,
      counts: '{}',
      report: '[]',
      source_crs: null,
      error: null,
      finished_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

export async function finishImportRun(
  db: Db,
  id: number,
  result: {
    status: 'succeeded' | 'failed'
    sourceCrs: string | null
    counts: Record<string, number>
    report: unknown[]
    error: string | null
    timings: ImportTimings
  },
): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({
      status: result.status,
      source_crs: result.sourceCrs,
      counts: JSON.stringify(result.counts),
      report: JSON.stringify(result.report),
      error: result.error,
      finished_at: new Date(),
      timings: JSON.stringify(result.timings),
    })
    .where('id', '=', id)
    .execute()
}

/** Imports left running by a stop (a kill, a crash) marked failed: run at start, before any new import. */
export async function failInterruptedImports(db: Db): Promise<number> {
  const rows = await db
    .updateTable('import_runs')
    .set({ status: 'failed', error: 'interrupted: the server stopped during the import', finished_at: new Date() })
    .where('status', '=', 'running')
    .returning('id')
    .execute()
  // what those imports had staged for their checks
  await db
    .deleteFrom('import_staging')
    .where('import_run_id', 'not in', db.selectFrom('import_runs').select('id').where('status', '=', 'running'))
    .execute()
  await db
    .deleteFrom('import_staging_parts')
    .where('import_run_id', 'not in', db.selectFrom('import_runs').select('id').where('status', '=', 'running'))
    .execute()
  return rows.length
}

export async function findImportRun(db: Db, id: number) {
  return db
    .selectFrom('import_runs')
    .select([
      'id',
      'kind',
      'department',
      'file_name as fileName',
      'format',
      'source_crs as sourceCrs',
      'dry_run as dryRun',
      'status',
      'counts',
      'report',
      'error',
      'started_at as startedAt',
      'finished_at as finishedAt',
      'timings',
    ])
    .where('id', '=', id)
    .executeTakeFirst()
}
