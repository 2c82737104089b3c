// SQL of imports: checking geometries before anything is stored, and storing a department's grid
// layer as a new version in one transaction.
import { type Kysely, type Transaction, sql } from 'kysely'
import type { Tables } from '../tables.ts'

type Db = Kysely<Tables> | Transaction<Tables>

export interface GeometryRow {
  index: number
  /** GeoJSON in the source frame (GCJ-02/BD-09 already converted to WGS84) */
  geometry: string
  srid: number
  communityCode: string | null
}

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
  inDistrict: boolean
  communityKnown: boolean
  /** the community the repaired grid mostly lies in */
  containingCommunity: string | null
}

/** What each geometry is once in WGS84: validity, area after repair, extent, and where it lies. */
export async function checkGeometries(db: Db, rows: GeometryRow[]): Promise<GeometryCheck[]> {
  const { rows: checks } = await sql<GeometryCheck>`
    SELECT r.index, ST_IsValid(t.g) AS valid, ST_IsValidReason(t.g) AS reason, ST_IsEmpty(t.g) AS empty,
           coalesce(ST_Area(ST_CollectionExtract(ST_MakeValid(t.g), 3)::geography), 0) AS "areaM2",
           ST_XMin(t.g) AS west, ST_YMin(t.g) AS south, ST_XMax(t.g) AS east, ST_YMax(t.g) AS north,
           EXISTS (SELECT 1 FROM regions d WHERE d.level IN ('district', 'street') AND d.boundary && t.g) AS "inDistrict",
           (r."communityCode" IS NULL OR EXISTS (SELECT 1 FROM regions c WHERE c.code = r."communityCode" AND c.level = 'community')) AS "communityKnown",
           (SELECT c.code FROM regions c WHERE c.level = 'community' AND c.boundary && t.g
            ORDER BY ST_Area(ST_Intersection(c.boundary, ST_CollectionExtract(ST_MakeValid(t.g), 3), 0.0000001)) DESC LIMIT 1) AS "containingCommunity"
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(index int, geometry text, srid int, "communityCode" text),
         LATERAL (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), r.srid), 4326) AS g) t
    ORDER BY r.index`.execute(db)
  return checks
}

export interface GridInsert extends GeometryRow {
  code: string
  name: string
  households: number | null
  attributes: Record<string, unknown>
}

/** A new version of the department's layer, made active; the previous version stays, inactive. */
export async function insertGridLayerVersion(trx: Transaction<Tables>, layer: { department: string; title: string; importRunId: number; sourceCrs: string }, grids: GridInsert[]): Promise<{ layerId: number; version: number }> {
  const { rows } = await sql<{ version: number }>`SELECT coalesce(max(version), 0)::int + 1 AS version FROM grid_layers WHERE department = ${layer.department}`.execute(trx)
  const version = rows[0].version
  await trx.updateTable('grid_layers').set({ is_active: false }).where('department', '=', layer.department).where('is_active', '=', true).execute()
  const { id } = await trx
    .insertInto('grid_layers')
    .values({ department: layer.department, version, title: layer.title, import_run_id: layer.importRunId, source_crs: layer.sourceCrs, is_active: true })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (let start = 0; start < grids.length; start += 2000) {
    const batch = grids.slice(start, start + 2000)
    await sql`
      INSERT INTO grids (layer_id, code, name, community_code, households, attributes, boundary)
      SELECT ${id}::bigint, r.code, r.name, r."communityCode", r.households, r.attributes,
             ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), r.srid), 4326)), 3))
      FROM json_to_recordset(${JSON.stringify(batch)}::json)
        AS r(code text, name text, "communityCode" text, households int, attributes jsonb, geometry text, srid int)`.execute(trx)
  }
  return { layerId: id, version }
}

export async function insertImportRun(db: Db, run: { department: string | null; fileName: string; format: string; dryRun: boolean }): Promise<number> {
  const { id } = await db
    .insertInto('import_runs')
    .values({ kind: 'grids', department: run.department, file_name: run.fileName, format: run.format as never, dry_run: run.dryRun, counts: '{}', report: '[]', source_crs: null, error: null, finished_at: null })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

export async function finishImportRun(db: Db, id: number, result: { status: 'succeeded' | 'failed'; sourceCrs: string | null; counts: Record<string, number>; report: unknown[]; error: string | null }): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ status: result.status, source_crs: result.sourceCrs, counts: JSON.stringify(result.counts), report: JSON.stringify(result.report), error: result.error, finished_at: new Date() })
    .where('id', '=', id)
    .execute()
}

export async function findImportRun(db: Db, id: number) {
  return db
    .selectFrom('import_runs')
    .select(['id', 'kind', 'department', 'file_name as fileName', 'format', 'source_crs as sourceCrs', 'dry_run as dryRun', 'status', 'counts', 'report', 'error', 'started_at as startedAt', 'finished_at as finishedAt'])
    .where('id', '=', id)
    .executeTakeFirst()
}
