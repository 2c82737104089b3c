// Issue 14, "heavy work must not starve reads", on PGlite (it shares the server's thread): the app
// listening on loopback over an embedded database with a ×13 district's regions, a dry run of
// 200,000 tiny polygons (as npm run generate would lay them out) while a client polls /api/summary
// every 200 ms from another process; prints the largest wait and when it came, the event loop's
// longest stall and the dry run's phases. Then one polygon of 1,000,000 vertices: at the default
// caps (refused), then with the caps raised (checked, a dry run), then the same polygon really
// imported (stored as a new grid layer version in the bench's own in-memory database, dropped at the
// end). Each figure with the load average. Asserts nothing.
//   npx tsx tests/bench/import-reads.ts        (IMPORT_READS_COUNT=200000, IMPORT_READS_VERTICES=1000000;
//                                               IMPORT_READS_COUNT=0 skips the many-polygon dry run)
//   BENCH_ONLY=import-reads npm run bench      the same, as rows of the bench's table
import { spawn } from 'node:child_process'
import { loadavg } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { createPgliteDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { parseLimitsOf } from '../../server/services/imports/parse-limits.ts'
import { credentialHeaders, serveTestApp } from '../helpers/app.ts'
import { storeRegionsOnly, tinyPolygons } from './imports.ts'
import { percentile } from './stats.ts'

/** The figures as rows of the bench's table: measure, n, p50, p95, target. */
export async function benchImportReads(
  count = Number(process.env.IMPORT_READS_COUNT ?? 200_000),
  vertices = Number(process.env.IMPORT_READS_VERTICES ?? 1_000_000),
): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = []
  const database = await createPgliteDatabase('memory://')
  await migrate(database.db)
  const district = await storeRegionsOnly(database, 13, 42)
  const { app, origin } = await serveTestApp(database)
  const headers = credentialHeaders(app.credentials)
  const summary = async () => {
    const start = performance.now()
    const response = await fetch(`${origin}/api/summary`, { headers })
    await response.arrayBuffer()
    if (!response.ok) throw new Error(`summary: ${response.status}`)
    return performance.now() - start
  }
  for (let i = 0; i < 5; i++) await summary()

  /**
   * Runs `run` while a client polls /api/summary every 200 ms from its own process (one in the
   * server's process would stall with it and not see the wait) and the event loop's delay is sampled
   * here (monitorEventLoopDelay, 10 ms resolution): its max is the longest synchronous step.
   */
  const measured = async <T>(run: () => Promise<T>) => {
    const loop = monitorEventLoopDelay({ resolution: 10 })
    const poller = spawn(
      process.execPath,
      [
        '-e',
        `const waits = []; let errors = 0; let stop = false; const t0 = Date.now()
         process.stdin.on('data', () => { stop = true }); process.stdin.resume()
         ;(async () => {
           while (!stop) {
             const at = Date.now() - t0, start = performance.now()
             try { const r = await fetch(process.argv[1], { headers: JSON.parse(process.argv[2]) }); await r.arrayBuffer(); if (!r.ok) errors++ } catch { errors++ }
             waits.push({ at, ms: performance.now() - start })
             await new Promise((resolve) => setTimeout(resolve, 200))
           }
           process.stdout.write(JSON.stringify({ waits, errors })); process.exit(0)
         })()`,
        `${origin}/api/summary`,
        JSON.stringify(headers),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    )
    let output = ''
    poller.stdout.on('data', (chunk) => (output += chunk))
    const polled = new Promise<void>((resolve) => poller.on('exit', () => resolve()))
    // the poller's first request, so that the run starts with a client waiting
    await new Promise((resolve) => setTimeout(resolve, 300))
    loop.enable()
    const started = performance.now()
    const result = await run()
    const total = performance.now() - started
    loop.disable()
    poller.stdin.write('stop\n')
    await polled
    const { waits, errors } = JSON.parse(output) as { waits: { at: number; ms: number }[]; errors: number }
    const worst = waits.reduce((a, b) => (b.ms > a.ms ? b : a))
    const sorted = waits.map((w) => w.ms).sort((a, b) => a - b)
    // the event loop's longest stall, less the sampling interval
    const stall = Math.max(0, loop.max / 1e6 - 10)
    return { result, total, waits, errors, worst, sorted, stall }
  }
  const load = () => `load ${loadavg()[0].toFixed(2)}`

  if (count > 0) await benchManyPolygons()
  async function benchManyPolygons() {
    const file = tinyPolygons(district, count)
    const limits = { ...parseLimitsOf(), maxFeatures: count, maxVertices: count * 5, parseMs: 600_000 }
    const dry = await measured(() =>
      app.services.imports.importGridLayer({ file, department: 'governance', dryRun: true, limits }),
    )
    const { result, total, waits, errors, worst, sorted } = dry
    // asked once the file is parsed: what the checks and the staged batches hold reads for
    const afterParse = Math.max(0, ...waits.filter((w) => w.at > result.timings!.parseMs!).map((w) => w.ms))
    console.log(
      `${count.toLocaleString('en-US')}-polygon dry run (${(file.data.length / 2 ** 20).toFixed(1)} MB): ${Math.round(total)} ms (parse ${result.timings!.parseMs}, check ${result.timings!.checkMs}); ` +
        `longest event-loop stall ${Math.round(dry.stall)} ms; ` +
        `/api/summary polled ${waits.length}× (${errors} errors): p50 ${Math.round(sorted[Math.floor(sorted.length / 2)])} ms, max ${Math.round(worst.ms)} ms, ` +
        `asked at ${Math.round(worst.at)} ms (${Math.round(total - worst.at - worst.ms)} ms before the run ended); max asked after the parse ${Math.round(afterParse)} ms; rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB; ${load()}`,
    )
    rows.push(
      [
        `pglite: /api/summary from another process during a ${count.toLocaleString('en-US')}-polygon dry run (${errors} errors; max ${Math.round(worst.ms)} ms at ${Math.round(worst.at)} ms, ${Math.round(afterParse)} ms after the parse; longest event-loop stall ${Math.round(dry.stall)} ms; ${load()})`,
        waits.length,
        Math.round(sorted[Math.floor(sorted.length / 2)]),
        Math.round(percentile(sorted, 95)),
        'reads not starved',
      ],
      [
        `pglite: that dry run: parse ${result.timings!.parseMs} + check ${result.timings!.checkMs} ms`,
        1,
        Math.round(total),
        '',
        '—',
      ],
    )
  }

  if (vertices > 0) {
    const community = district.regions.find((r) => r.level === 'community' && r.boundary)!
    const [lon0, lat0] = community.boundary!.coordinates[0][0][0]
    const ring = Array.from({ length: vertices }, (_, i) => {
      const angle = (2 * Math.PI * i) / vertices
      return [lon0 + 0.002 + 0.001 * Math.cos(angle), lat0 + 0.002 + 0.001 * Math.sin(angle)]
    })
    ring.push(ring[0])
    const big = {
      name: 'one-big.geojson',
      data: new TextEncoder().encode(
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', properties: { code: 'BIG1' }, geometry: { type: 'Polygon', coordinates: [ring] } },
          ],
        }),
      ),
    }
    // the configured caps refuse it (IMPORT_MAX_FEATURE_VERTICES, 100,000 by default) …
    const refused = await measured(() =>
      app.services.imports
        .importGridLayer({ file: big, department: 'governance', dryRun: true, limits: parseLimitsOf() })
        .then(
          () => 'accepted',
          (error: Error) => error.message.slice(0, 60),
        ),
    )
    console.log(
      `one polygon of ${vertices.toLocaleString('en-US')} vertices, default caps: ${Math.round(refused.total)} ms (${refused.result}); longest event-loop stall ${Math.round(refused.stall)} ms; /api/summary max ${Math.round(refused.worst.ms)} ms; ${load()}`,
    )
    rows.push([
      `pglite: one polygon of ${vertices.toLocaleString('en-US')} vertices, default caps (refused; stall ${Math.round(refused.stall)} ms, /api/summary max ${Math.round(refused.worst.ms)} ms)`,
      1,
      Math.round(refused.total),
      '',
      '—',
    ])
    // … and with the caps raised to let it in, it is checked
    const bigLimits = {
      ...parseLimitsOf(),
      maxVertices: vertices + 10,
      maxFeatureVertices: vertices + 10,
      parseMs: 600_000,
    }
    const big1 = await measured(() =>
      app.services.imports.importGridLayer({ file: big, department: 'governance', dryRun: true, limits: bigLimits }),
    )
    const checked = big1.result
    console.log(
      `one polygon of ${vertices.toLocaleString('en-US')} vertices, caps raised, dry run: ${Math.round(big1.total)} ms (parse ${checked.timings!.parseMs}, check ${checked.timings!.checkMs}), status ${checked.status}; ` +
        `longest event-loop stall ${Math.round(big1.stall)} ms; /api/summary polled ${big1.waits.length}× (${big1.errors} errors): p50 ${Math.round(big1.sorted[Math.floor(big1.sorted.length / 2)])} ms, max ${Math.round(big1.worst.ms)} ms; ${load()}`,
    )
    rows.push([
      `pglite: one polygon of ${vertices.toLocaleString('en-US')} vertices, caps raised, dry run (${checked.status}; stall ${Math.round(big1.stall)} ms, /api/summary max ${Math.round(big1.worst.ms)} ms)`,
      1,
      Math.round(big1.total),
      '',
      '—',
    ])
    // … and really imported: the engine's staged row written here, then the layer stored
    const real = await measured(() =>
      app.services.imports.importGridLayer({ file: big, department: 'governance', dryRun: false, limits: bigLimits }),
    )
    const stored = real.result
    console.log(
      `one polygon of ${vertices.toLocaleString('en-US')} vertices, caps raised, real import: ${Math.round(real.total)} ms (parse ${stored.timings!.parseMs}, check ${stored.timings!.checkMs}), status ${stored.status}; ` +
        `longest event-loop stall ${Math.round(real.stall)} ms; /api/summary polled ${real.waits.length}× (${real.errors} errors): p50 ${Math.round(real.sorted[Math.floor(real.sorted.length / 2)])} ms, max ${Math.round(real.worst.ms)} ms; ${load()}`,
    )
    rows.push([
      `pglite: one polygon of ${vertices.toLocaleString('en-US')} vertices, caps raised, real import (${stored.status}; stall ${Math.round(real.stall)} ms, /api/summary max ${Math.round(real.worst.ms)} ms)`,
      1,
      Math.round(real.total),
      '',
      '—',
    ])
  }
  await app.close()
  await database.close()
  return rows
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await benchImportReads()
