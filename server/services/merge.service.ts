// 多网合一: merge the selected department layers into one unified grid per community, find every
// gap, overlap, sliver and boundary problem, and score each department's alignment. A run works in
// short per-batch transactions (PGlite has one connection, so the map keeps being served), writes
// only rows of its own, and is published by switching the active version.
import type { Kysely, Transaction } from 'kysely'
import * as merge from '../db/repositories/merge.repository.ts'
import { refreshStatistics } from '../db/statistics.ts'
import type { DriverName } from '../db/database.ts'
import type { Tables } from '../db/tables.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts'
import { type HouseholdNorm, findHouseholdNorms } from '../db/repositories/regions.repository.ts'
import {
  type Face,
  type FaceMesh,
  type GridCover,
  type IssuePiece,
  type SliverRule,
  absorbIntoNeighbours,
  balanceHouseholds,
  defaultSliverRule,
  findIssuePieces,
  householdGoal,
  outlinesOf,
} from './merge-grouping.ts'
import { embeddedEngines, idleEngineCount } from './merge-engine.ts'
import type { TileService } from './tiles/tiles.service.ts'

export type MergeStrategy = 'base_department' | 'household_balanced'

export interface MergeParams {
  strategy: MergeStrategy
  /** grid layers to merge; default: the active layer of every department */
  layerIds?: number[]
  /** or: the active layers of these departments */
  departments?: string[]
  /** the department whose grids the base strategy keeps (default 综治) */
  baseDepartment: string
  /** vertices are snapped to a grid of this size, in metres, before noding */
  snapToleranceM: number
  sliver: SliverRule
  /**
   * household-balanced strategy: the households a grid should hold; by default the middle of each
   * community's norm (400 for the urban 300–500)
   */
  targetHouseholds?: number
  /** communities per transaction */
  batchSize: number
}

export const defaultMergeParams: MergeParams = {
  strategy: 'base_department',
  baseDepartment: 'governance',
  snapToleranceM: 1,
  sliver: defaultSliverRule,
  batchSize: 20,
}

/**
 * PGlite: communities a step. The engines' steps do not hold the app's connection, but its inputs
 * are read and its results stored on it, each in one statement: small steps keep those short, and
 * each step costs an engine a fixed round of statements (×13 demo: 4 a step 42–46 s, 8 a step 38–41 s).
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

/** Engines that run the steps of a run; the results are stored in the app's database. */
export interface MergeEngines {
  runStep(engine: number, communities: string[]): Promise<StepReport>
  close(): Promise<void>
}

/** Opens `size` engines for a run: its steps run `size` at a time. */
export interface MergeEngineFactory {
  size: number
  /** starts the engines ahead of a run (they wait a while for one) */
  warm(): Promise<void>
  /** `steps`: the communities of each step, in the order the run asks for them */
  open(db: Kysely<Tables>, context: StepContext, steps: string[][]): Promise<MergeEngines>
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
): { request: Pick<MergeRequest, 'batchSize'>; hooks: MergeHooks } {
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

/** What a caller may set: any parameter, and any part of the sliver rule. */
export type MergeRequest = Partial<Omit<MergeParams, 'sliver'>> & { sliver?: Partial<SliverRule> }

/** Creates the run (status pending) after checking what it will merge; `executeMerge` does the work. */
export async function createMerge(db: Kysely<Tables>, requested: MergeRequest): Promise<number> {
  const params: MergeParams = {
    ...defaultMergeParams,
    ...requested,
    sliver: { ...defaultMergeParams.sliver, ...requested.sliver },
  }
  let layers = await merge.findLayersForMerge(db, params.layerIds)
  if (params.departments) {
    const wanted = new Set(params.departments)
    const missing = params.departments.filter((d) => !layers.some((l) => l.department === d))
    if (missing.length > 0)
      throw new InvalidInputError(`No active grid layer for department ${missing.join(', ')}`, { field: 'departments' })
    layers = layers.filter((l) => wanted.has(l.department))
  }
  if (params.layerIds && layers.length !== new Set(params.layerIds).size) {
    const missing = params.layerIds.filter((id) => !layers.some((l) => l.id === id))
    throw new InvalidInputError(`No grid layer has the id ${missing.join(', ')}`, { field: 'layerIds' })
  }
  if (layers.length === 0)
    throw new InvalidInputError('There are no grid layers to merge: import department grids first', {
      field: 'layerIds',
    })
  if (new Set(layers.map((l) => l.department)).size !== layers.length) {
    throw new InvalidInputError('Choose one layer per department', { field: 'layerIds' })
  }
  if (params.strategy === 'base_department' && !layers.some((l) => l.department === params.baseDepartment)) {
    throw new InvalidInputError(`The base department "${params.baseDepartment}" has no layer among those merged`, {
      field: 'baseDepartment',
    })
  }
  return merge.insertMergeRun(db, {
    strategy: params.strategy,
    params: { ...params, layerIds: undefined, departments: undefined },
    layerIds: layers.map((l) => l.id),
  })
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * The steps of a run: batches of `size` items, but the last `parallel` batches' worth in quarter
 * batches, so that steps running side by side end nearly together (instead of one core waiting out
 * the last full step alone).
 */
export function stepsOf<T>(items: T[], size: number, parallel: number): T[][] {
  const tail = parallel > 1 ? Math.min(items.length, size * parallel) : 0
  return [
    ...chunks(items.slice(0, items.length - tail), size),
    ...chunks(items.slice(items.length - tail), Math.ceil(size / 4)),
  ]
}

function groupBy<T, K>(items: T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  }
  return groups
}

/**
 * Runs `work` on every item, `parallel` at a time (workers 0 … parallel − 1), in order; the first
 * failure stops the rest. While `holdBack` answers true, only worker 0 takes new items.
 */
export async function runInParallel<T>(
  items: T[],
  parallel: number,
  work: (item: T, worker: number) => Promise<void>,
  holdBack: () => boolean = () => false,
): Promise<void> {
  let next = 0
  let failed = false
  const worker = async (_: unknown, index: number) => {
    while (next < items.length && !failed) {
      if (index > 0 && holdBack()) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        continue
      }
      const item = items[next++]
      try {
        await work(item, index)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, parallel) }, worker))
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (rejected) throw rejected.reason
}

/**
 * Labels every face of one community according to the strategy. `norm`: the community's household
 * norm (null: a rural community, whose grids follow natural villages: it keeps the base grids).
 */
export function labelFaces(
  faces: Face[],
  adjacency: { a: number; b: number; sharedM: number }[],
  params: MergeParams,
  norm: CommunityNorm | null = null,
): Map<number, number> {
  if (params.strategy === 'household_balanced' && norm) {
    // every face, slivers too, is grouped there (absorbing a sliver afterwards could cut a group in two)
    return balanceHouseholds(faces, adjacency, householdGoal(norm, params.targetHouseholds))
  }
  const base = new Map(faces.filter((f) => f.baseGridId !== null).map((f) => [f.id, f.baseGridId!]))
  return absorbIntoNeighbours(faces, adjacency, base, params.sliver)
}

/**
 * The rules of one step on its face graph: each face's label (its unified grid), the outline of each
 * unified grid, and the gap, overlap and sliver pieces with the outline of those of several faces.
 */
export function groupFaces(
  faces: (Face & { communityCode: string })[],
  mesh: FaceMesh,
  covers: GridCover[],
  departments: string[],
  params: MergeParams,
  norms: HouseholdNorms = {},
) {
  const labels: { faceId: number; label: number }[] = []
  const pieces: (IssuePiece & { communityCode: string })[] = []
  // faces never border across a community boundary: each community is a graph of its own
  const communityOf = new Map(faces.map((f) => [f.id, f.communityCode]))
  const edgesOf = groupBy(mesh.adjacency, (e) => communityOf.get(e.a)!)
  const coversOf = groupBy(covers, (c) => communityOf.get(c.faceIds[0])!)
  for (const [community, own] of groupBy(faces, (f) => f.communityCode)) {
    const ownAdjacency = edgesOf.get(community) ?? []
    for (const [faceId, label] of labelFaces(own, ownAdjacency, params, norms[community] ?? null))
      labels.push({ faceId, label })
    for (const piece of findIssuePieces(own, ownAdjacency, coversOf.get(community) ?? [], departments, params.sliver))
      pieces.push({ ...piece, communityCode: community })
  }
  // each unified grid (a community's label) by its index in `groups`, with its faces
  const groups: { community: string; label: number }[] = []
  const groupOf = new Map<number, number>()
  const facesOf = new Map<number, number[]>()
  const indexOf = new Map<string, number>()
  for (const { faceId, label } of labels) {
    const community = communityOf.get(faceId)!
    const key = `${community}/${label}`
    let index = indexOf.get(key)
    if (index === undefined) {
      indexOf.set(key, (index = groups.length))
      groups.push({ community, label })
      facesOf.set(index, [])
    }
    groupOf.set(faceId, index)
    facesOf.get(index)!.push(faceId)
  }
  const outlines = [...outlinesOf(mesh, facesOf)].map(([index, outline]) => ({ ...groups[index], outline }))
  // mapping: the overlap of a unified grid with a department grid is the area of the faces they share
  const areaOf = new Map(faces.map((f) => [f.id, f.areaM2]))
  const overlaps = groups.map(() => new Map<number, number>())
  for (const { gridId, faceIds } of covers) {
    for (const faceId of faceIds) {
      const overlap = overlaps[groupOf.get(faceId)!]
      overlap.set(gridId, (overlap.get(gridId) ?? 0) + areaOf.get(faceId)!)
    }
  }
  const sources = overlaps.flatMap((overlap, index) =>
    [...overlap].map(([gridId, overlapM2]) => ({ ...groups[index], gridId, overlapM2 })),
  )
  // a face may lie in several pieces (a gap of 党建 and one of 社保, a sliver), but in one piece of a
  // kind and department at most: outlines are drawn per kind and department
  const pieceOutlines = new Map<number, Uint8Array>()
  const multiFace = [...pieces.entries()].filter(([, piece]) => piece.faceIds.length > 1)
  for (const [, group] of groupBy(multiFace, ([, piece]) => `${piece.kind}/${piece.department}`)) {
    for (const [n, outline] of outlinesOf(mesh, new Map(group.map(([n, piece]) => [n, piece.faceIds]))))
      pieceOutlines.set(n, outline)
  }
  return {
    labels,
    outlines,
    sources,
    pieces: pieces.map((piece, n) => ({ ...piece, outline: pieceOutlines.get(n) ?? null })),
  }
}

/** What every step of a run shares. */
export interface StepContext {
  runId: number
  layerIds: number[]
  departments: string[]
  srid: number
  /** the run whose codes carry over */
  previousRunId: number | null
  params: MergeParams
  /** household-balanced strategy: each community's household norm (null: rural, none) */
  householdNorms?: HouseholdNorms
}

/** A community's households-per-grid norm, as a step needs it. */
type CommunityNorm = Pick<HouseholdNorm, 'min' | 'max'>

/** Each community's households-per-grid norm (null where none applies: a rural community). */
export type HouseholdNorms = Record<string, CommunityNorm | null>

export interface StepReport {
  faces: number
  timings: { facesMs: number; groupingMs: number; unifyMs: number; issuesMs: number }
}

/**
 * One step of a run over a batch of communities: faces, their grouping into unified grids, the grids
 * with their mapping rows, and the issues, all stored under the run.
 */
export async function runMergeStep(
  trx: Kysely<Tables> | Transaction<Tables>,
  context: StepContext,
  communities: string[],
): Promise<StepReport> {
  const { runId, params, srid } = context
  const options = {
    runId,
    communities,
    layerIds: context.layerIds,
    srid,
    snapM: params.snapToleranceM,
    baseDepartment: params.baseDepartment,
    withHouseholds: params.strategy === 'household_balanced',
  }
  const timings = { facesMs: 0, groupingMs: 0, unifyMs: 0, issuesMs: 0 }
  let t = performance.now()
  await merge.buildFaces(trx, options)
  const { faces, mesh, covers } = await merge.findFaceGraph(trx, options)
  timings.facesMs = performance.now() - t
  t = performance.now()
  const { labels, outlines, sources, pieces } = groupFaces(
    faces,
    mesh,
    covers,
    context.departments,
    params,
    context.householdNorms,
  )
  timings.groupingMs = performance.now() - t
  t = performance.now()
  await merge.insertUnifiedGrids(trx, runId, { labels, outlines, sources }, context.previousRunId, srid)
  timings.unifyMs = performance.now() - t
  t = performance.now()
  await merge.insertIssuePieces(trx, runId, pieces, srid)
  await merge.insertGridIssues(trx, runId, options, params.sliver.minAreaM2)
  timings.issuesMs = performance.now() - t
  await merge.dropStepTables(trx)
  return { faces: faces.length, timings }
}

export async function executeMerge(
  db: Kysely<Tables>,
  runId: number,
  hooks: MergeHooks = {},
): Promise<merge.MergeRunRow> {
  const run = await merge.findMergeRun(db, runId)
  if (!run) throw new NotFoundError(`No merge run has the id ${runId}`)
  const params = { ...defaultMergeParams, ...(run.params as Partial<MergeParams>), strategy: run.strategy }
  const timings = { facesMs: 0, groupingMs: 0, unifyMs: 0, issuesMs: 0 }
  const started = performance.now()
  await merge.updateMergeRun(db, runId, { status: 'running' })
  try {
    const layers = await merge.findLayersForMerge(db, run.layerIds)
    const departments = layers.map((l) => l.department)
    const communities = await merge.findCommunityCodes(db)
    const srid = await merge.findMetricSrid(db)
    // codes carry over from the published version (else the latest that succeeded)
    const previousRunId = (await merge.findPublishedRun(db))?.id ?? (await merge.findLatestSucceededRun(db))?.id ?? null
    const householdNorms =
      params.strategy === 'household_balanced'
        ? Object.fromEntries(
            [...(await findHouseholdNorms(db, communities))].map(([code, norm]) => [
              code,
              norm && { min: norm.min, max: norm.max },
            ]),
          )
        : undefined
    const context: StepContext = {
      runId,
      layerIds: run.layerIds,
      departments,
      srid,
      previousRunId,
      params,
      householdNorms,
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
      await merge.updateMergeRun(db, runId, { progress: done / communities.length })
      await hooks.onStep?.({ runId, done, total: communities.length })
    }
    try {
      await runInParallel(steps, parallel, runStep, hooks.mapInUse)
    } finally {
      await engines?.close()
    }
    await merge.insertRunGridIssues(db, runId, run.layerIds, srid)
    await refreshStatistics(db, ['unified_grids', 'unified_grid_sources', 'merge_issues'])
    const t = performance.now()
    const alignment = await merge.findAlignment(db, runId)
    const alignmentMs = performance.now() - t
    const stats = {
      communities: communities.length,
      faces: faceCount,
      unifiedGrids: await merge.countUnifiedGrids(db, runId),
      issues: await merge.countIssues(db, runId),
      metricSrid: srid,
      totalMs: Math.round(performance.now() - started),
      ...Object.fromEntries(Object.entries({ ...timings, alignmentMs }).map(([k, v]) => [k, Math.round(v)])),
    }
    await merge.updateMergeRun(db, runId, { status: 'succeeded', progress: 1, stats, alignment, finished: true })
  } catch (error) {
    // a failed run leaves nothing behind but its record; the published version was never touched
    await merge.dropStepTables(db)
    await merge.deleteRunResults(db, runId)
    await merge.updateMergeRun(db, runId, { status: 'failed', error: (error as Error).message, finished: true })
  }
  return (await merge.findMergeRun(db, runId))!
}

export async function getMergeRun(db: Kysely<Tables>, runId: number): Promise<merge.MergeRunRow> {
  const run = await merge.findMergeRun(db, runId)
  if (!run) throw new NotFoundError(`No merge run has the id ${runId}`)
  return run
}

export async function publishMerge(db: Kysely<Tables>, runId: number): Promise<merge.MergeRunRow> {
  const run = await getMergeRun(db, runId)
  if (run.status !== 'succeeded')
    throw new ConflictError(`Merge run ${runId} is ${run.status}: only a succeeded run can be published`)
  await db.transaction().execute((trx) => merge.publishRun(trx, runId))
  return getMergeRun(db, runId)
}

export async function listMergeIssues(
  db: Kysely<Tables>,
  runId: number,
  filter: Parameters<typeof merge.findIssues>[2],
) {
  await getMergeRun(db, runId)
  return merge.findIssues(db, runId, filter)
}

export async function diffMerges(db: Kysely<Tables>, from: number, to: number) {
  await getMergeRun(db, from)
  await getMergeRun(db, to)
  const rows = await merge.diffRuns(db, from, to, await merge.findMetricSrid(db), 0.01)
  return {
    from,
    to,
    added: rows.filter((r) => r.change === 'added'),
    removed: rows.filter((r) => r.change === 'removed'),
    reshaped: rows.filter((r) => r.change === 'reshaped'),
  }
}
