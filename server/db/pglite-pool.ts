// A pool of one for PGlite, shaped like pg's Pool so that Kysely's own PostgresDriver (transactions,
// savepoints, connection handling) serves both drivers. PGlite has a single connection: a client is
// lent to one caller at a time and the others queue.
import type { PGlite, Results } from '@electric-sql/pglite'
import { SilentDatabaseFailureError } from '../errors.ts'

interface PgLikeResult {
  command: string
  rowCount: number
  rows: unknown[]
}

/** Statements that always describe their result columns; anything else may legitimately have none. */
const returnsColumns = /^\s*(\(\s*)?(select|with|values|table)\b/i
const firstWord = /^\s*\(?\s*([a-z]+)/i

export function checkResult(sql: string, result: Results): PgLikeResult {
  if (
    result.fields.length === 0 &&
    returnsColumns.test(sql) &&
    !/\breturning\b|\binsert\b|\bupdate\b|\bdelete\b/i.test(sql)
  ) {
    throw new SilentDatabaseFailureError(sql)
  }
  const command = (firstWord.exec(sql)?.[1] ?? '').toUpperCase()
  return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows }
}

class PgliteClient {
  constructor(
    private readonly pglite: PGlite,
    private readonly onRelease: () => void,
  ) {}

  async query(sql: string, parameters: readonly unknown[] = []): Promise<PgLikeResult> {
    // PGlite runs a statement on this thread and blocks it: let pending I/O (HTTP requests) in
    // first, so that they can queue for the connection while long work goes on statement by statement.
    await new Promise((resolve) => setImmediate(resolve))
    // Without parameters the simple-query protocol runs multi-statement scripts (migrations) too.
    if (parameters.length === 0) {
      const results = await this.pglite.exec(sql)
      const last = results.at(-1) ?? { rows: [], fields: [], affectedRows: 0 }
      return checkResult(sql, last)
    }
    return checkResult(sql, await this.pglite.query(sql, parameters as unknown[]))
  }

  release(): void {
    this.onRelease()
  }
}

export class PglitePool {
  private busy = false
  private readonly waiting: (() => void)[] = []

  constructor(readonly pglite: PGlite) {}

  async connect(): Promise<PgliteClient> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.busy = true
    let released = false
    return new PgliteClient(this.pglite, () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next) next()
      else this.busy = false
    })
  }

  async end(): Promise<void> {
    await this.pglite.close()
  }
}
