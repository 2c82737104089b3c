// Lazy greedy siting (CELF): maximal covering picks k sites, each the one adding the most residents
// not yet covered; set covering picks sites until a target covered share is reached. A site's gain
// can only shrink as others are chosen (coverage is submodular), so a stale gain is an upper bound:
// only the top of a max-heap of bounds is re-evaluated. Ties go to the lower candidate index, so the
// same input always gives the same sites.
//
// The fast maximal covering solver is greedy followed by a time-bounded interchange polish (the tabu
// interchange of interchange.ts): on clustered demand greedy alone ends up to 3 % short of the
// optimum, a few hundred swaps bring it within 2 % (tests/bench/siting.ts measures both per seed).
// The polish stops when it has gone `patience` moves without improving or at its deadline; only the
// deadline makes a result depend on the machine's speed, and the solution says which heuristic ran.

import type { LocalizedText } from '../../errors.ts'
import type { ReducedCoverage } from './coverage-reduction.ts'
import type { CoverageMatrix } from './coverage-sets.ts'
import { type IndexedCoverage, interchangeSearch, withRowIndex } from './interchange.ts'
import {
  bestReachableShare,
  noCandidates,
  requiredNewWeight,
  shareOf,
  unreachableMessage,
  validateK,
  validateTargetShare,
} from './solve-inputs.ts'

/** A max-heap of candidates keyed by gain bound; equal bounds order by lower index first. */
class GainHeap {
  private keys: Float64Array
  private items: Int32Array
  size = 0

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(1, capacity))
    this.items = new Int32Array(Math.max(1, capacity))
  }

  private above(a: number, b: number): boolean {
    return this.keys[a] > this.keys[b] || (this.keys[a] === this.keys[b] && this.items[a] < this.items[b])
  }

  private swap(a: number, b: number): void {
    const k = this.keys[a]
    this.keys[a] = this.keys[b]
    this.keys[b] = k
    const i = this.items[a]
    this.items[a] = this.items[b]
    this.items[b] = i
  }

  push(item: number, key: number): void {
    let at = this.size++
    this.keys[at] = key
    this.items[at] = item
    while (at > 0) {
      const parent = (at - 1) >> 1
      if (!this.above(at, parent)) break
      this.swap(at, parent)
      at = parent
    }
  }

  topItem(): number {
    return this.items[0]
  }

  topKey(): number {
    return this.keys[0]
  }

  /** Replaces the top's key (it only ever decreases) and sifts it down. */
  updateTop(key: number): void {
    this.keys[0] = key
    this.siftDown(0)
  }

  pop(): void {
    this.size -= 1
    if (this.size === 0) return
    this.keys[0] = this.keys[this.size]
    this.items[0] = this.items[this.size]
    this.siftDown(0)
  }

  private siftDown(from: number): void {
    let at = from
    for (;;) {
      const left = 2 * at + 1
      if (left >= this.size) return
      let best = left
      if (left + 1 < this.size && this.above(left + 1, left)) best = left + 1
      if (!this.above(best, at)) return
      this.swap(best, at)
      at = best
    }
  }
}

export interface GreedyPicks {
  /** matrix candidate indexes in the order chosen */
  sites: number[]
  /** residents each pick added, in the same order */
  gains: number[]
  /** residents the picks cover together (not counting fixed centres) */
  coveredWeight: number
  /** gain evaluations made; CELF keeps this near k plus a little, against k × candidates */
  evaluations: number
}

/**
 * Runs CELF until `stop(coveredSoFar, picks)` says so or no candidate adds anything.
 * `covered` marks rows already covered (may be passed in so a caller can start from a partial choice).
 */
function runLazyGreedy(
  matrix: CoverageMatrix,
  stop: (coveredWeight: number, picks: number) => boolean,
  covered = new Uint8Array(matrix.rowWeight.length),
): GreedyPicks {
  const { candidateCount, rowWeight, candidateStarts, candidateRows } = matrix
  const heap = new GainHeap(candidateCount)
  // The round in which each candidate's key was last computed; a key from this round is exact.
  const fresh = new Int32Array(candidateCount).fill(-1)
  for (let j = 0; j < candidateCount; j++) {
    let gain = 0
    for (let k = candidateStarts[j]; k < candidateStarts[j + 1]; k++)
      if (covered[candidateRows[k]] === 0) gain += rowWeight[candidateRows[k]]
    fresh[j] = 0
    if (gain > 0) heap.push(j, gain)
  }
  let evaluations = candidateCount
  const sites: number[] = []
  const gains: number[] = []
  let coveredWeight = 0
  let round = 0
  while (heap.size > 0 && !stop(coveredWeight, sites.length)) {
    const j = heap.topItem()
    if (fresh[j] !== round) {
      let gain = 0
      for (let k = candidateStarts[j]; k < candidateStarts[j + 1]; k++)
        if (covered[candidateRows[k]] === 0) gain += rowWeight[candidateRows[k]]
      evaluations += 1
      fresh[j] = round
      if (gain <= 0) heap.pop()
      else heap.updateTop(gain)
      continue
    }
    const gain = heap.topKey()
    heap.pop()
    for (let k = candidateStarts[j]; k < candidateStarts[j + 1]; k++) covered[candidateRows[k]] = 1
    sites.push(j)
    gains.push(gain)
    coveredWeight += gain
    round += 1
  }
  return { sites, gains, coveredWeight, evaluations }
}

/** Greedy k picks on any coverage matrix, returning matrix indexes (for benches and the exact solver). */
export function pickMaximalCoveringGreedy(matrix: CoverageMatrix, k: number): GreedyPicks {
  return runLazyGreedy(matrix, (_, picks) => picks >= k)
}

/** What produced a fast solve's sites: greedy alone, or greedy polished by interchange. */
export type Heuristic = 'greedy' | 'greedy+interchange'

/** The heuristic's name for people, in both languages. */
export const heuristicLabels: Record<Heuristic, { 'zh-CN': string; en: string }> = {
  greedy: { 'zh-CN': '贪心', en: 'greedy' },
  'greedy+interchange': { 'zh-CN': '贪心 + 交换优化', en: 'greedy + interchange' },
}

export interface SitingSolution {
  solver: 'greedy' | 'exact'
  /** for the fast solver: the heuristic that ran */
  heuristic?: Heuristic
  /** for the fast solver: residents pure greedy's picks added, before any polish */
  greedyNewlyCoveredWeight?: number
  /** original candidate indexes chosen, in the order a greedy picked them (ascending for exact) */
  sites: number[]
  /** residents each chosen site adds in that order */
  gains: number[]
  /** residents covered by the new sites and not by a fixed centre */
  newlyCoveredWeight: number
  /** residents covered by fixed centres and new sites together */
  coveredWeight: number
  totalWeight: number
  coveredShare: number
  runtimeMs: number
}

function toSolution(reduced: ReducedCoverage, picks: GreedyPicks, startedAt: number): SitingSolution {
  const covered = reduced.fixedCoveredWeight + picks.coveredWeight
  return {
    solver: 'greedy',
    heuristic: 'greedy',
    greedyNewlyCoveredWeight: picks.coveredWeight,
    sites: picks.sites.map((j) => reduced.candidateOriginal[j]),
    gains: picks.gains,
    newlyCoveredWeight: picks.coveredWeight,
    coveredWeight: covered,
    totalWeight: reduced.totalWeight,
    coveredShare: shareOf(covered, reduced.totalWeight),
    runtimeMs: performance.now() - startedAt,
  }
}

/**
 * Maximal covering by lazy greedy: up to k new sites, existing centres fixed. Fewer than k come back
 * when no further candidate adds a resident (a site that adds nobody is not proposed).
 */
export function solveMaximalCoveringGreedy(reduced: ReducedCoverage, k: number): SitingSolution {
  validateK(k, reduced.originalCandidateCount)
  const startedAt = performance.now()
  return toSolution(reduced, pickMaximalCoveringGreedy(reduced, k), startedAt)
}

/** How long the fast solver's interchange polish may run by default, milliseconds. */
export const defaultPolishMs = 500

export interface PolishOptions {
  /** milliseconds the polish may take at most (0: greedy alone); default `defaultPolishMs` */
  polishMs?: number
  /** a `performance.now()` deadline the polish also stops at (a caller's overall budget) */
  deadline?: number
}

export interface PolishedPicks extends GreedyPicks {
  heuristic: Heuristic
  /** pure greedy's picks, before the polish */
  greedy: GreedyPicks
  /** interchange moves made */
  moves: number
  polishMs: number
}

/** Orders chosen sites greedily among themselves: each next the one adding the most (ties: lower index). */
function inGreedyOrder(matrix: CoverageMatrix, sites: readonly number[]): GreedyPicks {
  const sorted = [...sites].sort((a, b) => a - b)
  const starts = new Int32Array(sorted.length + 1)
  for (let p = 0; p < sorted.length; p++)
    starts[p + 1] = starts[p] + matrix.candidateStarts[sorted[p] + 1] - matrix.candidateStarts[sorted[p]]
  const rows = new Int32Array(starts[sorted.length])
  for (let p = 0; p < sorted.length; p++)
    rows.set(
      matrix.candidateRows.subarray(matrix.candidateStarts[sorted[p]], matrix.candidateStarts[sorted[p] + 1]),
      starts[p],
    )
  const sub = {
    candidateCount: sorted.length,
    rowWeight: matrix.rowWeight,
    candidateStarts: starts,
    candidateRows: rows,
  }
  const picks = runLazyGreedy(sub, (_, count) => count >= sorted.length)
  const taken = new Set(picks.sites)
  const order = picks.sites.map((p) => sorted[p])
  const gains = [...picks.gains]
  // a chosen site that adds nobody beside the others still belongs to the choice
  for (let p = 0; p < sorted.length; p++)
    if (!taken.has(p)) {
      order.push(sorted[p])
      gains.push(0)
    }
  return { sites: order, gains, coveredWeight: picks.coveredWeight, evaluations: picks.evaluations }
}

/**
 * Greedy k picks polished by interchange (interchange.ts) for at most `polishMs` milliseconds: never
 * worse than greedy's, and greedy's own picks when the polish finds nothing better. No polish when
 * greedy stopped short of k (every coverable resident is then covered) or k takes every candidate.
 * A matrix without a row index gets one inside the polish's time (the greedy alone does not need it).
 */
export function pickMaximalCoveringPolished(
  matrix: CoverageMatrix | IndexedCoverage,
  k: number,
  options: PolishOptions = {},
): PolishedPicks {
  const greedy = pickMaximalCoveringGreedy(matrix, k)
  const started = performance.now()
  const deadline = Math.min(options.deadline ?? Infinity, started + (options.polishMs ?? defaultPolishMs))
  const unpolished = { ...greedy, heuristic: 'greedy' as const, greedy, moves: 0, polishMs: 0 }
  if (greedy.sites.length < k || k >= matrix.candidateCount || deadline <= started) return unpolished
  const indexed = 'rowStarts' in matrix ? matrix : withRowIndex(matrix)
  if (performance.now() >= deadline) return { ...unpolished, polishMs: performance.now() - started }
  const polished = interchangeSearch(indexed, greedy.sites, { deadline })
  const polishMs = performance.now() - started
  const found =
    polished.value > greedy.coveredWeight
      ? { ...inGreedyOrder(matrix, polished.sites), evaluations: greedy.evaluations }
      : greedy
  return { ...found, heuristic: 'greedy+interchange', greedy, moves: polished.moves, polishMs }
}

/**
 * Maximal covering by the fast solver: lazy greedy, then interchange for at most `polishMs`
 * (`defaultPolishMs`). Up to k new sites, existing centres fixed, in the order a greedy takes them.
 */
export function solveMaximalCoveringFast(
  reduced: ReducedCoverage,
  k: number,
  options: PolishOptions = {},
): SitingSolution {
  validateK(k, reduced.originalCandidateCount)
  const startedAt = performance.now()
  const picks = pickMaximalCoveringPolished(reduced, k, options)
  return {
    ...toSolution(reduced, picks, startedAt),
    heuristic: picks.heuristic,
    greedyNewlyCoveredWeight: picks.greedy.coveredWeight,
  }
}

export type SetCoveringResult =
  | (SitingSolution & { status: 'reached'; targetShare: number })
  | {
      status: 'unreachable'
      targetShare: number
      /** the highest covered share any choice of candidates reaches (every coverable resident) */
      bestShare: number
      message: LocalizedText
      totalWeight: number
    }

/**
 * Set covering by lazy greedy: the fewest new sites (greedily) whose coverage, with the fixed
 * centres', reaches `targetShare` of all residents; or `unreachable` with the best share possible.
 */
export function solveSetCoveringGreedy(reduced: ReducedCoverage, targetShare: number): SetCoveringResult {
  validateTargetShare(targetShare)
  if (reduced.originalCandidateCount === 0) throw noCandidates()
  const best = bestReachableShare(reduced)
  const needed = requiredNewWeight(reduced, targetShare)
  if (needed > reduced.coverableWeight)
    return {
      status: 'unreachable',
      targetShare,
      bestShare: best,
      message: unreachableMessage(targetShare, best),
      totalWeight: reduced.totalWeight,
    }
  const startedAt = performance.now()
  const picks = runLazyGreedy(reduced, (covered) => covered >= needed)
  return { ...toSolution(reduced, picks, startedAt), status: 'reached', targetShare }
}

/** The sum of the `k` largest values (a partial sort would do; candidate counts are thousands). */
function sumOfLargest(values: Float64Array, k: number): number {
  const sorted = Float64Array.from(values).sort()
  let sum = 0
  for (let q = sorted.length - 1; q >= 0 && q >= sorted.length - k; q--) sum += sorted[q]
  return sum
}

/**
 * An upper bound on the best coverage any k sites reach, from greedy's own picks: coverage is
 * monotone and submodular, so for every set S, OPT ≤ f(S) + the k largest gains given S. The least
 * of these over greedy's prefixes is a valid bound, available even when a MIP solver stops before
 * it proves one. Costs one pass over the matrix per prefix.
 */
export function submodularUpperBound(matrix: CoverageMatrix, picks: readonly number[], k: number): number {
  const { candidateCount, rowWeight, candidateStarts, candidateRows } = matrix
  const covered = new Uint8Array(rowWeight.length)
  const gains = new Float64Array(candidateCount)
  let value = 0
  let best = Infinity
  for (let t = 0; t <= picks.length; t++) {
    for (let j = 0; j < candidateCount; j++) {
      let gain = 0
      for (let q = candidateStarts[j]; q < candidateStarts[j + 1]; q++)
        if (covered[candidateRows[q]] === 0) gain += rowWeight[candidateRows[q]]
      gains[j] = gain
    }
    best = Math.min(best, value + sumOfLargest(gains, k))
    if (t === picks.length) break
    const j = picks[t]
    for (let q = candidateStarts[j]; q < candidateStarts[j + 1]; q++) {
      const r = candidateRows[q]
      if (covered[r] === 0) {
        covered[r] = 1
        value += rowWeight[r]
      }
    }
  }
  return best
}

/**
 * A lower bound on the number of sites that add `needed` residents: no t sites add more than the t
 * largest single-site totals together.
 */
export function siteCountLowerBound(matrix: CoverageMatrix, needed: number): number {
  if (needed <= 0) return 0
  const totals = new Float64Array(matrix.candidateCount)
  for (let j = 0; j < matrix.candidateCount; j++)
    for (let q = matrix.candidateStarts[j]; q < matrix.candidateStarts[j + 1]; q++)
      totals[j] += matrix.rowWeight[matrix.candidateRows[q]]
  totals.sort()
  let sum = 0
  for (let t = 1; t <= totals.length; t++) {
    sum += totals[totals.length - t]
    if (sum >= needed) return t
  }
  return Infinity
}
