// Wall tours on each driver: administrators create, change and delete them (audited); a wall token
// reads them and may not change them; a step naming a region or layer that does not exist, or a
// dwell out of range, is refused with a 400 naming the step's field, and nothing is stored.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, buildTestApp, injectOrigin } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

describe.each(testDrivers())('wall tours on %s', (driver) => {
  let database: Database
  let app: TestApp
  let street: string

  beforeAll(async () => {
    database = await openTestDatabase(driver)
    app = await buildTestApp(database)
    const { rows } = await sql<{ code: string }>`
      SELECT code FROM regions WHERE level = 'street' ORDER BY code LIMIT 1`.execute(database.db)
    street = rows[0].code
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  const step = () => ({ region: street, layers: ['grids-party', 'party-orgs'], panel: 'orgs', dwellSeconds: 20 })
  const count = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM wall_tours`.execute(database.db)).rows[0].n

  it('creates, lists, changes and deletes a tour, each change in the audit log', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/wall-tours',
      payload: { name: '早班巡游', steps: [step(), { ...step(), region: null, panel: null, layers: [] }] },
    })
    expect(created.statusCode, created.body).toBe(201)
    const tour = created.json()
    expect(tour).toMatchObject({ name: '早班巡游', steps: [step(), { region: null, panel: null, layers: [] }] })
    expect((await app.inject('/api/wall-tours')).json().tours.map((t: { id: number }) => t.id)).toContain(tour.id)

    const changed = await app.inject({
      method: 'PUT',
      url: `/api/wall-tours/${tour.id}`,
      payload: { name: '晚班巡游', steps: [{ ...step(), dwellSeconds: 45 }] },
    })
    expect(changed.statusCode, changed.body).toBe(200)
    expect((await app.inject(`/api/wall-tours/${tour.id}`)).json()).toMatchObject({
      name: '晚班巡游',
      steps: [{ dwellSeconds: 45 }],
    })
    expect((await app.inject({ method: 'DELETE', url: `/api/wall-tours/${tour.id}` })).statusCode).toBe(204)
    expect((await app.inject(`/api/wall-tours/${tour.id}`)).statusCode).toBe(404)

    const audit = (await app.inject('/api/audit?entity=wall-tour&limit=10')).json().entries as { action: string }[]
    expect(audit.map((e) => e.action).sort()).toEqual(['create', 'delete', 'update'])
  })

  it('lets a wall token read the tours but not change them', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/wall-tokens', payload: { label: '大屏' } })
    const me = await app.inject({ url: `/api/auth/me?wall=${created.json().token}`, anonymous: true } as never)
    const cookie = me.cookies.find((c) => c.name === 'wg_wall')!
    const headers = { cookie: `wg_wall=${cookie.value}`, origin: injectOrigin }
    const read = await app.inject({ url: '/api/wall-tours', anonymous: true, headers } as never)
    expect(read.statusCode).toBe(200)
    const before = await count()
    const write = await app.inject({
      method: 'POST',
      url: '/api/wall-tours',
      anonymous: true,
      headers,
      payload: { name: 'x', steps: [step()] },
    } as never)
    expect(write.statusCode).toBe(403)
    expect(await count()).toBe(before)
  })

  it('refuses a tour it could not show, naming the step and field, and stores nothing', async () => {
    const before = await count()
    const cases: [Record<string, unknown>, string][] = [
      [{ ...step(), region: '419999999999' }, 'steps/0/region'],
      [{ ...step(), layers: ['no-such-layer'] }, 'steps/0/layers'],
      [{ ...step(), dwellSeconds: 2 }, 'dwellSeconds'],
      [{ ...step(), panel: 'weather' }, 'panel'],
    ]
    for (const [bad, field] of cases) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/wall-tours',
        payload: { name: '坏的巡游', steps: [bad] },
      })
      expect(response.statusCode, response.body).toBe(400)
      expect(response.body).toContain(field)
    }
    const empty = await app.inject({ method: 'POST', url: '/api/wall-tours', payload: { name: '空', steps: [] } })
    expect(empty.statusCode).toBe(400)
    expect(await count()).toBe(before)
  })
})
