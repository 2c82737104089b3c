// A huge grid staged and checked on an engine thread (import-engine.ts; PGlite's path, forced here on
// both drivers by a lowered threshold) gives the same report and the same stored grids as the same
// grids staged and checked on the app's connection, and reads are answered while it runs; the huge
// grid's shape comes back to the app's connection in parts (insertStagedCopy), the same EWKB.
import { serialize } from 'node:v8'
import { type Transferable, Worker } from 'node:worker_threads'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { insertStagedCopy } from '../../server/db/repositories/import-engine.repository.ts'
import {
  deleteStaged,
  failInterruptedImports,
  insertImportRun,
} from '../../server/db/repositories/imports.repository.ts'
import { ImportService } from '../../server/services/imports/imports.service.ts'
import { stopIdleEngines, withEngine } from '../../server/services/merge/merge-engine.ts'
import type { ImportResult } from '../../server/services/imports/imports.service.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { toLonLat } from '../helpers/local-frame.ts'
import { buildMergeDistrict, communityA, communityB } from '../helpers/merge-district.ts'

type Ring = [number, number][]

/** From `a` to `b` (local metres) in `points` steps, `b` left out. */
const edge = ([x0, y0]: number[], [x1, y1]: number[], points: number): Ring =>
  Array.from({ length: points }, (_, i) => [x0 + ((x1 - x0) * i) / points, y0 + ((y1 - y0) * i) / points])

/** A closed ring through these corners, its first side carrying `points` points. */
const denseRing = (corners: number[][], points: number): Ring => {
  const ring: Ring = [
    ...edge(corners[0], corners[1], points),
    ...corners.slice(1).map(([x, y]) => [x, y] as [number, number]),
  ]
  ring.push(ring[0])
  return ring.map(([x, y]) => toLonLat(x, y))
}

/** Positions from which the grids are checked on an engine thread in this test. */
const from = 1_000

/** Hex characters of a huge grid's shape sent in one statement in this test (odd: whole bytes go, 4,000). */
const partChars = 4_001

const grids = [
  // mostly in B (50 m in A, 100 m in B), no community named: ranked
  {
    code: 'H0',
    households: 300,
    ring: denseRing(
      [
        [150, 10],
        [300, 10],
        [300, 110],
        [150, 110],
      ],
      3_000,
    ),
  },
  // a bow tie in A: invalid, repaired
  {
    code: 'H1',
    households: 350,
    ring: denseRing(
      [
        [20, 20],
        [80, 80],
        [80, 20],
        [20, 80],
      ],
      2_000,
    ),
  },
  // three quarters outside the district: a warning with the share
  {
    code: 'H2',
    households: 400,
    ring: denseRing(
      [
        [350, 150],
        [450, 150],
        [450, 250],
        [350, 250],
      ],
      1_500,
    ),
  },
  // a small one, named in A: checked here on both paths
  {
    code: 'S3',
    households: 320,
    community_code: communityA,
    ring: [
      [100, 100],
      [120, 100],
      [120, 120],
      [100, 120],
      [100, 100],
    ].map(([x, y]) => toLonLat(x, y)),
  },
]

const fileOf = (name: string, features = grids) => ({
  name,
  data: new TextEncoder().encode(
    JSON.stringify({
      type: 'FeatureCollection',
      features: features.map(({ ring, ...properties }) => ({
        type: 'Feature',
        properties,
        geometry: { type: 'Polygon', coordinates: [ring] },
      })),
    }),
  ),
})

/** A result without what differs from run to run (its id, its timings). */
const comparable = ({ id: _id, timings: _timings, ...result }: ImportResult) => result

describe.each(testDrivers())('a huge grid checked on an engine thread on %s', (driver) => {
  let database: Database
  /** the app's connection only */
  let here: ImportService
  /** grids of `from` positions or more on an engine thread */
  let offThread: ImportService

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
    here = new ImportService(database.db)
    offThread = new ImportService(database.db, undefined, { offThreadFrom: from, stagedPartChars: partChars })
  })

  afterAll(async () => {
    await database?.close()
  })

  const partsLeft = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM import_staging_parts`.execute(database.db)).rows[0].n

  const storedGrids = async (department: string, version: number) =>
    (
      await sql<Record<string, unknown>>`
        SELECT g.code, g.name, g.community_code, g.households, g.repair_note, ST_NPoints(g.boundary) AS points,
               encode(ST_AsEWKB(g.boundary), 'hex') AS boundary
        FROM grids g JOIN grid_layers l ON l.id = g.layer_id
        WHERE l.department = ${department} AND l.version = ${version}
        ORDER BY g.code`.execute(database.db)
    ).rows

  it('reports a dry run as the app connection does', async () => {
    const request = { file: fileOf('huge.geojson'), department: 'urban', dryRun: true }
    const a = await here.importGridLayer(request)
    const b = await offThread.importGridLayer(request)
    expect(comparable(b)).toEqual(comparable(a))
    // what the checks found, so that the comparison compares something
    expect(a.counts).toMatchObject({ features: 4, accepted: 4, repaired: 1 })
    const texts = a.report.map((r) => `${r.feature}: ${r.message}`)
    expect(texts.some((t) => t.startsWith('1: 几何无效'))).toBe(true)
    expect(texts.some((t) => /^2: 该网格有 \d+\.\d % 的面积位于辖区之外/.test(t))).toBe(true)
    // nothing stays staged on either side
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM import_staging`.execute(database.db)
    expect(rows[0].n).toBe(0)
  })

  it('stores the same grids, the huge ones as the engine staged them', async () => {
    const a = await here.importGridLayer({ file: fileOf('huge.geojson'), department: 'social', dryRun: false })
    const b = await offThread.importGridLayer({ file: fileOf('huge.geojson'), department: 'social', dryRun: false })
    expect(b.layer!.version).toBe(a.layer!.version + 1)
    const [storedA, storedB] = [
      await storedGrids('social', a.layer!.version),
      await storedGrids('social', b.layer!.version),
    ]
    expect(storedB).toEqual(storedA)
    expect(storedA.map((g) => [g.code, g.community_code])).toEqual([
      ['H0', communityB],
      ['H1', communityA],
      ['H2', communityB],
      ['S3', communityA],
    ])
    expect(storedA.find((g) => g.code === 'H1')!.repair_note).not.toBeNull()
    expect(Number(storedA.find((g) => g.code === 'H0')!.points)).toBeGreaterThan(3_000)
  })

  it('answers a read asked while the engine checks, before the import ends', async () => {
    // no engine waiting: this import starts one (a thread, its PostGIS) while the read is asked
    await stopIdleEngines()
    const order: string[] = []
    const file = fileOf('huge-read.geojson', grids.slice(0, 1))
    const importing = offThread.importGridLayer({ file, department: 'urban', dryRun: true }).then((result) => {
      order.push('import')
      return result
    })
    // once the run is under way, a read
    const running = () =>
      database.db
        .selectFrom('import_runs')
        .select('id')
        .where('file_name', '=', 'huge-read.geojson')
        .where('status', '=', 'running')
        .executeTakeFirst()
    while (!(await running())) if (order.length > 0) throw new Error('the import ended before it was seen running')
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM regions`.execute(database.db)
    order.push('read')
    expect(rows[0].n).toBe(4)
    expect((await importing).status).toBe('succeeded')
    expect(order).toEqual(['read', 'import'])
  })

  it('stages a shape sent in parts as the same EWKB, and keeps no part', async () => {
    const {
      rows: [shape],
    } = await sql<{ hex: string; small: string }>`
      SELECT encode(ST_AsEWKB(ST_Segmentize(ST_MakeEnvelope(113.6, 34.7, 113.61, 34.71, 4326), 0.00001)), 'hex') AS hex,
             encode(ST_AsEWKB(ST_MakeEnvelope(113.6, 34.7, 113.61, 34.71, 4326)), 'hex') AS small`.execute(database.db)
    expect(shape.hex.length).toBeGreaterThan(30 * partChars)
    const runId = await insertImportRun(database.db, {
      kind: 'grids',
      department: 'urban',
      fileName: 'parts.geojson',
      format: 'geojson',
      dryRun: true,
    })
    const copy = {
      communityCode: null,
      valid: true,
      reason: null,
      empty: false,
      west: 113.6,
      south: 34.7,
      east: 113.61,
      north: 34.71,
      areaM2: 1,
    }
    // in parts of 4,000 characters, of 2 (the least), and whole
    await insertStagedCopy(database.db, runId, { ...copy, index: 0, boundary: shape.hex }, partChars)
    await insertStagedCopy(database.db, runId, { ...copy, index: 1, boundary: shape.small }, 1)
    await insertStagedCopy(database.db, runId, { ...copy, index: 2, boundary: shape.hex }, shape.hex.length)
    await insertStagedCopy(database.db, runId, { ...copy, index: 3, boundary: null }, partChars)
    const { rows } = await sql<{ index: number; hex: string | null }>`
      SELECT index, encode(ST_AsEWKB(boundary), 'hex') AS hex FROM import_staging WHERE import_run_id = ${runId} ORDER BY index`.execute(
      database.db,
    )
    await deleteStaged(database.db, runId)
    expect(rows.map((r) => r.hex)).toEqual([shape.hex, shape.small, shape.hex, null])
    expect(await partsLeft()).toBe(0)
    // parts a stop left behind go at the next start, with their run marked failed
    await sql`INSERT INTO import_staging_parts (import_run_id, index, part, bytes)
              VALUES (${runId}, 0, 0, decode('0102', 'hex'))`.execute(database.db)
    expect(await partsLeft()).toBe(1)
    expect(await failInterruptedImports(database.db)).toBe(1)
    expect(await partsLeft()).toBe(0)
  })

  it('answers a read asked while the huge grid comes back in parts, before a real import ends', async () => {
    const order: string[] = []
    const file = fileOf('huge-parts.geojson', grids.slice(0, 1))
    const importing = offThread.importGridLayer({ file, department: 'urban', dryRun: false }).then((result) => {
      order.push('import')
      return result
    })
    // a read answered while some parts are in and others are still to come
    while ((await partsLeft()) === 0) if (order.length > 0) throw new Error('the import ended before a part was seen')
    order.push('read')
    const result = await importing
    expect(result.status).toBe('succeeded')
    expect(order).toEqual(['read', 'import'])
    expect(await partsLeft()).toBe(0)
    // stored as the app's connection stages it
    const stored = await storedGrids('urban', result.layer!.version)
    const viaHere = await here.importGridLayer({ file, department: 'urban', dryRun: false })
    expect(await storedGrids('urban', viaHere.layer!.version)).toEqual(stored)
    expect(stored).toHaveLength(1)
  })

  it('runs in an engine thread only the operations of its table, by name', async () => {
    // a name not in the table, one every object inherits, a module's path: refused, nothing imported
    await withEngine(async (call) => {
      for (const name of ['dropEverything', 'toString', '../../db/migrate.ts'])
        await expect((call as (name: string) => Promise<unknown>)(name)).rejects.toThrow(
          `no engine operation is named ${JSON.stringify(name)}`,
        )
    })
  })

  it('starts an engine without copying its template on this thread: the thread reads it', async () => {
    await stopIdleEngines()
    // what this thread clones for the engine's thread, message by message
    const sent: number[] = []
    const post = Worker.prototype.postMessage
    Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: readonly Transferable[]) {
      sent.push(serialize(message).length)
      return post.call(this, message, transfer as Transferable[])
    }
    try {
      // the engine opens from the template (67 MB) and answers
      await expect(withEngine((call) => (call as (name: string) => Promise<unknown>)('none'))).rejects.toThrow(
        'no engine operation is named "none"',
      )
    } finally {
      Worker.prototype.postMessage = post
    }
    expect(sent.length).toBe(2)
    expect(Math.max(...sent)).toBeLessThan(4096)
  })

  it('stores a huge grid read from CSV (WKT, read in steps) as the same grid read from GeoJSON', async () => {
    const [big] = grids
    const wkt = `POLYGON((${big.ring.map(([x, y]) => `${x} ${y}`).join(', ')}))`
    const csv = {
      name: 'huge.csv',
      data: new TextEncoder().encode(`code,households,wkt\n${big.code},${big.households},"${wkt}"\n`),
    }
    const fromCsv = await offThread.importGridLayer({ file: csv, department: 'urban', dryRun: false })
    const fromGeoJson = await offThread.importGridLayer({
      file: fileOf('huge-one.geojson', [big]),
      department: 'urban',
      dryRun: false,
    })
    const stored = await storedGrids('urban', fromCsv.layer!.version)
    expect(stored).toEqual(await storedGrids('urban', fromGeoJson.layer!.version))
    expect(stored.map((g) => [g.code, g.community_code, g.households])).toEqual([['H0', communityB, 300]])
  })

  it('checks a region tree holding a huge region as the app connection does, and stores the same regions (its shape made there, sent in parts)', async () => {
    const regionFile = (name: string) => ({
      name,
      data: new TextEncoder().encode(
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            // community B redrawn with 2,000 points on a side, a quarter of it outside the street
            {
              code: communityB,
              name: '乙社区',
              ring: denseRing(
                [
                  [250, 20],
                  [450, 20],
                  [450, 120],
                  [250, 120],
                ],
                2_000,
              ),
            },
            // a new community inside it: an overlap between siblings
            {
              code: '410199001003',
              name: '丙社区',
              ring: denseRing(
                [
                  [260, 30],
                  [300, 30],
                  [300, 70],
                  [260, 70],
                ],
                4,
              ),
            },
          ].map(({ ring, ...properties }) => ({
            type: 'Feature',
            properties: { ...properties, parent_code: '410199001000', is_urban: true },
            geometry: { type: 'Polygon', coordinates: [ring] },
          })),
        }),
      ),
    })
    const request = { file: regionFile('regions.geojson'), dryRun: true, replaceDemo: false }
    const a = await here.importRegionTree(request)
    const b = await offThread.importRegionTree(request)
    expect(comparable(b)).toEqual(comparable(a))
    // what the checks found, so that the comparison compares something
    expect(a.counts).toMatchObject({ features: 2, accepted: 2 })
    const texts = a.report.map((r) => `${r.feature}: ${r.message}`)
    expect(texts.some((t) => /^0: 乙社区 \(410199001002\)：该区划有 \d+\.\d % 的面积位于上级/.test(t))).toBe(true)
    expect(texts.some((t) => /与同级区划 .*重叠/.test(t))).toBe(true)
    expect(await partsLeft()).toBe(0)

    const storedRegions = async () =>
      (
        await sql<Record<string, unknown>>`
          SELECT code, name, level, parent_code, is_urban, encode(ST_AsEWKB(boundary), 'hex') AS boundary
          FROM regions WHERE code IN (${communityB}, '410199001003') ORDER BY code`.execute(database.db)
      ).rows
    const storedHere = await here.importRegionTree({ ...request, dryRun: false })
    expect(storedHere.status).toBe('succeeded')
    const afterHere = await storedRegions()
    const storedOffThread = await offThread.importRegionTree({ ...request, dryRun: false })
    expect(comparable(storedOffThread)).toEqual(comparable(storedHere))
    expect(await storedRegions()).toEqual(afterHere)
    expect(afterHere).toHaveLength(2)
    // the huge region's shape came in parts, none kept
    expect(await partsLeft()).toBe(0)
  })
})
