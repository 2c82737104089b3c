// The life of a merge run once created: its steps run (side by side, on engines or pooled
// connections), its statistics and alignment recorded, or its failure recorded and its rows removed.
import type { Kysely } from 'kysely'
import * as runs from '../../db/repositories/merge-runs.repository.ts'
import * as merge from '../../db/repositories/merge-step.repository.ts'
import { findHouseholdNorms } from '../../db/repositories/regions.repository.ts'
import type { DriverName } from '../../db/database.ts'
import { refreshStatistics } from '../../db/statistics.ts'
import type { Tables } from '../../db/tables.ts'
import type { MergeRunStats } from '../../schemas/merge.schema.ts'
import { NotFoundError } from '../../errors.ts'
import type { TileService } from '../tiles/tiles.service.ts'
import { embeddedEngines, idleEngineCount } from './merge-engine.ts'
import { planHouseholds } from './merge-households.ts'
import { mergeMessages } from './merge-messages.ts'
import { type MergeParams, defaultMergeParams } from './merge-params.ts'
import { runInParallel, stepsOf } from './merge-scheduling.ts'
import { type RunTiling, TilingError, checkRunTiling } from './merge-tiling.ts'
import { type MergeEngineFactory, type StepContext, type StepReport, runMergeStep } from './merge-step.ts'
import { describeConnectionError, isConnectionError } from '../../db/connection-health.ts'

/**
 * PGlite: communities a step. The engines' steps do not hold the app's connection, but its inputs
 * are read and its results stored on it, each in one statement: small steps keep those short, and
 * each step costs an engine a fixed round of statements (figures: tests/bench/figures.md).
 */
const embeddedBatchSize = 8

export interface MergeProgress {
  runId: number
  done: number
  total: number
}

export interface MergeHooks {
  /** after each committed batch (progress events); an exception here stops the run as a failure */
  onStep?: (progress: MergeProgress) => void | Promise<void>
  /** steps run at once, each on a connection of its own (server PostGIS) */
  parallelSteps?: number
  /**
   * While this answers true (the map is being drawn), one step runs at a time: the cores the other
   * steps would take serve the map instead.
   */
  mapInUse?: () => boolean
  /** steps run on engines of their own (see merge-engine.ts) instead of on `db`'s connections */
  engines?: MergeEngineFactory
}

/** How recently a tile must have been rendered for the map to count as in use. */
const mapInUseWindowMs = 1000

/**
 * How a run is stepped on each driver, two steps at a time (one per core of the machine this is
 * sized for), but one at a time while the map renders tiles (`tiles`: the app's tile service).
 * PGlite serves the app from one connection on this thread: steps run on two embedded engines in
 * worker threads. Server PostGIS: a transaction per step, each on a pooled connection.
 */
export function mergeExecutionFor(
  driver: DriverName,
  tiles?: Pick<TileService, 'renderedWithin'>,
): { request: Partial<Pick<MergeParams, 'batchSize'>>; hooks: MergeHooks } {
  const mapInUse = tiles && (() => tiles.renderedWithin(mapInUseWindowMs))
  return driver === 'pglite'
    ? { request: { batchSize: embeddedBatchSize }, hooks: { engines: embeddedEngines(2), mapInUse } }
    : { request: {}, hooks: { parallelSteps: 2, mapInUse } }
}

/**
 * Readies what a run on this driver needs before one is asked for (the merge workspace opened): the
 * embedded engines, which take a few seconds to start and then wait a while for a run.
 */
export async function prepareMerges(driver: DriverName): Promise<{ engines: number }> {
  const engines = mergeExecutionFor(driver).hooks.engines
  await engines?.warm()
  return { engines: engines ? idleEngineCount() : 0 }
}

export async function executeMerge(
  db: Kysely<Tables>,
  runId: number,
  hooks: MergeHooks = {},
): Promise<runs.MergeRunRow> {
  const run = await runs.findMergeRun(db, runId)
  if (!run) throw new NotFoundError(mergeMessages.notFound(runId))
  const params = { ...defaultMergeParams, ...(run.params as Partial<MergeParams>), strategy: run.strategy }
  const timings = { facesMs: 0, groupingMs: 0, unifyMs: 0, issuesMs: 0 }
  const started = performance.now()
  await runs.updateMergeRun(db, runId, { status: 'running' })
  try {
    const layers = await runs.findLayersForMerge(db, run.layerIds)
    const departments = layers.map((l) => l.department)
    const communities = await runs.findCommunityCodes(db)
    const srid = await runs.findMetricSrid(db)
    // codes carry over from the published version (else the latest that succeeded)
    const previousRunId = (await runs.findPublishedRun(db))?.id ?? (await runs.findLatestSucceededRun(db))?.id ?? null
    const householdNorms =
      params.strategy === 'household_balanced'
        ? Object.fromEntries(
            [...(await findHouseholdNorms(db, communities))].map(([code, norm]) => [
              code,
              norm && { min: norm.min, max: norm.max },
            ]),
          )
        : undefined
    // the household source the run was created with, its department chosen by the same rule
    const householdDepartment =
      params.strategy === 'household_balanced' && run.householdSource === 'grid_layers'
        ? (planHouseholds(await runs.findHouseholdData(db, run.layerIds), params.baseDepartment)?.department ?? null)
        : null
    const context: StepContext = {
      runId,
      layerIds: run.layerIds,
      departments,
      srid,
      previousRunId,
      params,
      householdNorms,
      householdDepartment,
    }
    let done = 0
    let faceCount = 0
    const parallel = hooks.engines?.size ?? hooks.parallelSteps ?? 1
    const steps = stepsOf(communities, params.batchSize, parallel)
    const engines = hooks.engines ? await hooks.engines.open(db, context, steps) : undefined
    const runStep = async (batch: string[], worker: number) => {
      let report: StepReport
      if (engines) report = await engines.runStep(worker, batch)
      else report = await db.transaction().execute((trx) => runMergeStep(trx, context, batch))
      faceCount += report.faces
      for (const key of Object.keys(timings) as (keyof StepReport['timings'])[]) timings[key] += report.timings[key]
      done += batch.length
      // PGlite runs on this thread: let waiting requests (tiles, API) through between steps
      await new Promise((resolve) => setImmediate(resolve))
      await runs.updateMergeRun(db, runId, { progress: done / communities.length })
      await hooks.onStep?.({ runId, done, total: communities.length })
    }
    let tiled = 0
    let tiling: RunTiling | undefined
    try {
      await runInParallel(steps, parallel, runStep, hooks.mapInUse)
      // on engines (PGlite): measured there, a step's worth of communities at a time
      const measure = engines?.measureTiling?.bind(engines)
      if (measure) {
        tiled = performance.now()
        tiling = await checkRunTiling(db, runId, communities, params.sliver, srid, 1, {
          parallel,
          size: params.batchSize,
          measure,
          holdBack: hooks.mapInUse,
        })
      }
    } finally {
      await engines?.close()
    }
    if (!tiling) {
      tiled = performance.now()
      // server PostGIS: measured on as many pooled connections as the steps ran on
      tiling = await checkRunTiling(db, runId, communities, params.sliver, srid, parallel)
    }
    const tilingMs = performance.now() - tiled
    await merge.insertRunGridIssues(db, runId, run.layerIds, srid)
    await refreshStatistics(db, ['unified_grids', 'unified_grid_sources', 'merge_issues'])
    const t = performance.now()
    const alignment = await runs.findAlignment(db, runId)
    const alignmentMs = performance.now() - t
    const ms = (value: number) => Math.round(value)
    const stats: MergeRunStats = {
      communities: communities.length,
      faces: faceCount,
      unifiedGrids: await runs.countUnifiedGrids(db, runId),
      issues: await runs.countIssues(db, runId),
      metricSrid: srid,
      totalMs: ms(performance.now() - started),
      facesMs: ms(timings.facesMs),
      groupingMs: ms(timings.groupingMs),
      unifyMs: ms(timings.unifyMs),
      issuesMs: ms(timings.issuesMs),
      alignmentMs: ms(alignmentMs),
      tiling,
      tilingMs: ms(tilingMs),
    }
    await runs.updateMergeRun(db, runId, { status: 'succeeded', progress: 1, stats, alignment, finished: true })
  } catch (error) {
    // a failed run leaves nothing behind but its record; the published version was never touched
    await merge.dropStepTables(db)
    await runs.deleteRunResults(db, runId)
    const failure =
      error instanceof TilingError
        ? { error: error.text['zh-CN'], errorEn: error.text.en }
        : isConnectionError(error)
          ? cutOff(describeConnectionError(error))
          : { error: (error as Error).message, errorEn: null }
    await runs.updateMergeRun(db, runId, { status: 'failed', ...failure, finished: true })
  }
  return (await runs.findMergeRun(db, runId))!
}

/** A run whose database connection was lost mid-way: said so in both languages, with the driver's short reason. */
function cutOff(reason: string) {
  return {
    error: `合并中断：数据库连接断开（${reason}），已发布的版本未受影响，请在数据库恢复后重新运行`,
    errorEn: `the merge was cut off: the database connection was lost (${reason}); the published version is unchanged, run it again once the database is back`,
  }
}
