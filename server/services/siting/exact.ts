// The exact siting models.
//
//   maximal covering:  max Σ w_r·y_r   s.t.  y_r ≤ Σ_{j∈N(r)} x_j,  Σ x_j ≤ k,      x binary, 0 ≤ y ≤ 1
//   set covering:      min Σ x_j       s.t.  y_r ≤ Σ_{j∈N(r)} x_j,  Σ w_r·y_r ≥ W,  x binary, 0 ≤ y ≤ 1
//
// over the reduced instance (rows = merged demand patterns), so y needs no integrality once x is
// binary. Maximal covering is solved here (lagrangian.ts): a Lagrangian relaxation of the coverage
// rows bounds it from above, greedy with swap local search from below, and a branch and bound on
// the sites closes the gap; HiGHS's root LP alone takes longer than the whole time target on
// the bench's clustered instances. Set covering goes to HiGHS (the `highs` package, WebAssembly)
// as compressed columns, greedy's answer as the MIP start. Either way greedy's answer is kept when
// the solver ends with nothing better, so the exact result is never worse than greedy's, and the
// bound is reported with where it comes from (and, when a solve stops before proving a useful one,
// a bound computed from greedy's picks, said so).

import { LocalizedInputError, type LocalizedText } from '../../errors.ts'
import { type ReducedCoverage, dropDominatedCandidates } from './coverage-reduction.ts'
import {
  type ExactOptions,
  type ExactStatus,
  buildColumns,
  coveredWeightOf,
  loadSolver,
  runHighs,
  startFrom,
} from './exact-highs.ts'
import { solveMaximalCoveringLagrangian } from './lagrangian.ts'
import {
  type SitingSolution,
  pickMaximalCoveringGreedy,
  siteCountLowerBound,
  solveSetCoveringGreedy,
  submodularUpperBound,
} from './greedy.ts'
import {
  bestReachableShare,
  requiredNewWeight,
  unreachableMessage,
  validateK,
  validateTargetShare,
} from './solve-inputs.ts'

export type { ExactOptions, ExactStatus } from './exact-highs.ts'

export const exactDefaults = { timeLimitSeconds: 60, relativeGap: 0.001, lpSolver: 'ipm' } as const
export const exactBounds = { timeLimitSeconds: { min: 0.01, max: 3600 }, relativeGap: { min: 0, max: 1 } } as const

export interface ExactSolution extends SitingSolution {
  solver: 'exact'
  status: ExactStatus
  /**
   * which answer is returned: the own search's (maximal covering), HiGHS's incumbent (set
   * covering), or greedy's when neither found anything better
   */
  returned: 'search' | 'highs' | 'greedy'
  /** the objective of the returned answer: new residents covered (max covering) or new sites (set covering) */
  objective: number
  /** the best proven bound: an upper bound for max covering, a lower bound for set covering */
  bestBound: number
  /**
   * where the bound comes from: maximal covering's Lagrangian relaxation at the root alone
   * ('lagrangian') or with branch and bound ('branch-and-bound'); set covering's HiGHS dual bound
   * ('highs'); or, when a solve stopped before proving a useful one, a bound computed from greedy's
   * picks ('greedy-bound')
   */
  boundSource: 'lagrangian' | 'branch-and-bound' | 'highs' | 'greedy-bound'
  /** maximal covering: the search's nodes, subgradient iterations and root bound */
  search?: { nodes: number; iterations: number; rootBound: number }
  /** |bestBound − objective| / |objective| (HiGHS's definition), for the returned answer */
  gap: number
  /** the solver's own gap for its incumbent (HiGHS's mip_gap, or the search's), for comparison */
  solverGap: number
  /** the greedy answer the exact one was checked against */
  greedy: SitingSolution
  /** seconds the solver ran (HiGHS's report, or the search's wall time) */
  solverSeconds: number
  /** zh-CN first; present when the answer is not proven optimal */
  message?: LocalizedText
}

function validateOptions(options: ExactOptions): Required<ExactOptions> {
  const timeLimitSeconds = options.timeLimitSeconds ?? exactDefaults.timeLimitSeconds
  const relativeGap = options.relativeGap ?? exactDefaults.relativeGap
  const t = exactBounds.timeLimitSeconds
  if (!Number.isFinite(timeLimitSeconds) || timeLimitSeconds < t.min || timeLimitSeconds > t.max)
    throw new LocalizedInputError(
      {
        'zh-CN': `求解时限必须在 ${t.min} 到 ${t.max} 秒之间（字段 timeLimitSeconds）`,
        en: `the time limit must be from ${t.min} to ${t.max} seconds (field timeLimitSeconds)`,
      },
      [{ field: 'timeLimitSeconds' }],
    )
  if (!Number.isFinite(relativeGap) || relativeGap < 0 || relativeGap > 1)
    throw new LocalizedInputError(
      {
        'zh-CN': '相对间隙必须在 0 到 1 之间（字段 relativeGap）',
        en: 'the relative gap must be from 0 to 1 (field relativeGap)',
      },
      [{ field: 'relativeGap' }],
    )
  const lpSolver = options.lpSolver ?? exactDefaults.lpSolver
  if (!['choose', 'simplex', 'ipm'].includes(lpSolver))
    throw new LocalizedInputError(
      {
        'zh-CN': 'LP 求解方法必须是 choose、simplex 或 ipm（字段 lpSolver）',
        en: 'the LP method must be choose, simplex or ipm (field lpSolver)',
      },
      [{ field: 'lpSolver' }],
    )
  return { timeLimitSeconds, relativeGap, lpSolver }
}

/** HiGHS's relative gap: |bound − objective| / |objective|; 0 when both are 0. */
export function relativeGapOf(objective: number, bound: number): number {
  const difference = Math.abs(bound - objective)
  if (difference <= 1e-9 * Math.max(1, Math.abs(objective))) return 0
  return Math.abs(objective) > 0 ? difference / Math.abs(objective) : Infinity
}

function sitesOf(reduced: ReducedCoverage, chosen: Uint8Array): number[] {
  const sites: number[] = []
  for (let j = 0; j < chosen.length; j++) if (chosen[j] === 1) sites.push(reduced.candidateOriginal[j])
  return sites.sort((a, b) => a - b)
}

/** Residents each site adds, in the order given, each counted once (for the same shape as greedy). */
function gainsInOrder(reduced: ReducedCoverage, sites: number[]): number[] {
  const covered = new Uint8Array(reduced.rowWeight.length)
  return sites.map((original) => {
    const j = reduced.candidateReduced[original]
    let gain = 0
    for (let k = reduced.candidateStarts[j]; k < reduced.candidateStarts[j + 1]; k++) {
      const r = reduced.candidateRows[k]
      if (covered[r] === 0) {
        covered[r] = 1
        gain += reduced.rowWeight[r]
      }
    }
    return gain
  })
}

function statusMessage(
  status: ExactStatus,
  gap: number,
  returned: ExactSolution['returned'],
): LocalizedText | undefined {
  const gapText = (unknown: string) => (Number.isFinite(gap) ? `${(gap * 100).toFixed(3)}%` : unknown)
  if (status === 'time_limit')
    return {
      'zh-CN': `求解达到时限，结果未证明最优，相对间隙 ${gapText('未知')}${returned === 'greedy' ? '，返回贪心解' : ''}（字段 timeLimitSeconds）`,
      en: `time limit reached before optimality was proven, relative gap ${gapText('unknown')}${returned === 'greedy' ? "; greedy's answer is returned" : ''} (field timeLimitSeconds)`,
    }
  if (status === 'infeasible')
    return { 'zh-CN': '模型无可行解（字段 targetShare）', en: 'the model has no feasible solution (field targetShare)' }
  return undefined
}

/**
 * Maximal covering, exact: up to k new sites covering the most residents not yet covered.
 * Never worse than greedy's answer, which is also returned for comparison.
 */
export async function solveMaximalCoveringExact(
  reduced: ReducedCoverage,
  k: number,
  options: ExactOptions = {},
): Promise<ExactSolution> {
  validateK(k, reduced.originalCandidateCount)
  const settings = validateOptions(options)
  const startedAt = performance.now()
  const greedyPicks = pickMaximalCoveringGreedy(reduced, k)
  const greedy: SitingSolution = {
    solver: 'greedy',
    sites: greedyPicks.sites.map((j) => reduced.candidateOriginal[j]),
    gains: greedyPicks.gains,
    newlyCoveredWeight: greedyPicks.coveredWeight,
    coveredWeight: reduced.fixedCoveredWeight + greedyPicks.coveredWeight,
    totalWeight: reduced.totalWeight,
    coveredShare:
      reduced.totalWeight > 0 ? (reduced.fixedCoveredWeight + greedyPicks.coveredWeight) / reduced.totalWeight : 0,
    runtimeMs: performance.now() - startedAt,
  }
  const finish = (
    sites: number[],
    newly: number,
    status: ExactStatus,
    returned: ExactSolution['returned'],
    bound: number,
    solverGap: number,
    seconds: number,
    boundSource: ExactSolution['boundSource'] = 'highs',
  ): ExactSolution => {
    const gap = relativeGapOf(newly, bound)
    const covered = reduced.fixedCoveredWeight + newly
    return {
      solver: 'exact',
      status,
      returned,
      sites,
      gains: gainsInOrder(reduced, sites),
      newlyCoveredWeight: newly,
      coveredWeight: covered,
      totalWeight: reduced.totalWeight,
      coveredShare: reduced.totalWeight > 0 ? covered / reduced.totalWeight : 0,
      objective: newly,
      bestBound: bound,
      boundSource,
      gap,
      solverGap,
      greedy,
      solverSeconds: seconds,
      runtimeMs: performance.now() - startedAt,
      message: statusMessage(status, gap, returned),
    }
  }
  // Nothing to choose between: k sites can take every candidate that covers anyone, as greedy did.
  // HiGHS is not called; the bound is every coverable resident, which greedy reaches.
  if (reduced.candidateCount <= k)
    return finish(
      [...greedy.sites].sort((a, b) => a - b),
      greedyPicks.coveredWeight,
      'optimal',
      'greedy',
      reduced.coverableWeight,
      0,
      0,
      'greedy-bound',
    )

  // Dominated candidates out (a subset of another's residents: same optimum), then the Lagrangian
  // bound, swap local search and branch and bound (lagrangian.ts) within the time limit, starting
  // from greedy's sites (a dominated one replaced by its dominator).
  const { reduced: model, dominator } = dropDominatedCandidates(reduced)
  const search = solveMaximalCoveringLagrangian(model, k, {
    relativeGap: settings.relativeGap,
    deadline: startedAt + settings.timeLimitSeconds * 1000,
    start: [...new Set(greedyPicks.sites.map((j) => dominator[j]))],
  })
  const seconds = (performance.now() - startedAt) / 1000
  const best = Math.max(search.value, greedyPicks.coveredWeight)
  let bound = search.bound
  let boundSource: ExactSolution['boundSource'] = search.method
  if (!search.proven) {
    // stopped early: greedy's own bound may still be the tighter one
    const own = submodularUpperBound(reduced, greedyPicks.sites, k)
    if (own < bound) {
      bound = own
      boundSource = 'greedy-bound'
    }
  }
  bound = Math.max(bound, best)
  const status: ExactStatus = relativeGapOf(best, bound) <= settings.relativeGap + 1e-12 ? 'optimal' : 'time_limit'
  const searchGap = relativeGapOf(search.value, search.bound)
  const stats = { nodes: search.nodes, iterations: search.iterations, rootBound: search.rootBound }
  // The search's answer only when strictly better than greedy's.
  if (search.value > greedyPicks.coveredWeight)
    return {
      ...finish(
        sitesOf(model, toMask(model.candidateCount, search.sites)),
        search.value,
        status,
        'search',
        bound,
        searchGap,
        seconds,
        boundSource,
      ),
      search: stats,
    }
  return {
    ...finish(
      [...greedy.sites].sort((a, b) => a - b),
      greedyPicks.coveredWeight,
      status,
      'greedy',
      bound,
      searchGap,
      seconds,
      boundSource,
    ),
    search: stats,
  }
}

function toMask(m: number, sites: readonly number[]): Uint8Array {
  const mask = new Uint8Array(m)
  for (const j of sites) mask[j] = 1
  return mask
}

export type ExactSetCoveringResult =
  | (ExactSolution & { targetShare: number })
  | {
      status: 'unreachable'
      targetShare: number
      bestShare: number
      message: LocalizedText
      totalWeight: number
    }

/**
 * Set covering, exact: the fewest new sites reaching `targetShare` of all residents, or
 * `unreachable` with the best share possible. Never more sites than greedy's answer.
 */
export async function solveSetCoveringExact(
  reduced: ReducedCoverage,
  targetShare: number,
  options: ExactOptions = {},
): Promise<ExactSetCoveringResult> {
  validateTargetShare(targetShare)
  const settings = validateOptions(options)
  const startedAt = performance.now()
  const greedyResult = solveSetCoveringGreedy(reduced, targetShare)
  if (greedyResult.status === 'unreachable') return greedyResult
  const { status: _status, targetShare: _target, ...greedy } = greedyResult
  const needed = requiredNewWeight(reduced, targetShare)
  const finish = (
    sites: number[],
    status: ExactStatus,
    returned: 'highs' | 'greedy',
    bound: number,
    solverGap: number,
    seconds: number,
    boundSource: ExactSolution['boundSource'] = 'highs',
  ): ExactSolution & { targetShare: number } => {
    const gains = gainsInOrder(reduced, sites)
    const newly = gains.reduce((a, b) => a + b, 0)
    const covered = reduced.fixedCoveredWeight + newly
    const gap = relativeGapOf(sites.length, bound)
    return {
      solver: 'exact',
      status,
      returned,
      targetShare,
      sites,
      gains,
      newlyCoveredWeight: newly,
      coveredWeight: covered,
      totalWeight: reduced.totalWeight,
      coveredShare: reduced.totalWeight > 0 ? covered / reduced.totalWeight : 0,
      objective: sites.length,
      bestBound: bound,
      boundSource,
      gap,
      solverGap,
      greedy,
      solverSeconds: seconds,
      runtimeMs: performance.now() - startedAt,
      message: statusMessage(status, gap, returned),
    }
  }
  // Fixed centres already reach the target: no site is needed, and HiGHS is not called.
  if (needed <= 0) return finish([], 'optimal', 'greedy', 0, 0, 0, 'greedy-bound')

  const highs = await loadSolver()
  const model = buildColumns(reduced, 'coverage')
  const m = reduced.candidateCount
  const rows = reduced.rowWeight.length
  const colCost = new Float64Array(model.numCols)
  colCost.fill(1, 0, m)
  const rowLower = new Float64Array(model.numRows).fill(-highs.infinity)
  const rowUpper = new Float64Array(model.numRows)
  rowLower[rows] = needed
  rowUpper[rows] = highs.infinity
  const greedyReduced = greedy.sites.map((original) => reduced.candidateReduced[original])
  const run = runHighs(
    highs,
    reduced,
    model,
    'minimize',
    colCost,
    rowLower,
    rowUpper,
    startFrom(reduced, greedyReduced),
    settings,
  )
  if (run.status === 'infeasible')
    return {
      status: 'unreachable',
      targetShare,
      bestShare: bestReachableShare(reduced),
      message: unreachableMessage(targetShare, bestReachableShare(reduced)),
      totalWeight: reduced.totalWeight,
    }
  if (run.status === 'other') throw new Error(`HiGHS ended with model status ${run.statusCode} on a set covering model`)
  // A site count is whole: a fractional lower bound rounds up. Before HiGHS solves its root LP its
  // bound is −∞; the count the largest sites need is then the better (and always valid) bound.
  const own = siteCountLowerBound(reduced, needed)
  const highsBound = Number.isFinite(run.bound) ? Math.ceil(run.bound - 1e-6) : -Infinity
  const boundSource: ExactSolution['boundSource'] = highsBound >= own ? 'highs' : 'greedy-bound'
  const bound = Math.min(Math.max(highsBound, own), greedy.sites.length)
  if (run.chosen) {
    const sites = sitesOf(reduced, run.chosen)
    if (sites.length < greedy.sites.length && coveredWeightOf(reduced, run.chosen) >= needed) {
      const proven = bound >= sites.length ? 'optimal' : run.status
      return finish(sites, proven, 'highs', Math.min(bound, sites.length), run.solverGap, run.seconds, boundSource)
    }
  }
  const greedySorted = [...greedy.sites].sort((a, b) => a - b)
  return finish(
    greedySorted,
    bound >= greedySorted.length ? 'optimal' : run.status,
    'greedy',
    bound,
    run.solverGap,
    run.seconds,
    boundSource,
  )
}
