// Importing the region tree (街道/乡镇, 社区/村 boundaries with codes and parents): formats and frames,
// levels and parents read off the code, bad input refused with the file, feature and field named
// while the stored data stays as it was, and a real district replacing the generated demo one.
import type { FastifyInstance } from 'fastify'
import { zipSync } from 'fflate'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import type { Tables } from '../../server/db/tables.ts'
import { findHouseholdNorms } from '../../server/db/repositories/regions.repository.ts'
import { buildTestApp, uploadFile } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { toLonLat } from '../helpers/local-frame.ts'
import { writePolygonShapefile } from '../helpers/shapefile.ts'

type Ring = [number, number][]
const rect = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
]
const lonLatRing = (ring: Ring): Ring => ring.map(([x, y]) => toLonLat(x, y))

interface RegionFeature {
  properties: Record<string, string | undefined>
  /** a ring in metres east/north of the test origin, or already in the file's frame when `raw` */
  ring: Ring
  raw?: boolean
}

function regionCollection(features: RegionFeature[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: features.map((f) => ({
      type: 'Feature',
      properties: f.properties,
      geometry: { type: 'Polygon', coordinates: [f.raw ? f.ring : lonLatRing(f.ring)] },
    })),
  })
}

/** A region-tree upload: kind=regions unless the fields say otherwise. */
const upload = (
  app: FastifyInstance,
  file: { name: string; data: Uint8Array | string },
  fields: Record<string, string>,
) => uploadFile(app, file, { kind: 'regions', ...fields })

/** Everything an import could touch, as counts and a digest of the region rows. */
async function snapshot(db: Kysely<Tables>) {
  const { rows } = await sql<Record<string, number | string>>`
    SELECT (SELECT count(*)::int FROM regions) AS regions,
           (SELECT md5(coalesce(string_agg(code || name || level || coalesce(parent_code, '-') || is_urban || coalesce(ST_AsText(boundary), '-'), '|' ORDER BY code), '')) FROM regions) AS digest,
           (SELECT count(*)::int FROM grid_layers) AS "gridLayers", (SELECT count(*)::int FROM grids) AS grids,
           (SELECT count(*)::int FROM grid_staff) AS staff, (SELECT count(*)::int FROM party_orgs) AS "partyOrgs",
           (SELECT count(*)::int FROM units) AS units, (SELECT count(*)::int FROM unit_coverage) AS coverage,
           (SELECT count(*)::int FROM service_centers) AS centers, (SELECT count(*)::int FROM population_points) AS population,
           (SELECT count(*)::int FROM merge_runs) AS "mergeRuns", (SELECT count(*)::int FROM import_runs WHERE kind = 'demo') AS "demoRuns"`.execute(
    db,
  )
  return rows[0]
}

/** A ring in EPSG:4547 (CGCS2000 3-degree Gauss-Krüger, CM 114°E), projected by PostGIS. */
async function projectTo4547(db: Kysely<Tables>, ring: Ring): Promise<Ring> {
  const { rows } = await sql<{ x: number; y: number }>`
    SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT (ST_DumpPoints(ST_Transform(ST_SetSRID(ST_MakeLine(ARRAY(
      SELECT ST_MakePoint((c->>0)::float8, (c->>1)::float8) FROM json_array_elements(${JSON.stringify(lonLatRing(ring))}::json) AS c)), 4326), 4547))).geom AS p) t`.execute(
    db,
  )
  return rows.map((r) => [r.x, r.y])
}

// 试验区 (410188): two streets stacked north of each other, each 600 m × 200 m
const district = { properties: { code: '410188000000', name: '试验区', level: 'district' }, ring: rect(0, 0, 600, 400) }
const street1 = {
  properties: { code: '410188001000', name: '一街道', level: '街道', parent_code: '410188000000' },
  ring: rect(0, 0, 600, 200),
}
const communities = [
  {
    properties: { code: '410188001001', name: '甲社区', level: 'community', parent_code: '410188001000' },
    ring: rect(0, 0, 200, 200),
  },
  {
    properties: { code: '410188001002', name: '乙社区', level: '社区', parent_code: '410188001000' },
    ring: rect(200, 0, 400, 200),
  },
]

describe.each(testDrivers())('region imports on %s', (driver) => {
  let database: Database
  let app: FastifyInstance

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    app = await buildTestApp(database)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('imports a GeoJSON tree (district → street → communities) that GET /api/regions then serves', async () => {
    const response = await upload(
      app,
      { name: 'tree.geojson', data: regionCollection([district, street1, ...communities]) },
      {},
    )
    expect(response.statusCode).toBe(200)
    const result = response.json()
    expect(result).toMatchObject({
      status: 'succeeded',
      format: 'geojson',
      sourceCrs: 'EPSG:4326',
      layer: null,
      regions: { stored: 4, replacedDemo: false },
      counts: { features: 4, accepted: 4, rejected: 0 },
    })
    expect(result.report).toEqual([])
    const children = (await app.inject('/api/regions?parent=410188001000')).json().regions
    expect(children.map((r: { code: string; name: string; level: string }) => [r.code, r.name, r.level])).toEqual([
      ['410188001001', '甲社区', 'community'],
      ['410188001002', '乙社区', 'community'],
    ])
    expect((await app.inject('/api/regions/410188000000')).json()).toMatchObject({
      level: 'district',
      parentCode: null,
      children: 1,
    })
    const bbox = (await app.inject('/api/regions/410188001001')).json().bbox
    expect(bbox[0]).toBeCloseTo(toLonLat(0, 0)[0], 6)
    expect(bbox[3]).toBeCloseTo(toLonLat(200, 200)[1], 6)
    expect((await app.inject(`/api/imports/${result.id}`)).json()).toMatchObject({
      kind: 'regions',
      status: 'succeeded',
      department: null,
      counts: { accepted: 4 },
    })
  })

  it('derives level and parent from the code, and urban/rural from the 城乡分类代码 or the name', async () => {
    const body = regionCollection([
      { properties: { 区划代码: '410188001003', 区划名称: '丁村', 城乡分类代码: '220' }, ring: rect(400, 0, 600, 100) },
      { properties: { qhdm: '410188001004', qhmc: '戊社区', urban_rural_code: '111' }, ring: rect(400, 100, 600, 200) },
    ])
    const result = (await upload(app, { name: 'derived.geojson', data: body }, {})).json()
    expect(result).toMatchObject({ status: 'succeeded', regions: { stored: 2 } })
    expect((await app.inject('/api/regions/410188001003')).json()).toMatchObject({
      name: '丁村',
      level: 'community',
      parentCode: '410188001000',
      isUrban: false,
    })
    expect((await app.inject('/api/regions/410188001004')).json()).toMatchObject({
      name: '戊社区',
      level: 'community',
      parentCode: '410188001000',
      isUrban: true,
    })
  })

  it('reads a zipped Shapefile with GBK names and no .cpg', async () => {
    const gbk = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)))
    // a street and its community; a Shapefile's outer rings run clockwise
    const both = writePolygonShapefile([
      {
        rings: [[...lonLatRing(rect(0, 200, 600, 400))].reverse() as Ring],
        attributes: { qhdm: new TextEncoder().encode('410188002000'), qhmc: gbk('b6abb4e5d5f2') },
      },
      {
        rings: [[...lonLatRing(rect(0, 200, 300, 400))].reverse() as Ring],
        attributes: { qhdm: new TextEncoder().encode('410188002001'), qhmc: gbk('b1fbc9e7c7f8') },
      },
    ])
    const prj =
      'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
    const zip = zipSync({
      'regions.shp': both.shp,
      'regions.shx': both.shx,
      'regions.dbf': both.dbf,
      'regions.prj': new TextEncoder().encode(prj),
    })
    const result = (await upload(app, { name: 'regions.zip', data: zip }, {})).json()
    expect(result).toMatchObject({
      status: 'succeeded',
      format: 'shapefile',
      encoding: 'gbk',
      sourceCrs: 'EPSG:4490',
      regions: { stored: 2 },
    })
    expect((await app.inject('/api/regions/410188002000')).json()).toMatchObject({
      name: '东村镇',
      level: 'street',
      parentCode: '410188000000',
      isUrban: false,
    })
    expect((await app.inject('/api/regions/410188002001')).json()).toMatchObject({
      name: '丙社区',
      parentCode: '410188002000',
      isUrban: true,
    })
  })

  it('imports projected CGCS2000 Gauss-Krüger (EPSG:4547) boundaries, converted to WGS84', async () => {
    const ring = rect(300, 200, 600, 400)
    const body = regionCollection([
      { properties: { code: '410188002002', name: '庚社区' }, ring: await projectTo4547(database.db, ring), raw: true },
    ])
    const result = (await upload(app, { name: 'gk.geojson', data: body }, { crs: 'EPSG:4547' })).json()
    expect(result).toMatchObject({ status: 'succeeded', sourceCrs: 'EPSG:4547', regions: { stored: 1 } })
    expect(result.report).toEqual([])
    const { rows } = await sql<{
      lon: number
      lat: number
    }>`SELECT ST_XMin(boundary) AS lon, ST_YMax(boundary) AS lat FROM regions WHERE code = '410188002002'`.execute(
      database.db,
    )
    expect(Math.abs(rows[0].lon - toLonLat(300, 200)[0]) * 91_000).toBeLessThan(0.01)
    expect(Math.abs(rows[0].lat - toLonLat(300, 400)[1]) * 110_000).toBeLessThan(0.01)
  })

  it('warns when a region sticks out of its parent or overlaps a sibling, and still stores it', async () => {
    // 410188001005 reaches 60 m south of its street (30 % of its area) and covers half of 甲社区
    const body = regionCollection([
      { properties: { code: '410188001005', name: '己社区' }, ring: rect(100, -60, 200, 140) },
    ])
    const result = (await upload(app, { name: 'sloppy.geojson', data: body }, {})).json()
    expect(result).toMatchObject({ status: 'succeeded', regions: { stored: 1 }, counts: { warnings: 2 } })
    expect(result.report).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'warning',
          feature: 0,
          field: 'geometry',
          // the region itself is named, not only its parent
          message: expect.stringMatching(
            /^己社区 \(410188001005\): 30\.\d % of the region lies outside its parent \S+ \(410188001000\)/,
          ),
        }),
        expect.objectContaining({
          level: 'warning',
          feature: 0,
          field: 'geometry',
          message: expect.stringMatching(
            /^己社区 \(410188001005\): overlaps its sibling \S+ \(410188001001\) by 70\.\d %/,
          ),
        }),
      ]),
    )
  })

  it('reports on a dry run and stores nothing', async () => {
    const before = await snapshot(database.db)
    const body = regionCollection([
      { properties: { code: '410188003000', name: '三街道' }, ring: rect(0, 400, 600, 600) },
    ])
    const result = (await upload(app, { name: 'dry.geojson', data: body }, { dryRun: 'true' })).json()
    expect(result).toMatchObject({ status: 'succeeded', dryRun: true, counts: { accepted: 1 } })
    expect(result.regions).toBeUndefined()
    expect(result.report).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(/100\.0 % of the region lies outside its parent/),
      }),
    ])
    expect(await snapshot(database.db)).toEqual(before)
    expect((await app.inject('/api/regions/410188003000')).statusCode).toBe(404)
  })

  const good = { properties: { code: '410188001009', name: '好社区' }, ring: rect(0, 0, 10, 10) }
  const bad: [string, RegionFeature[], RegExp, { feature: number; field: string }][] = [
    [
      'a code that is not 12 digits',
      [{ properties: { code: '41018800100', name: '短码社区' }, ring: rect(0, 0, 50, 50) }],
      /not 12 digits/,
      { feature: 0, field: 'code' },
    ],
    [
      'duplicate codes',
      [good, { properties: { code: '410188001009', name: '重复社区' }, ring: rect(20, 0, 50, 50) }],
      /duplicate region code "410188001009" \(also feature 1\)/,
      { feature: 1, field: 'code' },
    ],
    [
      'a missing name',
      [good, { properties: { code: '410188001008' }, ring: rect(20, 0, 50, 50) }],
      /no name/,
      { feature: 1, field: 'name' },
    ],
    [
      'an unknown parent',
      [good, { properties: { code: '410188009001', name: '无主社区' }, ring: rect(20, 0, 50, 50) }],
      /parent 410188009000 \(read off the code\) is neither in the file nor stored/,
      { feature: 1, field: 'parent_code' },
    ],
    [
      'a level that contradicts the code',
      [{ properties: { code: '410188001007', name: '错级社区', level: '街道' }, ring: rect(0, 0, 50, 50) }],
      /contradicts the code 410188001007, which names a community/,
      { feature: 0, field: 'level' },
    ],
    [
      'a parent of the wrong level',
      [
        good,
        {
          properties: { code: '410188001006', name: '越级社区', parent_code: '410188000000' },
          ring: rect(20, 0, 50, 50),
        },
      ],
      /parent 410188000000 is a district .*must be a street/,
      { feature: 1, field: 'parent_code' },
    ],
    [
      'a household norm whose minimum exceeds its maximum',
      [
        {
          properties: { code: '410188001009', name: '好社区', households_min: '500', households_max: '300' },
          ring: rect(0, 0, 10, 10),
        },
      ],
      /the household norm 500–300 is empty: households_min must not exceed households_max/,
      { feature: 0, field: 'households_min' },
    ],
    [
      'half a household norm',
      [good, { properties: { code: '410188001008', name: '半社区', 户数上限: '400' }, ring: rect(20, 0, 50, 50) }],
      /needs both bounds: 户数上限 is given, households_min is not/,
      { feature: 1, field: '户数上限' },
    ],
    [
      'a household norm that is not a whole number',
      [
        {
          properties: { code: '410188001009', name: '好社区', 户数下限: '300', 户数上限: 'many' },
          ring: rect(0, 0, 10, 10),
        },
      ],
      /households per grid must be a whole number ≥ 0, got "many"/,
      { feature: 0, field: '户数上限' },
    ],
    [
      'SQL metacharacters in the code',
      [{ properties: { code: "410188001009'; DROP TABLE regions; --", name: '好社区' }, ring: rect(0, 0, 10, 10) }],
      /region code "410188001009'; DROP …" is not 12 digits/,
      { feature: 0, field: 'code' },
    ],
    [
      'SQL metacharacters in the level',
      [
        {
          properties: { code: '410188001009', name: '好社区', level: "社区'; DROP TABLE regions; --" },
          ring: rect(0, 0, 10, 10),
        },
      ],
      /unknown level "社区'; DROP TABLE regions; --"/,
      { feature: 0, field: 'level' },
    ],
    [
      'SQL metacharacters in the parent code',
      [
        {
          properties: { code: '410188001009', name: '好社区', parent_code: "410188001000' OR '1'='1" },
          ring: rect(0, 0, 10, 10),
        },
      ],
      /parent code "410188001000' OR '1'" is not 12 digits/,
      { feature: 0, field: 'parent_code' },
    ],
    [
      'SQL metacharacters in the urban flag',
      [
        {
          properties: { code: '410188001009', name: '好社区', is_urban: "true'; DROP TABLE regions; --" },
          ring: rect(0, 0, 10, 10),
        },
      ],
      /unreadable urban\/rural value "true'; DROP TABLE regions; --"/,
      { feature: 0, field: 'is_urban' },
    ],
    [
      'SQL metacharacters in a household norm',
      [
        {
          properties: {
            code: '410188001009',
            name: '好社区',
            households_min: '1; DROP TABLE regions',
            households_max: '400',
          },
          ring: rect(0, 0, 10, 10),
        },
      ],
      /households per grid must be a whole number ≥ 0, got "1; DROP TABLE region"/,
      { feature: 0, field: 'households_min' },
    ],
    [
      'swapped longitude and latitude',
      [
        good,
        {
          properties: { code: '410188001006', name: '颠倒社区' },
          ring: lonLatRing(rect(0, 0, 50, 50)).map(([a, b]) => [b, a]),
          raw: true,
        },
      ],
      /swapped/,
      { feature: 1, field: 'geometry' },
    ],
  ]

  it.each(bad)(
    'refuses %s with 400, naming file, feature and field, and stores nothing',
    async (_case, features, message, where) => {
      const before = await snapshot(database.db)
      const response = await upload(app, { name: 'bad.geojson', data: regionCollection(features) }, {})
      expect(response.statusCode).toBe(400)
      const body = response.json()
      const errors = body.details.errors
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({
        level: 'error',
        file: 'bad.geojson',
        ...where,
        message: expect.stringMatching(message),
      })
      expect(body.message).toContain('bad.geojson')
      expect(await snapshot(database.db)).toEqual(before)
      expect((await app.inject(`/api/imports/${body.details.importId}`)).json()).toMatchObject({
        kind: 'regions',
        status: 'failed',
      })
    },
  )

  it('keeps SQL metacharacters in a region name as plain text', async () => {
    const name = "甲'); DROP TABLE regions; --"
    const body = regionCollection([{ properties: { code: '410188001010', name }, ring: rect(0, 0, 10, 10) }])
    expect((await upload(app, { name: 'quotes.geojson', data: body }, {})).json()).toMatchObject({
      status: 'succeeded',
      regions: { stored: 1 },
    })
    expect((await app.inject('/api/regions/410188001010')).json()).toMatchObject({ name, parentCode: '410188001000' })
    expect((await app.inject('/api/regions/410188001001')).statusCode).toBe(200)
  })

  it('answers a bad frame with 400 naming the crs field', async () => {
    const response = await upload(app, { name: 'odd.geojson', data: regionCollection([good]) }, { crs: 'EPSG:2000' })
    expect(response.statusCode).toBe(400)
    expect(response.json().details.errors[0]).toMatchObject({ file: 'odd.geojson', field: 'crs' })
  })

  it('describes the region result in the OpenAPI document', async () => {
    const doc = (await app.inject('/docs/json')).json()
    // the upload's answer is one of the kinds' results: the grid and region import's carries `regions`
    const answers = doc.paths['/api/imports'].post.responses['200'].content['application/json'].schema.anyOf
    const result = answers.find((schema: { properties: object }) => 'regions' in schema.properties)
    expect(result.properties.regions.properties).toMatchObject({
      stored: { type: 'integer' },
      replacedDemo: { type: 'boolean' },
    })
  })

  it('says there is no demo to replace when none is loaded, and imports beside what is stored', async () => {
    // a neighbouring district; its city 410100000000 is not stored, so it stands without a parent
    const neighbour = { properties: { code: '410187000000', name: '邻区' }, ring: rect(1000, 0, 1200, 200) }
    const result = (
      await upload(app, { name: 'nodemo.geojson', data: regionCollection([neighbour]) }, { replaceDemo: 'true' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', regions: { stored: 1, replacedDemo: false, removed: {} } })
    expect(result.report).toEqual([
      expect.objectContaining({
        level: 'warning',
        field: 'replaceDemo',
        message: expect.stringMatching(/no demo district/),
      }),
    ])
    expect((await app.inject('/api/regions/410187000000')).json()).toMatchObject({
      level: 'district',
      parentCode: null,
    })
    expect((await app.inject('/api/regions/410188000000')).statusCode).toBe(200)
  })
})

describe.each(testDrivers())('household norms per region on %s', (driver) => {
  let database: Database
  let app: FastifyInstance
  // 一街道 (urban) with 甲社区 (urban) and 丁村 (rural); 东村镇 (rural township) with 丙社区 (urban) and 辛村 (rural)
  const township = {
    properties: { code: '410188002000', name: '东村镇', 户数下限: '100', 户数上限: '200' },
    ring: rect(0, 200, 600, 400),
  }
  const tree: RegionFeature[] = [
    district,
    street1,
    communities[0],
    { properties: { code: '410188001003', name: '丁村', 城乡分类代码: '220' }, ring: rect(400, 0, 600, 200) },
    township,
    { properties: { code: '410188002001', name: '丙社区', is_urban: 'true' }, ring: rect(0, 200, 300, 400) },
    { properties: { code: '410188002003', name: '辛村', 城乡分类代码: '220' }, ring: rect(300, 200, 600, 400) },
  ]
  const grid = (code: string, community: string, households: number, ring: Ring) => ({
    type: 'Feature',
    properties: { code, community_code: community, households },
    geometry: { type: 'Polygon', coordinates: [lonLatRing(ring)] },
  })

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    app = await buildTestApp(database)
    const result = (await upload(app, { name: 'tree.geojson', data: regionCollection(tree) }, {})).json()
    expect(result).toMatchObject({ status: 'succeeded', regions: { stored: 7 } })
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('stores the norm a region import sets (户数下限 / 户数上限)', async () => {
    const rows = await database.db
      .selectFrom('regions')
      .select(['code', 'households_min', 'households_max'])
      .where('households_min', 'is not', null)
      .execute()
    expect(rows).toEqual([{ code: '410188002000', households_min: 100, households_max: 200 }])
  })

  it("finds each community's norm: its nearest ancestor's, else 300–500 when urban, else none", async () => {
    const norms = await findHouseholdNorms(database.db, [
      '410188002001',
      '410188002003',
      '410188001001',
      '410188001003',
      '410188009999',
    ])
    expect(Object.fromEntries(norms)).toEqual({
      '410188002001': { min: 100, max: 200, setBy: { code: '410188002000', name: '东村镇', level: 'street' } },
      // a rural village has a norm only where a region sets one
      '410188002003': { min: 100, max: 200, setBy: { code: '410188002000', name: '东村镇', level: 'street' } },
      '410188001001': { min: 300, max: 500, setBy: null },
      '410188001003': null,
      '410188009999': null,
    })
  })

  it("checks a grid's households against its community's norm and says where the norm comes from", async () => {
    const grids = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        grid('N-1', '410188002001', 250, rect(20, 220, 80, 280)), // 250 is fine by default, not by 东村镇's 100–200
        grid('N-2', '410188001001', 150, rect(20, 20, 80, 80)), // 甲社区: the urban default
        grid('N-3', '410188001003', 20, rect(420, 20, 480, 80)), // 丁村: rural, no norm
        grid('N-4', '410188002001', 150, rect(120, 220, 180, 280)), // within 东村镇's norm
      ],
    })
    const result = (
      await upload(app, { name: 'grids.geojson', data: grids }, { kind: 'grids', department: 'party', dryRun: 'true' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', counts: { accepted: 4 } })
    expect(result.report.filter((item: { field?: string }) => item.field === 'households')).toEqual([
      expect.objectContaining({
        level: 'warning',
        feature: 0,
        message: '250 households: above the 100–200 norm set by street 东村镇 (410188002000)',
      }),
      expect.objectContaining({
        level: 'warning',
        feature: 1,
        message: '150 households: below the 300–500 norm of an urban community (the default)',
      }),
    ])
    // and in zh-CN, below as 低于 and above as 高于 (it said 超出, "exceeds", of both)
    const zh = (
      await uploadFile(
        app,
        { name: 'grids.geojson', data: grids },
        { kind: 'grids', department: 'party', dryRun: 'true' },
        'zh-CN',
      )
    ).json()
    expect(
      zh.report
        .filter((item: { field?: string }) => item.field === 'households')
        .map((item: { message: string }) => item.message),
    ).toEqual([
      '250 户：高于街道/乡镇东村镇（410188002000）设定的户数标准 100–200',
      '150 户：低于城市社区默认户数标准 300–500',
    ])
  })

  it('keeps a stored norm when the region is imported again without one, and replaces it when given', async () => {
    const { 户数下限: _min, 户数上限: _max, ...plain } = township.properties
    expect(
      (
        await upload(app, { name: 'again.geojson', data: regionCollection([{ ...township, properties: plain }]) }, {})
      ).json().status,
    ).toBe('succeeded')
    const kept = await database.db
      .selectFrom('regions')
      .select(['households_min', 'households_max'])
      .where('code', '=', '410188002000')
      .executeTakeFirstOrThrow()
    expect(kept).toEqual({ households_min: 100, households_max: 200 })
    const changed = { ...township, properties: { ...plain, households_min: '150', households_max: '450' } }
    expect((await upload(app, { name: 'again.geojson', data: regionCollection([changed]) }, {})).json().status).toBe(
      'succeeded',
    )
    const replaced = await database.db
      .selectFrom('regions')
      .select(['households_min', 'households_max'])
      .where('code', '=', '410188002000')
      .executeTakeFirstOrThrow()
    expect(replaced).toEqual({ households_min: 150, households_max: 450 })
  })
})

describe.each(testDrivers())('replacing the demo district on %s', (driver) => {
  let database: Database
  let app: FastifyInstance
  const demoDistrict = '410199000000'
  // 金水区 at the demo's place: one street, two communities
  const realTree = [
    { properties: { code: '410105000000', name: '金水区' }, ring: rect(-3000, -3000, 3000, 3000) },
    { properties: { code: '410105001000', name: '经八路街道' }, ring: rect(-3000, -3000, 3000, 3000) },
    { properties: { code: '410105001001', name: '纬五路社区' }, ring: rect(-3000, -3000, 0, 3000) },
    { properties: { code: '410105001002', name: '经六路社区' }, ring: rect(0, -3000, 3000, 3000) },
  ]
  const demoRows = async () => {
    const { rows } = await sql<Record<string, number>>`
      SELECT (SELECT count(*)::int FROM regions WHERE left(code, 6) = '410199') AS regions,
             (SELECT count(*)::int FROM grids WHERE left(community_code, 6) = '410199') AS grids,
             (SELECT count(*)::int FROM party_orgs WHERE left(region_code, 6) = '410199') AS "partyOrgs",
             (SELECT count(*)::int FROM units WHERE left(region_code, 6) = '410199') AS units,
             (SELECT count(*)::int FROM service_centers WHERE left(region_code, 6) = '410199') AS centers,
             (SELECT count(*)::int FROM population_points WHERE left(region_code, 6) = '410199') AS population`.execute(
      database.db,
    )
    return rows[0]
  }

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'demo')
    app = await buildTestApp(database)
    // a merge run over the demo's layers, which must go with them
    await sql`INSERT INTO merge_runs (strategy, layer_ids) SELECT 'base_department', array_agg(id) FROM grid_layers`.execute(
      database.db,
    )
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('leaves the demo intact when the replacing file is refused', async () => {
    const before = await snapshot(database.db)
    expect(before.regions).toBeGreaterThan(10)
    // a community whose street exists only in the demo: about to be deleted, so not a known parent
    const orphan = { properties: { code: '410199001099', name: '孤社区' }, ring: rect(0, 0, 100, 100) }
    const response = await upload(
      app,
      { name: 'real.geojson', data: regionCollection([...realTree, orphan]) },
      { replaceDemo: 'true' },
    )
    expect(response.statusCode).toBe(400)
    expect(response.json().details.errors[0]).toMatchObject({
      file: 'real.geojson',
      feature: 4,
      field: 'parent_code',
      message: expect.stringMatching(/410199001000/),
    })
    expect(await snapshot(database.db)).toEqual(before)
  })

  it('rolls the demo deletion back when storing the new tree fails midway', async () => {
    const before = await snapshot(database.db)
    // a fault injected below the app: the last community's insert fails inside the transaction
    await sql`CREATE FUNCTION refuse_region() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$`.execute(
      database.db,
    )
    await sql`CREATE TRIGGER refuse_region BEFORE INSERT ON regions FOR EACH ROW WHEN (NEW.code = '410105001002') EXECUTE FUNCTION refuse_region()`.execute(
      database.db,
    )
    try {
      const response = await upload(
        app,
        { name: 'real.geojson', data: regionCollection(realTree) },
        { replaceDemo: 'true' },
      )
      expect(response.statusCode).toBe(500)
    } finally {
      await sql`DROP TRIGGER refuse_region ON regions`.execute(database.db)
      await sql`DROP FUNCTION refuse_region()`.execute(database.db)
    }
    expect(await snapshot(database.db)).toEqual(before)
    expect((await app.inject(`/api/regions/${demoDistrict}`)).statusCode).toBe(200)
  })

  it('deletes the demo district and every row referring to it, then stores the new tree', async () => {
    const catalogBefore = (await app.inject('/api/layers')).json().layers.map((l: { id: string }) => l.id)
    expect(catalogBefore).toContain('grids-governance')
    const demoBefore = await demoRows()
    expect(Object.values(demoBefore).every((n) => n > 0)).toBe(true)

    const response = await upload(
      app,
      { name: 'real.geojson', data: regionCollection(realTree) },
      { replaceDemo: 'true' },
    )
    expect(response.statusCode).toBe(200)
    const result = response.json()
    expect(result).toMatchObject({
      status: 'succeeded',
      regions: {
        stored: 4,
        replacedDemo: true,
        removed: {
          regions: demoBefore.regions,
          partyOrgs: demoBefore.partyOrgs,
          units: demoBefore.units,
          mergeRuns: 1,
        },
      },
    })
    expect(result.regions.removed.grids).toBeGreaterThanOrEqual(demoBefore.grids)

    expect(await demoRows()).toEqual({ regions: 0, grids: 0, partyOrgs: 0, units: 0, centers: 0, population: 0 })
    const after = await snapshot(database.db)
    expect(after).toMatchObject({
      regions: 4,
      gridLayers: 0,
      grids: 0,
      staff: 0,
      partyOrgs: 0,
      units: 0,
      coverage: 0,
      centers: 0,
      population: 0,
      mergeRuns: 0,
      demoRuns: 0,
    })
    expect((await app.inject(`/api/regions/${demoDistrict}`)).statusCode).toBe(404)
    const tree = (await app.inject('/api/regions'))
      .json()
      .regions.map((r: { code: string; parentCode: string | null }) => [r.code, r.parentCode])
    expect(tree).toEqual([
      ['410105000000', null],
      ['410105001000', '410105000000'],
      ['410105001001', '410105001000'],
      ['410105001002', '410105001000'],
    ])
    // the layer catalog was read again: the demo's grid layers are gone from it
    const catalogAfter = (await app.inject('/api/layers')).json().layers.map((l: { id: string }) => l.id)
    expect(catalogAfter).not.toContain('grids-governance')
    expect(catalogAfter).toContain('regions-community')
    expect((await app.inject(`/api/imports/${result.id}`)).json().counts).toMatchObject({
      accepted: 4,
      'removed.regions': demoBefore.regions,
    })
  })
})
