// 多网合一 timings by phase, and how tiles are served while a merge runs (cold tiles, one client)
// against the same tiles when idle.
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/database.ts'
import { createMerge, embeddedBatchSize, executeMerge } from '../../server/services/merge.service.ts'
import { median, percentile, timeIt } from './stats.ts'

async function coldTileTimes(app: FastifyInstance, origin: string, paths: string[], until: () => boolean): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; until() && i < 100_000; i++) {
    app.tiles.invalidate()
    const path = paths[i % paths.length]
    times.push((await timeIt(() => fetch(origin + path).then((r) => r.arrayBuffer()))).ms)
  }
  return times
}

export async function benchMerge(label: string, database: Database, app: FastifyInstance, origin: string, paths: string[]): Promise<(string | number)[][]> {
  let idleCount = 0
  const idle = await coldTileTimes(app, origin, paths, () => idleCount++ < 120)
  const runId = await createMerge(database.db, database.driver === 'pglite' ? { batchSize: embeddedBatchSize } : {})
  let finished = false
  const started = performance.now()
  const run = executeMerge(database.db, runId, { statementSteps: database.driver === 'pglite' }).finally(() => (finished = true))
  const busy = await coldTileTimes(app, origin, paths, () => !finished)
  const result = await run
  const wallMs = performance.now() - started
  if (result.status !== 'succeeded') throw new Error(`merge failed: ${result.error}`)
  const stats = result.stats as Record<string, number> & { issues: Record<string, number> }
  const grids = (result.alignment as { grids: number }[]).reduce((sum, a) => sum + a.grids, 0)
  return [
    [`${label} merge ${grids} grids → ${stats.unifiedGrids} unified (${stats.faces} faces), total`, 1, wallMs, '', 'server ≤ 15,000 / PGlite ≤ 45,000 at 4 × 10,000 grids'],
    [`${label}   phase: overlay into faces`, 1, stats.facesMs, '', '—'],
    [`${label}   phase: grouping (strategy)`, 1, stats.groupingMs, '', '—'],
    [`${label}   phase: unified grids + mapping`, 1, stats.unifyMs, '', '—'],
    [`${label}   phase: issues (${Object.values(stats.issues).reduce((a, b) => a + b, 0)})`, 1, stats.issuesMs, '', '—'],
    [`${label}   phase: alignment`, 1, stats.alignmentMs, '', '—'],
    [`${label} cold tile while idle`, idle.length, median(idle), percentile(idle, 95), '—'],
    [`${label} cold tile during the merge (p95 ratio ${(percentile(busy, 95) / percentile(idle, 95)).toFixed(2)}×)`, busy.length, median(busy), percentile(busy, 95), 'p95 ≤ 2× idle'],
  ]
}
