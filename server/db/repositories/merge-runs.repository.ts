// Merge runs as records: created pending, updated as they go, published by switching the active
// version; what a run merges (layers, communities, metric frame) and what it found (counts, alignment).
import { type Kysely, type Transaction, sql } from 'kysely'
import type { Tables } from '../tables.ts'
import type {
  DepartmentAlignment,
  MergeRunParams,
  MergeRunStats,
  MergeRunStatus,
  MergeStrategy,
} from '../../schemas/merge.schema.ts'

type Db = Kysely<Tables> | Transaction<Tables>

export interface MergeRunRow {
  id: number
  status: MergeRunStatus
  strategy: MergeStrategy
  params: MergeRunParams
  layerIds: number[]
  progress: number
  /** empty until the run succeeded */
  stats: Partial<MergeRunStats>
  alignment: DepartmentAlignment[]
  error: string | null
  isPublished: boolean
  startedAt: Date
  finishedAt: Date | null
  publishedAt: Date | null
}

const selectRun = (db: Db) =>
  db
    .selectFrom('merge_runs')
    .select([
      'id',
      'status',
      'strategy',
      'params',
      'layer_ids as layerIds',
      'progress',
      'stats',
      'alignment',
      'error',
      'is_published as isPublished',
      'started_at as startedAt',
      'finished_at as finishedAt',
      'published_at as publishedAt',
    ])

export async function findMergeRun(db: Db, id: number): Promise<MergeRunRow | undefined> {
  return (await selectRun(db).where('id', '=', id).executeTakeFirst()) as MergeRunRow | undefined
}

export async function findPublishedRun(db: Db): Promise<MergeRunRow | undefined> {
  return (await selectRun(db).where('is_published', '=', true).executeTakeFirst()) as MergeRunRow | undefined
}

export async function findLatestSucceededRun(db: Db): Promise<MergeRunRow | undefined> {
  return (await selectRun(db).where('status', '=', 'succeeded').orderBy('id', 'desc').limit(1).executeTakeFirst()) as
    MergeRunRow | undefined
}

export async function insertMergeRun(
  db: Db,
  run: { strategy: MergeStrategy; params: MergeRunParams; layerIds: number[] },
): Promise<number> {
  const { id } = await db
    .insertInto('merge_runs')
    .values({
      strategy: run.strategy,
      params: JSON.stringify(run.params),
      layer_ids: run.layerIds,
      stats: '{}',
      alignment: '[]',
      error: null,
      finished_at: null,
      published_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

export async function updateMergeRun(
  db: Db,
  id: number,
  changes: {
    status?: MergeRunRow['status']
    progress?: number
    stats?: MergeRunStats
    alignment?: DepartmentAlignment[]
    error?: string | null
    finished?: boolean
  },
): Promise<void> {
  await db
    .updateTable('merge_runs')
    .set({
      ...(changes.status ? { status: changes.status } : {}),
      ...(changes.progress !== undefined ? { progress: changes.progress } : {}),
      ...(changes.stats ? { stats: JSON.stringify(changes.stats) } : {}),
      ...(changes.alignment ? { alignment: JSON.stringify(changes.alignment) } : {}),
      ...(changes.error !== undefined ? { error: changes.error } : {}),
      ...(changes.finished ? { finished_at: new Date() } : {}),
    })
    .where('id', '=', id)
    .execute()
}

/**
 * Runs left pending or running by a server that stopped: they will never finish. They are marked
 * failed and the rows their finished steps stored are removed, as for any failed run.
 */
export async function failInterruptedRuns(db: Kysely<Tables>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const interrupted = await trx
      .selectFrom('merge_runs')
      .select('id')
      .where('status', 'in', ['pending', 'running'])
      .execute()
    for (const { id } of interrupted) {
      await deleteRunResults(trx, id)
      await updateMergeRun(trx, id, {
        status: 'failed',
        error: 'interrupted: the server stopped during the run',
        finished: true,
      })
    }
    return interrupted.length
  })
}

export async function deleteRunResults(db: Db, runId: number): Promise<void> {
  await db.deleteFrom('merge_issues').where('merge_run_id', '=', runId).execute()
  await db.deleteFrom('unified_grids').where('merge_run_id', '=', runId).execute()
}

/** Active layers by department, or the given layer ids, with their department. */
export async function findLayersForMerge(
  db: Db,
  layerIds: number[] | undefined,
): Promise<{ id: number; department: string }[]> {
  let query = db.selectFrom('grid_layers').select(['id', 'department']).orderBy('department')
  query = layerIds
    ? query.where('id', 'in', layerIds.length > 0 ? layerIds : [-1])
    : query.where('is_active', '=', true)
  return query.execute()
}

export async function findCommunityCodes(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('regions')
    .select('code')
    .where('level', '=', 'community')
    .where('boundary', 'is not', null)
    .orderBy('code')
    .execute()
  return rows.map((r) => r.code)
}

/** The UTM zone (WGS84) that holds the centre of the data: metric work is done in it. */
export async function findMetricSrid(db: Db): Promise<number> {
  const { rows } = await sql<{
    lon: number | null
  }>`SELECT ST_X(ST_Centroid(ST_Extent(boundary)::geometry)) AS lon FROM regions WHERE level = 'community'`.execute(db)
  const lon = rows[0]?.lon ?? 117
  return 32600 + Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1))
}

/** Per department: mean best IoU of its grids with the unified grids, and the share mapping one to one. */
export async function findAlignment(db: Db, runId: number): Promise<DepartmentAlignment[]> {
  const { rows } = await sql<DepartmentAlignment>`
    WITH s AS (
      SELECT ugs.grid_id, ugs.overlap_m2 AS overlap, u.area_m2 AS unified_area,
             sum(ugs.overlap_m2) OVER (PARTITION BY ugs.grid_id) AS grid_area
      FROM unified_grid_sources ugs JOIN unified_grids u ON u.id = ugs.unified_grid_id AND u.merge_run_id = ${runId}::bigint
    ), best AS (
      SELECT grid_id, max(overlap / nullif(grid_area + unified_area - overlap, 0)) AS iou,
             bool_or(overlap >= 0.9 * grid_area AND overlap >= 0.9 * unified_area) AS one_to_one
      FROM s GROUP BY grid_id
    )
    SELECT l.department, count(*)::int AS grids, avg(best.iou)::float8 AS "meanIou", avg(best.one_to_one::int)::float8 AS "oneToOneShare"
    FROM best JOIN grids g ON g.id = best.grid_id JOIN grid_layers l ON l.id = g.layer_id
    GROUP BY l.department ORDER BY l.department`.execute(db)
  return rows
}

export async function countIssues(db: Db, runId: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('merge_issues')
    .where('merge_run_id', '=', runId)
    .groupBy('kind')
    .select(['kind', sql<number>`count(*)::int`.as('n')])
    .execute()
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]))
}

export async function countUnifiedGrids(db: Db, runId: number): Promise<number> {
  const row = await db
    .selectFrom('unified_grids')
    .where('merge_run_id', '=', runId)
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
  return row.n
}

export async function publishRun(db: Db, runId: number): Promise<void> {
  await db.updateTable('merge_runs').set({ is_published: false }).where('is_published', '=', true).execute()
  await db
    .updateTable('merge_runs')
    .set({ is_published: true, published_at: new Date() })
    .where('id', '=', runId)
    .execute()
}
