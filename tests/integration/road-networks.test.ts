// A road and path network imported through the API, on each driver: a real OpenStreetMap extract
// (data/osm/bautzen.osm, moved into China by a fixed translation: the importer refuses lines abroad),
// GeoJSON lines, and the same lines as a zipped Shapefile in a CGCS2000 Gauss-Krüger frame and as
// GeoJSON in GCJ-02 become the active network, lengths measured by PostGIS on the spheroid; lines
// nobody may walk are left out and counted; the stored walking service areas follow the new network;
// bad files are refused naming file, feature and field, and leave the stored networks as they were.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { wgs84ToGcj02 } from '../../server/services/imports/crs.ts'
import { LocalFrame } from '../../server/services/siting/siting.service.ts'
import { type TestApp, buildTestApp, uploadFile } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { writeLineShapefile, writePointShapefile } from '../helpers/shapefile-shapes.ts'

/** The ESRI .prj of CGCS2000 3-degree Gauss-Krüger CM 114°E (EPSG:4547), as ArcGIS writes it. */
const gk114Prj =
  'PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'

const text = (value: string) => new TextEncoder().encode(value)

/** The lines of the frame tests in WGS84: several directions, lengths from about 100 m to 1.5 km. */
const frameLines: { fclass: string; name: string; coordinates: [number, number][] }[] = [
  {
    fclass: 'residential',
    name: '纬一路',
    coordinates: [
      [113.61, 34.71],
      [113.62, 34.71],
      [113.625, 34.712],
    ],
  },
  {
    fclass: 'footway',
    name: '',
    coordinates: [
      [113.62, 34.71],
      [113.62, 34.72],
    ],
  },
  {
    fclass: 'primary',
    name: '中原路',
    coordinates: [
      [113.605, 34.705],
      [113.615, 34.715],
      [113.618, 34.7155],
    ],
  },
  {
    fclass: 'steps',
    name: '',
    coordinates: [
      [113.621, 34.711],
      [113.6215, 34.7113],
    ],
  },
  // left out: a motorway, a trunk without a sidewalk, and a river (Geofabrik's waterways layer)
  {
    fclass: 'motorway',
    name: '绕城高速',
    coordinates: [
      [113.6, 34.7],
      [113.63, 34.7],
    ],
  },
  {
    fclass: 'trunk',
    name: '',
    coordinates: [
      [113.6, 34.72],
      [113.63, 34.72],
    ],
  },
  {
    fclass: 'river',
    name: '金水河',
    coordinates: [
      [113.6, 34.715],
      [113.63, 34.716],
    ],
  },
]

/** bautzen.osm (lon 14.41, lat 51.19) moved by +99° of longitude and −17° of latitude: Zhengzhou's latitude band. */
const movedBautzen = readFileSync(join(import.meta.dirname, '../../data/osm/bautzen.osm'), 'utf8')
  .replace(/\blat="([-\d.]+)"/g, (_, lat) => `lat="${(Number(lat) - 17).toFixed(7)}"`)
  .replace(/\blon="([-\d.]+)"/g, (_, lon) => `lon="${(Number(lon) + 99).toFixed(7)}"`)

const line = (coordinates: number[][], properties: Record<string, unknown> = { highway: 'footway' }) => ({
  type: 'Feature',
  properties,
  geometry: { type: 'LineString', coordinates },
})
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features })

describe.each(testDrivers())('road network import on %s', (driver) => {
  let database: Database
  let app: TestApp
  const upload = (name: string, data: string, fields: Record<string, string> = {}, language = 'zh-CN') =>
    uploadFile(app, { name, data }, fields, language, '/api/road-networks')
  /** What the import may change: the networks and their edges, as counts and a digest. */
  const stored = async () =>
    (
      await sql<{ networks: number; active: number | null; edges: number; digest: string | null }>`
        SELECT (SELECT count(*)::int FROM road_networks) AS networks,
               (SELECT max(id)::int FROM road_networks WHERE is_active) AS active,
               (SELECT count(*)::int FROM road_edges) AS edges,
               (SELECT md5(string_agg(class || ST_AsText(geom), '|' ORDER BY id)) FROM road_edges) AS digest`.execute(
        database.db,
      )
    ).rows[0]

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    app = await buildTestApp(database)
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('stores a real OSM extract as the active network, lengths by PostGIS on the spheroid', async () => {
    const dry = await upload('bautzen.osm', movedBautzen, { dryRun: 'true' })
    expect(dry.statusCode, dry.body).toBe(200)
    expect(dry.json()).toMatchObject({ networkId: null, dryRun: true })
    expect(dry.json().lines).toBeGreaterThan(20)
    expect((await stored()).networks).toBe(0)

    const real = await upload('bautzen.osm', movedBautzen, { name: '包岑测试路网' })
    expect(real.statusCode, real.body).toBe(200)
    const { networkId, lines } = real.json()
    expect(lines).toBe(dry.json().lines)
    const after = await stored()
    expect(after).toMatchObject({ networks: 1, active: networkId, edges: lines })
    const { rows } = await sql<{ km: number; name: string; classes: number }>`
      SELECT sum(length_m) / 1000 AS km, (SELECT name FROM road_networks WHERE id = ${networkId}) AS name,
             count(DISTINCT class)::int AS classes
      FROM road_edges WHERE network_id = ${networkId}`.execute(database.db)
    expect(rows[0].name).toBe('包岑测试路网')
    expect(rows[0].classes).toBeGreaterThan(1)
    // a few streets of a town: some kilometres, measured on the spheroid where they now lie
    expect(Number(rows[0].km)).toBeGreaterThan(1)
    expect(Number(rows[0].km)).toBeLessThan(50)
  })

  it('takes GeoJSON lines, a MultiLineString split into lines, and leaves out lines closed to walkers', async () => {
    const before = await stored()
    const response = await upload(
      'paths.geojson',
      collection(
        line([
          [113.6, 34.7],
          [113.601, 34.7],
        ]),
        {
          type: 'Feature',
          properties: { class: 'residential', name: '纬五路' },
          geometry: {
            type: 'MultiLineString',
            coordinates: [
              [
                [113.601, 34.7],
                [113.602, 34.7],
              ],
              [
                [113.602, 34.7],
                [113.602, 34.701],
              ],
            ],
          },
        },
        line(
          [
            [113.6, 34.701],
            [113.601, 34.701],
          ],
          { highway: 'service', access: 'private' },
        ),
      ),
    )
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ dryRun: false, lines: 3, closedToWalkers: 1 })
    const after = await stored()
    expect(after.networks).toBe(before.networks + 1)
    expect(after.active).toBe(response.json().networkId)
    const { rows } = await sql<{ class: string; name: string | null; m: number }>`
      SELECT class, name, round(length_m)::int AS m FROM road_edges WHERE network_id = ${after.active} ORDER BY id`.execute(
      database.db,
    )
    expect(rows.map((r) => [r.class, r.name])).toEqual([
      ['footway', null],
      ['residential', '纬五路'],
      ['residential', '纬五路'],
    ])
    // 0.001° of longitude at 34.7° N ≈ 91.6 m; of latitude ≈ 110.9 m
    expect(rows.map((r) => r.m)).toEqual([92, 92, 111])
  })

  it('refuses bad files with 400, naming file, feature and field, and stores nothing', async () => {
    const before = await stored()
    const cases: [string, string, RegExp, Record<string, unknown>][] = [
      [
        'points.geojson',
        collection(
          line([
            [113.6, 34.7],
            [113.601, 34.7],
          ]),
          {
            type: 'Feature',
            properties: {},
            geometry: { type: 'Point', coordinates: [113.6, 34.7] },
          },
        ),
        /第 2 个要素 \[geometry\] 须为 LineString 或 MultiLineString，得到 Point（文件 points\.geojson）/,
        { file: 'points.geojson', feature: 2, field: 'geometry' },
      ],
      [
        'abroad.geojson',
        collection(
          line([
            [14.41, 51.19],
            [14.42, 51.19],
          ]),
        ),
        /第 1 个要素 \[geometry\] 的线须有至少两个位于中国境内的 WGS84 经纬度点（文件 abroad\.geojson）/,
        { file: 'abroad.geojson', feature: 1, field: 'geometry' },
      ],
      [
        'bautzen.osm',
        readFileSync(join(import.meta.dirname, '../../data/osm/bautzen.osm'), 'utf8'),
        /位于中国境外.*（文件 bautzen\.osm）/,
        { file: 'bautzen.osm' },
      ],
      ['roads.kml', '<kml/>', /不支持的路网文件类型.*（文件 roads\.kml）/, { file: 'roads.kml' }],
      ['broken.geojson', '{"type": "FeatureCollection", "features": [', /broken\.geojson/, { file: 'broken.geojson' }],
      ['empty.geojson', collection(), /没有可步行的道路线（文件 empty\.geojson）/, { file: 'empty.geojson' }],
    ]
    for (const [name, data, message, location] of cases) {
      const response = await upload(name, data)
      expect(response.statusCode, `${name}: ${response.body}`).toBe(400)
      expect(response.json().message).toMatch(message)
      expect(response.json().details).toEqual([expect.objectContaining(location)])
    }
    expect(await stored()).toEqual(before)
  })

  /** The stored lines of a network: class, name and length on the spheroid (PostGIS geography), in file order. */
  const edges = async (networkId: number) =>
    (
      await sql<{ class: string; name: string | null; m: number }>`
        SELECT class, name, length_m AS m FROM road_edges WHERE network_id = ${networkId} ORDER BY id`.execute(
        database.db,
      )
    ).rows.map((r) => ({ ...r, m: Number(r.m) }))

  /** The frame lines in EPSG:4547 (CGCS2000 GK CM 114°E), projected by PostGIS. */
  const projected = async () => {
    const all = frameLines.flatMap((l) => l.coordinates)
    const { rows } = await sql<{ x: number; y: number }>`
      SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (
        SELECT n, ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4490), 4547) AS p
        FROM unnest(${all.map((p) => p[0])}::float8[], ${all.map((p) => p[1])}::float8[]) WITH ORDINALITY AS t(lon, lat, n)) q
      ORDER BY n`.execute(database.db)
    let k = 0
    return frameLines.map((l) => l.coordinates.map(() => [Number(rows[k].x), Number(rows[k++].y)] as [number, number]))
  }

  const lineZip = (lines: [number, number][][], files: { prj?: string; leaveOut?: string } = {}) => {
    const shapefile = writeLineShapefile(
      lines.map((line, i) => ({
        lines: [line],
        attributes: { fclass: text(frameLines[i].fclass), name: text(frameLines[i].name) },
      })),
    )
    const all: Record<string, Uint8Array> = {
      'roads.shp': shapefile.shp,
      'roads.shx': shapefile.shx,
      'roads.dbf': shapefile.dbf,
      'roads.cpg': text('UTF-8'),
      ...(files.prj ? { 'roads.prj': text(files.prj) } : {}),
    }
    return zipSync(
      Object.fromEntries(Object.entries(all).filter(([name]) => !files.leaveOut || !name.endsWith(files.leaveOut))),
    )
  }

  it('stores a zipped Shapefile in EPSG:4547 and GeoJSON in GCJ-02 with the lengths of the WGS84 original', async () => {
    const original = await upload(
      'wgs84.geojson',
      collection(...frameLines.map((l) => line(l.coordinates, { fclass: l.fclass, name: l.name || null }))),
    )
    expect(original.statusCode, original.body).toBe(200)
    // the motorway, the trunk without a sidewalk and the river are left out and counted
    expect(original.json()).toMatchObject({ lines: 4, notWalkable: 3, closedToWalkers: 0, sourceCrs: 'EPSG:4326' })
    const wgs84 = await edges(original.json().networkId)
    expect(wgs84.map((e) => [e.class, e.name])).toEqual([
      ['residential', '纬一路'],
      ['footway', null],
      ['primary', '中原路'],
      ['steps', null],
    ])
    // the report's length (on the ellipsoid, in the service) agrees with PostGIS's geography to 0.01 %
    const totalKm = wgs84.reduce((sum, e) => sum + e.m, 0) / 1000
    expect(Math.abs(original.json().lengthKm - totalKm) / totalKm).toBeLessThan(1e-4)

    const zip = lineZip(await projected(), { prj: gk114Prj })
    const dry = await upload('roads.zip', new Uint8Array(zip) as never, { dryRun: 'true' })
    expect(dry.statusCode, dry.body).toBe(200)
    expect(dry.json()).toMatchObject({ networkId: null, format: 'shapefile', sourceCrs: 'EPSG:4547', lines: 4 })
    const shp = await upload('roads.zip', new Uint8Array(zip) as never, { name: '高斯路网' })
    expect(shp.statusCode, shp.body).toBe(200)
    expect(shp.json()).toMatchObject({ lines: 4, notWalkable: 3, format: 'shapefile' })
    const gk = await edges(shp.json().networkId)
    expect(gk.map((e) => [e.class, e.name])).toEqual(wgs84.map((e) => [e.class, e.name]))

    const gcj = await upload(
      'gcj.geojson',
      collection(
        ...frameLines.map((l) =>
          line(
            l.coordinates.map(([lon, lat]) => wgs84ToGcj02(lon, lat)),
            { highway: l.fclass, name: l.name || null },
          ),
        ),
      ),
      { crs: 'gcj02' },
    )
    expect(gcj.statusCode, gcj.body).toBe(200)
    expect(gcj.json()).toMatchObject({ lines: 4, notWalkable: 3, sourceCrs: 'GCJ-02', format: 'geojson' })
    const mars = await edges(gcj.json().networkId)
    // tolerance: 5 cm a line (PostGIS's Gauss-Krüger round trip and the GCJ-02 inverse are good to
    // millimetres; CGCS2000 is taken as WGS84, as the grid import does)
    for (const [i, e] of wgs84.entries()) {
      expect(Math.abs(gk[i].m - e.m), `EPSG:4547 line ${i + 1}`).toBeLessThan(0.05)
      expect(Math.abs(mars[i].m - e.m), `GCJ-02 line ${i + 1}`).toBeLessThan(0.05)
    }
  })

  it('refuses a point Shapefile, one without .prj or crs, one without .dbf and an unknown crs, storing nothing', async () => {
    const before = await stored()
    const points = writePointShapefile([
      { point: [500_000, 3_840_000], attributes: { name: text('甲') } },
      { point: [500_100, 3_840_000], attributes: { name: text('乙') } },
    ])
    const lines = await projected()
    const cases: [string, Uint8Array | string, Record<string, string>, RegExp, Record<string, unknown>][] = [
      [
        'points.zip',
        zipSync({ 'p.shp': points.shp, 'p.shx': points.shx, 'p.dbf': points.dbf, 'p.prj': text(gk114Prj) }),
        {},
        /第 1 个要素 \[geometry\] 须为 LineString 或 MultiLineString，得到 Point（文件 points\.zip\/p\.shp）/,
        { file: 'points.zip/p.shp', feature: 1, field: 'geometry' },
      ],
      [
        'noprj.zip',
        lineZip(lines),
        {},
        /noprj\.zip：Shapefile 没有 \.prj，无法知道线的坐标系：请附上 \.prj，或在 crs 字段中注明/,
        { file: 'noprj.zip', field: 'crs' },
      ],
      [
        'nodbf.zip',
        lineZip(lines, { prj: gk114Prj, leaveOut: '.dbf' }),
        {},
        /nodbf\.zip.*缺少 \.dbf/,
        { file: 'nodbf.zip' },
      ],
      [
        'unknown.zip',
        lineZip(lines),
        { crs: 'EPSG:32650' },
        /unknown\.zip\/roads\.shp：不认识的坐标系“EPSG:32650”/,
        { file: 'unknown.zip/roads.shp', field: 'crs' },
      ],
      [
        'projected.geojson',
        collection(...lines.map((l) => line(l))),
        {},
        /projected\.geojson：坐标是投影坐标.*请在 crs 字段中指定/,
        { file: 'projected.geojson', field: 'crs' },
      ],
    ]
    for (const [name, data, fields, message, location] of cases) {
      const response = await upload(name, data as never, fields)
      expect(response.statusCode, `${name}: ${response.body}`).toBe(400)
      expect(response.json().message).toMatch(message)
      expect(response.json().details).toEqual([expect.objectContaining(location)])
    }
    // in English through Accept-Language
    const english = await upload('points.zip', cases[0][1] as never, {}, 'en')
    expect(english.json().message).toMatch(/feature 1: geometry must be a LineString or MultiLineString, got Point/)
    expect(await stored()).toEqual(before)
  })

  it('rebuilds the stored walking service areas on the new network: a river without a bridge shrinks them', async () => {
    // a centre on the south bank of a river (y = 100 m); roads along both banks; a bridge at x = 600 m
    const R = new LocalFrame(113.75, 34.8)
    await database.db
      .insertInto('regions')
      .values([
        { code: '410199000000', name: '测试区', level: 'district', parent_code: null },
        { code: '410199001000', name: '河街道', level: 'street', parent_code: '410199000000' },
        { code: '410199001001', name: '河畔社区', level: 'community', parent_code: '410199001000' },
      ])
      .execute()
    await sql`INSERT INTO service_centers (code, name, level, floor_area_m2, radius_m, region_code, location)
      VALUES ('R', '河畔中心', 'community', 300, 500, '410199001001',
              ST_SetSRID(ST_MakePoint(${R.lon(0)}, ${R.lat(0)}), 4326))`.execute(database.db)
    const road = (points: [number, number][], properties: Record<string, unknown> = { highway: 'residential' }) =>
      line(
        points.map(([x, y]) => [R.lon(x), R.lat(y)]),
        properties,
      )
    const banks = [
      road([
        [-1000, 0],
        [600, 0],
        [1000, 0],
      ]),
      road([
        [-1000, 200],
        [600, 200],
        [1000, 200],
      ]),
      road(
        [
          [-1000, 100],
          [1000, 100],
        ],
        { waterway: 'river', name: '金水河' },
      ),
    ]
    const bridge = road(
      [
        [600, 0],
        [600, 200],
      ],
      { highway: 'footway' },
    )
    const areas = async () =>
      (
        await sql<{ minutes: number; area: number; network: number }>`
          SELECT k.minutes, ST_Area(k.geom::geography) AS area, k.network_id::int AS network
          FROM catchments k JOIN service_centers c ON c.id = k.center_id
          WHERE c.code = 'R' AND k.method = 'network' ORDER BY k.minutes`.execute(database.db)
      ).rows.map((r) => ({ minutes: r.minutes, area: Number(r.area), network: r.network }))

    const withBridge = await upload('bridge.geojson', collection(...banks, bridge))
    expect(withBridge.statusCode, withBridge.body).toBe(200)
    // the river is no path: left out and counted; 3 bands of the one centre stored on the new network
    expect(withBridge.json()).toMatchObject({
      lines: 3,
      notWalkable: 1,
      serviceAreas: { rebuilt: 3, unsnappedCentres: [] },
    })
    const before = await areas()
    expect(before.map((a) => [a.minutes, a.network])).toEqual([5, 10, 15].map((m) => [m, withBridge.json().networkId]))

    const dry = await upload('nobridge.geojson', collection(...banks), { dryRun: 'true' })
    expect(dry.json()).toMatchObject({ serviceAreas: null })
    expect(await areas()).toEqual(before)

    const noBridge = await upload('nobridge.geojson', collection(...banks))
    expect(noBridge.statusCode, noBridge.body).toBe(200)
    expect(noBridge.json()).toMatchObject({ lines: 2, serviceAreas: { rebuilt: 3 } })
    const after = await areas()
    expect(after.map((a) => a.network)).toEqual([1, 2, 3].map(() => noBridge.json().networkId))
    // 5 minutes (360 m) reach neither the bridge nor beyond it: the same area
    expect(after[0].area / before[0].area).toBeCloseTo(1, 3)
    // 15 minutes (1,080 m): with the bridge, 600 + 200 m to the north bank and 280 m along it each
    // way (560 m of road, buffered 50 m: about 560 × 100 m more); without it only the south bank
    expect(after[2].area).toBeLessThan(before[2].area - 40_000)
  })

  it('is an administrator’s: a request without a session is refused and stores nothing', async () => {
    const before = await stored()
    const form = await app.inject({ method: 'POST', url: '/api/road-networks', anonymous: true } as never)
    expect([401, 403]).toContain(form.statusCode)
    expect(await stored()).toEqual(before)
  })
})
