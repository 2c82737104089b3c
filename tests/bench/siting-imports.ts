// The siting inputs' imports over the demo district, through the API on each driver (npx tsx
// tests/bench/siting-imports.ts, or BENCH_ONLY=siting-imports npm run bench):
// - the road and path network: the demo's own network written out as GeoJSON in WGS84, as GeoJSON in
//   GCJ-02 (crs=gcj02) and as a zipped Shapefile in CGCS2000 Gauss-Krüger CM 114°E (EPSG:4547, with a
//   .prj), each checked (dry run: read, converted, nothing stored) and stored (the lines inserted, then
//   every centre's 5/10/15-minute walking service areas rebuilt on the new network);
// - the 党群服务中心 register and the population points: the demo's own written out as CSV with Chinese
//   headers (POST /api/imports kind=centers / kind=population), checked and stored (centres upserted by
//   code and their catchments rebuilt; every population point replaced, its community found by PostGIS).
// Prints medians; asserts nothing.
//
//   ROAD_IMPORT_BENCH_RUNS=3                     timed runs per measure (default 3)
//   BENCH_SKIP_PGLITE=1 / BENCH_SKIP_SERVER=1   skip a driver
import { zipSync } from 'fflate'
import { sql } from 'kysely'
import { buildTestApp, uploadFile } from '../helpers/app.ts'
import type { Database } from '../../server/db/database.ts'
import { wgs84ToGcj02 } from '../../server/services/imports/crs.ts'
import { onDemoDrivers } from './demo-drivers.ts'
import { writeLineShapefile } from '../helpers/shapefile-shapes.ts'
import { median, printTable, timeIt } from './stats.ts'

const seed = 20241
const runs = Number(process.env.ROAD_IMPORT_BENCH_RUNS ?? 3)
const gk114Prj =
  'PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'

async function bench(label: string, database: Database, rows: (string | number)[][]) {
  const app = await buildTestApp(database)
  const { rows: edges } = await sql<{ class: string; name: string | null; g: string; p: string }>`
    SELECT class, name, ST_AsGeoJSON(geom) AS g, ST_AsGeoJSON(ST_Transform(ST_SetSRID(geom, 4490), 4547)) AS p
    FROM road_edges WHERE network_id = (SELECT id FROM road_networks WHERE is_active)
      AND class NOT IN ('river', 'railway') ORDER BY id`.execute(database.db)
  const coordinates = (json: string) => JSON.parse(json).coordinates as [number, number][]
  const feature = (properties: object, line: number[][]) => ({
    type: 'Feature',
    properties,
    geometry: { type: 'LineString', coordinates: line },
  })
  const collection = (features: object[]) => JSON.stringify({ type: 'FeatureCollection', features })
  const wgs84 = collection(edges.map((e) => feature({ highway: e.class, name: e.name }, coordinates(e.g))))
  const gcj = collection(
    edges.map((e) =>
      feature(
        { highway: e.class, name: e.name },
        coordinates(e.g).map(([lon, lat]) => wgs84ToGcj02(lon, lat)),
      ),
    ),
  )
  const text = (value: string) => new TextEncoder().encode(value)
  const shapefile = writeLineShapefile(
    edges.map((e) => ({ lines: [coordinates(e.p)], attributes: { fclass: text(e.class), name: text(e.name ?? '') } })),
  )
  const zip = zipSync({
    'roads.shp': shapefile.shp,
    'roads.shx': shapefile.shx,
    'roads.dbf': shapefile.dbf,
    'roads.prj': text(gk114Prj),
    'roads.cpg': text('UTF-8'),
  })
  const files: [string, string | Uint8Array, Record<string, string>][] = [
    ['GeoJSON, WGS84', wgs84, {}],
    ['GeoJSON, GCJ-02', gcj, { crs: 'gcj02' }],
    ['Shapefile, EPSG:4547', zip, {}],
  ]
  for (const [what, data, fields] of files) {
    const name = typeof data === 'string' ? 'roads.geojson' : 'roads.zip'
    const upload = async (dryRun: boolean) => {
      const response = await uploadFile(
        app,
        { name, data },
        { ...fields, dryRun: String(dryRun) },
        'zh-CN',
        '/api/road-networks',
      )
      if (response.statusCode !== 200) throw new Error(`${what}: ${response.statusCode} ${response.body}`)
      return response.json()
    }
    const dry: number[] = []
    const store: number[] = []
    let answer: { lines: number; lengthKm: number; serviceAreas: { rebuilt: number } } | undefined
    for (let i = 0; i < runs; i++) {
      dry.push((await timeIt(() => upload(true))).ms)
      const stored = await timeIt(() => upload(false))
      store.push(stored.ms)
      answer = stored.value
    }
    const size = typeof data === 'string' ? data.length : data.byteLength
    rows.push([
      `${label} ${what} (${(size / 1024).toFixed(0)} KB)`,
      answer!.lines,
      answer!.lengthKm.toFixed(1),
      median(dry).toFixed(0),
      median(store).toFixed(0),
      answer!.serviceAreas.rebuilt,
    ])
  }
  await app.close()
}

/** The demo's centres and population points written out as CSV and imported back, dry run and store. */
async function benchPoints(label: string, database: Database, rows: (string | number)[][]) {
  const app = await buildTestApp(database)
  const { rows: centres } = await sql<{ line: string }>`
    SELECT concat_ws(',', code, name, CASE level WHEN 'district' THEN '区级' WHEN 'street' THEN '街道级'
             WHEN 'community' THEN '社区级' ELSE '站点' END, coalesce(floor_area_m2::text, ''),
             ST_X(location), ST_Y(location)) AS line
    FROM service_centers ORDER BY code`.execute(database.db)
  const { rows: points } = await sql<{ line: string }>`
    SELECT concat_ws(',', residents, households, ST_X(location), ST_Y(location)) AS line
    FROM population_points ORDER BY id`.execute(database.db)
  const files: [string, string, string][] = [
    ['centres', 'centers', ['中心编码,中心名称,级别,建筑面积,经度,纬度', ...centres.map((r) => r.line)].join('\n')],
    ['population', 'population', ['常住人口,户数,经度,纬度', ...points.map((r) => r.line)].join('\n')],
  ]
  for (const [what, kind, data] of files) {
    const upload = async (dryRun: boolean) => {
      const response = await uploadFile(app, { name: `${what}.csv`, data }, { kind, dryRun: String(dryRun) }, 'zh-CN')
      if (response.statusCode !== 200) throw new Error(`${what}: ${response.statusCode} ${response.body}`)
      return response.json()
    }
    const dry: number[] = []
    const store: number[] = []
    let answer: { counts: { rows: number; stored: number; catchmentsRebuilt: number } } | undefined
    for (let i = 0; i < runs; i++) {
      dry.push((await timeIt(() => upload(true))).ms)
      const stored = await timeIt(() => upload(false))
      store.push(stored.ms)
      answer = stored.value
    }
    rows.push([
      `${label} ${what} (CSV, ${(data.length / 1024).toFixed(0)} KB)`,
      answer!.counts.rows,
      median(dry).toFixed(0),
      median(store).toFixed(0),
      answer!.counts.catchmentsRebuilt,
    ])
  }
  await app.close()
}

const rows: (string | number)[][] = []
const pointRows: (string | number)[][] = []
await onDemoDrivers('bench_road_import', seed, async (label, database) => {
  await bench(label, database, rows)
  await benchPoints(label, database, pointRows)
})
printTable(
  `Road network import (demo district ×1, the demo's own network; medians of ${runs})`,
  ['file', 'lines', 'km', 'dry run ms', 'store + areas ms', 'areas rebuilt'],
  rows,
)
printTable(
  `党群服务中心 and population import (demo district ×1, the demo's own rows as CSV; medians of ${runs})`,
  ['file', 'rows', 'dry run ms', 'store ms', 'catchments rebuilt'],
  pointRows,
)
