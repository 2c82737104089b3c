// npm run bench: the performance targets of DESIGN.md, measured against references taken in the
// same run. Prints medians, p95 and ratios; asserts nothing (timings are not tests).
//
//   BENCH_SCALES=1,10        demo district sizes for the tile figures on server PostGIS (default 1)
//   BENCH_MERGE_SCALES=1,13  demo sizes merged on each driver (default 1,13; 13 ≈ 4 × 10,000 grids); each
//                            row is printed as it is measured, and again in the table at the end
//   BENCH_MERGE_LIMIT_SECONDS=1200  time limit of each merge scale on each driver (after its demo load):
//                            a merge still running then is stopped, "over N s" printed, the scale's rest skipped
//   BENCH_DATABASE_URL       an existing server database to use instead of a throwaway cluster
//   BENCH_SKIP_PGLITE=1      skip the embedded-database figures
//   BENCH_SKIP_SERVER=1      skip the server-PostGIS figures
//   BENCH_SKIP_STARTUP=1     skip the npm start timings
//   BENCH_SKIP_MERGE=1       skip the 多网合一 timings
//   BENCH_SKIP_SITING=1      skip the siting timings (tests/bench/siting.ts and siting-product.ts)
//   BENCH_ONLY=tiles,soak    run only these parts (startup, tiles, merge, soak, siting, imports); default all
//                            (tiles: cold tiles with the API ÷ bare ratio, cached tiles under load, summary)
//   BENCH_SOAK_MINUTES=10    issue 14's load test: 60 s of tiles + summary while merging, then the same
//                            load up to this many minutes, the server's memory before and after, and every
//                            minute RSS, heap, external and (PGlite) the engine's WASM memory (tests/bench/soak.ts)
//   BENCH_SOAK_DRIVERS=server,pglite  the drivers the load test runs on
//   BENCH_SKIP_IMPORTS=1     skip the import figures (check phase, reads during a large dry run, raw→published);
//                            BENCH_ONLY=imports for only them; BENCH_IMPORT_CHECKS_ONLY=1 for the check phase alone
//   BENCH_SKIP_PARTY=1       skip the party-coverage rules (tests/bench/party.ts: ×1 and ×10 on server PostGIS,
//                            ×1 on PGlite, the party page's first map drawn; its own PARTY_BENCH_* switches);
//                            BENCH_ONLY=party for only them
//   BENCH_SKIP_PLACE=1       skip the place panel's figures on PGlite (tests/bench/place.ts: district, street and
//                            unified grid, cold and warm; its own PLACE_BENCH_* switches); BENCH_ONLY=place for only them
//   BENCH_MERGE_ONLY=1       the 多网合一 timings and tiling figures only (the same as BENCH_ONLY=merge)
//   BENCH_ONLY=siting-imports  only when named: the road network, centre and population imports on each driver,
//                            the demo's own rows written out (GeoJSON WGS84 / GCJ-02 and a Shapefile in EPSG:4547 for
//                            the roads, CSV for centres and population), dry run and store (tests/bench/siting-imports.ts)
//   BENCH_ONLY=import-reads  only when named: /api/summary polled from another process during a 200,000-polygon
//                            dry run on PGlite, then one polygon of 1,000,000 vertices, checked then really imported
//                            (tests/bench/import-reads.ts; IMPORT_READS_COUNT, 0 to skip the dry run; IMPORT_READS_VERTICES)
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { type TestApp, credentialHeaders, serveTestApp } from '../helpers/app.ts'
import { type Database, createPgliteDatabase, createPostgresDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { findRegions } from '../../server/db/repositories/regions.repository.ts'
import { postgisTileQuery } from '../../server/db/repositories/tiles.repository.ts'
import { loadDemoDistrict } from '../../server/services/demo/demo.service.ts'
import type { Layer } from '../../server/services/tiles/layer-registry.ts'
import { listLayers } from '../../server/services/tiles/layers.service.ts'
import { tileBounds } from '../../server/services/tiles/tile-math.ts'
import { startThrowawayCluster } from '../helpers/postgres-cluster.ts'
import { failuresOf, runLoad } from './load.ts'
import { benchImportChecks, benchRawToPublished, benchReadsDuringImport, storeRegionsOnly } from './imports.ts'
import { type BenchRow, type MergeFigures, benchMerge, scalingRow } from './merge.ts'
import { benchSoak } from './soak.ts'
import { benchImportReads } from './import-reads.ts'
import { benchStartup } from './startup.ts'
import { median, percentile, printRow, printTable, timeIt } from './stats.ts'

interface Tile {
  z: number
  x: number
  y: number
}

const only = process.env.BENCH_MERGE_ONLY ? ['merge'] : process.env.BENCH_ONLY?.split(',').map((part) => part.trim())
const runs = (part: 'startup' | 'tiles' | 'merge' | 'soak' | 'siting' | 'imports' | 'party' | 'place') =>
  !only || only.includes(part)
const scales = (process.env.BENCH_SCALES ?? '1').split(',').map(Number)
const mergeScales =
  process.env.BENCH_SKIP_MERGE || !runs('merge')
    ? []
    : (process.env.BENCH_MERGE_SCALES ?? '1,13').split(',').map(Number)
const mergeLimitSeconds = Number(process.env.BENCH_MERGE_LIMIT_SECONDS ?? 1200)
const soakMinutes = Number(process.env.BENCH_SOAK_MINUTES ?? 10)
const soakDrivers = runs('soak') ? (process.env.BENCH_SOAK_DRIVERS ?? 'server,pglite').split(',') : []
const seed = 20241

function tilesCovering([west, south, east, north]: number[], z: number): Tile[] {
  const n = 2 ** z
  const col = (lon: number) => Math.floor(((lon + 180) / 360) * n)
  const row = (lat: number) => {
    const r = (lat * Math.PI) / 180
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)
  }
  const tiles: Tile[] = []
  for (let x = col(west); x <= col(east); x++) for (let y = row(north); y <= row(south); y++) tiles.push({ z, x, y })
  return tiles
}

/** A deterministic sample: every k-th tile, so repeated runs measure the same tiles. */
function sample<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items
  const step = items.length / count
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)])
}

/** The signed-in administrator's cookie, sent with every request the bench makes (set by signIn). */
let signedIn: Record<string, string> = {}

/** The bench reads as the test administrator: every route but health needs a session. */
function signIn(app: TestApp): void {
  signedIn = credentialHeaders(app.credentials)
}

async function fetchTile(origin: string, layer: Layer, { z, x, y }: Tile): Promise<number> {
  const response = await fetch(`${origin}/tiles/${layer.id}/${z}/${x}/${y}.mvt`, { headers: signedIn })
  if (response.status !== 200 && response.status !== 204)
    throw new Error(`tile ${layer.id}/${z}/${x}/${y}: ${response.status}`)
  return (await response.arrayBuffer()).byteLength
}

async function districtBbox(database: Database): Promise<number[]> {
  const [district] = await findRegions(database.db, { level: 'district' })
  if (!district?.bbox) throw new Error('no district loaded')
  return district.bbox
}

/** Cold tiles (tile cache cleared before each) through HTTP, against the bare ST_AsMVT query through pg. */
async function benchColdTiles(
  label: string,
  database: Database,
  app: FastifyInstance,
  origin: string,
  bareClient: pg.Client | undefined,
) {
  const bbox = await districtBbox(database)
  const layers = await listLayers(database.db)
  const api: number[] = []
  const bare: number[] = []
  const barePrepared: number[] = []
  const lowZoom: number[] = []
  let largestLowZoom = 0
  let bareFirst = true
  for (const z of [10, 11, 12, 13, 14]) {
    for (const layer of layers.filter((l) => z >= l.minzoom)) {
      for (const tile of sample(tilesCovering(bbox, z), 12)) {
        const throughApi = async () => {
          app.services.tiles.invalidate()
          api.push((await timeIt(() => fetchTile(origin, layer, tile))).ms)
        }
        if (!bareClient) {
          await throughApi()
          continue
        }
        const compiled = postgisTileQuery(layer.source, layer.sourceLayer, tileBounds(tile.z, tile.x, tile.y)).compile(
          database.db,
        )
        // the API runs this SQL as a prepared statement (parsed once per connection): the plain query is
        // the reference, the same statement prepared a second one, timed right after it
        const bareQuery = async () => {
          bare.push((await timeIt(() => bareClient.query(compiled.sql, [...compiled.parameters]))).ms)
          const named = { name: `bare_${layer.id}`, text: compiled.sql, values: [...compiled.parameters] }
          barePrepared.push((await timeIt(() => bareClient.query(named))).ms)
        }
        // whichever runs first warms the database's cache for the other: take turns
        if (bareFirst) {
          await bareQuery()
          await throughApi()
        } else {
          await throughApi()
          await bareQuery()
        }
        bareFirst = !bareFirst
      }
    }
  }
  for (const z of [5, 6, 7, 8]) {
    for (const layer of layers.filter((l) => z >= l.minzoom)) {
      for (const tile of tilesCovering(bbox, z)) {
        app.services.tiles.invalidate()
        const { ms, value: bytes } = await timeIt(() => fetchTile(origin, layer, tile))
        lowZoom.push(ms)
        largestLowZoom = Math.max(largestLowZoom, bytes)
      }
    }
  }
  const rows: (string | number)[][] = [
    [`${label} cold tile z10–14 (API)`, api.length, median(api), percentile(api, 95), 'p50 ≤ 20, p95 ≤ 60'],
  ]
  if (bare.length > 0) {
    rows.push([`${label} bare ST_AsMVT via pg (reference)`, bare.length, median(bare), percentile(bare, 95), '—'])
    rows.push([
      `${label} API / bare (each first in turn), p50 | p95 ratio`,
      '',
      median(api) / median(bare),
      percentile(api, 95) / percentile(bare, 95),
      '≤ 1.3×',
    ])
    rows.push([
      `${label} bare ST_AsMVT via pg, prepared statement (right after the plain one)`,
      barePrepared.length,
      median(barePrepared),
      percentile(barePrepared, 95),
      '—',
    ])
    rows.push([
      `${label} API / bare prepared, p50 | p95 ratio`,
      '',
      median(api) / median(barePrepared),
      percentile(api, 95) / percentile(barePrepared, 95),
      '—',
    ])
  }
  rows.push([
    `${label} low-zoom tile z5–8 (largest ${(largestLowZoom / 1024).toFixed(1)} KB)`,
    lowZoom.length,
    median(lowZoom),
    percentile(lowZoom, 95),
    'p95 ≤ 150, ≤ 500 KB',
  ])
  return rows
}

/** z13 tiles with features (an empty 204 would flatter the throughput) of the grid and party layers. */
async function cachedTilePaths(database: Database, origin: string): Promise<string[]> {
  const bbox = await districtBbox(database)
  const layers = (await listLayers(database.db)).filter((l) => l.group === 'grid' || l.id === 'party-orgs')
  const candidates = layers.flatMap((layer) =>
    sample(tilesCovering(bbox, 13), 30).map(({ z, x, y }) => `/tiles/${layer.id}/${z}/${x}/${y}.mvt`),
  )
  const paths: string[] = []
  for (const path of candidates)
    if (
      (await fetch(origin + path, { headers: signedIn }).then(async (r) => (await r.arrayBuffer(), r.status))) === 200
    )
      paths.push(path)
  return paths
}

/** Warm tiles under load from a second process on the same machine (autocannon, 32 connections). */
async function benchCachedTiles(label: string, database: Database, origin: string, target: string) {
  const paths = await cachedTilePaths(database, origin)
  const single: number[] = []
  for (const path of paths)
    single.push((await timeIt(() => fetch(origin + path, { headers: signedIn }).then((r) => r.arrayBuffer()))).ms)
  // the server is this process and the load another: its CPU per request holds up on a busy machine
  const cpu = process.cpuUsage()
  const result = await runLoad({ origin, paths, headers: signedIn, connections: 32, durationSeconds: 5 })
  const { user, system } = process.cpuUsage(cpu)
  return [
    [
      `${label} cached tile (with features), one client`,
      single.length,
      median(single),
      percentile(single, 95),
      'p95 ≤ 5',
    ],
    [
      `${label} cached tiles/s, 32 connections, load from a child process (p97.5 ${result.p97_5} ms; ${failuresOf(result)})`,
      result.requests,
      result.perSecond,
      '',
      target,
    ],
    [
      `${label} server CPU per cached tile under that load, µs`,
      result.requests,
      (user + system) / result.requests,
      '',
      '—',
    ],
  ]
}

/** z13 tiles of the 综治 layer over the district, for latency while a merge runs. */
async function gridTilePaths(database: Database): Promise<string[]> {
  const bbox = await districtBbox(database)
  return sample(tilesCovering(bbox, 13), 40).map(({ z, x, y }) => `/tiles/grids-governance/${z}/${x}/${y}.mvt`)
}

async function benchSummary(label: string, origin: string) {
  const samples: number[] = []
  for (let i = 0; i < 40; i++)
    samples.push((await timeIt(() => fetch(`${origin}/api/summary`, { headers: signedIn }).then((r) => r.json()))).ms)
  return [[`${label} KPI summary`, samples.length, median(samples), percentile(samples, 95), 'p50 ≤ 100']]
}

/** A new server database with the demo district at `scale`. */
async function openServerDatabase(
  adminUrl: string,
  name: string,
  scale: number,
  rows: (string | number)[][],
): Promise<{ database: Database; url: string }> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name}`)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const database = await createPostgresDatabase(url.href)
  await migrate(database.db)
  const load = await timeIt(() => loadDemoDistrict(database.db, { seed, scale }))
  rows.push([`server ×${scale}: demo load (${load.value.counts.grids ?? '?'} grids)`, 1, load.ms, '', '—'])
  return { database, url: url.href }
}

async function openPgliteDatabase(scale: number, rows: (string | number)[][]): Promise<Database> {
  const created = await timeIt(() => createPgliteDatabase('memory://'))
  await migrate(created.value.db)
  const load = await timeIt(() => loadDemoDistrict(created.value.db, { seed, scale }))
  rows.push(
    [`pglite ×${scale}: create + PostGIS`, 1, created.ms, '', '—'],
    [`pglite ×${scale}: demo load (${load.value.counts.grids ?? '?'} grids)`, 1, load.ms, '', '—'],
  )
  return created.value
}

/**
 * 多网合一 at each merge scale, tiles served meanwhile, and how time grows with the input. Each row
 * is printed as soon as it is measured (a ×13 scale takes many minutes), and a scale stops at its
 * time limit with a row saying so.
 */
async function benchMergeScales(
  label: string,
  open: (scale: number) => Promise<Database>,
  rows: (string | number)[][],
) {
  const figures: MergeFigures[] = []
  const emit = (row: BenchRow) => {
    rows.push(row)
    printRow(row)
  }
  for (const scale of mergeScales) {
    const loaded = rows.length
    const database = await open(scale)
    for (const row of rows.slice(loaded)) printRow(row)
    const { app, origin } = await serveTestApp(database)
    signIn(app)
    const budget = { deadline: performance.now() + mergeLimitSeconds * 1000, limitSeconds: mergeLimitSeconds }
    const paths = await gridTilePaths(database)
    const result = await benchMerge(`${label} ×${scale}:`, database, app, origin, paths, budget, emit)
    if (result) figures.push(result)
    await app.close()
    await database.close()
  }
  if (figures.length > 1) emit(scalingRow(label, figures))
}

/** The siting figures: the pure core, then the API over the demo district on each driver. */
async function benchSiting(): Promise<void> {
  await import('./siting.ts')
  await import('./siting-product.ts')
}

/** An empty migrated server database of this name (dropped first if it exists). */
async function emptyServerDatabase(adminUrl: string, name: string): Promise<Database> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name}`)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const database = await createPostgresDatabase(url.href)
  await migrate(database.db)
  return database
}

/**
 * The import: the check phase of a 10,000-grid layer (×13 district) on each driver; on PGlite the
 * summary while 200,000 tiny polygons are dry-run; raw department files to a published run (×1).
 */
async function benchImports(adminUrl: string, rows: (string | number)[][]) {
  const checksOnly = Boolean(process.env.BENCH_IMPORT_CHECKS_ONLY)
  if (!process.env.BENCH_SKIP_SERVER) {
    const database = await emptyServerDatabase(adminUrl, 'bench_imports')
    const district = await storeRegionsOnly(database, 13, seed)
    rows.push(...(await benchImportChecks('server ×13:', database, district)))
    await database.close()
  }
  if (!process.env.BENCH_SKIP_SERVER && !checksOnly) {
    const raw = await emptyServerDatabase(adminUrl, 'bench_raw')
    rows.push(...(await benchRawToPublished('server ×1:', raw, 1, seed, 'postgres')))
    await raw.close()
  }
  if (!process.env.BENCH_SKIP_PGLITE) {
    const database = await createPgliteDatabase('memory://')
    await migrate(database.db)
    const district = await storeRegionsOnly(database, 13, seed)
    rows.push(...(await benchImportChecks('pglite ×13:', database, district)))
    if (checksOnly) {
      await database.close()
      return
    }
    const { app, origin } = await serveTestApp(database)
    signIn(app)
    rows.push(...(await benchReadsDuringImport('pglite ×13:', app, origin, signedIn, district, 200_000)))
    await app.close()
    await database.close()
    const raw = await createPgliteDatabase('memory://')
    await migrate(raw.db)
    rows.push(...(await benchRawToPublished('pglite ×1:', raw, 1, seed, 'pglite')))
    await raw.close()
  }
}

async function main() {
  // the siting inputs' imports open their own databases; only when named (BENCH_ONLY=siting-imports)
  if (only?.includes('siting-imports')) await import('./siting-imports.ts')
  if (only?.every((part) => part === 'siting-imports')) return
  // the siting and party parts open their own databases
  if (only?.every((part) => part === 'siting' || part === 'party')) {
    if (runs('siting')) await benchSiting()
    if (runs('party')) await import('./party.ts')
    return
  }
  const header = ['measure', 'n', 'p50 ms (or /s)', 'p95 ms (or ratio)', 'target']
  // its own embedded database, and long: run only when named
  const importReads = only?.includes('import-reads') ? await benchImportReads() : []
  if (only?.every((part) => part === 'import-reads'))
    return printTable('网格治理一张图 benchmark (2-core machine; times in ms)', header, importReads)
  const rows: (string | number)[][] = process.env.BENCH_SKIP_STARTUP || !runs('startup') ? [] : await benchStartup()
  rows.push(...importReads)
  const cluster = process.env.BENCH_DATABASE_URL ? undefined : await startThrowawayCluster()
  const adminUrl = process.env.BENCH_DATABASE_URL ?? cluster!.url
  const servedParts = runs('tiles') || soakDrivers.length > 0
  try {
    if (!process.env.BENCH_SKIP_IMPORTS && runs('imports')) await benchImports(adminUrl, rows)
    for (const scale of process.env.BENCH_SKIP_SERVER || !servedParts ? [] : scales) {
      const soakHere = soakDrivers.includes('server') && scale === scales[0]
      if (!runs('tiles') && !soakHere) continue
      const { database, url } = await openServerDatabase(adminUrl, `bench_scale_${scale}`, scale, rows)
      // the settings of the app's pool (server/db/database.ts): JIT off
      const bareClient = new pg.Client({ connectionString: url, options: '-c jit=off' })
      await bareClient.connect()
      const { app, origin } = await serveTestApp(database)
      signIn(app)
      if (runs('tiles')) {
        rows.push(...(await benchColdTiles(`server ×${scale}:`, database, app, origin, bareClient)))
        rows.push(...(await benchCachedTiles(`server ×${scale}:`, database, origin, '≥ 5,000/s')))
        rows.push(...(await benchSummary(`server ×${scale}:`, origin)))
      }
      if (soakHere)
        rows.push(
          ...(await benchSoak(`server ×${scale}:`, app, origin, await cachedTilePaths(database, origin), soakMinutes)),
        )
      await bareClient.end()
      await app.close()
      await database.close()
    }
    if (!process.env.BENCH_SKIP_SERVER)
      await benchMergeScales(
        'server',
        async (scale) => (await openServerDatabase(adminUrl, `bench_merge_${scale}`, scale, rows)).database,
        rows,
      )
    if (!process.env.BENCH_SKIP_PGLITE) {
      if (runs('tiles') || soakDrivers.includes('pglite')) {
        const database = await openPgliteDatabase(1, rows)
        const { app, origin } = await serveTestApp(database)
        signIn(app)
        if (runs('tiles')) {
          rows.push(...(await benchColdTiles('pglite ×1:', database, app, origin, undefined)))
          rows.push(...(await benchCachedTiles('pglite ×1:', database, origin, '≥ 1,000/s')))
          rows.push(...(await benchSummary('pglite ×1:', origin)))
        }
        if (soakDrivers.includes('pglite'))
          rows.push(
            ...(await benchSoak(
              'pglite ×1:',
              app,
              origin,
              await cachedTilePaths(database, origin),
              soakMinutes,
              database,
            )),
          )
        await app.close()
        await database.close()
      }
      await benchMergeScales('pglite', (scale) => openPgliteDatabase(scale, rows), rows)
    }
  } finally {
    await cluster?.stop()
  }
  printTable('网格治理一张图 benchmark (2-core machine; times in ms)', header, rows)
  if (!process.env.BENCH_SKIP_SITING && runs('siting')) await benchSiting()
  if (!process.env.BENCH_SKIP_PARTY && runs('party')) await import('./party.ts')
  if (!process.env.BENCH_SKIP_PLACE && runs('place')) await import('./place.ts')
}

await main()
