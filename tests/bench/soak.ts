// Issue 14's load test: tiles and /api/summary from 32 connections on loopback while merges run
// (60 s, every answer must be 2xx), then the same load until BENCH_SOAK_MINUTES have passed, with the
// server's memory before and after. The server is this process; the load comes from a child process.
// Every minute it prints the process's RSS, JS heap, memory outside the heap (external, of which
// ArrayBuffers: PGlite's in-memory files) and, on PGlite, the engine's WebAssembly memory and the
// database's size, to tell which of them the RSS follows.
import { sql } from 'kysely'
import { type Database, pgliteMemoryBytes } from '../../server/db/database.ts'
import type { TestApp } from '../helpers/app.ts'
import { credentialHeaders } from '../helpers/app.ts'
import { failuresOf, runLoad } from './load.ts'

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024)

function memory() {
  const { rss, heapUsed } = process.memoryUsage()
  return { rss: megabytes(rss), heapUsed: megabytes(heapUsed) }
}

interface MemorySample {
  minute: number
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
  wasm: number | null
  databaseMb: number | null
}

/** One sample of the process's memory and, on PGlite, the engine's (MB). */
async function sampleMemory(minute: number, database?: Database): Promise<MemorySample> {
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
  let databaseMb: number | null = null
  if (database?.pglite) {
    const { rows } = await sql<{ bytes: number }>`SELECT pg_database_size(current_database())::float8 AS bytes`.execute(
      database.db,
    )
    databaseMb = megabytes(rows[0].bytes)
  }
  return {
    minute: Math.round(minute * 10) / 10,
    rss: megabytes(rss),
    heapUsed: megabytes(heapUsed),
    external: megabytes(external),
    arrayBuffers: megabytes(arrayBuffers),
    wasm: database?.pglite ? megabytes(pgliteMemoryBytes(database.pglite)) : null,
    databaseMb,
  }
}

/** Samples memory every minute until stopped, printing each sample as it comes. */
function sampleEveryMinute(label: string, database?: Database) {
  const started = performance.now()
  const samples: MemorySample[] = []
  const take = async () => {
    const sample = await sampleMemory((performance.now() - started) / 60_000, database)
    samples.push(sample)
    console.log(
      `${label} minute ${sample.minute}: rss ${sample.rss} MB, heap ${sample.heapUsed} MB, external ${sample.external} MB (ArrayBuffers ${sample.arrayBuffers} MB)` +
        (sample.wasm === null ? '' : `, PGlite WASM memory ${sample.wasm} MB, database ${sample.databaseMb} MB`),
    )
  }
  let pending = take()
  const timer = setInterval(() => {
    pending = pending.then(take)
  }, 60_000)
  return {
    async stop() {
      clearInterval(timer)
      await pending
      await take()
      return samples
    },
  }
}

/** Merges started through the API one after another until stopped; how many finished, and how. */
function mergeUntilStopped(app: TestApp, origin: string) {
  let stopped = false
  const outcomes: string[] = []
  const loop = (async () => {
    while (!stopped) {
      const started = await fetch(`${origin}/api/merge-runs`, {
        method: 'POST',
        headers: { ...credentialHeaders(app.credentials, 'POST'), origin, 'content-type': 'application/json' },
        body: '{}',
      })
      if (started.status !== 202 && started.status !== 201)
        throw new Error(`starting a merge: ${started.status} ${await started.text()}`)
      const { id } = (await started.json()) as { id: number }
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 500))
        const run = (await (
          await fetch(`${origin}/api/merge-runs/${id}`, { headers: credentialHeaders(app.credentials) })
        ).json()) as { status: string }
        if (run.status !== 'running' && run.status !== 'pending') {
          outcomes.push(run.status)
          break
        }
      }
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
      return outcomes
    },
  }
}

export async function benchSoak(
  label: string,
  app: TestApp,
  origin: string,
  tilePaths: string[],
  minutes: number,
  database?: Database,
) {
  // one summary for every ten tiles, as a map page asks
  const paths = tilePaths.flatMap((path, i) => (i % 10 === 0 ? ['/api/summary', path] : [path]))
  const headers = credentialHeaders(app.credentials)
  const before = memory()
  const sampler = sampleEveryMinute(label, database)
  const merges = mergeUntilStopped(app, origin)
  const duringMerge = await runLoad({ origin, paths, headers, connections: 32, durationSeconds: 60 })
  const outcomes = await merges.stop()
  const restSeconds = Math.max(0, Math.round(minutes * 60) - 60)
  const after =
    restSeconds > 0
      ? await runLoad({ origin, paths, headers, connections: 32, durationSeconds: restSeconds })
      : undefined
  const end = memory()
  const samples = await sampler.stop()
  // answers still queued when the load stops finish before the bench closes the app under them
  await new Promise((resolve) => setTimeout(resolve, 5000))
  const rows: (string | number)[][] = [
    [
      `${label} tiles + summary while merging, 32 conn, 60 s (${outcomes.length} merges: ${outcomes.join(', ') || 'none finished'}; ${failuresOf(duringMerge)}) p50 | p99`,
      duringMerge.requests,
      duringMerge.p50,
      duringMerge.p99,
      'zero errors',
    ],
  ]
  if (after)
    rows.push([
      `${label} the same load, minutes 2–${minutes} (${failuresOf(after)}) p50 | p99`,
      after.requests,
      after.p50,
      after.p99,
      'zero errors',
    ])
  rows.push(
    [`${label} server RSS MB before | after ${minutes} min of load`, '', before.rss, end.rss, 'flat'],
    [`${label} server heap used MB before | after ${minutes} min`, '', before.heapUsed, end.heapUsed, 'flat'],
    ...samples.map((sample) => [
      `${label} minute ${sample.minute}: RSS | heap MB (external ${sample.external}, ArrayBuffers ${sample.arrayBuffers}` +
        (sample.wasm === null ? '' : `, WASM ${sample.wasm}, database ${sample.databaseMb}`) +
        ' MB)',
      '',
      sample.rss,
      sample.heapUsed,
      '—',
    ]),
  )
  return rows
}
