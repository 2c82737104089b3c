// The import at city size, on either driver: a department layer of about 10,000 grids checked (a
// dry run) against a district of the same scale; how /api/summary answers while a dry run of 200,000
// tiny polygons goes on (PGlite: it shares the thread); and raw department files (no codes) in,
// merged and published, end to end. Prints figures; asserts nothing.
import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import type { Database } from '../../server/db/database.ts'
import { insertRegions } from '../../server/db/repositories/demo.repository.ts'
import { refreshStatistics } from '../../server/db/statistics.ts'
import { generateDistrict } from '../../data/district/index.ts'
import { rawGridProperties } from '../../data/district/raw-files.ts'
import { ImportService } from '../../server/services/imports/imports.service.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { parseLimitsOf } from '../../server/services/imports/parse-limits.ts'
import type { TestApp } from '../helpers/app.ts'
import { median, percentile, timeIt } from './stats.ts'

type District = ReturnType<typeof generateDistrict>
type Row = (string | number)[]

/** Rows printed as they are measured (a long bench cut short still says what it measured). */
function printed(rows: Row[]): Row[] {
  for (const row of rows) console.log(row.join(' | '))
  return rows
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

/** A district's regions stored (no grids, no points): what an import checks against. */
export async function storeRegionsOnly(database: Database, scale: number, seed: number): Promise<District> {
  const district = generateDistrict({ seed, scale })
  await insertRegions(database.db, district.regions)
  await refreshStatistics(database.db, ['regions'])
  return district
}

/** A department layer of the district as a GeoJSON file: with codes and communities, or raw. */
export function layerFile(district: District, department: string, options: { raw?: boolean } = {}) {
  const layer = district.gridLayers.find((l) => l.department === department)!
  const features = layer.grids.map((g, index) => ({
    type: 'Feature',
    properties: options.raw
      ? rawGridProperties(g, index)
      : { code: g.code, name: g.name, community_code: g.communityCode },
    geometry: g.boundary,
  }))
  return {
    name: `${department}.geojson`,
    data: encode({ type: 'FeatureCollection', features }),
    count: features.length,
  }
}

/** CPU milliseconds this process has used (PGlite runs in it; server PostGIS does not). */
function cpuMs(): number {
  const used = process.cpuUsage()
  return (used.user + used.system) / 1000
}

/**
 * CPU milliseconds the server database's backends of this database have used (server PostGIS on
 * this machine: read from /proc), or undefined (PGlite, or a server elsewhere).
 */
async function databaseCpuMs(database: Database): Promise<number | undefined> {
  if (database.driver === 'pglite') return undefined
  const { rows } = await sql<{
    pid: number
  }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(database.db)
  let ticks = 0
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      return undefined
    }
  }
  return (ticks * 1000) / clockTicksPerSecond
}

/** The kernel's clock ticks a second for /proc CPU times (USER_HZ: 100 on Linux). */
const clockTicksPerSecond = 100

/**
 * The check phase of dry runs of the 综治 layer (about 10,000 grids at scale 13), with codes and raw,
 * and the CPU time this process spent on each run (on PGlite, the database's work too: a figure
 * that load from other processes on the machine does not inflate as it does the wall clock); on
 * server PostGIS also the CPU time of the database's backends.
 */
export async function benchImportChecks(label: string, database: Database, district: District): Promise<Row[]> {
  const service = new ImportService(database.db)
  const rows: Row[] = []
  for (const raw of [false, true]) {
    const file = layerFile(district, 'governance', { raw })
    const checks: number[] = []
    const cpu: number[] = []
    const databaseCpu: number[] = []
    for (let i = 0; i < 3; i++) {
      const before = cpuMs()
      const databaseBefore = await databaseCpuMs(database)
      const result = await service.importGridLayer({ file, department: 'governance', dryRun: true })
      cpu.push(cpuMs() - before)
      const databaseAfter = await databaseCpuMs(database)
      if (databaseBefore !== undefined && databaseAfter !== undefined) databaseCpu.push(databaseAfter - databaseBefore)
      checks.push(result.timings!.checkMs!)
    }
    const ofDatabase =
      databaseCpu.length > 0
        ? `, of the database p50 ${Math.round(median(databaseCpu)).toLocaleString('en-US')} ms`
        : ''
    const row: Row = [
      `${label} import check, ${file.count.toLocaleString('en-US')} grids${raw ? ' (raw: codes assigned)' : ''} (whole dry run, CPU of this process p50 ${Math.round(median(cpu)).toLocaleString('en-US')} ms${ofDatabase})`,
      checks.length,
      median(checks),
      Math.max(...checks),
      label.startsWith('server') ? '≤ 2,000' : '≤ 6,000',
    ]
    console.log(row.join(' | '))
    rows.push(row)
  }
  return rows
}

/** `count` squares of 5 m in rows across the district's middle, with codes, as one GeoJSON file. */
export function tinyPolygons(district: District, count: number) {
  const community = district.regions.find((r) => r.level === 'community' && r.boundary)!
  const [lon0, lat0] = community.boundary!.coordinates[0][0][0]
  const step = 0.00006
  const side = 0.00004
  const perRow = Math.ceil(Math.sqrt(count))
  const features = Array.from({ length: count }, (_, i) => {
    const x = lon0 + (i % perRow) * step
    const y = lat0 + Math.floor(i / perRow) * step
    return {
      type: 'Feature',
      properties: { code: `T${i}` },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [x, y],
            [x + side, y],
            [x + side, y + side],
            [x, y + side],
            [x, y],
          ],
        ],
      },
    }
  })
  return { name: 'tiny.geojson', data: encode({ type: 'FeatureCollection', features }) }
}

/**
 * /api/summary from a client while a dry run of `count` tiny polygons goes on in the server's
 * process (caps raised to let it in), against the same requests with nothing else running.
 */
export async function benchReadsDuringImport(
  label: string,
  app: TestApp,
  origin: string,
  headers: Record<string, string>,
  district: District,
  count: number,
): Promise<Row[]> {
  const summary = () => timeIt(() => fetch(`${origin}/api/summary`, { headers }).then((r) => r.arrayBuffer()))
  const idle: number[] = []
  for (let i = 0; i < 20; i++) idle.push((await summary()).ms)
  const file = tinyPolygons(district, count)
  const limits = { ...parseLimitsOf(), maxFeatures: count, maxVertices: count * 5 }
  let done = false
  const started = performance.now()
  const run = app.services.imports
    .importGridLayer({ file, department: 'governance', dryRun: true, limits })
    .finally(() => (done = true))
  const during: number[] = []
  let errors = 0
  while (!done) {
    const response = await timeIt(() =>
      fetch(`${origin}/api/summary`, { headers }).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(r.status))),
    ).catch(() => undefined)
    if (response) during.push(response.ms)
    else errors += 1
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const result = await run
  const ms = performance.now() - started
  const memory = Math.round(process.memoryUsage().rss / 1024 / 1024)
  return printed([
    [`${label} KPI summary, idle`, idle.length, median(idle), percentile(idle, 95), 'p50 ≤ 100'],
    [
      `${label} KPI summary during a ${count.toLocaleString('en-US')}-polygon dry run (${errors} errors; max ${Math.round(Math.max(...during))} ms)`,
      during.length,
      median(during),
      percentile(during, 95),
      'reads not starved',
    ],
    [
      `${label} that dry run: parse ${result.timings!.parseMs} + check ${result.timings!.checkMs} ms (rss after ${memory} MB)`,
      1,
      ms,
      '',
      '—',
    ],
  ])
}

/**
 * The region tree as an office would have it in one file: communities as drawn, streets and the
 * district as the unions of their communities (computed here, stored nowhere).
 */
async function regionTreeFile(database: Database, district: District) {
  const communities = district.regions.filter((r) => r.level === 'community')
  const { rows } = await sql<{ code: string; geometry: string }>`
    WITH c AS (SELECT r.code, r.parent, ST_GeomFromGeoJSON(r.boundary) AS g
               FROM json_to_recordset(${JSON.stringify(communities.map((c) => ({ code: c.code, parent: c.parentCode, boundary: JSON.stringify(c.boundary) })))}::json)
                 AS r(code text, parent text, boundary text)),
         s AS (SELECT parent AS code, ST_Union(g) AS g FROM c GROUP BY parent)
    SELECT code, ST_AsGeoJSON(g, 7) AS geometry FROM s
    UNION ALL SELECT ${district.regions.find((r) => r.level === 'district')!.code}, ST_AsGeoJSON(ST_Union(g), 7) FROM s`.execute(
    database.db,
  )
  const unions = new Map(rows.map((r) => [r.code, JSON.parse(r.geometry)]))
  const features = district.regions
    .filter((r) => r.level !== 'city')
    .map((r) => ({
      type: 'Feature',
      properties: { code: r.code, name: r.name, level: r.level, parent_code: r.parentCode, is_urban: r.isUrban },
      geometry: r.boundary ?? unions.get(r.code),
    }))
  return { name: 'regions.geojson', data: encode({ type: 'FeatureCollection', features }) }
}

/**
 * Raw files to a published 全科网格 on an empty database: the region tree imported, each department's
 * raw layer imported (codes assigned), merged and published. Each step timed, and the whole.
 */
export async function benchRawToPublished(
  label: string,
  database: Database,
  scale: number,
  seed: number,
  driver: 'pglite' | 'postgres',
): Promise<Row[]> {
  const district = generateDistrict({ seed, scale, realism: 'real' })
  const regionFile = await regionTreeFile(database, district)
  const imports = new ImportService(database.db)
  const merges = new MergeService(database.db, { driver })
  const rows: Row[] = []
  const cpu = cpuMs
  const cpuStart = cpu()
  const started = performance.now()
  const regions = await timeIt(() => imports.importRegionTree({ file: regionFile, dryRun: false, replaceDemo: false }))
  rows.push([`${label} raw→published: region tree (${regions.value.counts.accepted} regions)`, 1, regions.ms, '', '—'])
  let grids = 0
  let assigned = 0
  const layersStarted = performance.now()
  for (const layer of district.gridLayers) {
    const file = layerFile(district, layer.department, { raw: true })
    const result = await imports.importGridLayer({ file, department: layer.department, dryRun: false })
    grids += result.counts.accepted
    assigned += result.counts.assigned ?? 0
  }
  rows.push([
    `${label} raw→published: ${district.gridLayers.length} raw layers (${grids.toLocaleString('en-US')} grids, ${assigned.toLocaleString('en-US')} codes assigned)`,
    1,
    performance.now() - layersStarted,
    '',
    '—',
  ])
  const merged = await timeIt(async () => {
    const run = await merges.createRun({})
    const executed = await merges.executeRun(run)
    if (executed.status !== 'succeeded') throw new Error(`merge ${run}: ${executed.status}`)
    return merges.publishRun(run)
  })
  rows.push([`${label} raw→published: merge + publish`, 1, merged.ms, '', '—'])
  const wall = performance.now() - started
  rows.push([
    `${label} raw→published: end to end (this process's CPU ${Math.round(cpu() - cpuStart).toLocaleString('en-US')} ms)`,
    1,
    wall,
    '',
    '≤ 60,000',
  ])
  return printed(rows)
}
