// Test databases on both drivers, each test file its own: PGlite restored from a dump made once per
// run, server PostGIS created from a template database made once per run (see global-setup.ts).
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import pg from 'pg'
import { type Kysely, sql } from 'kysely'
import { inject } from 'vitest'
import {
  type Database,
  type DriverName,
  createPgliteDatabase,
  createPostgresDatabase,
} from '../../server/db/database.ts'
import type { Tables } from '../../server/db/tables.ts'

export type TestData = 'demo' | 'empty' | 'none'

/** The drivers this run tests: PGlite always, server PostGIS when the tier is available. */
export function testDrivers(): DriverName[] {
  return inject('serverDatabaseUrl') ? ['pglite', 'postgres'] : ['pglite']
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.href
}

async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(statement)
  } finally {
    await admin.end()
  }
}

/**
 * Drops a test database once the pool's connections have gone. A pool reports itself ended while its
 * clients are still closing; forcing the drop then would kill a closing connection, whose error
 * nobody listens for any more (an uncaught exception in the test run).
 */
async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [name],
      )
      if (rows[0].n === 0) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}

/**
 * A database of its own for one test file: 'demo' migrated with the demo district, 'empty' migrated
 * with no data, 'none' not even migrated.
 */
export async function openTestDatabase(driver: DriverName, data: TestData = 'demo'): Promise<Database> {
  if (driver === 'pglite') {
    if (data === 'none') return createPgliteDatabase('memory://')
    const dump = await readFile(inject(data === 'demo' ? 'pgliteDemoDump' : 'pgliteEmptyDump'))
    return createPgliteDatabase('memory://', new Blob([dump]))
  }
  const adminUrl = inject('serverDatabaseUrl')
  if (!adminUrl) throw new Error('the server-PostGIS tier is not available in this run')
  const name = `wg_test_${randomBytes(6).toString('hex')}`
  const template = data === 'none' ? '' : ` TEMPLATE ${data === 'demo' ? 'wg_tpl_demo' : 'wg_tpl_empty'}`
  await adminQuery(adminUrl, `CREATE DATABASE ${name}${template}`)
  const database = await createPostgresDatabase(databaseUrl(adminUrl, name))
  let closed = false
  return {
    ...database,
    async close() {
      if (closed) return
      closed = true
      await database.close()
      await dropTestDatabase(adminUrl, name)
    },
  }
}

/** A table's row count as the planner's statistics have it (-1: never analysed) and as stored. */
export async function plannerEstimate(
  db: Kysely<Tables>,
  table: keyof Tables,
): Promise<{ estimated: number; stored: number }> {
  const {
    rows: [row],
  } = await sql<{ estimated: number; stored: number }>`
    SELECT (SELECT reltuples FROM pg_class WHERE oid = ${table}::regclass)::int AS estimated, (SELECT count(*)::int FROM ${sql.table(table)}) AS stored`.execute(
    db,
  )
  return row
}
