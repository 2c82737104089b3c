// The audit log: one row per change or export, and the counts an entry records before and after.
import { type Kysely, sql } from 'kysely'
import type { Tables } from '../tables.ts'

export interface AuditRowInput {
  actor: string
  action: string
  entity: string
  entityId: string | null
  details: Record<string, unknown>
}

export async function insertAudit(db: Kysely<Tables>, row: AuditRowInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: row.actor,
      action: row.action,
      entity: row.entity,
      entity_id: row.entityId,
      details: JSON.stringify(row.details),
    })
    .execute()
}

export interface AuditFilter {
  entity?: string
  entityId?: string
  actor?: string
  action?: string
  from?: Date
  to?: Date
  limit: number
  offset: number
}

export async function findAudit(db: Kysely<Tables>, filter: AuditFilter) {
  let query = db.selectFrom('audit_log')
  if (filter.entity) query = query.where('entity', '=', filter.entity)
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId)
  if (filter.actor) query = query.where('actor', '=', filter.actor)
  if (filter.action) query = query.where('action', '=', filter.action)
  if (filter.from) query = query.where('at', '>=', filter.from)
  if (filter.to) query = query.where('at', '<', filter.to)
  const rows = await query
    .select(['id', 'at', 'actor', 'action', 'entity', 'entity_id as entityId', 'details'])
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute()
  const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return { rows, total: Number(total.n) }
}

/** What an import or a publish touches, counted: regions, active grids, the published run and its grids. */
export async function countAuditedData(db: Kysely<Tables>): Promise<Record<string, number | null>> {
  const { rows } = await sql<{
    regions: number
    grids: number
    gridLayers: number
    publishedRun: number | null
    unifiedGrids: number
  }>`
    SELECT (SELECT count(*)::int FROM regions) AS regions,
           (SELECT count(*)::int FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active) AS grids,
           (SELECT count(*)::int FROM grid_layers WHERE is_active) AS "gridLayers",
           (SELECT id::int FROM merge_runs WHERE is_published ORDER BY id DESC LIMIT 1) AS "publishedRun",
           (SELECT count(*)::int FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published) AS "unifiedGrids"`.execute(
    db,
  )
  return rows[0]
}
