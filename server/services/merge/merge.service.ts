// 多网合一: merge the selected department layers into one unified grid per community, find every
// gap, overlap, sliver and boundary problem, and score each department's alignment. A run works in
// short per-batch transactions (PGlite has one connection, so the map keeps being served), writes
// only rows of its own, and is published by switching the active version.
import type { Kysely } from 'kysely'
import { findRunCommunities } from '../../db/repositories/data-changes.repository.ts'
import * as diff from '../../db/repositories/merge-diff.repository.ts'
import * as issues from '../../db/repositories/merge-issues.repository.ts'
import * as runs from '../../db/repositories/merge-runs.repository.ts'
import type { DriverName } from '../../db/database.ts'
import type { RegionScope } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import { ConflictError, LocalizedInputError, NotFoundError } from '../../errors.ts'
import type {
  MergeDefaults,
  MergeDiff,
  MergeIssueList,
  MergeIssuesQuery,
  MergeRequest,
  HouseholdSource,
} from '../../schemas/merge.schema.ts'
import { narrowScope } from '../auth/roles.ts'
import type { ChangeRecorder } from '../events/events.service.ts'
import type { TileService } from '../tiles/tiles.service.ts'
import { planHouseholds } from './merge-households.ts'
import { mergeMessages } from './merge-messages.ts'
import { mergeDefaults, toMergeParams } from './merge-params.ts'
import { type MergeHooks, executeMerge, mergeExecutionFor, prepareMerges } from './merge-run.ts'

export interface MergeServiceOptions {
  /** how a run is stepped depends on the driver (see mergeExecutionFor) */
  driver: DriverName
  /** steps run one at a time while the map renders tiles */
  tiles?: Pick<TileService, 'renderedWithin'>
  /** where a run started in the background reports a crash (its own failure is recorded in its row) */
  log?: { error(details: object, message: string): void }
  /** told of each step of a background run and of every publish */
  events?: ChangeRecorder
}

export class MergeService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly options: MergeServiceOptions,
  ) {}

  /** Every request parameter's default and bounds. */
  defaults(): MergeDefaults {
    return mergeDefaults()
  }

  /**
   * Creates the run (status pending) after checking what it will merge; executeRun does the work.
   * `batchSize`: communities a step (the driver's choice when the run is started by startRun).
   */
  async createRun(request: MergeRequest & { batchSize?: number }): Promise<number> {
    const params = toMergeParams(request)
    let layers = await runs.findLayersForMerge(this.db, params.layerIds)
    const departmentsOf = (of: { department: string }[]) => [...new Set(of.map((l) => l.department))].sort()
    if (params.departments) {
      const wanted = new Set(params.departments)
      const missing = params.departments.filter((d) => !layers.some((l) => l.department === d))
      if (missing.length > 0)
        throw new LocalizedInputError(mergeMessages.noLayerForDepartment(missing, departmentsOf(layers)), {
          field: 'departments',
        })
      layers = layers.filter((l) => wanted.has(l.department))
    }
    if (params.layerIds && layers.length !== new Set(params.layerIds).size) {
      const missing = params.layerIds.filter((id) => !layers.some((l) => l.id === id))
      throw new LocalizedInputError(mergeMessages.noLayerWithId(missing), { field: 'layerIds' })
    }
    if (layers.length === 0) throw new LocalizedInputError(mergeMessages.noLayers(), { field: 'layerIds' })
    const doubled = departmentsOf(layers).filter((d) => layers.filter((l) => l.department === d).length > 1)
    if (doubled.length > 0)
      throw new LocalizedInputError(mergeMessages.oneLayerPerDepartment(doubled), { field: 'layerIds' })
    if (params.strategy === 'base_department' && !layers.some((l) => l.department === params.baseDepartment)) {
      throw new LocalizedInputError(mergeMessages.baseDepartmentMissing(params.baseDepartment, departmentsOf(layers)), {
        field: 'baseDepartment',
      })
    }
    // household-balanced: households from the layers' 户数, else the population points, else refused
    let householdSource: HouseholdSource | null = null
    if (params.strategy === 'household_balanced') {
      const data = await runs.findHouseholdData(
        this.db,
        layers.map((l) => l.id),
      )
      const plan = planHouseholds(data, params.baseDepartment)
      if (!plan) throw new LocalizedInputError(mergeMessages.noHouseholds(departmentsOf(layers)), { field: 'strategy' })
      householdSource = plan.source
    }
    const { layerIds: _layerIds, departments: _departments, ...stored } = params
    return runs.insertMergeRun(this.db, {
      strategy: params.strategy,
      params: stored,
      layerIds: layers.map((l) => l.id),
      householdSource,
    })
  }

  /** Runs a created run to its end: succeeded, or failed with nothing left behind but its record. */
  executeRun(runId: number, hooks: MergeHooks = {}): Promise<runs.MergeRunRow> {
    return executeMerge(this.db, runId, hooks)
  }

  /** Creates a run and starts it in the background, stepped as the driver wants; answers the pending run. */
  async startRun(request: MergeRequest): Promise<runs.MergeRunRow> {
    const execution = mergeExecutionFor(this.options.driver, this.options.tiles)
    const id = await this.createRun({ ...request, ...execution.request })
    const events = this.options.events
    const hooks: MergeHooks = {
      ...execution.hooks,
      onStep: (step) => events?.progress({ type: 'merge-progress', ...step, status: 'running' }),
    }
    // Not awaited: the run reports its progress in the database; its own failure is recorded there.
    void executeMerge(this.db, id, hooks).then(
      (run) => events?.progress({ type: 'merge-progress', runId: id, done: 1, total: 1, status: run.status }),
      (error: unknown) => {
        events?.progress({ type: 'merge-progress', runId: id, done: 0, total: 1, status: 'failed' })
        this.options.log?.error({ err: error, runId: id }, 'merge run crashed')
      },
    )
    return this.getRun(id)
  }

  /** Readies the embedded engines ahead of a run (none on server PostGIS). */
  prepareEngines(): Promise<{ engines: number }> {
    return prepareMerges(this.options.driver)
  }

  async getRun(runId: number): Promise<runs.MergeRunRow> {
    const run = await runs.findMergeRun(this.db, runId)
    if (!run) throw new NotFoundError(mergeMessages.notFound(runId))
    return run
  }

  async publishRun(runId: number): Promise<runs.MergeRunRow> {
    const run = await this.getRun(runId)
    if (run.status !== 'succeeded') throw new ConflictError(mergeMessages.notPublishable(runId, run.status))
    await this.db.transaction().execute((trx) => runs.publishRun(trx, runId))
    await this.options.events?.recordChange({
      kind: 'publish',
      layers: ['unified-grids', 'merge-issues'],
      regions: await findRunCommunities(this.db, runId),
      details: { runId },
    })
    return this.getRun(runId)
  }

  /**
   * A run's issues in the caller's scope (and the requested region): a street official sees the
   * issues of their street's communities only; a region outside the scope is not found. (A run itself
   * — its progress, parameters and district-wide statistics — is no region's and any reader sees it.)
   */
  async listIssues(runId: number, query: MergeIssuesQuery, scope: RegionScope = {}): Promise<MergeIssueList> {
    await this.getRun(runId)
    const { kind, department, region, limit = 100, offset = 0 } = query
    const narrowed = narrowScope(scope, region)
    if (!narrowed)
      throw new NotFoundError({
        'zh-CN': `区划 ${region} 不在可查看范围内`,
        en: `Region ${region} is outside your scope`,
      })
    return issues.findIssues(this.db, runId, { kind, department, regionPrefix: narrowed.regionPrefix, limit, offset })
  }

  /** Unified grids added, removed and reshaped, of the communities in the caller's scope. */
  async diffRuns(from: number, to: number, scope: RegionScope = {}): Promise<MergeDiff> {
    await this.getRun(from)
    await this.getRun(to)
    const rows = await diff.diffRuns(this.db, from, to, await runs.findMetricSrid(this.db), 0.01, scope)
    return {
      from,
      to,
      added: rows.filter((r) => r.change === 'added'),
      removed: rows.filter((r) => r.change === 'removed'),
      reshaped: rows.filter((r) => r.change === 'reshaped'),
    }
  }
}
