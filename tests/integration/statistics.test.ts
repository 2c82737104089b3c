// Planner statistics of a database whose district was stored without them (as a PGlite data
// directory loaded before they were kept): gathered at start for the tables that hold rows only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import type { Tables } from '../../server/db/tables.ts'
import { districtTables } from '../../server/db/repositories/demo.repository.ts'
import { analyseNeverAnalysed } from '../../server/db/statistics.ts'
import { openTestDatabase, plannerEstimate, testDrivers } from '../helpers/databases.ts'
import { buildMergeDistrict } from '../helpers/merge-district.ts'

describe.each(testDrivers())('planner statistics on %s', (driver) => {
  let database: Database

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
  })

  afterAll(async () => database?.close())

  const estimate = (table: keyof Tables) => plannerEstimate(database.db, table)

  it('analyses the never-analysed tables that hold rows, and leaves empty ones alone', async () => {
    expect((await estimate('grids')).estimated).toBe(-1)
    const analysed = await analyseNeverAnalysed(database.db, districtTables)
    expect([...analysed].sort()).toEqual(['grid_layers', 'grids', 'population_points', 'regions'])
    for (const table of analysed) expect((await estimate(table)).estimated, table).toBe((await estimate(table)).stored)
    expect((await estimate('units')).estimated).toBe(-1)
    expect(await analyseNeverAnalysed(database.db, districtTables)).toEqual([])
  })
})
