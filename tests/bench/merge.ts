// 多网合一 timings by phase, and how tiles are served while a merge runs (cold tiles, one client)
// against the same tiles when idle.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Database } from '../../server/db/database.ts'
import { findMetricSrid } from '../../server/db/repositories/merge-runs.repository.ts'
import { GRID_SIZE_M } from '../../server/db/merge-overlay.ts'
import { stopIdleEngines } from '../../server/services/merge/merge-engine.ts'
import type { MergeRequest } from '../../server/schemas/merge.schema.ts'
import { mergeExecutionFor, prepareMerges } from '../../server/services/merge/merge-run.ts'
import type { RunTiling } from '../../server/services/merge/merge-tiling.ts'
import { type TestApp, credentialHeaders } from '../helpers/app.ts'
import { median, percentile, timeIt } from './stats.ts'

async function coldTileTimes(
  app: FastifyInstance,
  origin: string,
  paths: string[],
  until: () => boolean,
): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; until() && i < 100_000; i++) {
    app.services.tiles.invalidate()
    const path = paths[i % paths.length]
    times.push(
      (
        await timeIt(() =>
          fetch(origin + path, { headers: credentialHeaders((app as TestApp).credentials) }).then((r) =>
            r.arrayBuffer(),
          ),
        )
      ).ms,
    )
  }
  return times
}

export interface MergeFigures {
  grids: number
  wallMs: number
}

/** A row of the bench table: measure, n, p50 ms (or a figure), p95 ms (or a ratio), target. */
export type BenchRow = (string | number)[]

/**
 * The time a scale may take (`BENCH_MERGE_LIMIT_SECONDS`). A merge still running at the deadline is
 * stopped at its next step (its `onStep` throws) and the rest of the scale skipped, so that a slow
 * scale prints "over N s" instead of holding the whole bench.
 */
export interface MergeBudget {
  deadline: number
  limitSeconds: number
}

class OverBudget extends Error {}

/** `work` unless the budget runs out first (then OverBudget; `work` is then stopped at its next step). */
async function within<T>(budget: MergeBudget, stop: { requested: boolean }, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const over = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        stop.requested = true
        reject(new OverBudget())
      },
      Math.max(0, budget.deadline - performance.now()),
    )
  })
  try {
    return await Promise.race([work, over])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * A merge as the API starts one: stepped for the driver, holding back while the app renders tiles.
 * Also when each step ended (ms from the start), for where the time goes: the steps, then what the
 * run does after them (the tiling check, the grid issues, statistics, alignment).
 */
async function runMerge(database: Database, app: FastifyInstance, budget: MergeBudget, request: MergeRequest = {}) {
  const execution = mergeExecutionFor(database.driver, app.services.tiles)
  const runId = await app.services.merge.createRun({ ...execution.request, ...request })
  const stop = { requested: false }
  const stepEnds: number[] = []
  const start = performance.now()
  const onStep = () => {
    if (stop.requested) throw new Error(`stopped by the bench: over ${budget.limitSeconds} s`)
    stepEnds.push(performance.now() - start)
  }
  const running = timeIt(() => app.services.merge.executeRun(runId, { ...execution.hooks, onStep }))
  let executed: Awaited<typeof running>
  try {
    executed = await within(budget, stop, running)
  } catch (error) {
    // let the run stop at its next step (at most a minute) before the scale's database is closed
    await Promise.race([running.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 60_000))])
    throw error
  }
  const { ms, value: run } = executed
  if (run.status !== 'succeeded') throw new Error(`merge failed: ${run.error}`)
  const published = await timeIt(() => app.services.merge.publishRun(runId))
  return {
    run,
    ms: ms + published.ms,
    publishMs: published.ms,
    stepEnds,
    parallel: execution.hooks.engines?.size ?? execution.hooks.parallelSteps ?? 1,
    onEngines: execution.hooks.engines !== undefined,
  }
}

/**
 * The reference of DESIGN.md: one query that nodes (snap-rounding on the merge's millimetre grid)
 * and polygonizes all the boundaries the merge overlays (every active layer's grids and the
 * communities, in the merge's metric frame). On server PostGIS it is cut off at the deadline.
 */
async function polygonizeReference(database: Database, budget: MergeBudget): Promise<{ ms: number; faces: number }> {
  const srid = await findMetricSrid(database.db)
  const query = sql<{ faces: number }>`
    SELECT count(*)::int AS faces FROM ST_Dump((
      SELECT ST_Polygonize(lines) FROM (
        SELECT ST_UnaryUnion(ST_Collect(ST_Boundary(ST_Transform(geom, ${sql.lit(srid)}))), ${GRID_SIZE_M}::float8) AS lines
        FROM (SELECT g.boundary AS geom FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active
              UNION ALL
              SELECT boundary FROM regions WHERE level = 'community' AND boundary IS NOT NULL) s) noded))`
  const remainingMs = Math.max(1, Math.round(budget.deadline - performance.now()))
  const { ms, value } = await timeIt(() =>
    database.driver === 'pglite'
      ? query.execute(database.db)
      : database.db.transaction().execute(async (trx) => {
          await sql`SET LOCAL statement_timeout = ${sql.lit(remainingMs)}`.execute(trx)
          return query.execute(trx)
        }),
  )
  return { ms, faces: value.rows[0].faces }
}

/**
 * A merge on its own (its time and phases), then a second one while one client fetches cold tiles
 * without pause: tile latency against idle, and what the tiles cost the merge. On engines (PGlite)
 * the first merge starts them: it is timed apart, and the merge timed on its own is the next one;
 * and a first merge once the engines were started ahead, as the merge workspace does on opening.
 * Last, the same merge with the household-balanced strategy (which also counts households per face).
 * Each row goes to `emit` as soon as it is measured, the merge on its own and the reference first;
 * once the budget runs out, a row says "over N s" and the rest is skipped (figures: undefined if the
 * merge on its own did not finish).
 */
export async function benchMerge(
  label: string,
  database: Database,
  app: FastifyInstance,
  origin: string,
  paths: string[],
  budget: MergeBudget,
  emit: (row: BenchRow) => void,
): Promise<MergeFigures | undefined> {
  let figures: MergeFigures | undefined
  let doing = 'the first merge'
  try {
    await stopIdleEngines()
    const first = await runMerge(database, app, budget)
    if (first.onEngines) {
      emit([`${label} the first merge, which starts the engines (kept 2 min after a run)`, 1, first.ms, '', '—'])
      emitAlone(`${label} [the first merge]`, first, emit)
      doing = 'the merge on its own'
    }
    const alone = first.onEngines ? await runMerge(database, app, budget) : first
    figures = emitAlone(label, alone, emit)
    doing = 'the ST_UnaryUnion + ST_Polygonize reference'
    const reference = await within(budget, { requested: false }, polygonizeReference(database, budget))
    emit([
      `${label} reference: one ST_UnaryUnion + ST_Polygonize of the same boundaries (${reference.faces.toLocaleString('en-US')} faces)`,
      1,
      reference.ms,
      '',
      '—',
    ])
    emit([`${label} merge ÷ reference`, '', alone.ms / reference.ms, '', '≤ 1'])
    if (first.onEngines) {
      doing = 'the first merge after starting the engines ahead'
      await stopIdleEngines()
      const warm = await timeIt(() => prepareMerges(database.driver))
      emit([`${label}   engines started ahead (the merge workspace opening)`, 1, warm.ms, '', '—'])
      const prepared = await runMerge(database, app, budget)
      emit([`${label}   the first merge after that`, 1, prepared.ms, '', '≤ 45,000'])
    }
    doing = 'the merge while tiles are served'
    let idleCount = 0
    const idle = await coldTileTimes(app, origin, paths, () => idleCount++ < 120)
    emit([`${label} cold tile while idle`, idle.length, median(idle), percentile(idle, 95), '—'])
    let finished = false
    const loaded = runMerge(database, app, budget).finally(() => (finished = true))
    loaded.catch(() => undefined) // awaited below, after the tiles
    const busy = await coldTileTimes(app, origin, paths, () => !finished)
    const underLoad = await loaded
    emit([
      `${label} cold tile during a second merge (p95 ratio ${(percentile(busy, 95) / percentile(idle, 95)).toFixed(2)}×)`,
      busy.length,
      median(busy),
      percentile(busy, 95),
      'p95 ≤ 2× idle',
    ])
    emit([`${label} that merge, serving those ${busy.length} tiles meanwhile`, 1, underLoad.ms, '', '—'])
    doing = 'the household-balanced merge'
    const balanced = await runMerge(database, app, budget, { strategy: 'household_balanced' })
    emit([
      `${label} the same merge with the household-balanced strategy (${(balanced.run.stats as { unifiedGrids: number }).unifiedGrids} unified)`,
      1,
      balanced.ms,
      '',
      '—',
    ])
    emit(balancedTilingRow(label, balanced.run))
  } catch (error) {
    if (!(error instanceof OverBudget) && !/stopped by the bench/.test(String(error))) throw error
    emit([
      `${label} ${doing}: over ${budget.limitSeconds} s for this scale (stopped; the rest skipped)`,
      '',
      '',
      '',
      '—',
    ])
  }
  return figures
}

/** The merge on its own: its time, phases, where the time went after the steps, tiling and crumbs. */
function emitAlone(
  label: string,
  alone: Awaited<ReturnType<typeof runMerge>>,
  emit: (row: BenchRow) => void,
): MergeFigures {
  const stats = alone.run.stats as Record<string, number> & { issues: Record<string, number> }
  const tiling = (alone.run.stats as { tiling: RunTiling }).tiling
  const grids = (alone.run.alignment as { grids: number }[]).reduce((sum, a) => sum + a.grids, 0)
  const summed = alone.parallel > 1 ? `, summed over ${alone.parallel} parallel steps` : ''
  const stepsMs = alone.stepEnds.at(-1) ?? 0
  const stepTimes = alone.stepEnds.map((end, i) => end - (alone.stepEnds[i - 1] ?? 0))
  const afterSteps = stats.totalMs - stepsMs
  const rows: BenchRow[] = [
    [
      `${label} merge ${grids.toLocaleString('en-US')} grids → ${stats.unifiedGrids} unified (${stats.faces} faces), issues and publish included`,
      1,
      alone.ms,
      '',
      'server ≤ 15,000 / PGlite ≤ 45,000 at 4 × 10,000 grids',
    ],
    [
      `${label}   the steps (${stats.communities} communities in ${stepTimes.length} steps, ${alone.parallel} at once; p50 / p95 between step ends)`,
      stepTimes.length,
      stepsMs,
      `${median(stepTimes).toFixed(0)} / ${percentile(stepTimes, 95).toFixed(0)}`,
      '—',
    ],
    [`${label}   phase: overlay into faces${summed}`, 1, stats.facesMs, '', '—'],
    [`${label}   phase: grouping (strategy, issue pieces)${summed}`, 1, stats.groupingMs, '', '—'],
    [`${label}   phase: unified grids + mapping${summed}`, 1, stats.unifyMs, '', '—'],
    [
      `${label}   phase: issues (${Object.values(stats.issues).reduce((a, b) => a + b, 0)})${summed}`,
      1,
      stats.issuesMs,
      '',
      '—',
    ],
    [`${label}   after the steps (tiling check, grid issues, statistics, alignment)`, 1, afterSteps, '', '—'],
    [`${label}     of which the tiling check from the stored rows`, 1, stats.tilingMs, '', '—'],
    [`${label}     of which alignment`, 1, stats.alignmentMs, '', '—'],
    [
      `${label}     the rest (grid issues, statistics, counts)`,
      1,
      afterSteps - stats.tilingMs - stats.alignmentMs,
      '',
      '—',
    ],
    [`${label}   publish`, 1, alone.publishMs, '', '—'],
    [
      `${label} tiling (stored rows, EPSG:4326, largest per community): symmetric difference m² / overlap m² / vertex outside cm`,
      1,
      `${tiling.maxSymDifferenceM2.toFixed(3)} / ${tiling.maxOverlapM2.toFixed(4)} / ${(tiling.maxVertexOutsideM * 100).toFixed(2)}`,
      '',
      '≤ 0.5 / ≤ 0.01 / ≤ 5',
    ],
    [
      `${label} crumbs: unified grids under the sliver thresholds (not a whole community or island part)`,
      1,
      tiling.slivers,
      '',
      '0',
    ],
  ]
  for (const row of rows) emit(row)
  return { grids, wallMs: alone.ms }
}

/** The household-balanced run's tiling figures from the stored rows, or why it failed. */
function balancedTilingRow(label: string, run: { status: string; error: string | null; stats: unknown }) {
  const tiling = (run.stats as { tiling?: RunTiling }).tiling
  return [
    `${label} household-balanced tiling (stored rows): symmetric difference m² / overlap m² / vertex outside cm; crumbs`,
    1,
    tiling
      ? `${tiling.maxSymDifferenceM2.toFixed(3)} / ${tiling.maxOverlapM2.toFixed(4)} / ${(tiling.maxVertexOutsideM * 100).toFixed(2)}; ${tiling.slivers}`
      : `${run.status}: ${run.error ?? ''}`,
    '',
    '≤ 0.5 / ≤ 0.01 / ≤ 5; 0',
  ]
}

/** Time growth against input growth between the smallest and the largest merge of one driver. */
export function scalingRow(label: string, figures: MergeFigures[]): (string | number)[] {
  const [small, large] = [figures[0], figures[figures.length - 1]]
  const inputRatio = large.grids / small.grids
  return [
    `${label} merge scaling: ${inputRatio.toFixed(1)}× the grids took ${(large.wallMs / small.wallMs).toFixed(1)}× the time`,
    '',
    large.wallMs / small.wallMs,
    inputRatio,
    '10× input ≤ 15× time',
  ]
}
