// Maximal covering solved here, without a MIP solver: a Lagrangian relaxation of the coverage
// constraints gives the upper bound, greedy plus interchange (tabu) the lower bound, and a
// depth-first branch and bound on the sites closes what is left between them.
//
//   max Σ w_r·z_r   s.t.  z_r ≤ Σ_{j∈N(r)} x_j,  Σ x_j = k,  x binary,  0 ≤ z ≤ 1
//
// Relaxing z_r ≤ Σ x_j with λ_r ≥ 0 leaves two easy parts:
//
//   L(λ) = Σ_r max(0, w_r − λ_r) + (the k largest of s_j = Σ_{r∈cov(j)} λ_r)
//
// an upper bound for every λ; subgradient steps (Polyak's rule) lower it. Every L(λ) is valid, so
// the bound reported is the least one seen. The top-k sites of each step are also a feasible choice,
// whose coverage is counted and kept when it beats the incumbent. When the weights are whole numbers
// (residents) a bound rounds down. A node is closed when its bound is within the relative gap of the
// incumbent; the gap reported is the largest bound left open or closed against the final incumbent.
// Everything works on typed arrays over the reduced instance (merged demand rows).
//
// Where the gap of a short solve sits (the bench's clustered instances, tests/bench/siting.ts): the
// subproblem has the integrality property, so no λ bounds below the LP relaxation, and on clustered
// demand that LP lies some tenths of a per cent above the best solutions known. The incumbent comes
// near the optimum early; the bound is what stays open, and only branching lowers it below the LP.

import type { ReducedCoverage } from './coverage-reduction.ts'
import { interchangeSearch } from './interchange.ts'
import { type SearchState, lagrangianBound } from './lagrangian-bound.ts'

export { coverageValue } from './lagrangian-bound.ts'

export interface LagrangianOptions {
  /** relative gap at which a node is closed (0.001 = 0.1 %) */
  relativeGap: number
  /** wall-clock deadline, `performance.now()` milliseconds */
  deadline: number
  /** a starting choice (reduced candidate indexes), e.g. greedy's */
  start: readonly number[]
  /** nodes to evaluate at most (1: the root's bound only); default unlimited */
  maxNodes?: number
  /** nodes searched depth first before best bound first (default 50) */
  diveNodes?: number
}

export interface LagrangianResult {
  /** reduced candidate indexes of the best choice found */
  sites: number[]
  /** residents it covers (fixed centres not counted) */
  value: number
  /** an upper bound on any choice of k sites */
  bound: number
  /** true when the bound is within `relativeGap` of `value` */
  proven: boolean
  /** 'lagrangian' when the root bound alone proved it, else 'branch-and-bound' (also when stopped) */
  method: 'lagrangian' | 'branch-and-bound'
  nodes: number
  iterations: number
  /** true when the deadline stopped the search */
  timedOut: boolean
  /** the Lagrangian bound at the root, before any branching */
  rootBound: number
  /** the value after greedy + local search, before the Lagrangian search improved it */
  localSearchValue: number
  localSearchMs: number
  /** sites the root's bound fixed in and out */
  rootFixedIn: number
  rootFixedOut: number
  /**
   * each site after the root's fixing: 1 in, −1 out, 0 free (all free when the root was not
   * finished); a choice better than the incumbent by more than the gap uses no site fixed out
   */
  rootState: Int8Array
}

/** A node of the search: each site free (0), in (1) or out (−1), and the multipliers to start from. */
interface Node {
  state: Int8Array
  /** the parent's best multipliers (single precision), or none past the memory budget */
  lambda: Float32Array | Float64Array | undefined
  /** the parent's bound: what this subtree can at most reach */
  bound: number
}

/** The most time the opening interchange search takes (it also takes at most a tenth of the limit). */
const localSearchCapMs = 200

/**
 * The most subgradient steps at the root. A fixed count scales with the instance, where a share of
 * the time limit does not: with a 30 s limit on the bench's 10,000 × 1,000 instances 3,000 steps put
 * the proofs off 1.5–2.5× against 1,000 (the search proves them at 0.6–3.7 s instead of 1–4.8 s);
 * within a 2 s limit the root stops near 1,000 steps on its time share anyway.
 */
export const rootIterations = 1000

/** Solves maximal covering on the reduced instance by Lagrangian bound + branch and bound. */
export function solveMaximalCoveringLagrangian(
  reduced: ReducedCoverage,
  k: number,
  options: LagrangianOptions,
): LagrangianResult {
  const { candidateCount: m, rowWeight, rowStarts } = reduced
  const rows = rowWeight.length
  const integral = rowWeight.every((w) => Number.isInteger(w))
  const roundBound = (b: number) => (integral ? Math.floor(b + 1e-7) : b)

  // The incumbent: greedy's start improved by swaps.
  const started = performance.now()
  const localStarted = started
  // Interchange with a tabu memory (interchange.ts) for up to a tenth of the time and at most
  // `localSearchCapMs`: it escapes where plain 1-swap stops, and a larger share starves the root bound
  // (tests/bench/siting.ts measures both). Past that the root's own choices and the dives find the
  // incumbents: on the bench's 100,000 × 5,000 instance 6 s of it (a tenth of 60 s) put the proof off
  // from 16 to 30 s.
  const local = interchangeSearch(reduced, options.start, {
    deadline: Math.min(options.deadline, started + Math.min((options.deadline - started) * 0.1, localSearchCapMs)),
    patience: 1000,
    tenure: Math.max(1, Math.floor(0.75 * k)),
  })
  const localSearchMs = performance.now() - localStarted
  const shared: SearchState = {
    sites: local.sites,
    value: local.value,
    improved: false,
    iterations: 0,
    timedOut: false,
  }
  const closeAt = () => shared.value * (1 + options.relativeGap) + 1e-9
  let closedMax = -Infinity // the largest bound of any subtree closed (pruned or fixed away)
  let nodes = 0
  const { evaluate, scoresAt, score } = lagrangianBound(reduced, k, shared, closeAt, roundBound, options.deadline)
  let rootBestLambda = new Float64Array(rows)

  // The search: dive depth-first (the "in" child first, which finds incumbents), and after each
  // dive take the open node with the highest bound (which lowers the proven bound); past the first
  // `diveNodes` nodes, best bound first only.
  // λ = w / |N(r)| at the start: on clustered 10,000 × 1,000 instances λ = w starts lower but the
  // search then stops at a weaker root bound (51,572 against 51,424 on one of them).
  const rootLambda = new Float64Array(rows)
  for (let r = 0; r < rows; r++) rootLambda[r] = rowWeight[r] / Math.max(1, rowStarts[r + 1] - rowStarts[r])
  const open: Node[] = []
  let dive: Node | undefined = { state: new Int8Array(m), lambda: rootLambda, bound: Infinity }
  let rootBound = Infinity
  let rootFixedIn = 0
  let rootFixedOut = 0
  let rootState = new Int8Array(m)
  // Open nodes keep their parent's multipliers as a warm start, up to a memory budget.
  const keepLambda = () => open.length * rows < 20_000_000
  const diveNodes = options.diveNodes ?? 50
  while (dive || open.length > 0) {
    if (performance.now() > options.deadline || nodes >= (options.maxNodes ?? Infinity)) {
      shared.timedOut = true
      break
    }
    let node: Node
    if (dive) {
      node = dive
      dive = undefined
    } else {
      let at = 0
      for (let q = 1; q < open.length; q++) if (open[q].bound > open[at].bound) at = q
      node = open[at]
      open[at] = open[open.length - 1]
      open.pop()
    }
    if (roundBound(node.bound) <= closeAt()) {
      closedMax = Math.max(closedMax, roundBound(node.bound))
      continue
    }
    nodes += 1
    const isRoot = nodes === 1
    const lambda = node.lambda ? Float64Array.from(node.lambda) : Float64Array.from(rootBestLambda)
    // the root's bound gets at most a third of the time left and `rootIterations` steps: dives after
    // it find the incumbents (uncapped, a short limit went all to the root, leaving greedy's answer),
    // and the nodes' own steps go on lowering the bound where it matters
    const enough = isRoot ? started + (options.deadline - started) / 3 : Infinity
    const result = evaluate(node.state, lambda, isRoot ? rootIterations : 60, !isRoot, enough)
    if (isRoot) rootBestLambda = Float64Array.from(lambda)
    if (shared.improved) {
      shared.improved = false
      const better = interchangeSearch(reduced, shared.sites, { deadline: options.deadline, patience: 0 })
      if (better.value > shared.value) {
        shared.value = better.value
        shared.sites = better.sites
      }
    }
    const bound = Math.min(result.bound, roundBound(node.bound))
    if (isRoot) rootBound = bound
    if (shared.timedOut) {
      open.push({ ...node, bound })
      break
    }
    if (result.leaf || bound <= closeAt()) {
      closedMax = Math.max(closedMax, result.leaf ? -Infinity : bound)
      continue
    }
    // Fixing: a free site outside the top k whose forced entry cannot reach past the incumbent is
    // out; one inside whose forced exit cannot is in. `result.rawBound` is L at the best λ.
    const raw = result.rawBound
    scoresAt(node.state, lambda)
    const state = node.state.slice()
    let kFree = k
    for (let j = 0; j < m; j++) if (state[j] === 1) kFree -= 1
    const inTop: number[] = []
    for (let j = 0; j < m; j++) {
      if (state[j] !== 0) continue
      const top = score[j] > result.threshold || (score[j] === result.threshold && inTop.length < kFree)
      if (top) inTop.push(j)
      const forced = roundBound(top ? raw - score[j] + result.next : raw - result.threshold + score[j])
      if (forced <= closeAt()) {
        state[j] = top ? 1 : -1
        closedMax = Math.max(closedMax, forced)
      }
    }
    if (isRoot) {
      rootState = state.slice()
      rootFixedIn = 0
      rootFixedOut = 0
      for (let j = 0; j < m; j++) {
        if (state[j] === 1) rootFixedIn += 1
        if (state[j] === -1) rootFixedOut += 1
      }
    }
    const stored = Float32Array.from(lambda)
    // Branch on a free top-k site, in first (a dive), then out. A dive takes the largest score: its
    // in children find incumbents. Past the dives, the smallest (the site nearest the threshold, the
    // Lagrangian's most fractional one): on the bench's clustered 10,000 × 1,000 instances the bound
    // after 1,000 nodes then ends 11–25 residents lower on each of seeds 101–103 (3 at 150 nodes),
    // the incumbents unchanged; branching on the smallest in the dives too lowers the bound further
    // but finds worse incumbents.
    const marginal = nodes > diveNodes
    let branch = -1
    for (const j of inTop)
      if (state[j] === 0 && (branch === -1 || (marginal ? score[j] < score[branch] : score[j] > score[branch])))
        branch = j
    if (branch === -1) {
      // Fixing settled every top site: the node, re-evaluated, is what is left.
      dive = { state, lambda: stored, bound }
      continue
    }
    const out = state.slice()
    out[branch] = -1
    const into = state
    into[branch] = 1
    // the out child's bound at these multipliers: the site's score replaced by the next best
    const outBound = Math.min(bound, roundBound(raw - score[branch] + result.next))
    if (outBound <= closeAt()) closedMax = Math.max(closedMax, outBound)
    else open.push({ state: out, lambda: keepLambda() ? stored : undefined, bound: outBound })
    // The first nodes dive (incumbents); past them both children wait in the open list and the
    // highest bound goes first, which lowers the bound faster than diving throughout.
    if (nodes <= diveNodes) dive = { state: into, lambda: stored, bound }
    else open.push({ state: into, lambda: keepLambda() ? stored : undefined, bound })
  }
  let bound = Math.max(shared.value, closedMax)
  for (const node of open) bound = Math.max(bound, roundBound(node.bound))
  if (dive) bound = Math.max(bound, roundBound(dive.bound))
  if (!Number.isFinite(bound)) bound = Math.max(shared.value, rootBound)
  const gap = shared.value > 0 ? (bound - shared.value) / shared.value : bound > 0 ? Infinity : 0
  return {
    sites: [...shared.sites].sort((a, b) => a - b),
    value: shared.value,
    bound,
    proven: gap <= options.relativeGap + 1e-12,
    method: nodes <= 1 && open.length === 0 && !dive ? 'lagrangian' : 'branch-and-bound',
    nodes,
    iterations: shared.iterations,
    timedOut: shared.timedOut,
    rootBound,
    localSearchValue: local.value,
    localSearchMs,
    rootFixedIn,
    rootFixedOut,
    rootState,
  }
}
