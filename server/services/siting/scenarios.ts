// Siting scenarios: maximal and set covering over supplied or generated candidates (minus an
// exclusion mask), greedy and exact, saved with parameters and results; read, listed and compared
// within the caller's scope.
import * as repo from '../../db/repositories/siting.repository.ts'
import { LocalizedInputError, type LocalizedText, NotFoundError } from '../../errors.ts'
import type { Scenario, ScenarioRequest } from '../../schemas/siting.schema.ts'
import { reduceCoverage } from './coverage-reduction.ts'
import { buildCoverageSets, coverageSetsFromPairs, validateRadius } from './coverage-sets.ts'
import { exactAtLeastFast, exactReport } from './exact-answer.ts'
import { ExactRunner, graceSeconds } from './exact-runner.ts'
import {
  type Heuristic,
  type SitingSolution,
  heuristicLabels,
  solveMaximalCoveringFast,
  solveSetCoveringGreedy,
} from './greedy.ts'
import { validateK } from './solve-inputs.ts'
import { type SitingData, type SitingScope, project } from './siting-data.ts'
import { metresInMinutes, validateSpeed } from './walkability.ts'
import { findCatchmentPairs } from './walking-areas.ts'
import { snapPoints } from './walking-graph.ts'
import { inMask, maskPolygons } from './exclusion-mask.ts'

export interface ProposedSite {
  lon: number
  lat: number
  /** residents this site adds, in the order chosen */
  gain: number
  source?: string
}

interface SolverSummary {
  solver: 'greedy' | 'exact'
  /** the fast solver's heuristic (greedy, or greedy + interchange) and its name in both languages */
  heuristic: Heuristic | null
  heuristicLabel: { 'zh-CN': string; en: string } | null
  /** residents pure greedy's picks add (the fast solver's figure before its polish) */
  greedyNewlyCovered: number | null
  status: string
  sites: ProposedSite[]
  newlyCovered: number
  covered: number
  coveredShare: number
  runtimeMs: number
  gap: number | null
  bestBound: number | null
  /** where the exact solver's bound comes from (lagrangian, branch-and-bound, highs, greedy-bound) */
  boundMethod: string | null
  /** both languages, stored so; the API answers in the request's (older rows hold one string) */
  message: LocalizedText | string | null
}

export class Scenarios {
  constructor(
    private readonly data: SitingData,
    /** the exact solver's threads (kept warm between solves) */
    private readonly exactRunner = new ExactRunner(),
  ) {}

  async createScenario(input: ScenarioRequest, scope: SitingScope = {}) {
    const started = performance.now()
    const objective = input.objective ?? 'max_covering'
    const method = input.method ?? 'radius'
    const solver = input.solver ?? 'greedy'
    const radiusM = input.radiusM ?? this.data.settings.serviceRadii.communityUrban
    const minutes = input.minutes ?? 15
    const speed = input.speed ?? this.data.settings.walkingSpeed
    const timeLimitSeconds = input.timeLimitSeconds ?? 10
    validateRadius(radiusM, 'radiusM')
    validateSpeed(speed)
    this.data.validateMinutes(minutes)
    const mask = maskPolygons(input.exclusion)
    if (!Number.isFinite(timeLimitSeconds) || timeLimitSeconds < 0.1 || timeLimitSeconds > 120)
      throw new LocalizedInputError(
        {
          'zh-CN': '求解时限必须在 0.1 到 120 秒之间（字段 timeLimitSeconds）',
          en: 'The time limit must be between 0.1 and 120 seconds (field timeLimitSeconds)',
        },
        [{ field: 'timeLimitSeconds' }],
      )
    if (objective === 'max_covering' && input.k === undefined)
      throw new LocalizedInputError(
        { 'zh-CN': '最大覆盖需要新建数量 k（字段 k）', en: 'Maximal covering needs the number k to build (field k)' },
        [{ field: 'k' }],
      )
    if (objective === 'set_covering' && input.targetShare === undefined)
      throw new LocalizedInputError(
        {
          'zh-CN': '集合覆盖需要目标覆盖率（字段 targetShare）',
          en: 'Set covering needs a target share (field targetShare)',
        },
        [{ field: 'targetShare' }],
      )
    const { region, prefix } = await this.data.region(input.region, scope)
    this.data.events?.progress({ type: 'siting-progress', task: 'scenario', stage: 'started', region: region.code })
    const demand = await this.data.demand(prefix)
    const total = demand.rows.residents.reduce((a, b) => a + b, 0)
    if (demand.x.length === 0 || total === 0)
      throw new LocalizedInputError(
        {
          'zh-CN': `区划 ${region.code} 内没有常住人口（字段 region）`,
          en: `The region has no residents (field region)`,
        },
        [{ field: 'region' }],
      )
    const centres = await repo.findCentres(this.data.db)
    const { frame } = demand
    const { times } = await this.data.coverCounts(demand, centres, method, minutes, speed)
    const coveredByFixed = new Uint8Array(times.length)
    let coveredBefore = 0
    for (let i = 0; i < times.length; i++)
      if (times[i] > 0) {
        coveredByFixed[i] = 1
        coveredBefore += demand.rows.residents[i]
      }

    // candidates: supplied, or generated where residents are uncovered; minus the exclusion mask
    let offered: { lon: number; lat: number; source: string }[]
    if (input.candidates && input.candidates.length > 0) {
      input.candidates.forEach((c, j) => {
        if (!Number.isFinite(c.lon) || !Number.isFinite(c.lat) || Math.abs(c.lat) > 90 || Math.abs(c.lon) > 180)
          throw new LocalizedInputError(
            {
              'zh-CN': `第 ${j} 个候选点坐标无效（字段 candidates）`,
              en: `Candidate ${j} has invalid coordinates (field candidates)`,
            },
            [{ field: 'candidates', feature: j }],
          )
      })
      offered = input.candidates.map((c) => ({ lon: c.lon, lat: c.lat, source: 'supplied' }))
    } else if ((input.generate ?? 'cells') === 'cells') {
      const cellM = input.cellM ?? 500
      if (!Number.isFinite(cellM) || cellM < 50 || cellM > 5000)
        throw new LocalizedInputError(
          {
            'zh-CN': '候选网格边长必须在 50 到 5000 米之间（字段 cellM）',
            en: 'The candidate cell size must be between 50 and 5000 m (field cellM)',
          },
          [{ field: 'cellM' }],
        )
      const cells = new Map<string, { sx: number; sy: number; w: number }>()
      for (let i = 0; i < times.length; i++) {
        if (coveredByFixed[i]) continue
        const w = demand.rows.residents[i]
        if (w <= 0) continue
        const key = `${Math.floor(demand.x[i] / cellM)},${Math.floor(demand.y[i] / cellM)}`
        const cell = cells.get(key) ?? { sx: 0, sy: 0, w: 0 }
        cell.sx += demand.x[i] * w
        cell.sy += demand.y[i] * w
        cell.w += w
        cells.set(key, cell)
      }
      offered = [...cells.values()].map((c) => ({
        lon: frame.lon(c.sx / c.w),
        lat: frame.lat(c.sy / c.w),
        source: 'cell',
      }))
    } else {
      const uncoveredGrids = new Set<string>()
      const indexById = new Map<number, number>()
      for (let i = 0; i < times.length; i++) indexById.set(demand.rows.id[i], i)
      for (const p of await repo.findUnifiedGridPoints(this.data.db, prefix)) {
        const i = indexById.get(p.pointId)
        if (i !== undefined && !coveredByFixed[i] && demand.rows.residents[i] > 0) uncoveredGrids.add(p.code)
      }
      offered = (await repo.findUnifiedGridCentroids(this.data.db, prefix))
        .filter((g) => uncoveredGrids.has(g.code))
        .map((g) => ({ lon: g.lon, lat: g.lat, source: `unified_grid:${g.code}` }))
    }
    const excluded = offered.filter((c) => inMask(c.lon, c.lat, mask)).length
    const candidates = offered.filter((c) => !inMask(c.lon, c.lat, mask))
    if (candidates.length === 0)
      throw new LocalizedInputError(
        {
          'zh-CN': `没有候选点${excluded > 0 ? `（${excluded} 个在排除区内）` : ''}（字段 candidates）`,
          en: `No candidates${excluded > 0 ? ` (${excluded} lie in the exclusion area)` : ''} (field candidates)`,
        },
        [{ field: 'candidates' }],
      )
    if (objective === 'max_covering') validateK(input.k!, candidates.length)

    const cxy = project(
      frame,
      candidates.map((c) => c.lon),
      candidates.map((c) => c.lat),
    )
    let sets
    let unsnappedCandidates: number[] = []
    let unsnappedDemand = 0
    if (method === 'radius') {
      sets = buildCoverageSets(
        { x: demand.x, y: demand.y, weight: demand.rows.residents },
        { x: cxy.x, y: cxy.y, radius: radiusM },
      )
      sets = coverageSetsFromPairs(demand.rows.residents, candidates.length, pairsOf(sets), coveredByFixed)
    } else {
      const { graph } = await this.data.walkingGraph(frame)
      const demandSnap = snapPoints(graph, demand.x, demand.y, this.data.settings.snapDistanceM)
      unsnappedDemand = demandSnap.unsnapped.length
      if (demandSnap.unsnapped.length === demand.x.length)
        throw new LocalizedInputError(
          {
            'zh-CN': `路网中没有距离需求点 ${this.data.settings.snapDistanceM} 米以内的可步行道路（字段 method）`,
            en: `No walkable road lies within ${this.data.settings.snapDistanceM} m of the demand points (field method)`,
          },
          [{ field: 'method' }],
        )
      const candSnap = snapPoints(graph, cxy.x, cxy.y, this.data.settings.snapDistanceM)
      unsnappedCandidates = candSnap.unsnapped
      if (candSnap.unsnapped.length === candidates.length)
        throw new LocalizedInputError(
          {
            'zh-CN': `没有候选点在可步行道路 ${this.data.settings.snapDistanceM} 米以内（字段 candidates）`,
            en: `No candidate lies within ${this.data.settings.snapDistanceM} m of a walkable road (field candidates)`,
          },
          [{ field: 'candidates' }],
        )
      const pairs = findCatchmentPairs(graph, candSnap, demandSnap, metresInMinutes(minutes, speed))
      sets = coverageSetsFromPairs(
        demand.rows.residents,
        candidates.length,
        { candidate: pairs.centre, demand: pairs.demand },
        coveredByFixed,
      )
    }
    const reduced = reduceCoverage(sets)
    const summaries: SolverSummary[] = []
    const site = (solution: SitingSolution) =>
      solution.sites.map((j, n) => ({
        lon: candidates[j].lon,
        lat: candidates[j].lat,
        gain: solution.gains[n],
        source: candidates[j].source,
      }))
    const summarize = (solution: SitingSolution, extra: Partial<SolverSummary> = {}): SolverSummary => ({
      solver: solution.solver,
      heuristic: solution.solver === 'greedy' ? (solution.heuristic ?? 'greedy') : null,
      heuristicLabel: solution.solver === 'greedy' ? heuristicLabels[solution.heuristic ?? 'greedy'] : null,
      greedyNewlyCovered: solution.solver === 'greedy' ? (solution.greedyNewlyCoveredWeight ?? null) : null,
      status: 'ok',
      sites: site(solution),
      newlyCovered: solution.newlyCoveredWeight,
      covered: solution.coveredWeight,
      coveredShare: solution.coveredShare,
      runtimeMs: Math.round(solution.runtimeMs),
      gap: null,
      bestBound: null,
      boundMethod: null,
      message: null,
      ...extra,
    })
    this.data.events?.progress({ type: 'siting-progress', task: 'scenario', stage: 'solving', region: region.code })
    // the fast solver always runs (the exact answer is never worse than it, and it is the fallback
    // when a solve is stopped): greedy + interchange for maximal covering, greedy for set covering
    const greedy =
      objective === 'max_covering'
        ? solveMaximalCoveringFast(reduced, input.k!)
        : solveSetCoveringGreedy(reduced, input.targetShare!)
    if ('status' in greedy && greedy.status === 'unreachable')
      throw new LocalizedInputError(greedy.message, [{ field: 'targetShare' }])
    const greedySolution = greedy as SitingSolution
    if (solver !== 'exact') summaries.push(summarize(greedySolution))
    if (solver !== 'greedy') {
      const exact =
        objective === 'max_covering'
          ? await this.exactRunner.maximalCovering(reduced, input.k!, timeLimitSeconds)
          : await this.exactRunner.setCovering(reduced, input.targetShare!, timeLimitSeconds)
      if (exact === undefined)
        summaries.push(
          summarize(
            {
              ...greedySolution,
              solver: 'exact',
              runtimeMs: (timeLimitSeconds + graceSeconds(timeLimitSeconds)) * 1000,
            },
            {
              status: 'stopped',
              message: {
                'zh-CN': `精确求解超过时限 ${timeLimitSeconds} 秒仍未结束，已终止，返回快速求解的结果`,
                en: `the exact solve overran its time limit of ${timeLimitSeconds} s and was stopped: the fast solver's answer is returned`,
              },
            },
          ),
        )
      else if (exact.status === 'unreachable') throw new LocalizedInputError(exact.message, [{ field: 'targetShare' }])
      else {
        const { solution, ...reported } =
          objective === 'max_covering'
            ? exactAtLeastFast(exact, greedySolution)
            : { solution: exact, ...exactReport(exact) }
        summaries.push(summarize(solution, reported))
      }
    }
    // the answer: the exact one when run (never worse than the fast solver's), else the fast one
    const best = summaries[summaries.length - 1]
    const runtimeMs = Math.round(performance.now() - started)
    const params = {
      objective,
      k: input.k ?? null,
      targetShare: input.targetShare ?? null,
      method,
      radiusM: method === 'radius' ? radiusM : null,
      minutes: method === 'network' ? minutes : null,
      speed: method === 'network' ? speed : null,
      generate: input.candidates?.length ? null : (input.generate ?? 'cells'),
      cellM: input.cellM ?? null,
      exclusion: input.exclusion ?? null,
      solver,
      timeLimitSeconds,
    }
    let households = 0
    for (let i = 0; i < demand.rows.households.length; i++) households += demand.rows.households[i]
    const result = {
      solvers: summaries,
      householdsPerResident: total > 0 ? households / total : 0,
      candidateCount: candidates.length,
      excludedCandidates: excluded,
      unsnappedCandidates: unsnappedCandidates.length,
      unsnappedDemand,
      uncoverable: reduced.uncoverableWeight,
    }
    const id = await repo.insertScenario(this.data.db, {
      name:
        input.name?.trim() ||
        `${region.name} ${objective === 'max_covering' ? `新建 ${input.k} 处` : `覆盖率 ${share(input.targetShare!)}`}`,
      regionCode: region.code,
      solver,
      objective,
      method,
      params,
      candidates,
      chosen: best.sites,
      coveredBefore,
      coveredAfter: best.covered,
      totalResidents: total,
      optimalityGap: best.gap,
      runtimeMs,
      result,
    })
    this.data.events?.progress({ type: 'siting-progress', task: 'scenario', stage: 'stored', region: region.code })
    await this.data.events?.recordChange({
      kind: 'siting',
      layers: [],
      regions: [region.code],
      details: { scenarioId: id },
    })
    return this.scenario(id)
  }

  /** A saved scenario; one for a region outside the caller's scope is not found. */
  async scenario(id: number, scope: SitingScope = {}) {
    const row = await repo.findScenario(this.data.db, id, scope)
    if (!row) throw new NotFoundError({ 'zh-CN': `选址方案 ${id} 不存在`, en: `Siting scenario ${id} not found` })
    return scenarioOut(row)
  }

  /** Side by side: covered residents, new sites and a cost proxy (floor area the added households need). */
  async compareScenarios(ids: number[], scope: SitingScope = {}) {
    const scenarios = await Promise.all(ids.map((id) => this.scenario(id, scope)))
    return {
      scenarios: scenarios.map((s) => {
        const added = s.coveredAfter - s.coveredBefore
        const perResident = Number((s.result as { householdsPerResident?: number }).householdsPerResident ?? 0)
        return {
          id: s.id,
          name: s.name,
          method: s.method,
          objective: s.objective,
          newSites: s.chosen.length,
          coveredBefore: s.coveredBefore,
          coveredAfter: s.coveredAfter,
          coveredShareAfter: s.totalResidents > 0 ? s.coveredAfter / s.totalResidents : 0,
          addedResidents: added,
          costProxyM2: Math.round(added * perResident * 0.3),
        }
      }),
    }
  }

  async listScenarios(region?: string, scope: SitingScope = {}) {
    const prefix = region ? (await this.data.region(region, scope)).prefix : scope.regionPrefix
    return (await repo.listScenarios(this.data.db, prefix ? { regionPrefix: prefix } : {})).map((row) => ({
      id: Number(row.id),
      name: row.name,
      regionCode: row.regionCode,
      solver: row.solver,
      objective: row.objective,
      method: row.method,
      newSites: (row.chosen as unknown[]).length,
      coveredBefore: Number(row.coveredBefore),
      coveredAfter: Number(row.coveredAfter),
      totalResidents: Number(row.totalResidents),
      optimalityGap: row.optimalityGap,
      runtimeMs: row.runtimeMs,
      createdAt: row.createdAt,
    }))
  }
}

function share(s: number): string {
  return `${(s * 100).toFixed(1)}%`
}

function pairsOf(sets: { candidateStarts: Int32Array; candidateDemand: Int32Array; candidateCount: number }) {
  const candidate = new Int32Array(sets.candidateDemand.length)
  for (let j = 0; j < sets.candidateCount; j++) candidate.fill(j, sets.candidateStarts[j], sets.candidateStarts[j + 1])
  return { candidate, demand: sets.candidateDemand }
}

function scenarioOut(row: NonNullable<Awaited<ReturnType<typeof repo.findScenario>>>): Scenario {
  return {
    id: Number(row.id),
    name: row.name,
    regionCode: row.regionCode,
    solver: row.solver,
    objective: row.objective,
    method: row.method,
    params: row.params,
    chosen: row.chosen as ProposedSite[],
    candidateCount: (row.candidates as unknown[]).length,
    coveredBefore: Number(row.coveredBefore),
    coveredAfter: Number(row.coveredAfter),
    totalResidents: Number(row.totalResidents),
    optimalityGap: row.optimalityGap,
    runtimeMs: row.runtimeMs,
    result: row.result as Scenario['result'],
    createdAt: row.createdAt,
  }
}
