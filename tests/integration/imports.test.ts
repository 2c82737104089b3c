// Importing department grids: formats, frames, the validation report, versions, and bad input that
// is refused with the file, feature and field named while the stored data stays as it was.
import type { FastifyInstance } from 'fastify'
import { zipSync } from 'fflate'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import type { Tables } from '../../server/db/tables.ts'
import { crsFromPrj, gcj02ToBd09, wgs84ToGcj02 } from '../../server/services/imports/crs.ts'
import { buildTestApp, uploadFile } from '../helpers/app.ts'
import { openTestDatabase, plannerEstimate, testDrivers } from '../helpers/databases.ts'
import { toLonLat } from '../helpers/local-frame.ts'
import { buildMergeDistrict, communityA, communityB } from '../helpers/merge-district.ts'
import { type ShapefileOptions, encodeGbk, writePolygonShapefile } from '../helpers/shapefile.ts'
import initSqlJs from 'sql.js'
import { writeGeoPackageBlob } from '../../server/db/wkb.ts'
import { failInterruptedImports } from '../../server/db/repositories/imports.repository.ts'
import { checkBatchSize } from '../../server/services/imports/imports.service.ts'

type Ring = [number, number][]
const square = (x0: number, y0: number, size: number): Ring => [
  [x0, y0],
  [x0 + size, y0],
  [x0 + size, y0 + size],
  [x0, y0 + size],
  [x0, y0],
]
const lonLatRing = (ring: Ring): Ring => ring.map(([x, y]) => toLonLat(x, y))

function featureCollection(
  features: { code?: string; ring: Ring; households?: number; name?: string }[],
  crs?: string,
) {
  return JSON.stringify({
    type: 'FeatureCollection',
    ...(crs ? { crs: { type: 'name', properties: { name: crs } } } : {}),
    features: features.map((f) => ({
      type: 'Feature',
      properties: { code: f.code, name: f.name ?? f.code, households: f.households },
      geometry: { type: 'Polygon', coordinates: [f.ring] },
    })),
  })
}

/** A WGS84 ring in another frame, projected by PostGIS. */
async function projectRing(db: Kysely<Tables>, ring: Ring, srid: number): Promise<Ring> {
  const { rows } = await sql<{ x: number; y: number }>`
    SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT (ST_DumpPoints(ST_Transform(ST_SetSRID(ST_MakeLine(ARRAY(
      SELECT ST_MakePoint((c->>0)::float8, (c->>1)::float8) FROM json_array_elements(${JSON.stringify(ring)}::json) AS c)), 4326), ${srid}::int))).geom AS p) t`.execute(
    db,
  )
  return rows.map((r) => [r.x, r.y])
}

/** A square of `size` metres with its south-west corner at a WGS84 point. */
function squareAt([lon, lat]: [number, number], size: number): Ring {
  const [dx, dy] = [size / (111_320 * Math.cos((lat * Math.PI) / 180)), size / 110_574]
  return [
    [lon, lat],
    [lon + dx, lat],
    [lon + dx, lat + dy],
    [lon, lat + dy],
    [lon, lat],
  ]
}

/** Kashgar, in the westernmost Gauss-Krüger zones (3-degree zone 25, central meridian 75°E). */
const kashgar: [number, number] = [75.99, 39.47]

async function snapshot(db: Kysely<Tables>) {
  const { rows } = await sql<{ layers: number; grids: number; active: string }>`
    SELECT (SELECT count(*)::int FROM grid_layers) AS layers, (SELECT count(*)::int FROM grids) AS grids,
           (SELECT string_agg(department || ':' || version, ',' ORDER BY department) FROM grid_layers WHERE is_active) AS active`.execute(
    db,
  )
  return rows[0]
}

const wgs84Prj =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'

/** A zipped Shapefile of grids (rings in metres, outer rings turned clockwise as Shapefiles have them). */
function zipShapefile(
  records: { ring: Ring; attributes: Record<string, Uint8Array> }[],
  options: ShapefileOptions & { prj?: string; cpg?: string; leaveOut?: string } = {},
): Uint8Array {
  const files = writePolygonShapefile(
    records.map((r) => ({ rings: [[...lonLatRing(r.ring)].reverse()], attributes: r.attributes })),
    options,
  )
  const all: Record<string, Uint8Array> = {
    'a.shp': files.shp,
    'a.shx': files.shx,
    'a.dbf': files.dbf,
    'a.prj': new TextEncoder().encode(options.prj ?? wgs84Prj),
  }
  if (options.cpg) all['a.cpg'] = new TextEncoder().encode(options.cpg)
  return zipSync(
    Object.fromEntries(Object.entries(all).filter(([name]) => !options.leaveOut || !name.endsWith(options.leaveOut))),
  )
}

/** A zipped one-grid Shapefile; `leaveOut` drops one of its files, `prj` replaces its frame. */
function shapefileZip(options: { leaveOut?: string; prj?: string } = {}): Uint8Array {
  return zipShapefile([{ ring: square(10, 10, 40), attributes: { code: new TextEncoder().encode('Z-1') } }], options)
}

const utf8 = (text: string) => new TextEncoder().encode(text)

describe.each(testDrivers())('imports on %s', (driver) => {
  let database: Database
  let app: FastifyInstance

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
    app = await buildTestApp(database)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('imports a GeoJSON layer in WGS84 as a new version, keeping the previous one', async () => {
    const body = featureCollection([
      { code: 'P-1', ring: lonLatRing(square(10, 10, 80)), households: 420 },
      { code: 'P-2', ring: lonLatRing(square(110, 10, 80)), households: 380 },
    ])
    const response = await uploadFile(app, { name: 'party.geojson', data: body }, { department: 'party' })
    expect(response.statusCode).toBe(200)
    const result = response.json()
    expect(result).toMatchObject({
      status: 'succeeded',
      format: 'geojson',
      sourceCrs: 'EPSG:4326',
      layer: { department: 'party', version: 2 },
      counts: { features: 2, accepted: 2 },
    })
    const layers = await database.db
      .selectFrom('grid_layers')
      .select(['version', 'is_active'])
      .where('department', '=', 'party')
      .orderBy('version')
      .execute()
    expect(layers).toEqual([
      { version: 1, is_active: false },
      { version: 2, is_active: true },
    ])
    const grid = await database.db
      .selectFrom('grids as g')
      .innerJoin('grid_layers as l', 'l.id', 'g.layer_id')
      .select(['g.community_code', 'g.households'])
      .where('l.version', '=', 2)
      .where('g.code', '=', 'P-1')
      .executeTakeFirstOrThrow()
    expect(grid).toEqual({ community_code: communityA, households: 420 })
    expect((await app.inject(`/api/imports/${result.id}`)).json()).toMatchObject({
      status: 'succeeded',
      format: 'geojson',
      dryRun: false,
    })
    // each phase timed, and the run records the same timings it answered with
    for (const phase of ['parseMs', 'checkMs', 'storeMs'])
      expect(result.timings[phase], phase).toBeGreaterThanOrEqual(0)
    expect((await app.inject(`/api/imports/${result.id}`)).json().timings).toEqual(result.timings)
    // planner statistics follow the import at once (PGlite has no autovacuum, the server's comes late)
    const grids = await plannerEstimate(database.db, 'grids')
    expect(grids.estimated).toBe(grids.stored)
  })

  it('reports without storing anything on a dry run', async () => {
    const before = await snapshot(database.db)
    const body = featureCollection([{ code: 'D-1', ring: lonLatRing(square(10, 10, 80)), households: 900 }])
    const result = (
      await uploadFile(app, { name: 'dry.geojson', data: body }, { department: 'social', dryRun: 'true' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', dryRun: true, layer: null })
    expect(result.report).toEqual([
      expect.objectContaining({
        level: 'warning',
        feature: 0,
        field: 'households',
        message: expect.stringContaining('300–500'),
      }),
    ])
    expect(await snapshot(database.db)).toEqual(before)
    expect(result.timings).toEqual({ parseMs: expect.any(Number), checkMs: expect.any(Number), storeMs: null })
    expect(result.timings.parseMs).toBeGreaterThanOrEqual(0)
    expect(result.timings.checkMs).toBeGreaterThanOrEqual(0)
    expect((await app.inject(`/api/imports/${result.id}`)).json()).toMatchObject({
      dryRun: true,
      timings: result.timings,
    })
  })

  it('converts GCJ-02 to WGS84 and records the source frame', async () => {
    const wgs = lonLatRing(square(20, 20, 60))
    const body = featureCollection([{ code: 'G-1', ring: wgs.map(([x, y]) => wgs84ToGcj02(x, y)) }])
    const result = (
      await uploadFile(app, { name: 'amap.geojson', data: body }, { department: 'urban', crs: 'GCJ-02' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', sourceCrs: 'GCJ-02' })
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_XMin(g.boundary) AS lon, ST_YMin(g.boundary) AS lat FROM grids g WHERE g.code = 'G-1'`.execute(
      database.db,
    )
    expect(Math.abs(rows[0].lon - wgs[0][0]) * 91_000).toBeLessThan(0.5)
    expect(Math.abs(rows[0].lat - wgs[0][1]) * 110_000).toBeLessThan(0.5)
  })

  it('imports projected CGCS2000 Gauss-Krüger (EPSG:4547) coordinates', async () => {
    const ring = lonLatRing(square(30, 30, 50))
    const { rows } = await sql<{ x: number; y: number }>`
      SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT (ST_DumpPoints(ST_Transform(ST_SetSRID(ST_MakeLine(ARRAY(
        SELECT ST_MakePoint((c->>0)::float8, (c->>1)::float8) FROM json_array_elements(${JSON.stringify(ring)}::json) AS c)), 4326), 4547))).geom AS p) t`.execute(
      database.db,
    )
    const body = featureCollection([{ code: 'GK-1', ring: rows.map((r) => [r.x, r.y]) }])
    const result = (
      await uploadFile(app, { name: 'gk.geojson', data: body }, { department: 'governance', crs: 'EPSG:4547' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', sourceCrs: 'EPSG:4547' })
    const { rows: stored } = await sql<{
      lon: number
    }>`SELECT ST_XMin(boundary) AS lon FROM grids WHERE code = 'GK-1'`.execute(database.db)
    expect(Math.abs(stored[0].lon - ring[0][0]) * 91_000).toBeLessThan(0.01)
  })

  it('converts BD-09 (Baidu) to WGS84 and records the source frame', async () => {
    const wgs = lonLatRing(square(70, 120, 50))
    const body = featureCollection([{ code: 'BD-1', ring: wgs.map(([x, y]) => gcj02ToBd09(...wgs84ToGcj02(x, y))) }])
    const result = (
      await uploadFile(app, { name: 'baidu.geojson', data: body }, { department: 'civil', crs: 'BD-09' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', sourceCrs: 'BD-09', counts: { accepted: 1 } })
    const { rows } = await sql<{ lon: number; lat: number; source: string }>`
      SELECT ST_XMin(g.boundary) AS lon, ST_YMin(g.boundary) AS lat, l.source_crs AS source
      FROM grids g JOIN grid_layers l ON l.id = g.layer_id WHERE g.code = 'BD-1'`.execute(database.db)
    expect(rows[0].source).toBe('BD-09')
    // Baidu's offset is several hundred metres; converted back, the grid lands within a metre
    expect(Math.abs(rows[0].lon - wgs[0][0]) * 91_000).toBeLessThan(1)
    expect(Math.abs(rows[0].lat - wgs[0][1]) * 110_000).toBeLessThan(1)
  })

  const frames: [string, number, () => Ring, 'request' | 'geojson', [number, number] | null][] = [
    ['Web Mercator', 3857, () => lonLatRing(square(130, 130, 40)), 'request', null],
    [
      'a 3-degree Gauss-Krüger zone with the zone number (25) in the false easting',
      4513,
      () => squareAt(kashgar, 100),
      'geojson',
      [25_000_000, 26_000_000],
    ],
    [
      'a 3-degree Gauss-Krüger zone by central meridian only (75°E)',
      4534,
      () => squareAt(kashgar, 100),
      'request',
      [0, 1_000_000],
    ],
    [
      'a 6-degree Gauss-Krüger zone with the zone number (19) in the false easting',
      4497,
      () => lonLatRing(square(130, 60, 40)),
      'request',
      [19_000_000, 20_000_000],
    ],
    [
      'a 6-degree Gauss-Krüger zone by central meridian only (111°E)',
      4508,
      () => lonLatRing(square(130, 60, 40)),
      'geojson',
      [0, 1_000_000],
    ],
  ]

  it.each(frames)('imports %s (EPSG:%i), converted to WGS84', async (_frame, srid, wgsRing, declared, eastings) => {
    const wgs = wgsRing()
    const projected = await projectRing(database.db, wgs, srid)
    if (eastings) for (const [x] of projected) expect(x >= eastings[0] && x < eastings[1], `easting ${x}`).toBe(true)
    const code = `F-${srid}`
    const body = featureCollection(
      [{ code, ring: projected }],
      declared === 'geojson' ? `urn:ogc:def:crs:EPSG::${srid}` : undefined,
    )
    const response = await uploadFile(
      app,
      { name: `${srid}.geojson`, data: body },
      { department: 'environment', ...(declared === 'request' ? { crs: `EPSG:${srid}` } : {}) },
    )
    expect(response.json()).toMatchObject({ status: 'succeeded', sourceCrs: `EPSG:${srid}`, counts: { accepted: 1 } })
    const { rows } = await sql<{
      lon: number
      lat: number
    }>`SELECT ST_XMin(boundary) AS lon, ST_YMin(boundary) AS lat FROM grids WHERE code = ${code}`.execute(database.db)
    expect(Math.abs(rows[0].lon - wgs[0][0]) * 91_000).toBeLessThan(0.05)
    expect(Math.abs(rows[0].lat - wgs[0][1]) * 110_000).toBeLessThan(0.05)
  })

  it('reads a Gauss-Krüger zone from the name in a Shapefile .prj', async () => {
    const wgs = squareAt(kashgar, 100)
    const projected = await projectRing(database.db, wgs, 4534)
    const files = writePolygonShapefile([
      { rings: [[...projected].reverse()], attributes: { code: new TextEncoder().encode('SHP-4534') } },
    ])
    const prj =
      'PROJCS["CGCS2000_3_Degree_GK_CM_75E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",75.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
    const zip = zipSync({
      'grids.shp': files.shp,
      'grids.shx': files.shx,
      'grids.dbf': files.dbf,
      'grids.prj': new TextEncoder().encode(prj),
    })
    const result = (await uploadFile(app, { name: 'kashgar.zip', data: zip }, { department: 'health' })).json()
    expect(result).toMatchObject({
      status: 'succeeded',
      format: 'shapefile',
      sourceCrs: 'EPSG:4534',
      counts: { accepted: 1 },
    })
    const { rows } = await sql<{
      lon: number
    }>`SELECT ST_XMin(boundary) AS lon FROM grids WHERE code = 'SHP-4534'`.execute(database.db)
    expect(Math.abs(rows[0].lon - wgs[0][0]) * 86_000).toBeLessThan(0.05)
  })

  it('names, for every Gauss-Krüger zone of China, the frame PostGIS knows by the EPSG code read from its .prj name', async () => {
    const names: [string, string][] = []
    for (let zone = 25; zone <= 45; zone++)
      names.push([`CGCS2000_3_Degree_GK_Zone_${zone}`, `CGCS2000 / 3-degree Gauss-Kruger zone ${zone}`])
    for (let cm = 75; cm <= 135; cm += 3)
      names.push([`CGCS2000_3_Degree_GK_CM_${cm}E`, `CGCS2000 / 3-degree Gauss-Kruger CM ${cm}E`])
    for (let zone = 13; zone <= 23; zone++)
      names.push([`CGCS2000_GK_Zone_${zone}`, `CGCS2000 / Gauss-Kruger zone ${zone}`])
    for (let cm = 75; cm <= 135; cm += 6) names.push([`CGCS2000_GK_CM_${cm}E`, `CGCS2000 / Gauss-Kruger CM ${cm}E`])
    const read = names.map(([esri, epsg]) => ({
      srid: (crsFromPrj(`PROJCS["${esri}",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000"]]`) as { srid: number })
        .srid,
      epsg,
    }))
    const { rows } = await sql<{ srid: number; name: string }>`
      SELECT srid, substring(srtext from '^PROJCS\\["([^"]+)"') AS name FROM spatial_ref_sys WHERE srid = ANY(${read.map((r) => r.srid)}::int[])`.execute(
      database.db,
    )
    const known = new Map(rows.map((r) => [r.srid, r.name]))
    expect(read).toHaveLength(64)
    for (const { srid, epsg } of read) expect(known.get(srid), epsg).toBe(epsg)
  })

  it('imports CSV with a WKT column', async () => {
    const wkt = `POLYGON((${lonLatRing(square(40, 40, 40))
      .map((p) => p.join(' '))
      .join(', ')}))`
    const csv = `code,name,households,wkt\nC-1,"测试网格, 一",350,"${wkt}"\n`
    const result = (await uploadFile(app, { name: 'grids.csv', data: csv }, { department: 'social' })).json()
    expect(result).toMatchObject({ status: 'succeeded', format: 'csv', encoding: 'utf-8', counts: { accepted: 1 } })
    const { rows } = await sql<{ name: string }>`SELECT name FROM grids WHERE code = 'C-1'`.execute(database.db)
    expect(rows[0].name).toBe('测试网格, 一')
  })

  it('reads a zipped Shapefile with GBK attributes and no .cpg', async () => {
    const gbk = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)))
    const ring = lonLatRing(square(50, 50, 60))
    const files = writePolygonShapefile([
      {
        rings: [[...ring].reverse() as Ring],
        attributes: { code: new TextEncoder().encode('S-1'), name: gbk('bcd7c9e7c7f8b5dad2bbcdf8b8f1') },
      },
    ])
    const prj =
      'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
    const zip = zipSync({
      'grids.shp': files.shp,
      'grids.shx': files.shx,
      'grids.dbf': files.dbf,
      'grids.prj': new TextEncoder().encode(prj),
    })
    const result = (await uploadFile(app, { name: 'grids.zip', data: zip }, { department: 'urban' })).json()
    expect(result).toMatchObject({ status: 'succeeded', format: 'shapefile', encoding: 'gbk', sourceCrs: 'EPSG:4490' })
    const { rows } = await sql<{ name: string }>`SELECT name FROM grids WHERE code = 'S-1'`.execute(database.db)
    expect(rows[0].name).toBe('甲社区第一网格')
  })

  it('reads GBK field names (网格编码, 网格名称, 户数) over plain ASCII values, with no .cpg', async () => {
    const zip = zipShapefile(
      [
        {
          ring: square(140, 140, 40),
          attributes: { 网格编码: utf8('GBKF-1'), 网格名称: utf8('Grid One'), 户数: utf8('420') },
        },
      ],
      { encodeFieldName: encodeGbk },
    )
    const result = (await uploadFile(app, { name: 'gbknames.zip', data: zip }, { department: 'urban' })).json()
    expect(result).toMatchObject({ status: 'succeeded', encoding: 'gbk', counts: { accepted: 1 } })
    const grid = await database.db
      .selectFrom('grids')
      .select(['name', 'households'])
      .where('code', '=', 'GBKF-1')
      .executeTakeFirstOrThrow()
    expect(grid).toEqual({ name: 'Grid One', households: 420 })
  })

  it('reads a UTF-8 Shapefile with no .cpg as UTF-8', async () => {
    const zip = zipShapefile([
      {
        ring: square(140, 100, 40),
        attributes: { code: utf8('UTF-1'), name: utf8('乙社区第二网格'), 户数: utf8('350') },
      },
    ])
    const result = (await uploadFile(app, { name: 'utf8.zip', data: zip }, { department: 'urban' })).json()
    expect(result).toMatchObject({ status: 'succeeded', encoding: 'utf-8', counts: { accepted: 1 } })
    const grid = await database.db
      .selectFrom('grids')
      .select(['name', 'households'])
      .where('code', '=', 'UTF-1')
      .executeTakeFirstOrThrow()
    expect(grid).toEqual({ name: '乙社区第二网格', households: 350 })
  })

  it('reads the attributes in the encoding a .cpg names, even GBK bytes that would pass for UTF-8', async () => {
    // 牛路坪 in GBK (c5a3 c2b7 c6ba) is also valid UTF-8 ("ţ·ƺ"): only the .cpg can tell
    const records = [{ ring: square(140, 60, 40), attributes: { code: utf8('CPG-1'), name: encodeGbk('牛路坪') } }]
    const guessed = (
      await uploadFile(app, { name: 'nocpg.zip', data: zipShapefile(records) }, { department: 'urban', dryRun: 'true' })
    ).json()
    expect(guessed).toMatchObject({ status: 'succeeded', encoding: 'utf-8' })
    const result = (
      await uploadFile(app, { name: 'cpg.zip', data: zipShapefile(records, { cpg: 'GBK' }) }, { department: 'urban' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', encoding: 'gbk' })
    const { rows } = await sql<{ name: string }>`SELECT name FROM grids WHERE code = 'CPG-1'`.execute(database.db)
    expect(rows[0].name).toBe('牛路坪')
  })

  it('reads UTF-8 attributes when the .cpg says UTF-8', async () => {
    const zip = zipShapefile(
      [{ ring: square(140, 20, 40), attributes: { code: utf8('CPG-2'), name: utf8('丙社区第三网格') } }],
      { cpg: 'UTF-8\r\n' },
    )
    const result = (await uploadFile(app, { name: 'cpgutf8.zip', data: zip }, { department: 'urban' })).json()
    expect(result).toMatchObject({ status: 'succeeded', encoding: 'utf-8' })
    const { rows } = await sql<{ name: string }>`SELECT name FROM grids WHERE code = 'CPG-2'`.execute(database.db)
    expect(rows[0].name).toBe('丙社区第三网格')
  })

  it('reads a GeoPackage in CGCS2000 Gauss-Krüger coordinates', async () => {
    const ring = lonLatRing(square(60, 60, 40))
    const { rows } = await sql<{ x: number; y: number }>`
      SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT (ST_DumpPoints(ST_Transform(ST_SetSRID(ST_MakeLine(ARRAY(
        SELECT ST_MakePoint((c->>0)::float8, (c->>1)::float8) FROM json_array_elements(${JSON.stringify(ring)}::json) AS c)), 4326), 4547))).geom AS p) t`.execute(
      database.db,
    )
    const SQL = await initSqlJs()
    const gpkg = new SQL.Database()
    gpkg.run(`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);
      CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT, srs_id INTEGER);
      CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
      INSERT INTO gpkg_spatial_ref_sys VALUES ('CGCS2000 / 3-degree Gauss-Kruger CM 114E', 4547, 'EPSG', 4547, '', '');
      INSERT INTO gpkg_contents VALUES ('网格', 'features', '网格', 4547);
      INSERT INTO gpkg_geometry_columns VALUES ('网格', 'geom', 'POLYGON', 4547, 0, 0);
      CREATE TABLE "网格" (fid INTEGER PRIMARY KEY, geom BLOB, "网格编码" TEXT, "网格名称" TEXT, "户数" INTEGER);`)
    gpkg.run('INSERT INTO "网格" (geom, "网格编码", "网格名称", "户数") VALUES (?, ?, ?, ?)', [
      writeGeoPackageBlob(4547, { type: 'Polygon', coordinates: [rows.map((r) => [r.x, r.y])] }),
      'GP-1',
      '乙网格',
      410,
    ])
    const result = (await uploadFile(app, { name: 'grids.gpkg', data: gpkg.export() }, { department: 'social' })).json()
    gpkg.close()
    expect(result).toMatchObject({
      status: 'succeeded',
      format: 'geopackage',
      sourceCrs: 'EPSG:4547',
      counts: { accepted: 1 },
    })
    const { rows: stored } = await sql<{ name: string; households: number; lon: number }>`
      SELECT name, households, ST_XMin(boundary) AS lon FROM grids WHERE code = 'GP-1'`.execute(database.db)
    expect(stored[0]).toMatchObject({ name: '乙网格', households: 410 })
    expect(Math.abs(stored[0].lon - ring[0][0]) * 91_000).toBeLessThan(0.01)
  })

  it('repairs a self-intersecting polygon and reports it', async () => {
    const bowtie = lonLatRing([
      [10, 10],
      [90, 90],
      [90, 10],
      [10, 90],
      [10, 10],
    ])
    const result = (
      await uploadFile(
        app,
        { name: 'bowtie.geojson', data: featureCollection([{ code: 'B-1', ring: bowtie }]) },
        { department: 'party' },
      )
    ).json()
    expect(result.status).toBe('succeeded')
    expect(result.counts.repaired).toBe(1)
    expect(result.report[0]).toMatchObject({
      level: 'warning',
      feature: 0,
      field: 'geometry',
      message: expect.stringMatching(/self-intersection/i),
    })
    const { rows } = await sql<{
      valid: boolean
    }>`SELECT ST_IsValid(boundary) AS valid FROM grids WHERE code = 'B-1'`.execute(database.db)
    expect(rows[0].valid).toBe(true)
  })

  it('warns of a grid wholly outside the district and stores it with no community', async () => {
    const body = featureCollection([{ code: 'OUT-1', ring: lonLatRing(square(1400, 20, 80)), households: 400 }])
    const result = (await uploadFile(app, { name: 'away.geojson', data: body }, { department: 'petition' })).json()
    expect(result).toMatchObject({ status: 'succeeded', counts: { accepted: 1, warnings: 1 } })
    expect(result.report).toEqual([
      expect.objectContaining({
        level: 'warning',
        feature: 0,
        field: 'geometry',
        message: expect.stringMatching(/wholly outside the stored districts/),
      }),
    ])
    const grid = await database.db
      .selectFrom('grids')
      .select('community_code')
      .where('code', '=', 'OUT-1')
      .executeTakeFirstOrThrow()
    expect(grid.community_code).toBeNull()
  })

  it('tells what share of a grid lies outside the district, and lets a hair over the boundary pass', async () => {
    const body = featureCollection([
      // 350–450 m east against a district ending at 400 m: half outside, though its box overlaps
      { code: 'HALF-1', ring: lonLatRing(square(350, 60, 100)) },
      // 0.4 m of 100 m below the district's southern edge: 0.4 %, boundaries drawn apart
      {
        code: 'HAIR-1',
        ring: lonLatRing([
          [210, -0.4],
          [310, -0.4],
          [310, 99.6],
          [210, 99.6],
          [210, -0.4],
        ]),
      },
    ])
    const result = (
      await uploadFile(app, { name: 'edge.geojson', data: body }, { department: 'petition', dryRun: 'true' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', counts: { accepted: 2 } })
    const outside = result.report.filter((item: { field?: string }) => item.field === 'geometry')
    expect(outside).toEqual([
      expect.objectContaining({
        level: 'warning',
        feature: 0,
        message: expect.stringMatching(/^(49\.9|50\.0|50\.1) % of the grid lies outside the district$/),
      }),
    ])
  })

  it('keeps the reason a grid was repaired with the grid, and none for a valid grid', async () => {
    const bowtie = lonLatRing([
      [10, 10],
      [90, 90],
      [90, 10],
      [10, 90],
      [10, 10],
    ])
    const body = featureCollection([
      { code: 'R-1', ring: bowtie },
      { code: 'R-2', ring: lonLatRing(square(110, 10, 80)) },
    ])
    const run = (
      await uploadFile(app, { name: 'repairs.geojson', data: body }, { department: 'market' }, 'zh-CN')
    ).json()
    expect(run.status).toBe('succeeded')
    // the office reads why in zh-CN, where it crosses itself
    expect(run.report).toContainEqual(
      expect.objectContaining({
        feature: 0,
        field: 'geometry',
        message: expect.stringMatching(/^几何无效（自相交，位于 [\d.]+, [\d.]+），已用 ST_MakeValid 修复$/),
      }),
    )
    const grids = await database.db
      .selectFrom('grids')
      .select(['code', 'repair_note'])
      .where('code', 'in', ['R-1', 'R-2'])
      .orderBy('code')
      .execute()
    expect(grids.map((g) => g.code)).toEqual(['R-1', 'R-2'])
    expect(grids[1].repair_note).toBeNull()
    // the bowtie crosses itself at (50 m, 50 m): the note names that point in WGS84
    const match = /^Self-intersection\[([\d.]+) ([\d.]+)\]$/.exec(grids[0].repair_note ?? '')
    expect(match, String(grids[0].repair_note)).not.toBeNull()
    const [lon, lat] = toLonLat(50, 50)
    expect(Math.abs(Number(match![1]) - lon) * 91_000).toBeLessThan(1)
    expect(Math.abs(Number(match![2]) - lat) * 110_000).toBeLessThan(1)
  })

  const bad: [
    string,
    { name: string; data: string | Uint8Array },
    Record<string, string>,
    RegExp,
    { feature?: number; field?: string },
  ][] = [
    [
      'malformed JSON',
      { name: 'broken.geojson', data: '{"type": "FeatureCollection", "features": [' },
      { department: 'party' },
      /malformed JSON/,
      {},
    ],
    [
      'JSON that is not a FeatureCollection',
      { name: 'feature.geojson', data: '{"type": "Feature", "geometry": null, "properties": {}}' },
      { department: 'party' },
      /not a GeoJSON FeatureCollection/,
      { field: 'type' },
    ],
    [
      'a member of features that is not a Feature',
      {
        name: 'point.geojson',
        data: '{"type": "FeatureCollection", "features": [{"type": "Point", "coordinates": [113.6, 34.6]}]}',
      },
      { department: 'party' },
      // the text counts features from 1 (people do); the feature field is the 0-based index
      /feature 1 field "type": not a GeoJSON Feature/,
      { feature: 0, field: 'type' },
    ],
    [
      'a polygon with coordinates that are not numbers',
      {
        name: 'text.geojson',
        data: JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { code: 'X' },
              geometry: {
                type: 'Polygon',
                coordinates: [
                  [
                    ['113.6', '34.6'],
                    ['113.7', '34.6'],
                    ['113.7', '34.7'],
                    ['113.6', '34.6'],
                  ],
                ],
              },
            },
          ],
        }),
      },
      { department: 'party' },
      /not a polygon/,
      { feature: 0, field: 'geometry' },
    ],
    [
      'a line where a polygon belongs',
      {
        name: 'line.geojson',
        data: JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { code: 'X' },
              geometry: { type: 'LineString', coordinates: lonLatRing(square(10, 10, 40)) },
            },
          ],
        }),
      },
      { department: 'party' },
      /not a polygon/,
      { feature: 0, field: 'geometry' },
    ],
    [
      'a GeoJSON naming an unknown frame',
      {
        name: 'crs.geojson',
        data: featureCollection([{ code: 'X', ring: lonLatRing(square(10, 10, 40)) }], 'EPSG:2000'),
      },
      { department: 'party' },
      /unknown coordinate reference system "EPSG:2000"/,
      { field: 'crs' },
    ],
    [
      'a .prj naming a frame it does not know (Xian 1980)',
      {
        name: 'xian.zip',
        data: shapefileZip({ prj: 'PROJCS["Xian_1980_3_Degree_GK_Zone_38",GEOGCS["GCS_Xian_1980"]]' }),
      },
      { department: 'party' },
      /unknown coordinate reference system/,
      { field: 'prj' },
    ],
    [
      'swapped longitude and latitude',
      {
        name: 'swapped.geojson',
        data: featureCollection([{ code: 'X', ring: lonLatRing(square(10, 10, 50)).map(([a, b]) => [b, a]) }]),
      },
      { department: 'party' },
      /swapped/,
      { feature: 0, field: 'geometry' },
    ],
    [
      'coordinates outside China',
      {
        name: 'paris.geojson',
        data: featureCollection([
          {
            code: 'X',
            ring: [
              [2.3, 48.8],
              [2.4, 48.8],
              [2.4, 48.9],
              [2.3, 48.8],
            ],
          },
        ]),
      },
      { department: 'party' },
      /outside China/,
      { feature: 0, field: 'geometry' },
    ],
    [
      'a grid in Seoul',
      { name: 'seoul.geojson', data: featureCollection([{ code: 'X', ring: squareAt([126.98, 37.57], 100) }]) },
      { department: 'party' },
      /coordinates outside China \(e\.g\. 126\.98, 37\.57\)/,
      { feature: 0, field: 'geometry' },
    ],
    [
      'projected numbers in the wrong zone, which land abroad',
      {
        name: 'wrongzone.geojson',
        data: featureCollection([
          {
            code: 'X',
            ring: [
              [440_000, 3_830_000],
              [440_100, 3_830_000],
              [440_100, 3_830_100],
              [440_000, 3_830_000],
            ],
          },
        ]),
      },
      { department: 'party', crs: 'EPSG:4554' },
      /after conversion from EPSG:4554 the grid lies outside China: is the frame right\?/,
      { feature: 0, field: 'geometry' },
    ],
    [
      'an empty polygon',
      {
        name: 'empty.geojson',
        data: JSON.stringify({
          type: 'FeatureCollection',
          features: [{ type: 'Feature', properties: { code: 'E-1' }, geometry: { type: 'Polygon', coordinates: [] } }],
        }),
      },
      { department: 'party' },
      /^empty geometry \(a Polygon with no coordinates\)$/,
      { feature: 0, field: 'geometry' },
    ],
    [
      'a feature with no geometry',
      {
        name: 'nogeom.geojson',
        data: JSON.stringify({
          type: 'FeatureCollection',
          features: [{ type: 'Feature', properties: { code: 'E-1' }, geometry: null }],
        }),
      },
      { department: 'party' },
      /^empty geometry \(the feature has none\)$/,
      { feature: 0, field: 'geometry' },
    ],
    [
      'a zero-area polygon',
      {
        name: 'flat.geojson',
        data: featureCollection([
          {
            code: 'X',
            ring: lonLatRing([
              [10, 10],
              [50, 10],
              [90, 10],
              [10, 10],
            ]),
          },
        ]),
      },
      { department: 'party' },
      /zero-area/,
      { feature: 0, field: 'geometry' },
    ],
    [
      'duplicate grid codes',
      {
        name: 'dup.geojson',
        data: featureCollection([
          { code: 'X', ring: lonLatRing(square(10, 10, 40)) },
          { code: 'X', ring: lonLatRing(square(60, 10, 40)) },
        ]),
      },
      { department: 'party' },
      /duplicate grid code "X"/,
      { feature: 1, field: 'code' },
    ],
    [
      'a grid with no code lying in no community to assign one from',
      { name: 'nocode.geojson', data: featureCollection([{ ring: lonLatRing(square(1400, 20, 40)) }]) },
      { department: 'party' },
      /^no grid code \(field code \/ 网格编码\), and the grid lies in no community to assign one from$/,
      { feature: 0, field: 'code' },
    ],
    [
      'a malformed code in the scheme (14 digits)',
      {
        name: 'short.geojson',
        data: featureCollection([{ code: `${communityA}01`, ring: lonLatRing(square(10, 10, 40)) }]),
      },
      { department: 'party' },
      /^grid code "41019900100101" is malformed: a code in the scheme is the 12-digit code of its community and a 3-digit serial$/,
      { feature: 0, field: 'code' },
    ],
    [
      'a code in the scheme whose first 12 digits are no community',
      {
        name: 'street.geojson',
        data: featureCollection([{ code: '410199001000001', ring: lonLatRing(square(10, 10, 40)) }]),
      },
      { department: 'party' },
      /^grid code "410199001000001" is malformed/,
      { feature: 0, field: 'code' },
    ],
    [
      'a duplicate code in the scheme',
      {
        name: 'dupscheme.geojson',
        data: featureCollection([
          { code: `${communityA}007`, ring: lonLatRing(square(10, 10, 40)) },
          { code: `${communityA}007`, ring: lonLatRing(square(60, 10, 40)) },
        ]),
      },
      { department: 'party' },
      /^duplicate grid code "410199001001007" \(also feature 1\)$/,
      { feature: 1, field: 'code' },
    ],
    [
      'an unknown frame',
      { name: 'odd.geojson', data: featureCollection([{ code: 'X', ring: lonLatRing(square(10, 10, 40)) }]) },
      { department: 'party', crs: 'EPSG:2000' },
      /unknown coordinate reference system/,
      { field: 'crs' },
    ],
    [
      'projected numbers with no frame',
      {
        name: 'gk.geojson',
        data: featureCollection([
          {
            code: 'X',
            ring: [
              [38_500_000, 3_800_000],
              [38_500_100, 3_800_000],
              [38_500_100, 3_800_100],
              [38_500_000, 3_800_000],
            ],
          },
        ]),
      },
      { department: 'party' },
      /projected/,
      { field: 'crs' },
    ],
    [
      'a Shapefile zip without .prj',
      {
        name: 'noprj.zip',
        data: zipSync({ 'a.shp': new Uint8Array(100), 'a.shx': new Uint8Array(100), 'a.dbf': new Uint8Array(33) }),
      },
      { department: 'party' },
      /missing \.prj/,
      {},
    ],
    [
      'a .prj naming a Gauss-Krüger zone China does not have',
      {
        name: 'zone50.zip',
        data: shapefileZip({
          prj: 'PROJCS["CGCS2000_3_Degree_GK_Zone_50",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000"]]',
        }),
      },
      { department: 'party' },
      /zone 50 does not cover China/,
      { field: 'prj' },
    ],
    [
      'a Shapefile zip without .shp',
      { name: 'noshp.zip', data: shapefileZip({ leaveOut: '.shp' }) },
      { department: 'party' },
      /the Shapefile is incomplete: missing \.shp$/,
      {},
    ],
    [
      'a Shapefile zip without .dbf',
      { name: 'nodbf.zip', data: shapefileZip({ leaveOut: '.dbf' }) },
      { department: 'party' },
      /the Shapefile is incomplete: missing \.dbf$/,
      {},
    ],
    [
      'an unsupported file type',
      { name: 'grids.kml', data: '<kml/>' },
      { department: 'party' },
      /unsupported file type/,
      {},
    ],
    [
      'a .gpkg that is not a GeoPackage',
      { name: 'fake.gpkg', data: 'just text' },
      { department: 'party' },
      /GeoPackage/,
      {},
    ],
  ]

  it.each(bad)('refuses %s, naming what is wrong, and changes nothing', async (_case, file, fields, message, where) => {
    const before = await snapshot(database.db)
    const response = await uploadFile(app, file, fields)
    const body = response.json()
    const errors = body.details.errors
    expect(response.statusCode).toBe(400)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors[0].message).toMatch(message)
    expect(errors[0].file).toContain(file.name)
    expect(errors[0]).toMatchObject(where)
    expect(body.message).toContain(file.name)
    expect(await snapshot(database.db)).toEqual(before)
  })

  it("reports each empty geometry of a CSV as its own feature's error, and stores nothing", async () => {
    const before = await snapshot(database.db)
    const wkt = `POLYGON((${lonLatRing(square(10, 10, 40))
      .map((p) => p.join(' '))
      .join(', ')}))`
    const response = await uploadFile(
      app,
      { name: 'empty.csv', data: `code,wkt\nE-1,POLYGON EMPTY\nE-2,\nE-3,"${wkt}"\n` },
      { department: 'party' },
    )
    expect(response.statusCode).toBe(400)
    expect(response.json().details.errors).toEqual([
      expect.objectContaining({
        file: 'empty.csv',
        feature: 0,
        field: 'geometry',
        message: 'empty geometry (a Polygon with no coordinates)',
      }),
      expect.objectContaining({
        file: 'empty.csv',
        feature: 1,
        field: 'geometry',
        message: 'empty geometry (the feature has none)',
      }),
    ])
    expect(await snapshot(database.db)).toEqual(before)
  })

  it('times a refused import up to the phase that refused it', async () => {
    const unreadable = (await uploadFile(app, { name: 'broken.geojson', data: '{' }, { department: 'party' })).json()
    expect((await app.inject(`/api/imports/${unreadable.details.importId}`)).json()).toMatchObject({
      status: 'failed',
      timings: { parseMs: expect.any(Number), checkMs: null, storeMs: null },
    })
    const faulty = (
      await uploadFile(
        app,
        {
          name: 'dup.geojson',
          data: featureCollection([
            { code: 'T', ring: lonLatRing(square(10, 10, 40)) },
            { code: 'T', ring: lonLatRing(square(60, 10, 40)) },
          ]),
        },
        { department: 'party' },
      )
    ).json()
    const run = (await app.inject(`/api/imports/${faulty.details.importId}`)).json()
    expect(run).toMatchObject({
      status: 'failed',
      timings: { parseMs: expect.any(Number), checkMs: expect.any(Number), storeMs: null },
    })
    expect(run.timings.checkMs).toBeGreaterThanOrEqual(0)
  })

  it('describes the timings in the OpenAPI document', async () => {
    const doc = (await app.inject('/docs/json')).json()
    // the upload's answer is one of the kinds' results: the grid and region import's carries the timings
    const answers = doc.paths['/api/imports'].post.responses['200'].content['application/json'].schema.anyOf
    const result = answers.find((schema: { properties: object }) => 'timings' in schema.properties)
    const record = doc.paths['/api/imports/{id}'].get.responses['200'].content['application/json'].schema
    for (const schema of [result, record])
      expect(Object.keys(schema.properties.timings.properties)).toEqual(['parseMs', 'checkMs', 'storeMs'])
  })

  it('refuses a zip bomb before unpacking it, and changes nothing', async () => {
    const before = await snapshot(database.db)
    const zip = zipSync(
      {
        'a.shp': new Uint8Array(50 * 1024 * 1024),
        'a.shx': new Uint8Array(100),
        'a.dbf': new Uint8Array(33),
        'a.prj': new Uint8Array(10),
      },
      { level: 9 },
    )
    const response = await uploadFile(app, { name: 'bomb.zip', data: zip }, { department: 'party' })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toMatch(/^bomb\.zip: refused: .*zip bomb/)
    expect(response.json().details.errors[0]).toMatchObject({ file: 'bomb.zip' })
    expect(await snapshot(database.db)).toEqual(before)
  })

  it('keeps SQL metacharacters in every text field of a grid, and in the file name, as plain text', async () => {
    const [code, name, key, value] = [
      'Q\'1"; DROP TABLE grids; --',
      "Robert'); DROP TABLE grids; --",
      "备注'); DELETE FROM regions; --",
      "x'; TRUNCATE grid_layers; --",
    ]
    const fileName = "o'brien; DROP TABLE import_runs; --.geojson"
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code, name, [key]: value, households: 400 },
          geometry: { type: 'Polygon', coordinates: [lonLatRing(square(120, 120, 40))] },
        },
      ],
    })
    const regionsBefore = await database.db.selectFrom('regions').select('code').orderBy('code').execute()
    const result = (await uploadFile(app, { name: fileName, data: body }, { department: 'governance' })).json()
    expect(result.status).toBe('succeeded')
    const { rows } = await sql<{
      name: string
      value: string
    }>`SELECT name, attributes->>${key} AS value FROM grids WHERE code = ${code}`.execute(database.db)
    expect(rows).toEqual([{ name, value }])
    expect((await app.inject(`/api/imports/${result.id}`)).json().fileName).toBe(fileName)
    expect(await database.db.selectFrom('regions').select('code').orderBy('code').execute()).toEqual(regionsBefore)
  })

  const metacharacters: [string, Record<string, unknown>, Record<string, string>, RegExp, string][] = [
    [
      'community_code',
      { code: 'M-1', community_code: "410199001001'; DROP TABLE regions; --" },
      { department: 'party' },
      /unknown community code "410199001001'; DROP TABLE regions; --"/,
      'community_code',
    ],
    [
      'households',
      { code: 'M-1', households: '1; DROP TABLE grids' },
      { department: 'party' },
      /households must be a whole number ≥ 0, got "1; DROP TABLE grids"/,
      'households',
    ],
    [
      'the department',
      { code: 'M-1' },
      { department: "party'; DROP TABLE grids; --" },
      // the valid codes are listed
      /^Unknown department "party'; DROP TABLE grids; --": use one of [a-z, ]*\bgovernance\b[a-z, ]*\bparty\b/,
      'department',
    ],
    [
      'the frame',
      { code: 'M-1' },
      { department: 'party', crs: "EPSG:4326'; DROP TABLE grids; --" },
      /unknown coordinate reference system "EPSG:4326'; DROP TABLE grids; --"/,
      'crs',
    ],
    [
      'the kind',
      { code: 'M-1' },
      { kind: "grids'; DROP TABLE grids; --", department: 'party' },
      /Cannot import "grids'; DROP TABLE grids; --": kind must be grids, regions/,
      'kind',
    ],
  ]

  it.each(metacharacters)(
    'refuses SQL metacharacters in %s as an ordinary bad value, and changes nothing',
    async (_field, properties, fields, message, fieldName) => {
      const before = await snapshot(database.db)
      const body = JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [lonLatRing(square(10, 10, 40))] } },
        ],
      })
      const response = await uploadFile(app, { name: 'meta.geojson', data: body }, fields)
      expect(response.statusCode).toBe(400)
      const answer = response.json()
      expect(answer.message).toMatch(message)
      expect(answer.details.errors?.[0] ?? answer.details[0]).toMatchObject({ field: fieldName })
      expect(await snapshot(database.db)).toEqual(before)
    },
  )

  it('gives a raw file (no codes, its own ids, no communities) codes in the scheme, keeps its ids, and keeps them on the next version', async () => {
    const raw = (ids: number[]) =>
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          // two in community A, one in B: each gets the code of the community it lies in
          { id: ids[0], ring: square(10, 10, 80) },
          { id: ids[1], ring: square(110, 10, 80) },
          { id: ids[2], ring: square(250, 10, 120) },
        ].map((f) => ({
          type: 'Feature',
          properties: { OBJECTID: f.id, 户数: 300 },
          geometry: { type: 'Polygon', coordinates: [lonLatRing(f.ring)] },
        })),
      })
    const stored = async (layerVersion: number) =>
      database.db
        .selectFrom('grids as g')
        .innerJoin('grid_layers as l', 'l.id', 'g.layer_id')
        .select(['g.code', 'g.source_id as sourceId', 'g.community_code as community', 'g.name'])
        .where('l.department', '=', 'urban')
        .where('l.version', '=', layerVersion)
        .orderBy('g.code')
        .execute()
    const first = (
      await uploadFile(app, { name: 'raw.geojson', data: raw([17, 4, 99]) }, { department: 'urban' })
    ).json()
    expect(first).toMatchObject({ status: 'succeeded', counts: { features: 3, accepted: 3, assigned: 3, warnings: 1 } })
    expect(first.report).toEqual([
      {
        level: 'warning',
        file: 'raw.geojson',
        field: 'code',
        message:
          "3 grid(s) had no code: each was given its community's code and a serial (the department's own identifier is kept as source_id)",
      },
    ])
    // the stored 城管 layer had UA1/UB1-like codes outside the scheme: serials start at 001
    const version = first.layer.version
    expect(await stored(version)).toEqual([
      { code: `${communityA}001`, sourceId: '17', community: communityA, name: `${communityA}001` },
      { code: `${communityA}002`, sourceId: '4', community: communityA, name: `${communityA}002` },
      { code: `${communityB}001`, sourceId: '99', community: communityB, name: `${communityB}001` },
    ])
    // the next version: the same own ids keep their codes, a new one gets the next serial
    const second = (
      await uploadFile(app, { name: 'raw2.geojson', data: raw([4, 17, 55]) }, { department: 'urban' })
    ).json()
    expect(second.counts.assigned).toBe(3)
    expect(await stored(second.layer.version)).toEqual([
      { code: `${communityA}001`, sourceId: '17', community: communityA, name: `${communityA}001` },
      { code: `${communityA}002`, sourceId: '4', community: communityA, name: `${communityA}002` },
      { code: `${communityB}002`, sourceId: '55', community: communityB, name: `${communityB}002` },
    ])
  })

  it('assigns serials after the codes in the scheme a file already has, and says nothing when none is missing', async () => {
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { properties: { code: `${communityA}005` }, ring: square(10, 10, 80) },
        { properties: { 编号: 'X-7' }, ring: square(110, 10, 80) },
      ].map((f) => ({
        type: 'Feature',
        properties: f.properties,
        geometry: { type: 'Polygon', coordinates: [lonLatRing(f.ring)] },
      })),
    })
    const result = (
      await uploadFile(app, { name: 'mixed.geojson', data: body }, { department: 'social', dryRun: 'true' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', dryRun: true, counts: { accepted: 2, assigned: 1 } })
    const layers = (await uploadFile(app, { name: 'mixed.geojson', data: body }, { department: 'social' })).json()
    const codes = await database.db
      .selectFrom('grids as g')
      .innerJoin('grid_layers as l', 'l.id', 'g.layer_id')
      .select(['g.code', 'g.source_id as sourceId'])
      .where('l.department', '=', 'social')
      .where('l.version', '=', layers.layer.version)
      .orderBy('g.code')
      .execute()
    expect(codes).toEqual([
      { code: `${communityA}005`, sourceId: null },
      { code: `${communityA}006`, sourceId: 'X-7' },
    ])
    const coded = featureCollection([{ code: 'C-1', ring: lonLatRing(square(10, 10, 40)) }])
    const plain = (
      await uploadFile(app, { name: 'coded.geojson', data: coded }, { department: 'social', dryRun: 'true' })
    ).json()
    expect(plain.counts.assigned).toBe(0)
    expect(plain.report).toEqual([])
  })

  it('codes a raw grid by the community that covers it, else the one it overlaps most', async () => {
    // A is x 0–200 m, B x 200–400 m, y 0–200 m
    const features = [
      { id: 1, ring: square(130, 20, 100) }, // 70 m in A, 30 m in B
      { id: 2, ring: square(170, 20, 100) }, // 30 m in A, 70 m in B
      { id: 3, ring: square(100, 130, 60) }, // inside A
      { id: 4, ring: square(110, 130, 90) }, // covered by A, touching B along x = 200
      { id: 5, ring: square(-40, 130, 60) }, // 20 m west of the district, 40 m in A
      { id: 6, ring: square(330, 130, 60) }, // inside B
    ]
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: features.map((f) => ({
        type: 'Feature',
        properties: { OBJECTID: f.id },
        geometry: { type: 'Polygon', coordinates: [lonLatRing(f.ring)] },
      })),
    })
    const result = (
      await uploadFile(app, { name: 'straddling.geojson', data: body }, { department: 'emergency' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', counts: { features: 6, accepted: 6, assigned: 6 } })
    const codes = await database.db
      .selectFrom('grids as g')
      .innerJoin('grid_layers as l', 'l.id', 'g.layer_id')
      .select(['g.source_id as sourceId', 'g.code', 'g.community_code as community'])
      .where('l.department', '=', 'emergency')
      .where('l.version', '=', result.layer.version)
      .orderBy('g.source_id')
      .execute()
    expect(codes).toEqual([
      { sourceId: '1', code: `${communityA}001`, community: communityA },
      { sourceId: '2', code: `${communityB}001`, community: communityB },
      { sourceId: '3', code: `${communityA}002`, community: communityA },
      { sourceId: '4', code: `${communityA}003`, community: communityA },
      { sourceId: '5', code: `${communityA}004`, community: communityA },
      { sourceId: '6', code: `${communityB}002`, community: communityB },
    ])
  })

  it('takes the frame from the crs field when a Shapefile has no .prj', async () => {
    const data = zipShapefile([{ ring: square(10, 10, 40), attributes: { code: utf8('NP-1') } }], { leaveOut: '.prj' })
    const refused = await uploadFile(app, { name: 'noprj.zip', data }, { department: 'party', dryRun: 'true' })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().details.errors[0].message).toBe(
      'noprj.zip: the Shapefile is incomplete: missing .prj (or name the frame in the crs field, e.g. crs=EPSG:4547)',
    )
    const result = (
      await uploadFile(app, { name: 'noprj.zip', data }, { department: 'party', dryRun: 'true', crs: 'EPSG:4326' })
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', sourceCrs: 'EPSG:4326', counts: { accepted: 1 } })
  })

  it('checks a file larger than one batch as one, and leaves nothing staged once a run ends', async () => {
    // more features than a batch: staged and checked batch by batch, the verdicts still per feature
    const count = checkBatchSize + 5
    const features = Array.from({ length: count }, (_, i) => ({
      code: `B-${i}`,
      // the last one lies outside the district: its warning names its own feature
      ring: lonLatRing(i === count - 1 ? square(1400, 20, 4) : square((i % 40) * 5, Math.floor(i / 40) * 5, 4)),
    }))
    const result = (
      await uploadFile(
        app,
        { name: 'batches.geojson', data: featureCollection(features) },
        { department: 'party', dryRun: 'true' },
      )
    ).json()
    expect(result).toMatchObject({ status: 'succeeded', counts: { features: count, accepted: count, warnings: 1 } })
    expect(result.report).toEqual([
      expect.objectContaining({
        feature: count - 1,
        message: 'the grid lies wholly outside the stored districts: it belongs to no community',
      }),
    ])
    const staged = async () =>
      Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM import_staging`.execute(database.db)).rows[0].n)
    expect(await staged()).toBe(0)
    // refused: nothing staged either
    const refused = await uploadFile(
      app,
      { name: 'dup.geojson', data: featureCollection([features[0], features[0]]) },
      { department: 'party' },
    )
    expect(refused.statusCode).toBe(400)
    expect(await staged()).toBe(0)
    // rows a stop left behind go at the next start, with their run marked failed
    const { id } = await database.db
      .insertInto('import_runs')
      .values({
        kind: 'grids',
        department: 'party',
        file_name: 'x',
        format: 'geojson',
        dry_run: true,
        counts: '{}',
        report: '[]',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await sql`INSERT INTO import_staging (import_run_id, index, valid, empty, boundary)
              VALUES (${id}, 0, true, false, ST_MakeEnvelope(113, 34, 113.001, 34.001, 4326))`.execute(database.db)
    expect(await staged()).toBe(1)
    expect(await failInterruptedImports(database.db)).toBe(1)
    expect(await staged()).toBe(0)
  })

  it('answers 404 for an import id that does not exist and 400 for one that is not a number', async () => {
    const missing = await app.inject('/api/imports/987654321')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().message).toBe('没有编号为 987654321 的导入')
    expect((await app.inject('/api/imports/abc')).statusCode).toBe(400)
  })

  it('refuses an upload over the size limit, and changes nothing', async () => {
    const before = await snapshot(database.db)
    const big = await buildTestApp(database, { uploadLimitBytes: 1024 })
    try {
      const response = await uploadFile(
        big,
        {
          name: 'big.geojson',
          data: featureCollection(
            Array.from({ length: 40 }, (_, i) => ({ code: `BIG-${i}`, ring: lonLatRing(square(10, 10, 40)) })),
          ),
        },
        { department: 'party' },
      )
      expect(response.statusCode).toBe(413)
      expect(response.json().message).toMatch(/too large|limit/i)
    } finally {
      await big.close()
    }
    expect(await snapshot(database.db)).toEqual(before)
  })
})
