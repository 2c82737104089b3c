// 多网合一 timings by phase, and how tiles are served while a merge runs (cold tiles, one client)
// against the same tiles when idle.
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/database.ts'
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
  rows: (string | number)[][]
}

/** A merge as the API starts one: stepped for the driver, holding back while the app renders tiles. */
async function runMerge(database: Database, app: FastifyInstance, request: MergeRequest = {}) {
  const execution = mergeExecutionFor(database.driver, app.services.tiles)
  const runId = await app.services.merge.createRun({ ...execution.request, ...request })
  const { ms, value: run } = await timeIt(() => app.services.merge.executeRun(runId, execution.hooks))
  if (run.status !== 'succeeded') throw new Error(`merge failed: ${run.error}`)
  const published = await timeIt(() => app.services.merge.publishRun(runId))
  return {
    run,
    ms: ms + published.ms,
    publishMs: published.ms,
    parallel: execution.hooks.engines?.size ?? execution.hooks.parallelSteps ?? 1,
    onEngines: execution.hooks.engines !== undefined,
  }
}

/**
 * A merge on its own (its time and phases), then a second one while one client fetches cold tiles
 * without pause: tile latency against idle, and what the tiles cost the merge. On engines (PGlite)
 * the first merge starts them: it is timed apart, and the merge timed on its own is the next one;
 * and a first merge once the engines were started ahead, as the merge workspace does on opening.
 * Last, the same merge with the household-balanced strategy (which also counts households per face).
 */
export async function benchMerge(
  label: string,
  database: Database,
  app: FastifyInstance,
  origin: string,
  paths: string[],
): Promise<MergeFigures> {
  await stopIdleEngines()
  const first = await runMerge(database, app)
  const alone = first.onEngines ? await runMerge(database, app) : first
  let prepared: { warmMs: number; merge: Awaited<ReturnType<typeof runMerge>> } | undefined
  if (first.onEngines) {
    await stopIdleEngines()
    const warm = await timeIt(() => prepareMerges(database.driver))
    prepared = { warmMs: warm.ms, merge: await runMerge(database, app) }
  }
  let idleCount = 0
  const idle = await coldTileTimes(app, origin, paths, () => idleCount++ < 120)
  let finished = false
  const loaded = runMerge(database, app).finally(() => (finished = true))
  const busy = await coldTileTimes(app, origin, paths, () => !finished)
  const underLoad = await loaded
  const balanced = await runMerge(database, app, { strategy: 'household_balanced' })
  const stats = alone.run.stats as Record<string, number> & { issues: Record<string, number> }
  const tiling = (alone.run.stats as { tiling: RunTiling }).tiling
  const grids = (alone.run.alignment as { grids: number }[]).reduce((sum, a) => sum + a.grids, 0)
  const summed = alone.parallel > 1 ? `, summed over ${alone.parallel} parallel steps` : ''
  return {
    grids,
    wallMs: alone.ms,
    rows: [
      [
        `${label} merge ${grids.toLocaleString('en-US')} grids → ${stats.unifiedGrids} unified (${stats.faces} faces), issues and publish included`,
        1,
        alone.ms,
        '',
        'server ≤ 15,000 / PGlite ≤ 45,000 at 4 × 10,000 grids',
      ],
      ...(prepared
        ? [
            [`${label}   the first merge, which starts the engines (kept 2 min after a run)`, 1, first.ms, '', '—'],
            [`${label}   engines started ahead (the merge workspace opening)`, 1, prepared.warmMs, '', '—'],
            [`${label}   the first merge after that`, 1, prepared.merge.ms, '', '≤ 45,000'],
          ]
        : []),
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
      [`${label}   phase: alignment`, 1, stats.alignmentMs, '', '—'],
      [`${label}   phase: tiling check from the stored rows`, 1, stats.tilingMs, '', '—'],
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
      [`${label}   publish`, 1, alone.publishMs, '', '—'],
      [
        `${label} the same merge with the household-balanced strategy (${(balanced.run.stats as { unifiedGrids: number }).unifiedGrids} unified)`,
        1,
        balanced.ms,
        '',
        '—',
      ],
      balancedTilingRow(label, balanced.run),
      [`${label} cold tile while idle`, idle.length, median(idle), percentile(idle, 95), '—'],
      [
        `${label} cold tile during a second merge (p95 ratio ${(percentile(busy, 95) / percentile(idle, 95)).toFixed(2)}×)`,
        busy.length,
        median(busy),
        percentile(busy, 95),
        'p95 ≤ 2× idle',
      ],
      [`${label} that merge, serving those ${busy.length} tiles meanwhile`, 1, underLoad.ms, '', '—'],
    ],
  }
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
