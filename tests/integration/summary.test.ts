// GET /api/summary: the KPI figures of the wall display, over the demo district, on each driver.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { buildTestApp } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

describe.each(testDrivers())('summary on %s', (driver) => {
  let database: Database
  let app: FastifyInstance

  beforeAll(async () => {
    database = await openTestDatabase(driver)
    app = await buildTestApp(database)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('counts what the database holds', async () => {
    const summary = (await app.inject('/api/summary')).json()
    const { rows } = await sql<{ orgs: number; units: number; centers: number }>`
      SELECT (SELECT count(*)::int FROM party_orgs) AS orgs, (SELECT count(*)::int FROM units) AS units,
             (SELECT count(*)::int FROM service_centers) AS centers`.execute(database.db)
    expect(summary.partyOrgs.total).toBe(rows[0].orgs)
    expect(summary.units.total).toBe(rows[0].units)
    expect(summary.serviceCenters.reduce((sum: number, c: { count: number }) => sum + c.count, 0)).toBe(rows[0].centers)
    expect(summary.grids).toHaveLength(4)
    expect(summary.units.shouldEstablish).toBeGreaterThan(0)
    expect(summary.population.residents).toBeGreaterThan(0)
  })
})
