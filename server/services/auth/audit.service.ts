// The audit log: every change and every export, who made it, when, its outcome, and the counts of
// what it touched before and after. The auth plugin records routes whose access entry names an
// audit action; services may call record() for changes made elsewhere.
import type { Kysely } from 'kysely'
import { countAuditedData, findAudit, insertAudit } from '../../db/repositories/audit.repository.ts'
import type { Tables } from '../../db/tables.ts'
import type { Principal } from './roles.ts'

export interface AuditEntry {
  actor: Principal | string | undefined
  action: string
  entity: string
  entityId?: string | number | null
  status?: number
  before?: Record<string, unknown>
  after?: Record<string, unknown>
  details?: Record<string, unknown>
}

export const actorName = (actor: Principal | string | undefined): string =>
  typeof actor === 'string'
    ? actor
    : actor === undefined
      ? 'anonymous'
      : actor.kind === 'wall'
        ? `wall-token:${actor.id}`
        : (actor.username ?? `user:${actor.id}`)

export class AuditService {
  constructor(private readonly db: Kysely<Tables>) {}

  /** The figures an import or a publish changes, to record before and after it. */
  counts(): Promise<Record<string, unknown>> {
    return countAuditedData(this.db)
  }

  async record(entry: AuditEntry): Promise<void> {
    await insertAudit(this.db, {
      actor: actorName(entry.actor),
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      details: {
        ...(entry.status !== undefined ? { status: entry.status } : {}),
        ...(entry.before ? { before: entry.before } : {}),
        ...(entry.after ? { after: entry.after } : {}),
        ...entry.details,
      },
    })
  }

  async list(filter: Parameters<typeof findAudit>[1]) {
    const { rows, total } = await findAudit(this.db, filter)
    return {
      entries: rows.map((r) => ({ ...r, id: Number(r.id), at: new Date(r.at).toISOString() })),
      total,
    }
  }
}
