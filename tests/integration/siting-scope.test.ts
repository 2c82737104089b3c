// Siting seen by a street official, on each driver: coverage, the hypothetical centre, centre
// profiles, saved scenarios, their comparison and exports hold their street only (a region
// containing their street answers for the street; a region beside it, or a scenario of one, is not
// found), while the administrator sees everything.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { LocalFrame } from '../../server/services/siting/siting.service.ts'
import { type Credentials, type TestApp, buildTestApp, credentialHeaders, signIn } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

const F = new LocalFrame(118.0, 32.0)
const at = (x: number, y: number) => ({ lon: F.lon(x), lat: F.lat(y) })
const DISTRICT = '320199000000'
const OWN = '320199001000'
const OWN_COMMUNITY = '320199001001'
const OTHER = '320199002000'
const OTHER_COMMUNITY = '320199002001'
const password = 'a-long-enough-password'

const as = (credentials: Credentials, method: string, url: string, payload?: unknown) => ({
  method: method as 'GET',
  url,
  anonymous: true,
  headers: credentialHeaders(credentials, method),
  ...(payload !== undefined ? { payload: payload as object } : {}),
})

describe.each(testDrivers())('siting within a street official’s scope on %s', (driver) => {
  let database: Database
  let app: TestApp
  let official: Credentials
  let ownScenario: number
  let otherScenario: number
  let otherCentre: number

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    const { db } = database
    await db
      .insertInto('regions')
      .values([
        { code: DISTRICT, name: '范围区', level: 'district', parent_code: null },
        { code: OWN, name: '本街道', level: 'street', parent_code: DISTRICT },
        { code: OWN_COMMUNITY, name: '本社区', level: 'community', parent_code: OWN },
        { code: OTHER, name: '邻街道', level: 'street', parent_code: DISTRICT },
        { code: OTHER_COMMUNITY, name: '邻社区', level: 'community', parent_code: OTHER },
      ])
      .execute()
    const point = (p: { lon: number; lat: number }) => sql`ST_SetSRID(ST_MakePoint(${p.lon}, ${p.lat}), 4326)`
    const people = (region: string, residents: number, p: { lon: number; lat: number }) =>
      sql`INSERT INTO population_points (region_code, residents, households, location)
          VALUES (${region}, ${residents}, ${Math.ceil(residents / 3)}, ${point(p)})`.execute(db)
    // own street west of x = 0, the neighbour east of it; a centre on each side
    await people(OWN_COMMUNITY, 100, at(-100, 0))
    await people(OWN_COMMUNITY, 40, at(-2000, 0))
    await people(OTHER_COMMUNITY, 70, at(100, 0))
    await people(OTHER_COMMUNITY, 30, at(3000, 0))
    const centre = (code: string, region: string, p: { lon: number; lat: number }) =>
      sql<{
        id: string
      }>`INSERT INTO service_centers (code, name, level, floor_area_m2, radius_m, region_code, location)
          VALUES (${code}, ${`${code}中心`}, 'community', 300, 500, ${region}, ${point(p)}) RETURNING id::text AS id`.execute(
        db,
      )
    await centre('OWN', OWN_COMMUNITY, at(-2000, 100))
    otherCentre = Number((await centre('OTHER', OTHER_COMMUNITY, at(3000, 100))).rows[0].id)
    app = await buildTestApp(database)
    const created = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'street-siting', role: 'street', regionCode: OWN, password },
    })
    expect(created.statusCode, created.body).toBe(201)
    const first = await signIn(app, 'street-siting', password)
    const changed = await app.inject({
      ...as(first, 'POST', '/api/auth/password', { currentPassword: password, newPassword: `${password}!` }),
    })
    expect(changed.statusCode, changed.body).toBe(204)
    official = await signIn(app, 'street-siting', `${password}!`)
    const run = async (region: string) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/siting-scenarios',
        payload: { region, k: 1, radiusM: 500, candidates: [at(-100, 0), at(100, 0)] },
      })
      expect(response.statusCode, response.body).toBe(201)
      return response.json().id as number
    }
    ownScenario = await run(OWN)
    otherScenario = await run(OTHER)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('answers the district’s coverage with their street’s own, and nothing for the street beside it', async () => {
    const admin = (await app.inject(`/api/coverage?region=${DISTRICT}`)).json()
    expect(admin.totals).toMatchObject({ residents: 240, covered: 70 })
    const response = await app.inject(as(official, 'GET', `/api/coverage?region=${DISTRICT}`))
    expect(response.statusCode, response.body).toBe(200)
    const mine = response.json()
    expect(mine.region.code).toBe(OWN)
    expect(mine.totals).toMatchObject({ residents: 140, covered: 40, uncovered: 100 })
    expect(mine.communities.map((c: { code: string }) => c.code)).toEqual([OWN_COMMUNITY])
    const beside = await app.inject(as(official, 'GET', `/api/coverage?region=${OTHER}`))
    expect(beside.statusCode).toBe(404)
    expect(beside.json().message).toContain('不在可查看范围内')
  })

  it('counts a hypothetical centre’s residents in their street only', async () => {
    const body = { ...at(0, 0), radiusM: 500 }
    const admin = (await app.inject({ method: 'POST', url: '/api/siting/what-if', payload: body })).json()
    expect(admin).toMatchObject({ residentsWithin: 170, addedResidents: 170 })
    const response = await app.inject(as(official, 'POST', '/api/siting/what-if', body))
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ residentsWithin: 100, addedResidents: 100 })
  })

  it('lists, shows, compares and exports their street’s scenarios only', async () => {
    const list = (await app.inject(as(official, 'GET', '/api/siting-scenarios'))).json()
    expect(list.scenarios.map((s: { id: number }) => s.id)).toEqual([ownScenario])
    const all = (await app.inject('/api/siting-scenarios')).json()
    expect(all.scenarios.map((s: { id: number }) => s.id).sort()).toEqual([ownScenario, otherScenario].sort())
    expect((await app.inject(as(official, 'GET', `/api/siting-scenarios/${ownScenario}`))).statusCode).toBe(200)
    expect((await app.inject(as(official, 'GET', `/api/siting-scenarios/${otherScenario}`))).statusCode).toBe(404)
    for (const format of ['geojson', 'csv', 'xlsx', 'html']) {
      const url = (id: number) => `/api/siting-scenarios/${id}/export/${format}`
      expect((await app.inject(as(official, 'GET', url(ownScenario)))).statusCode, format).toBe(200)
      expect((await app.inject(as(official, 'GET', url(otherScenario)))).statusCode, format).toBe(404)
    }
    const compare = `/api/siting-scenarios/compare?ids=${ownScenario},${otherScenario}`
    expect((await app.inject(as(official, 'GET', compare))).statusCode).toBe(404)
    expect((await app.inject(compare)).statusCode).toBe(200)
  })

  it('shows centres of their street and not the centre beside it', async () => {
    expect((await app.inject(as(official, 'GET', `/api/service-centers/${otherCentre}`))).statusCode).toBe(404)
    expect((await app.inject(`/api/service-centers/${otherCentre}`)).statusCode).toBe(200)
  })
})
