// The fast maximal covering solver: lazy greedy polished by interchange (greedy.ts, interchange.ts),
// checked against the optimum found by trying every k-subset.
import { describe, expect, it } from 'vitest'
import { reduceCoverage } from '../../server/services/siting/coverage-reduction.ts'
import { asCoverageMatrix, coverageSetsFromPairs } from '../../server/services/siting/coverage-sets.ts'
import {
  pickMaximalCoveringPolished,
  solveMaximalCoveringFast,
  solveMaximalCoveringGreedy,
} from '../../server/services/siting/greedy.ts'
import { interchangeSearch, withRowIndex } from '../../server/services/siting/interchange.ts'
import { exactAtLeastFast } from '../../server/services/siting/exact-answer.ts'
import { createRandom } from '../../data/district/random.ts'

/** Every k-subset of 0..m-1, in lexicographic order. */
function* subsets(m: number, k: number, from = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === k) {
    yield chosen
    return
  }
  for (let j = from; j <= m - (k - chosen.length); j++) yield* subsets(m, k, j + 1, [...chosen, j])
}

/** The best coverage of any k candidates, by trying them all. */
function enumerateOptimum(lists: number[][], weight: number[], k: number, fixed: number[] = []): number {
  const skip = new Set(fixed)
  let best = 0
  for (const chosen of subsets(lists.length, k)) {
    const covered = new Set(chosen.flatMap((j) => lists[j]).filter((i) => !skip.has(i)))
    const total = [...covered].reduce((sum, i) => sum + weight[i], 0)
    if (total > best) best = total
  }
  return best
}

/** Explicit sets: candidate j covers lists[j]. */
function sets(weight: number[], lists: number[][], fixed?: number[]) {
  const candidate = lists.flatMap((list, j) => list.map(() => j))
  const demand = lists.flat()
  const mask = new Uint8Array(weight.length)
  for (const i of fixed ?? []) mask[i] = 1
  return coverageSetsFromPairs(weight, lists.length, { candidate, demand }, mask)
}

const instance = (weight: number[], lists: number[][], fixed?: number[]) => reduceCoverage(sets(weight, lists, fixed))

/** Residents a choice of original candidates covers, not counting the fixed ones. */
function covers(lists: number[][], weight: number[], sites: number[], fixed: number[] = []): number {
  const skip = new Set(fixed)
  const covered = new Set(sites.flatMap((j) => lists[j]).filter((i) => !skip.has(i)))
  return [...covered].reduce((sum, i) => sum + weight[i], 0)
}

// Greedy's classic trap: C covers the middle four, but A and B together cover all six.
const trapWeights = [1, 1, 1, 1, 1, 1]
const trapLists = [
  [0, 1, 2], // A
  [3, 4, 5], // B
  [1, 2, 3, 4], // C
  [0], // D
  [5], // E
]

/** A seeded random instance: n residents of 1–9, m candidates each covering about `density` of them. */
function randomCase(seed: number, n: number, m: number, density: number) {
  const next = createRandom(seed).next
  const weight = Array.from({ length: n }, () => 1 + Math.floor(next() * 9))
  const lists = Array.from({ length: m }, () => Array.from({ length: n }, (_, i) => i).filter(() => next() < density))
  return { weight, lists }
}

describe('fast maximal covering: greedy + interchange', () => {
  it('escapes greedy’s trap and says so: A + B for 6 where greedy’s C + A covers 5', () => {
    const reduced = instance(trapWeights, trapLists)
    const greedy = solveMaximalCoveringGreedy(reduced, 2)
    expect(greedy.heuristic).toBe('greedy')
    expect(greedy.newlyCoveredWeight).toBe(5)
    const fast = solveMaximalCoveringFast(reduced, 2)
    expect(fast.solver).toBe('greedy')
    expect(fast.heuristic).toBe('greedy+interchange')
    expect(fast.greedyNewlyCoveredWeight).toBe(5)
    expect(fast.newlyCoveredWeight).toBe(6)
    expect(fast.coveredWeight).toBe(6)
    expect(fast.coveredShare).toBe(1)
    // in the order a greedy takes them among themselves (ties to the lower index), each with its gain
    expect(fast.sites).toEqual([0, 1])
    expect(fast.gains).toEqual([3, 3])
  })

  it('is pure greedy when the polish has no time, or nothing is left to choose', () => {
    const reduced = instance(trapWeights, trapLists)
    const none = solveMaximalCoveringFast(reduced, 2, { polishMs: 0 })
    const greedy = solveMaximalCoveringGreedy(reduced, 2)
    expect(none.heuristic).toBe('greedy')
    expect(none.sites).toEqual(greedy.sites)
    expect(none.newlyCoveredWeight).toBe(5)
    expect(none.greedyNewlyCoveredWeight).toBe(5)
    // a deadline already past stops the polish before it starts
    expect(solveMaximalCoveringFast(reduced, 2, { deadline: performance.now() - 1 }).heuristic).toBe('greedy')
    // greedy stopped short of k: every coverable resident is covered, nothing to polish
    const all = solveMaximalCoveringFast(reduced, 4)
    expect(all.heuristic).toBe('greedy')
    expect(all.newlyCoveredWeight).toBe(6)
  })

  it('maps reduced sites back to the original candidates and leaves fixed coverage out', () => {
    // candidate 1 covers nobody (dropped by the reduction), residents 0 and 5 are covered already
    const lists = [[0, 1, 2], [], [3, 4, 5], [1, 2, 3, 4], [0], [5]]
    const fixed = [0, 5]
    const reduced = instance(trapWeights, lists, fixed)
    const fast = solveMaximalCoveringFast(reduced, 2)
    expect(fast.newlyCoveredWeight).toBe(enumerateOptimum(lists, trapWeights, 2, fixed))
    expect(fast.newlyCoveredWeight).toBe(covers(lists, trapWeights, fast.sites, fixed))
    expect(fast.coveredWeight).toBe(fast.newlyCoveredWeight + 2)
    expect(fast.gains.reduce((a, b) => a + b, 0)).toBe(fast.newlyCoveredWeight)
  })

  it('never falls below greedy and stays within 2 % of the enumerated optimum, the same every run', () => {
    let improved = 0
    let optimal = 0
    let cases = 0
    let worst = 0
    for (const [n, m, k, density] of [
      [60, 14, 4, 0.22],
      [80, 16, 5, 0.15],
      [50, 12, 3, 0.3],
    ] as const)
      for (let seed = 1; seed <= 30; seed++) {
        const { weight, lists } = randomCase(1000 * n + seed, n, m, density)
        const optimum = enumerateOptimum(lists, weight, k)
        const reduced = instance(weight, lists)
        const greedy = solveMaximalCoveringGreedy(reduced, k)
        const fast = solveMaximalCoveringFast(reduced, k, { polishMs: 10_000 })
        const again = solveMaximalCoveringFast(reduced, k, { polishMs: 10_000 })
        expect(again.sites).toEqual(fast.sites)
        expect(fast.greedyNewlyCoveredWeight).toBe(greedy.newlyCoveredWeight)
        expect(fast.newlyCoveredWeight).toBeGreaterThanOrEqual(greedy.newlyCoveredWeight)
        expect(fast.newlyCoveredWeight).toBeLessThanOrEqual(optimum)
        expect(fast.newlyCoveredWeight).toBe(covers(lists, weight, fast.sites))
        worst = Math.max(worst, (optimum - fast.newlyCoveredWeight) / optimum)
        cases += 1
        if (fast.newlyCoveredWeight > greedy.newlyCoveredWeight) improved += 1
        if (fast.newlyCoveredWeight === optimum) optimal += 1
      }
    expect(cases).toBe(90)
    expect(worst).toBeLessThanOrEqual(0.02)
    // the cases are not trivial: the polish improves on greedy in some, and reaches the optimum in most
    expect(improved).toBeGreaterThanOrEqual(30)
    expect(optimal).toBeGreaterThanOrEqual(80)
  })

  it('polishes a plain (unreduced) matrix through its row index to the same coverage', () => {
    const { weight, lists } = randomCase(77, 120, 20, 0.12)
    const raw = sets(weight, lists)
    const onRaw = pickMaximalCoveringPolished(withRowIndex(asCoverageMatrix(raw)), 5, { polishMs: 10_000 })
    const onReduced = pickMaximalCoveringPolished(reduceCoverage(raw), 5, { polishMs: 10_000 })
    expect(onRaw.coveredWeight).toBe(covers(lists, weight, onRaw.sites))
    expect(onRaw.greedy.coveredWeight).toBe(onReduced.greedy.coveredWeight)
    expect(onRaw.coveredWeight).toBeGreaterThanOrEqual(onRaw.greedy.coveredWeight)
    expect(onRaw.coveredWeight).toBeLessThanOrEqual(enumerateOptimum(lists, weight, 5))
    // without an index the polish builds one itself, to the same picks
    const lazy = pickMaximalCoveringPolished(asCoverageMatrix(raw), 5, { polishMs: 10_000 })
    expect(lazy.heuristic).toBe('greedy+interchange')
    expect(lazy.sites).toEqual(onRaw.sites)
    expect(lazy.coveredWeight).toBe(onRaw.coveredWeight)
  })

  it('interchange with patience 0 is a plain descent: it stops at the first local optimum', () => {
    const reduced = instance(trapWeights, trapLists)
    const start = [2, 0].map((j) => reduced.candidateReduced[j])
    const descent = interchangeSearch(reduced, start, { patience: 0 })
    expect(descent.value).toBe(6)
    expect(descent.moves).toBe(1)
    // past its deadline it returns what it was given
    const stopped = interchangeSearch(reduced, start, { deadline: performance.now() - 1 })
    expect(stopped.value).toBe(5)
    expect(stopped.moves).toBe(0)
  })

  it('keeps the exact answer never worse than the fast one: a search stopped at greedy gives way to the polish', () => {
    const reduced = instance(trapWeights, trapLists)
    const fast = solveMaximalCoveringFast(reduced, 2)
    // an exact search stopped at greedy's C + A (5) with the bound 6 still open
    const stopped = {
      ...solveMaximalCoveringGreedy(reduced, 2),
      solver: 'exact' as const,
      status: 'time_limit',
      gap: 0.2,
      bestBound: 6,
      boundSource: 'lagrangian',
      message: { 'zh-CN': '求解达到时限', en: 'time limit reached' },
    }
    const taken = exactAtLeastFast(stopped, fast)
    expect(taken.solution).toMatchObject({ solver: 'exact', sites: [0, 1], newlyCoveredWeight: 6 })
    expect(taken).toMatchObject({ status: 'optimal', gap: 0, bestBound: 6, boundMethod: 'lagrangian' })
    expect(taken.message?.['zh-CN']).toMatch(/返回快速求解的结果/)
    expect(taken.message?.en).toMatch(/the fast solver's answer, which is returned/)
    // an exact answer at least as good is reported as it is
    const solved = { ...stopped, sites: [0, 1], newlyCoveredWeight: 6, status: 'optimal', gap: 0, message: undefined }
    const kept = exactAtLeastFast(solved, fast)
    expect(kept.solution).toBe(solved)
    expect(kept).toMatchObject({ status: 'optimal', gap: 0, message: null })
  })
})
