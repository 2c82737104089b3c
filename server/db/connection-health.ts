// Server PostgreSQL can drop a connection (pg_terminate_backend, a restart, a network cut) at any
// time. A pg client that loses its connection emits 'error'; with no listener Node ends the process.
// Here every pool client gets a listener, connection-class errors are told apart from the rest (the
// errors plugin answers them with 503), and the health route probes the database on each call, so
// service resumes by itself once the database is back: the pool opens fresh connections on demand.
import { type Kysely, sql } from 'kysely'
import type pg from 'pg'
import type { Tables } from './tables.ts'

/** SQLSTATEs that mean the connection, not the statement, failed: class 08, admin/crash shutdown, cannot connect now. */
const connectionStates = new Set(['57P01', '57P02', '57P03', '53300'])
const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'])
const connectionMessages =
  /Connection terminated|connection error and is not queryable|Client was closed|timeout exceeded when trying to connect|terminating connection/i

/** Whether an error (or one it was caused by) means the database connection was lost or refused. */
export function isConnectionError(error: unknown): boolean {
  for (
    let e = error, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const { code, message } = e as { code?: unknown; message?: unknown }
    if (typeof code === 'string' && (code.startsWith('08') || connectionStates.has(code) || connectionCodes.has(code)))
      return true
    if (typeof message === 'string' && connectionMessages.test(message)) return true
    // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1)
    const errors = (e as { errors?: unknown }).errors
    if (Array.isArray(errors) && errors.some((inner) => isConnectionError(inner))) return true
  }
  return false
}

/** A short, safe description of a connection failure: its code and first line, never a connection string. */
export function describeConnectionError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  const first = typeof message === 'string' && message ? message.split('\n')[0].slice(0, 160) : 'connection failed'
  return typeof code === 'string' && !first.includes(code) ? `${code}: ${first}` : first
}

/**
 * Keeps a pool alive through lost connections: the pool's own 'error' (an idle client died) and every
 * client's 'error' (a client checked out between statements, e.g. inside a transaction, died) are
 * listened for and logged once per episode; the failed statement itself rejects with the error.
 */
export function watchPoolConnections(pool: pg.Pool, log: (message: string) => void = console.warn): void {
  let lastLogged = 0
  const report = (error: Error) => {
    // one line per outage, not one per client
    if (Date.now() - lastLogged < 5000) return
    lastLogged = Date.now()
    log(`database connection lost (${describeConnectionError(error)}); requests get 503 until it is back`)
  }
  pool.on('error', report)
  pool.on('connect', (client) => client.on('error', report))
}

export type DatabaseProbe = { ok: true } | { ok: false; reason: string }

/** One round trip to the database, bounded in time: how /api/health knows whether the database answers. */
export async function probeDatabase(db: Kysely<Tables>, timeoutMs = 3000): Promise<DatabaseProbe> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<DatabaseProbe>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs)
  })
  try {
    return await Promise.race([sql`SELECT 1`.execute(db).then((): DatabaseProbe => ({ ok: true })), timeout])
  } catch (error) {
    return { ok: false, reason: describeConnectionError(error) }
  } finally {
    clearTimeout(timer)
  }
}
