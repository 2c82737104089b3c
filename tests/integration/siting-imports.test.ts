// 党群服务中心 registers and population points imported through POST /api/imports, on each driver:
// tables with Chinese headers (CSV, XLSX) and GeoJSON points, in WGS84, GCJ-02 and a CGCS2000
// Gauss–Krüger frame; regions found by PostGIS where a row names none; the centres' catchments
// rebuilt; bad files refused whole naming file, row (or feature) and column, the stored rows unchanged.
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { wgs84ToGcj02 } from '../../server/services/imports/crs.ts'
import { type TestApp, buildTestApp, uploadFile } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

const csv = (rows: (string | number)[][]) => rows.map((r) => r.join(',')).join('\n')

async function xlsx(rows: (string | number)[][]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('服务中心')
  for (const row of rows) sheet.addRow(row)
  return new Uint8Array(await workbook.xlsx.writeBuffer())
}

describe.each(testDrivers())('siting inputs import on %s', (driver) => {
  let database: Database
  let app: TestApp
  /** Two communities of the demo district: a point inside each, and the street above it. */
  let places: { code: string; street: string; lon: number; lat: number }[]
  const upload = (name: string, data: string | Uint8Array, fields: Record<string, string>, language = 'zh-CN') =>
    uploadFile(app, { name, data }, fields, language)
  /** What an import may change, as counts and a digest. */
  const stored = async () =>
    (
      await sql<{ centres: number; centresDigest: string; points: number; residents: number; pointsDigest: string }>`
        SELECT (SELECT count(*)::int FROM service_centers) AS centres,
               (SELECT md5(string_agg(code || name || level || status || coalesce(radius_m::text, '') || ST_AsText(location), '|' ORDER BY code)) FROM service_centers) AS "centresDigest",
               (SELECT count(*)::int FROM population_points) AS points,
               (SELECT sum(residents)::int FROM population_points) AS residents,
               (SELECT md5(string_agg(residents || ':' || ST_AsText(location), '|' ORDER BY id)) FROM population_points) AS "pointsDigest"`.execute(
        database.db,
      )
    ).rows[0]

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'demo')
    app = await buildTestApp(database)
    const { rows } = await sql<{ code: string; street: string; lon: number; lat: number }>`
      SELECT code, parent_code AS street, ST_X(p) AS lon, ST_Y(p) AS lat
      FROM (SELECT code, parent_code, ST_PointOnSurface(boundary) AS p FROM regions WHERE level = 'community' ORDER BY code LIMIT 2) r`.execute(
      database.db,
    )
    places = rows
  }, 180_000)
  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('upserts a centre register by code (CSV, Chinese headers): a dry run first, regions found by PostGIS, catchments rebuilt', async () => {
    const before = await stored()
    const existing = (
      await sql<{ code: string }>`SELECT code FROM service_centers ORDER BY code LIMIT 1`.execute(database.db)
    ).rows[0].code
    const [a, b] = places
    const file = csv([
      ['中心编码', '中心名称', '级别', '状态', '建筑面积', '服务半径', '经度', '纬度'],
      ['TEST-C1', '测试社区党群服务中心', '社区级', '新建', '"1,200"', '', a.lon, a.lat],
      ['TEST-C2', '测试街道党群服务中心', '街道级', '规划', '', 800, b.lon, b.lat],
      [existing, '改名后的中心', '站点', '在用', 90, '', a.lon, a.lat],
    ])
    const dry = await upload('centres.csv', file, { kind: 'centers', dryRun: 'true' })
    expect(dry.statusCode, dry.body).toBe(200)
    expect(dry.json()).toMatchObject({
      kind: 'service_centers',
      format: 'csv',
      dryRun: true,
      counts: { rows: 3, stored: 0, added: 2, updated: 1, removed: 0 },
    })
    expect(await stored()).toEqual(before)

    const real = await upload('centres.csv', file, { kind: 'centers' })
    expect(real.statusCode, real.body).toBe(200)
    expect(real.json().counts).toMatchObject({ stored: 3, added: 2, updated: 1 })
    const { rows } = await sql<{
      code: string
      name: string
      level: string
      status: string
      floor: number | null
      radius: number | null
      region: string | null
      catchments: number
      area: number | null
    }>`
      SELECT s.code, s.name, s.level, s.status, s.floor_area_m2 AS floor, s.radius_m AS radius, s.region_code AS region,
             (SELECT count(*)::int FROM catchments c WHERE c.center_id = s.id) AS catchments,
             (SELECT ST_Area(c.geom::geography) FROM catchments c WHERE c.center_id = s.id AND c.method = 'radius') AS area
      FROM service_centers s WHERE s.code IN ('TEST-C1', 'TEST-C2', ${existing}) ORDER BY s.code`.execute(database.db)
    const byCode = new Map(rows.map((r) => [r.code, r]))
    expect(byCode.get('TEST-C1')).toMatchObject({
      level: 'community',
      status: 'new',
      floor: 1200,
      radius: null,
      region: a.code,
    })
    // a street-level centre's region is the street its point lies in
    expect(byCode.get('TEST-C2')).toMatchObject({ level: 'street', status: 'planned', radius: 800, region: b.street })
    expect(byCode.get(existing)).toMatchObject({ name: '改名后的中心', level: 'station', floor: 90 })
    // its radius catchment rebuilt: a true-distance circle of 800 m (π·800² within 1 %)
    expect(byCode.get('TEST-C2')!.catchments).toBeGreaterThanOrEqual(1)
    expect(Number(byCode.get('TEST-C2')!.area)).toBeGreaterThan(Math.PI * 800 ** 2 * 0.99)
    expect(Number(byCode.get('TEST-C2')!.area)).toBeLessThan(Math.PI * 800 ** 2 * 1.01)
    expect(real.json().counts.catchmentsRebuilt).toBeGreaterThanOrEqual((await stored()).centres)
  })

  it('replaces the centres with an XLSX register in GCJ-02 when asked, removing those not in it', async () => {
    const before = await stored()
    const [a, b] = places
    const [ax, ay] = wgs84ToGcj02(a.lon, a.lat)
    const [bx, by] = wgs84ToGcj02(b.lon, b.lat)
    const data = await xlsx([
      ['编码', '名称', '层级', '经度', '纬度'],
      ['X-1', '甲社区党群服务中心', '社区·村级', ax, ay],
      ['X-2', '乙社区党群服务站', '党群服务站', bx, by],
    ])
    const response = await upload('台账.xlsx', data, { kind: 'centers', crs: 'gcj02', replace: 'true' })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({
      format: 'xlsx',
      sourceCrs: 'GCJ-02',
      counts: { stored: 2, added: 2, updated: 0, removed: before.centres },
    })
    const { rows } = await sql<{ code: string; metres: number }>`
      SELECT code, ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(${a.lon}, ${a.lat}), 4326)::geography) AS metres
      FROM service_centers ORDER BY code`.execute(database.db)
    expect(rows.map((r) => r.code)).toEqual(['X-1', 'X-2'])
    // GCJ-02 back to WGS84 within a metre of where the point was
    expect(Number(rows[0].metres)).toBeLessThan(1)
  })

  it('replaces the population points with GeoJSON points in a CGCS2000 Gauss–Krüger frame; points outside the district left out and counted', async () => {
    const [a, b] = places
    // the 3-degree zone whose central meridian is nearest the district (EPSG:4534 is 75°E … 4554 135°E)
    const srid = 4534 + Math.round((a.lon - 75) / 3)
    const { rows: projected } = await sql<{ x: number; y: number }>`
      SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (
        SELECT ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), ${srid}::int) AS p
        FROM unnest(${[a.lon, b.lon, a.lon + 1.5]}::float8[], ${[a.lat, b.lat, a.lat]}::float8[]) WITH ORDINALITY AS t(lon, lat, n)
        ORDER BY n) q`.execute(database.db)
    const point = (i: number, properties: Record<string, unknown>) => ({
      type: 'Feature',
      properties,
      geometry: { type: 'Point', coordinates: [projected[i].x, projected[i].y] },
    })
    const file = JSON.stringify({
      type: 'FeatureCollection',
      features: [point(0, { 常住人口: 120, 户数: 40 }), point(1, { 常住人口: 75 }), point(2, { 常住人口: 9 })],
    })
    const response = await upload('人口.geojson', file, { kind: 'population', crs: `EPSG:${srid}` })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({
      format: 'geojson',
      counts: { rows: 3, stored: 2, outside: 1, residents: 195, households: 40 },
    })
    const after = await stored()
    expect(after).toMatchObject({ points: 2, residents: 195 })
    const { rows } = await sql<{ region: string; metres: number }>`
      SELECT region_code AS region,
             ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(${a.lon}, ${a.lat}), 4326)::geography) AS metres
      FROM population_points ORDER BY residents DESC`.execute(database.db)
    expect(rows[0].region).toBe(a.code)
    expect(rows[1].region).toBe(b.code)
    expect(Number(rows[0].metres)).toBeLessThan(0.01)
    // the coverage figures follow: the district's residents are those of the file
    const district = (
      await sql<{ code: string }>`SELECT code FROM regions WHERE level = 'district' LIMIT 1`.execute(database.db)
    ).rows[0].code
    const coverage = await app.inject({ method: 'GET', url: `/api/coverage?region=${district}` })
    expect(coverage.statusCode, coverage.body).toBe(200)
    expect(coverage.json().totals.residents).toBe(195)
  })

  it('takes the other kinds DESIGN lists at the same path: a road network and a party register (dry runs)', async () => {
    const [a] = places
    const roads = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { highway: 'footway', name: '测试步道' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [a.lon, a.lat],
              [a.lon + 0.001, a.lat],
            ],
          },
        },
      ],
    })
    const road = await upload('paths.geojson', roads, { kind: 'roads', dryRun: 'true' })
    expect(road.statusCode, road.body).toBe(200)
    expect(road.json()).toMatchObject({ networkId: null, dryRun: true, lines: 1 })
    const orgs = csv([
      ['组织编码', '组织名称', '组织类别', '所属领域', '党员数', '区划代码'],
      ['T-O1', '测试党支部', '党支部', '社区', 5, a.code],
    ])
    const register = await upload('orgs.csv', orgs, { kind: 'organizations', dryRun: 'true' })
    expect(register.statusCode, register.body).toBe(200)
    expect(register.json()).toMatchObject({ kind: 'party_orgs', dryRun: true, counts: { rows: 1, stored: 0 } })
  })

  it.each([
    {
      what: 'a missing 纬度 column',
      name: 'centres.csv',
      fields: <Record<string, string>>{ kind: 'centers' },
      data: () =>
        csv([
          ['中心编码', '中心名称', '级别', '经度'],
          ['Y-1', '某中心', '社区级', places[0].lon],
        ]),
      zh: ['centres.csv', '纬度', '缺少列'],
      en: ['missing column'],
    },
    {
      what: 'residents that are not a whole number, on row 3',
      name: 'pop.csv',
      fields: <Record<string, string>>{ kind: 'population' },
      data: () =>
        csv([
          ['经度', '纬度', '常住人口'],
          [places[0].lon, places[0].lat, 10],
          [places[0].lon, places[0].lat, '十二'],
        ]),
      zh: ['pop.csv', '第 3 行', '常住人口', '不是整数'],
      en: ['row 3', 'not a whole number'],
    },
    {
      what: 'an unknown level word and a duplicate code',
      name: 'centres.csv',
      fields: <Record<string, string>>{ kind: 'centers' },
      data: () =>
        csv([
          ['中心编码', '中心名称', '级别', '经度', '纬度'],
          ['Y-1', '某中心', '省级', places[0].lon, places[0].lat],
          ['Y-1', '某中心', '社区级', places[0].lon, places[0].lat],
        ]),
      zh: ['centres.csv', '2 处错误', '级别', '无法识别“省级”'],
      en: ['2 faults', 'not recognised'],
    },
    {
      what: 'swapped coordinates',
      name: 'pop.csv',
      fields: <Record<string, string>>{ kind: 'population' },
      data: () =>
        csv([
          ['经度', '纬度', '常住人口'],
          [places[0].lat, places[0].lon, 10],
        ]),
      zh: ['pop.csv', '第 2 行', '经度', '颠倒'],
      en: ['swapped'],
    },
    {
      what: 'a region code that does not exist',
      name: 'pop.csv',
      fields: <Record<string, string>>{ kind: 'population' },
      data: () =>
        csv([
          ['经度', '纬度', '常住人口', '区划代码'],
          [places[0].lon, places[0].lat, 10, '999999999999'],
        ]),
      zh: ['pop.csv', '区划代码', '没有区划 999999999999'],
      en: ['no region 999999999999'],
    },
    {
      what: 'a polygon among GeoJSON points',
      name: 'pop.geojson',
      fields: <Record<string, string>>{ kind: 'population' },
      data: () =>
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { 常住人口: 3 },
              geometry: { type: 'Point', coordinates: [places[0].lon, places[0].lat] },
            },
            {
              type: 'Feature',
              properties: { 常住人口: 3 },
              geometry: {
                type: 'Polygon',
                coordinates: [
                  [
                    [0, 0],
                    [1, 0],
                    [1, 1],
                    [0, 0],
                  ],
                ],
              },
            },
          ],
        }),
      zh: ['pop.geojson', '第 2 个要素', 'geometry', '不是点要素'],
      en: ['feature 2', 'not a point'],
    },
    {
      what: 'an unknown frame',
      name: 'pop.csv',
      fields: <Record<string, string>>{ kind: 'population', crs: 'EPSG:2000' },
      data: () =>
        csv([
          ['经度', '纬度', '常住人口'],
          [places[0].lon, places[0].lat, 10],
        ]),
      zh: ['pop.csv', '未知坐标系'],
      en: ['unknown coordinate reference system'],
    },
    {
      what: 'a file type it cannot read',
      name: 'pop.txt',
      fields: <Record<string, string>>{ kind: 'population' },
      data: () => 'x',
      zh: ['pop.txt', '请上传 .csv、.xlsx 或 .geojson 文件'],
      en: ['upload a .csv, .xlsx or .geojson file'],
    },
    {
      what: 'a kind the API does not know',
      name: 'pop.csv',
      fields: <Record<string, string>>{ kind: 'buildings' },
      data: () =>
        csv([
          ['经度', '纬度', '常住人口'],
          [places[0].lon, places[0].lat, 10],
        ]),
      zh: ['不能导入“buildings”', 'population（人口）'],
      en: ['Cannot import "buildings"'],
    },
  ])('refuses $what, naming file, row and column, in both languages, and stores nothing', async (bad) => {
    const before = await stored()
    const zh = await upload(bad.name, bad.data(), bad.fields)
    expect(zh.statusCode, zh.body).toBe(400)
    for (const words of bad.zh) expect(zh.json().message).toContain(words)
    const en = await upload(bad.name, bad.data(), bad.fields, 'en')
    expect(en.statusCode).toBe(400)
    for (const words of bad.en) expect(en.json().message).toContain(words)
    expect(en.json().message).not.toContain(bad.zh[bad.zh.length - 1])
    expect(await stored()).toEqual(before)
  })
})
