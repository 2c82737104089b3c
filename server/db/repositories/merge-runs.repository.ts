// Merge runs as records: created pending, updated as they go, published by switching the active
// version; what a run merges (layers, communities, metric frame) and what it found (counts, alignment).
import { type Kysely, type Transaction, sql } from 'kysely'
import type { Tables } from '../tables.ts'
import type {
  DepartmentAlignment,
  HouseholdSource,
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
  /** why it failed, in zh-CN */
  error: string | null
  /** the same in English */
  errorEn: string | null
  householdSource: HouseholdSource | null
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
      'error_en as errorEn',
      'household_source as householdSource',
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
  run: {
    strategy: MergeStrategy
    params: MergeRunParams
    layerIds: number[]
    householdSource?: HouseholdSource | null
  },
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
      household_source: run.householdSource ?? null,
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
    errorEn?: string | null
    householdSource?: HouseholdSource | null
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
      ...(changes.errorEn !== undefined ? { error_en: changes.errorEn } : {}),
      ...(changes.householdSource !== undefined ? { household_source: changes.householdSource } : {}),
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
        error: '服务器在合并运行期间停止，本次合并未完成',
        errorEn: 'interrupted: the server stopped during the run',
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

/**
 * What households a household-balanced run can draw on: the merged layers every grid of which has
 * its households (户数), and whether the district has population points.
 */
export async function findHouseholdData(
  db: Db,
  layerIds: number[],
): Promise<{ layersWithHouseholds: { id: number; department: string }[]; populationPoints: boolean }> {
  const { rows } = await sql<{ id: number; department: string }>`
    SELECT l.id, l.department FROM grid_layers l JOIN grids g ON g.layer_id = l.id
    WHERE l.id = ANY(${layerIds}::bigint[])
    GROUP BY l.id, l.department HAVING count(*) = count(g.households)
    ORDER BY l.department`.execute(db)
  const {
    rows: [points],
  } = await sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM population_points) AS any`.execute(db)
  return {
    layersWithHouseholds: rows.map((r) => ({ id: Number(r.id), department: r.department })),
    populationPoints: points.any,
  }
}
