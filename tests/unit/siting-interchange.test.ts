import { describe, expect, it } from 'vitest'
import { reduceCoverage } from '../../server/services/siting/coverage-reduction.ts'
import { coverageSetsFromPairs } from '../../server/services/siting/coverage-sets.ts'
import { solveMaximalCoveringGreedy } from '../../server/services/siting/greedy.ts'
import { interchangeSearch } from '../../server/services/siting/interchange.ts'
import { coverageValue, solveMaximalCoveringLagrangian } from '../../server/services/siting/lagrangian.ts'
import { createRandom } from '../../data/district/random.ts'

/** A seeded sequence (mulberry32, the demo generator's), so random cases repeat exactly. */
const random = (seed: number): (() => number) => createRandom(seed).next

/** Every k-subset of 0..m-1, in lexicographic order. */
function* subsets(m: number, k: number, from = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === k) {
    yield chosen
    return
  }
  for (let j = from; j <= m - (k - chosen.length); j++) yield* subsets(m, k, j + 1, [...chosen, j])
}

/** Explicit sets: candidate j covers lists[j]; every candidate covers someone, so reduced index = j. */
function instance(weight: number[], lists: number[][]) {
  const candidate = lists.flatMap((list, j) => list.map(() => j))
  const demand = lists.flat()
  return reduceCoverage(
    coverageSetsFromPairs(weight, lists.length, { candidate, demand }, new Uint8Array(weight.length)),
  )
}

/** A random instance whose candidates each cover at least one demand point. */
function randomInstance(seed: number, n: number, m: number, density: number) {
  const next = random(seed)
  const weight = Array.from({ length: n }, () => 1 + Math.floor(next() * 9))
  const lists = Array.from({ length: m }, () => {
    const list = Array.from({ length: n }, (_, i) => i).filter(() => next() < density)
    return list.length > 0 ? list : [Math.floor(next() * n)]
  })
  return { weight, lists, reduced: instance(weight, lists) }
}

/** The best coverage over every k-subset (reduced indexes) that `keep` accepts. */
function enumerateBest(reduced: ReturnType<typeof instance>, k: number, keep: (sites: number[]) => boolean): number {
  let best = 0
  for (const sites of subsets(reduced.candidateCount, k))
    if (keep(sites)) best = Math.max(best, coverageValue(reduced, sites))
  return best
}

// Greedy's classic trap: C covers the middle four, but A and B together cover all six.
const trapLists = [[0, 1, 2], [3, 4, 5], [1, 2, 3, 4], [0], [5]]

describe('interchange with a tabu memory', () => {
  it('swaps its way out of greedy’s trap', () => {
    const reduced = instance([1, 1, 1, 1, 1, 1], trapLists)
    const start = solveMaximalCoveringGreedy(reduced, 2).sites.map((j) => reduced.candidateReduced[j])
    expect(coverageValue(reduced, start)).toBe(5)
    const result = interchangeSearch(reduced, start, { patience: 0 })
    expect(result.value).toBe(6)
    expect([...result.sites].sort()).toEqual([0, 1])
  })

  it('never returns less than its start, k distinct sites, its value counted on the rows', () => {
    let beatDescent = false
    for (let seed = 41; seed <= 56; seed++) {
      const { reduced } = randomInstance(seed, 80, 16, 0.15)
      const k = 4
      const start = solveMaximalCoveringGreedy(reduced, k).sites.map((j) => reduced.candidateReduced[j])
      const descent = interchangeSearch(reduced, start, { patience: 0 })
      const tabu = interchangeSearch(reduced, start, { patience: 50, tenure: 3 })
      const optimum = enumerateBest(reduced, k, () => true)
      for (const result of [descent, tabu]) {
        expect(result.value).toBeGreaterThanOrEqual(coverageValue(reduced, start))
        expect(result.value).toBe(coverageValue(reduced, result.sites))
        expect(result.value).toBeLessThanOrEqual(optimum)
        expect(new Set(result.sites).size).toBe(k)
      }
      expect(tabu.value).toBeGreaterThanOrEqual(descent.value)
      if (tabu.value > descent.value) beatDescent = true
    }
    // the seeds hold at least one local optimum of plain descent that the tabu memory climbs out of
    expect(beatDescent).toBe(true)
  })

  it('is deterministic', () => {
    const { reduced } = randomInstance(7, 120, 30, 0.1)
    const start = [0, 1, 2, 3, 4, 5]
    expect(interchangeSearch(reduced, start, { patience: 100, tenure: 4 })).toEqual(
      interchangeSearch(reduced, start, { patience: 100, tenure: 4 }),
    )
  })
})

describe('fixing sites at the root of the Lagrangian search', () => {
  it('never removes an optimal choice: every choice against the fixing covers at most the incumbent (by enumeration)', () => {
    let fixed = 0
    for (let seed = 61; seed <= 76; seed++) {
      const { reduced } = randomInstance(seed, 70, 15, 0.12)
      const k = 4
      const start = solveMaximalCoveringGreedy(reduced, k).sites.map((j) => reduced.candidateReduced[j])
      for (const relativeGap of [0, 0.02]) {
        const root = solveMaximalCoveringLagrangian(reduced, k, { relativeGap, deadline: Infinity, start, maxNodes: 1 })
        const state = root.rootState
        const against = (sites: number[]) =>
          sites.some((j) => state[j] === -1) || [...state.keys()].some((j) => state[j] === 1 && !sites.includes(j))
        const bestAgainst = enumerateBest(reduced, k, against)
        expect(bestAgainst).toBeLessThanOrEqual(root.value * (1 + relativeGap) + 1e-9)
        expect(root.rootFixedIn + root.rootFixedOut).toBe(state.reduce((sum, s) => sum + (s === 0 ? 0 : 1), 0))
        fixed += root.rootFixedIn + root.rootFixedOut
      }
    }
    // not vacuous: the instances do fix sites
    expect(fixed).toBeGreaterThan(20)
  })
})
