// Catchments and coverage on hand-built cases with answers known in advance, on each driver: radius
// coverage sums and double counting, the level default against a centre's own radius, nearest-centre
// load against capacity, and a river that makes the walking area smaller than the circle.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { insertRoadNetwork } from '../../server/db/repositories/siting.repository.ts'
import { LocalFrame } from '../../server/services/siting/siting.service.ts'
import { buildTestApp } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

// Two hand-built areas far apart, each with a frame in metres: the radius case around A, the river
// case around R (60 km east), so neither's centres reach the other's residents.
const A = new LocalFrame(116.0, 39.9)
const R = new LocalFrame(116.7, 39.9)
const at = (frame: LocalFrame, x: number, y: number) => ({ lon: frame.lon(x), lat: frame.lat(y) })

const DISTRICT = '110199000000'
const STREET_1 = '110199001000'
const COMMUNITY_1 = '110199001001'
const COMMUNITY_2 = '110199001002'
const STREET_2 = '110199002000'
const RIVER_COMMUNITY = '110199002001'

async function seed(database: Database) {
  const { db } = database
  await db
    .insertInto('regions')
    .values([
      { code: DISTRICT, name: '测试区', level: 'district', parent_code: null },
      { code: STREET_1, name: '东街道', level: 'street', parent_code: DISTRICT },
      { code: COMMUNITY_1, name: '甲社区', level: 'community', parent_code: STREET_1 },
      { code: COMMUNITY_2, name: '乙社区', level: 'community', parent_code: STREET_1 },
      { code: STREET_2, name: '河街道', level: 'street', parent_code: DISTRICT },
      { code: RIVER_COMMUNITY, name: '河畔社区', level: 'community', parent_code: STREET_2 },
    ])
    .execute()
  const point = (p: { lon: number; lat: number }) => sql`ST_SetSRID(ST_MakePoint(${p.lon}, ${p.lat}), 4326)`
  const centre = async (
    code: string,
    level: string,
    radius: number | null,
    floorArea: number,
    region: string,
    p: { lon: number; lat: number },
  ) =>
    sql`INSERT INTO service_centers (code, name, level, floor_area_m2, radius_m, region_code, location)
        VALUES (${code}, ${`${code}中心`}, ${level}, ${floorArea}, ${radius}, ${region}, ${point(p)})`.execute(db)
  // A: an urban community centre, level default 500 m; B 800 m east with its own 600 m radius
  await centre('A', 'community', null, 30, COMMUNITY_1, at(A, 0, 0))
  await centre('B', 'community', 600, 300, COMMUNITY_2, at(A, 800, 0))
  // R: the river case's centre on the south bank, radius 500 m
  await centre('R', 'community', 500, 300, RIVER_COMMUNITY, at(R, 0, 0))
  const people = async (region: string, residents: number, households: number, p: { lon: number; lat: number }) =>
    sql`INSERT INTO population_points (region_code, residents, households, location)
        VALUES (${region}, ${residents}, ${households}, ${point(p)})`.execute(db)
  await people(COMMUNITY_1, 10, 4, at(A, 0, 0)) // A only (B is 800 m away)
  await people(COMMUNITY_1, 20, 8, at(A, 390, 0)) // A (390 m) and B (410 m): twice
  await people(COMMUNITY_2, 30, 12, at(A, 1500, 0)) // B is 700 m away: nobody
  await people(COMMUNITY_2, 40, 16, at(A, 800, 300)) // B only (A is 854 m away)
  // river case: S on the south bank 300 m east, N across the river opposite R, M across near the bridge
  await people(RIVER_COMMUNITY, 5, 2, at(R, 300, 5))
  await people(RIVER_COMMUNITY, 7, 3, at(R, 0, 210))
  await people(RIVER_COMMUNITY, 11, 4, at(R, 600, 210))
  // roads: south bank y = 0 and north bank y = 200, x from -1000 to 1000; the river at y = 100; one
  // bridge at x = 600. Only the river case lies near them.
  const line = (cls: string, points: [number, number][]) => ({
    class: cls,
    name: null,
    coordinates: points.map(([x, y]) => [R.lon(x), R.lat(y)] as [number, number]),
  })
  await insertRoadNetwork(db, { name: '测试路网', source: 'test' }, [
    line('residential', [
      [-1000, 0],
      [0, 0],
      [600, 0],
      [1000, 0],
    ]),
    line('residential', [
      [-1000, 200],
      [0, 200],
      [600, 200],
      [1000, 200],
    ]),
    line('footway', [
      [600, 0],
      [600, 200],
    ]),
    line('river', [
      [-1000, 100],
      [1000, 100],
    ]),
  ])
}

describe.each(testDrivers())('siting coverage on hand-built cases on %s', (driver) => {
  let database: Database
  let app: FastifyInstance

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await seed(database)
    app = await buildTestApp(database)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  const coverage = async (query: string) => {
    const response = await app.inject(`/api/coverage?${query}`)
    expect(response.statusCode, response.body).toBe(200)
    return response.json()
  }

  it('counts residents covered, not covered and covered twice by radius, adding up at every level', async () => {
    const c = await coverage(`region=${STREET_1}&method=radius`)
    expect(c.totals).toMatchObject({ residents: 100, covered: 70, uncovered: 30, coveredMoreThanOnce: 20 })
    expect(c.totals.coveredShare).toBeCloseTo(0.7, 10)
    const byCode = Object.fromEntries(c.communities.map((f: { code: string }) => [f.code, f]))
    expect(byCode[COMMUNITY_1]).toMatchObject({ residents: 30, covered: 30, uncovered: 0, coveredMoreThanOnce: 20 })
    expect(byCode[COMMUNITY_2]).toMatchObject({ residents: 70, covered: 40, uncovered: 30, coveredMoreThanOnce: 0 })
    expect(c.streets).toEqual([]) // a street's breakdown is its communities
    const district = await coverage(`region=${DISTRICT}&method=radius`)
    expect(district.totals.residents).toBe(123)
    const streets = Object.fromEntries(district.streets.map((f: { code: string }) => [f.code, f]))
    expect(streets[STREET_1]).toMatchObject({ residents: 100, covered: 70 })
    // the river case by radius: S (300 m) and N (210 m) inside R's 500 m circle, M (636 m) outside
    expect(streets[STREET_2]).toMatchObject({ residents: 23, covered: 12, uncovered: 11 })
    for (const f of [...district.streets, ...district.communities, district.totals])
      expect(f.covered + f.uncovered, f.code).toBe(f.residents)
  })

  it('answers from the points as they are now: a point added, changed or removed counts at once', async () => {
    // the service keeps the points in memory between requests (data_versions says when they change)
    const before = await coverage(`region=${STREET_1}&method=radius`)
    expect(before.totals).toMatchObject({ residents: 100, covered: 70 })
    const { rows } = await sql<{ id: string }>`
      INSERT INTO population_points (region_code, residents, households, location)
      VALUES (${COMMUNITY_1}, 9, 3, ST_SetSRID(ST_MakePoint(${A.lon(100)}, ${A.lat(0)}), 4326)) RETURNING id::text AS id`.execute(
      database.db,
    )
    const id = rows[0].id
    try {
      expect((await coverage(`region=${STREET_1}&method=radius`)).totals).toMatchObject({ residents: 109, covered: 79 })
      // moved out of every circle
      await sql`UPDATE population_points SET location = ST_SetSRID(ST_MakePoint(${A.lon(-2000)}, ${A.lat(0)}), 4326)
                WHERE id = ${id}`.execute(database.db)
      expect((await coverage(`region=${STREET_1}&method=radius`)).totals).toMatchObject({
        residents: 109,
        covered: 70,
        uncovered: 39,
      })
    } finally {
      await sql`DELETE FROM population_points WHERE id = ${id}`.execute(database.db)
    }
    expect((await coverage(`region=${STREET_1}&method=radius`)).totals).toMatchObject({ residents: 100, covered: 70 })
  })

  it('says where each radius comes from and flags centres over capacity by nearest assignment', async () => {
    const c = await coverage(`region=${DISTRICT}&method=radius`)
    const byCode = Object.fromEntries(c.centres.map((x: { code: string }) => [x.code, x]))
    expect(byCode.A).toMatchObject({ radiusM: 500, radiusSource: 'level:community' })
    expect(byCode.B).toMatchObject({ radiusM: 600, radiusSource: 'center' })
    // nearest: A gets the points at 0 m and 390 m, B the others
    expect(byCode.A).toMatchObject({ assignedResidents: 30, assignedHouseholds: 12, capacityHouseholds: 100 })
    expect(byCode.B).toMatchObject({ assignedResidents: 70, assignedHouseholds: 28, capacityHouseholds: 1000 })
    expect(byCode.A.overCapacity).toBe(false)
    // 30 m² serves 100 households; A's 12 households fit, so shrink A's floor area to 3 m² (10 households)
    await sql`UPDATE service_centers SET floor_area_m2 = 3 WHERE code = 'A'`.execute(database.db)
    const after = await coverage(`region=${DISTRICT}&method=radius`)
    const a = after.centres.find((x: { code: string }) => x.code === 'A')
    expect(a).toMatchObject({ capacityHouseholds: 10, overCapacity: true })
    await sql`UPDATE service_centers SET floor_area_m2 = 30 WHERE code = 'A'`.execute(database.db)
    const profile = (await app.inject(`/api/service-centers/${a.id}`)).json()
    expect(profile).toMatchObject({ code: 'A', radiusM: 500, radiusSource: 'level:community', capacityHouseholds: 100 })
  })

  it('uses a level default from configuration: a rural village centre reaches 2,000 m', async () => {
    await sql`UPDATE regions SET is_urban = false WHERE code = ${COMMUNITY_1}`.execute(database.db)
    try {
      const c = await coverage(`region=${STREET_1}&method=radius`)
      const a = c.centres.find((x: { code: string }) => x.code === 'A')
      expect(a).toMatchObject({ radiusM: 2000, radiusSource: 'level:village' })
      expect(c.totals).toMatchObject({ covered: 100, uncovered: 0, coveredMoreThanOnce: 60 })
    } finally {
      await sql`UPDATE regions SET is_urban = true WHERE code = ${COMMUNITY_1}`.execute(database.db)
    }
  })

  it('walks around the river: covered residents by network follow the hand-computed walking distances', async () => {
    // walking distances from R (at x = 0 on the south road): S 300 + 5 = 305 m; M 600 + 200 + 10 = 810 m
    // (over the bridge); N 600 + 200 + 600 + 10 = 1,410 m. At 1.2 m/s: 10 min = 720 m, 15 min = 1,080 m.
    const ten = await coverage(`region=${RIVER_COMMUNITY}&method=network&minutes=10`)
    expect(ten.totals).toMatchObject({ residents: 23, covered: 5, uncovered: 18 })
    expect(ten.unsnapped).toEqual({ points: 0, residents: 0 })
    const fifteen = await coverage(`region=${RIVER_COMMUNITY}&method=network&minutes=15`)
    expect(fifteen.totals).toMatchObject({ covered: 16, uncovered: 7 })
    // by radius N (210 m away as the crow flies) is covered: the circle lies
    const radius = await coverage(`region=${RIVER_COMMUNITY}&method=radius`)
    expect(radius.totals).toMatchObject({ covered: 12 })
  })

  it('keeps figures per data version: the same answer again, and a centre or network change counts at once', async () => {
    // the service keeps each point's covering-centre count per region and method while the versions
    // of the points, centres, regions, unified grids and road network stand (migration 0135)
    const { ms: _first, ...first } = await coverage(`region=${STREET_1}&method=radius`)
    const { ms: _again, ...again } = await coverage(`region=${STREET_1}&method=radius`)
    expect(again).toEqual(first)
    // B's own radius 600 → 900 m: the point 700 m east of B is covered, the one at A 800 m from B twice
    await sql`UPDATE service_centers SET radius_m = 900 WHERE code = 'B'`.execute(database.db)
    try {
      expect((await coverage(`region=${STREET_1}&method=radius`)).totals).toMatchObject({
        residents: 100,
        covered: 100,
        uncovered: 0,
        coveredMoreThanOnce: 30,
      })
    } finally {
      await sql`UPDATE service_centers SET radius_m = 600 WHERE code = 'B'`.execute(database.db)
    }
    expect((await coverage(`region=${STREET_1}&method=radius`)).totals).toEqual(first.totals)
    // a network without the bridge: M (across the river) is out of reach within 15 minutes
    const fifteen = `region=${RIVER_COMMUNITY}&method=network&minutes=15`
    expect((await coverage(fifteen)).totals).toMatchObject({ covered: 16, uncovered: 7 })
    const active = await sql<{ id: string }>`SELECT id::text AS id FROM road_networks WHERE is_active`.execute(
      database.db,
    )
    const road = (y: number) => ({
      class: 'residential',
      name: null,
      coordinates: [
        [R.lon(-1000), R.lat(y)],
        [R.lon(1000), R.lat(y)],
      ] as [number, number][],
    })
    await insertRoadNetwork(database.db, { name: '无桥路网', source: 'test' }, [road(0), road(200)])
    try {
      expect((await coverage(fifteen)).totals).toMatchObject({ covered: 5, uncovered: 18 })
    } finally {
      await sql`UPDATE road_networks SET is_active = false WHERE is_active`.execute(database.db)
      await sql`UPDATE road_networks SET is_active = true WHERE id = ${active.rows[0].id}::bigint`.execute(database.db)
    }
    expect((await coverage(fifteen)).totals).toMatchObject({ covered: 16, uncovered: 7 })
  })

  it('stores walking areas smaller than the circle of the same distance, leaving out the far bank', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/catchments', payload: { method: 'network' } })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().unsnapped).toEqual(['A', 'B']) // the radius case has no roads
    const { rows } = await sql<{ minutes: number; area: number; circle: number; n: boolean; s: boolean }>`
      SELECT k.minutes, ST_Area(k.geom::geography) AS area,
        pi() * (k.minutes * 60 * 1.2) ^ 2 AS circle,
        ST_Intersects(k.geom, ST_SetSRID(ST_MakePoint(${R.lon(0)}, ${R.lat(210)}), 4326)) AS n,
        ST_Intersects(k.geom, ST_SetSRID(ST_MakePoint(${R.lon(300)}, ${R.lat(5)}), 4326)) AS s
      FROM catchments k JOIN service_centers c ON c.id = k.center_id
      WHERE c.code = 'R' AND k.method = 'network' ORDER BY k.minutes`.execute(database.db)
    expect(rows.map((r) => r.minutes)).toEqual([5, 10, 15])
    for (const r of rows) {
      expect(r.n, `${r.minutes} min reaches the far bank`).toBe(false)
      expect(r.area).toBeLessThan(r.circle * 0.5)
    }
    // 5 minutes = 360 m each way along the south road, buffered 50 m: about 720 × 100 m plus round ends
    expect(rows[0].area).toBeGreaterThan(720 * 100 * 0.95)
    expect(rows[0].area).toBeLessThan(720 * 100 + Math.PI * 50 * 50 + 2000)
    expect(rows[0].s).toBe(true)
    const radius = await app.inject({ method: 'POST', url: '/api/catchments', payload: { method: 'radius' } })
    expect(radius.json().catchments).toBe(3)
    const { rows: circles } = await sql<{ code: string; area: number }>`
      SELECT c.code, ST_Area(k.geom::geography) AS area FROM catchments k JOIN service_centers c ON c.id = k.center_id
      WHERE k.method = 'radius' ORDER BY c.code`.execute(database.db)
    expect(circles.map((c) => c.code)).toEqual(['A', 'B', 'R'])
    // a 32-segment-per-quadrant buffer on the spheroid: within 0.5 % of π r²
    expect(circles[0].area / (Math.PI * 500 ** 2)).toBeCloseTo(1, 2)
    expect(circles[1].area / (Math.PI * 600 ** 2)).toBeCloseTo(1, 2)
  })

  it('serves the stored catchments and the residents outside every circle as map layers', async () => {
    // radius circles were stored by the previous test; the bbox holds the radius case only
    const bbox = [A.lon(-2500), A.lat(-2500), A.lon(2500), A.lat(2500)].join(',')
    const features = async (layer: string) => {
      const response = await app.inject(`/api/layers/${layer}/features?bbox=${bbox}`)
      expect(response.statusCode, response.body).toBe(200)
      return response.json().features as { properties: Record<string, unknown> }[]
    }
    const uncovered = await features('uncovered-residents')
    expect(uncovered.map((f) => f.properties.residents)).toEqual([30])
    const cells = await features('uncovered-cells')
    expect(cells.reduce((s, f) => s + Number(f.properties.residents), 0)).toBe(30)
    const catchments = await features('catchments')
    const circles = catchments.filter((f) => f.properties.band === 'radius').map((f) => f.properties.centerCode)
    expect(circles.sort()).toEqual(['A', 'B'])
  })

  it('answers a hypothetical centre with the residents it would add', async () => {
    // at 1,400 m east of A with 300 m: the 30 uncovered residents at 1,500 m join
    const p = at(A, 1400, 0)
    const response = await app.inject({
      method: 'POST',
      url: '/api/siting/what-if',
      payload: { ...p, radiusM: 300 },
    })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ residentsWithin: 30, addedResidents: 30, addedHouseholds: 12 })
    // at A itself: everyone within 500 m is already covered
    const none = (await app.inject({ method: 'POST', url: '/api/siting/what-if', payload: at(A, 0, 0) })).json()
    expect(none).toMatchObject({ residentsWithin: 30, addedResidents: 0 })
  })

  it('refuses unknown or malformed regions with a zh-CN message naming the field', async () => {
    for (const region of ['110199009000', 'abc', '']) {
      const response = await app.inject(`/api/coverage?region=${region}`)
      expect(response.statusCode, region).toBe(400)
      expect(response.json().message).toMatch(/区划/)
      expect(response.json().details).toEqual([{ field: 'region' }])
    }
    const minutes = await app.inject(`/api/coverage?region=${DISTRICT}&method=network&minutes=0`)
    expect(minutes.statusCode).toBe(400)
    expect(minutes.json().message).toMatch(/步行时间/)
  })
})
