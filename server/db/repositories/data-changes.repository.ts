// The data-change log: one row per change to the data on the map. Its newest id is the data
// version; a layer's version is the newest change that touched it.
import { type Kysely, sql } from 'kysely'
import type { DataChangeKind, Tables } from '../tables.ts'

export interface DataChangeInput {
  kind: DataChangeKind
  layers: string[]
  regions: string[]
  details: Record<string, unknown>
}

export interface DataChangeRow {
  id: number
  at: Date
}

export async function insertDataChange(db: Kysely<Tables>, change: DataChangeInput): Promise<DataChangeRow> {
  return db
    .insertInto('data_changes')
    .values({
      kind: change.kind,
      layers: JSON.stringify(change.layers),
      regions: JSON.stringify(change.regions),
      details: JSON.stringify(change.details),
    })
    .returning(['id', 'at'])
    .executeTakeFirstOrThrow()
}

export interface StoredDataChange {
  id: number
  at: Date
  kind: DataChangeKind
  layers: string[]
  regions: string[]
}

/** Changes logged after `afterId` (oldest first, at most `limit`): what another process announced. */
export async function findDataChangesAfter(
  db: Kysely<Tables>,
  afterId: number,
  limit = 500,
): Promise<StoredDataChange[]> {
  return db
    .selectFrom('data_changes')
    .select(['id', 'at', 'kind', 'layers', 'regions'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute()
}

export interface DataVersionRows {
  /** the newest change (0 and null before the first) */
  version: number
  at: Date | null
  /** per layer id, the newest change that touched it */
  layers: { layer: string; version: number }[]
}

export async function findDataVersions(db: Kysely<Tables>): Promise<DataVersionRows> {
  const newest = await db
    .selectFrom('data_changes')
    .select(['id', 'at'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  const { rows } = await sql<{ layer: string; version: number }>`
    SELECT l.layer, max(c.id)::int AS version
    FROM data_changes c, jsonb_array_elements_text(c.layers) AS l(layer)
    GROUP BY l.layer
    ORDER BY l.layer`.execute(db)
  return { version: newest?.id ?? 0, at: newest?.at ?? null, layers: rows }
}

/** The communities a stored department layer version has grids in (the regions its import touched). */
export async function findLayerCommunities(db: Kysely<Tables>, department: string, version: number): Promise<string[]> {
  const rows = await db
    .selectFrom('grids as g')
    .innerJoin('grid_layers as l', 'l.id', 'g.layer_id')
    .where('l.department', '=', department)
    .where('l.version', '=', version)
    .where('g.community_code', 'is not', null)
    .select('g.community_code as code')
    .distinct()
    .orderBy('g.community_code')
    .execute()
  return rows.map((r) => r.code!)
}

/** The communities a merge run has unified grids in (the regions its publishing touched). */
export async function findRunCommunities(db: Kysely<Tables>, runId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('unified_grids')
    .where('merge_run_id', '=', runId)
    .select('community_code as code')
    .distinct()
    .orderBy('community_code')
    .execute()
  return rows.map((r) => r.code)
}
