// Planner statistics of a database whose district was stored without them (as a PGlite data
// directory loaded before they were kept): gathered at start for the tables that hold rows only.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { districtTables } from '../../server/db/repositories/demo.repository.ts'
import { analyseNeverAnalysed } from '../../server/db/statistics.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { buildMergeDistrict } from '../helpers/merge-district.ts'

describe.each(testDrivers())('planner statistics on %s', (driver) => {
  let database: Database

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
  })

  afterAll(async () => database?.close())

  const estimate = async (table: string) => {
    const { rows: [row] } = await sql<{ estimated: number; stored: number }>`
      SELECT (SELECT reltuples FROM pg_class WHERE oid = ${table}::regclass)::int AS estimated, (SELECT count(*)::int FROM ${sql.table(table)}) AS stored`.execute(database.db)
    return row
  }

  it('analyses the never-analysed tables that hold rows, and leaves empty ones alone', async () => {
    expect((await estimate('grids')).estimated).toBe(-1)
    const analysed = await analyseNeverAnalysed(database.db, districtTables)
    expect([...analysed].sort()).toEqual(['grid_layers', 'grids', 'population_points', 'regions'])
    for (const table of analysed) expect((await estimate(table)).estimated, table).toBe((await estimate(table)).stored)
    expect((await estimate('units')).estimated).toBe(-1)
    expect(await analyseNeverAnalysed(database.db, districtTables)).toEqual([])
  })
})
