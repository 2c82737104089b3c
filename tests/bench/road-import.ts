// The road and path network import over the demo district, through the API on each driver (npx tsx
// tests/bench/road-import.ts, or BENCH_ONLY=road-import npm run bench): the demo's own network
// written out as GeoJSON in WGS84, as GeoJSON in GCJ-02 (crs=gcj02) and as a zipped Shapefile in
// CGCS2000 Gauss-Krüger CM 114°E (EPSG:4547, with a .prj), each checked (dry run: read, converted,
// nothing stored) and stored (the lines inserted, then every centre's 5/10/15-minute walking service
// areas rebuilt on the new network). Prints medians; asserts nothing.
//
//   ROAD_IMPORT_BENCH_RUNS=3                     timed runs per measure (default 3)
//   BENCH_SKIP_PGLITE=1 / BENCH_SKIP_SERVER=1   skip a driver
import { zipSync } from 'fflate'
import { sql } from 'kysely'
import pg from 'pg'
import { buildTestApp, uploadFile } from '../helpers/app.ts'
import { type Database, createPgliteDatabase, createPostgresDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { loadDemoDistrict } from '../../server/services/demo/demo.service.ts'
import { wgs84ToGcj02 } from '../../server/services/imports/crs.ts'
import { startThrowawayCluster } from '../helpers/postgres-cluster.ts'
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

const rows: (string | number)[][] = []
if (!process.env.BENCH_SKIP_PGLITE) {
  const database = await createPgliteDatabase('memory://')
  await migrate(database.db)
  await loadDemoDistrict(database.db, { seed, scale: 1 })
  await bench('pglite', database, rows)
  await database.close()
}
if (!process.env.BENCH_SKIP_SERVER) {
  const cluster = await startThrowawayCluster()
  try {
    const admin = new pg.Client({ connectionString: cluster.url })
    await admin.connect()
    await admin.query('CREATE DATABASE bench_road_import')
    await admin.end()
    const url = new URL(cluster.url)
    url.pathname = '/bench_road_import'
    const database = await createPostgresDatabase(url.href)
    await migrate(database.db)
    await loadDemoDistrict(database.db, { seed, scale: 1 })
    await bench('server', database, rows)
    await database.close()
  } finally {
    await cluster.stop()
  }
}
printTable(
  `Road network import (demo district ×1, the demo's own network; medians of ${runs})`,
  ['file', 'lines', 'km', 'dry run ms', 'store + areas ms', 'areas rebuilt'],
  rows,
)
