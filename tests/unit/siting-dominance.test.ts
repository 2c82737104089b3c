// Dominated candidates (a subset of another's residents) dropped before the exact search: the reduced
// model's optimum equals the full model's, checked by enumeration on small instances built to have
// many dominated and duplicate candidates.
import { describe, expect, it } from 'vitest'
import {
  type ReducedCoverage,
  dropDominatedCandidates,
  findDominators,
  reduceCoverage,
} from '../../server/services/siting/coverage-reduction.ts'
import { coverageSetsFromPairs } from '../../server/services/siting/coverage-sets.ts'
import { solveMaximalCoveringExact } from '../../server/services/siting/exact.ts'
import { createRandom } from '../../data/district/random.ts'

/** A seeded sequence (mulberry32, the demo generator's), so random cases repeat exactly. */
const random = (seed: number): (() => number) => createRandom(seed).next

function* subsets(m: number, k: number, from = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === k || from === m) {
    yield chosen
    if (chosen.length === k) return
  }
  for (let j = from; j < m; j++) yield* subsets(m, k, j + 1, [...chosen, j])
}

/** The most weight any at most k of the lists cover together, by trying every choice. */
function bestCoverage(lists: number[][], weight: ArrayLike<number>, k: number): number {
  let best = 0
  for (const chosen of subsets(lists.length, Math.min(k, lists.length))) {
    const covered = new Set(chosen.flatMap((j) => lists[j]))
    best = Math.max(
      best,
      [...covered].reduce((sum, i) => sum + weight[i], 0),
    )
  }
  return best
}

/** The fewest lists covering at least `needed` weight (Infinity when none do), by enumeration. */
function fewestSites(lists: number[][], weight: ArrayLike<number>, needed: number): number {
  for (let k = 0; k <= lists.length; k++) if (bestCoverage(lists, weight, k) >= needed) return k
  return Infinity
}

function rowLists(reduced: ReducedCoverage): number[][] {
  return Array.from({ length: reduced.candidateCount }, (_, j) =>
    Array.from(reduced.candidateRows.subarray(reduced.candidateStarts[j], reduced.candidateStarts[j + 1])),
  )
}

function instance(weight: number[], lists: number[][]) {
  const candidate = lists.flatMap((list, j) => list.map(() => j))
  const demand = lists.flat()
  return reduceCoverage(coverageSetsFromPairs(weight, lists.length, { candidate, demand }))
}

/** Random lists where about half the candidates are a random part of an earlier one (or a copy). */
function nestedInstance(seed: number) {
  const next = random(seed)
  const n = 24
  const m = 10
  const weight = Array.from({ length: n }, () => 1 + Math.floor(next() * 9))
  const lists: number[][] = []
  for (let j = 0; j < m; j++) {
    if (j > 0 && next() < 0.5) {
      const parent = lists[Math.floor(next() * j)]
      const keep = next() < 0.3 ? 1 : 0.6
      lists.push(parent.filter(() => next() < keep))
    } else lists.push(Array.from({ length: n }, (_, i) => i).filter(() => next() < 0.25))
  }
  return { weight, lists }
}

describe('dominated candidates', () => {
  it('drops subsets and duplicates (the lower index stays) and merges the rows that became equal', () => {
    // A = {0,1,2}; B = {0,1} ⊂ A; C = A again; D = {3}; E = {2,3}
    const weight = [1, 2, 4, 8]
    const lists = [[0, 1, 2], [0, 1], [0, 1, 2], [3], [2, 3]]
    const reduced = instance(weight, lists)
    expect(Array.from(findDominators(reduced))).toEqual([0, 0, 0, 4, 4])
    const { reduced: small, dominator } = dropDominatedCandidates(reduced)
    expect(Array.from(small.candidateOriginal)).toEqual([0, 4])
    expect(Array.from(small.candidateReduced)).toEqual([0, -1, -1, -1, 1])
    expect(Array.from(dominator)).toEqual([0, 0, 0, 1, 1])
    // points 0 and 1 are now covered by A alone: one row of weight 3; point 2 by A and E; point 3 by E
    expect(small.rowWeight.length).toBe(3)
    expect(small.demandRow[0]).toBe(small.demandRow[1])
    expect(small.rowWeight[small.demandRow[0]]).toBe(3)
    expect(rowLists(small).map((rows) => rows.reduce((s, r) => s + small.rowWeight[r], 0))).toEqual([7, 12])
    expect(small.coverableWeight).toBe(15)
  })

  it('keeps the optimum of maximal and set covering, by enumeration, on random nested instances', async () => {
    let droppedSome = 0
    for (let seed = 1; seed <= 20; seed++) {
      const { weight, lists } = nestedInstance(seed)
      const reduced = instance(weight, lists)
      const { reduced: small } = dropDominatedCandidates(reduced)
      droppedSome += reduced.candidateCount - small.candidateCount
      // every point keeps its residents and is covered by exactly its kept candidates
      for (let i = 0; i < weight.length; i++) {
        const covering = lists.flatMap((list, j) => (list.includes(i) && small.candidateReduced[j] >= 0 ? [j] : []))
        const row = small.demandRow[i]
        if (row === -1) {
          expect(
            lists.some((list) => list.includes(i)),
            `point ${i}`,
          ).toBe(false)
          continue
        }
        const rowCandidates = Array.from(
          small.rowCandidates.subarray(small.rowStarts[row], small.rowStarts[row + 1]),
          (c) => small.candidateOriginal[c],
        )
        expect(rowCandidates, `seed ${seed}, point ${i}`).toEqual(covering)
      }
      const full = rowLists(reduced)
      const dropped = rowLists(small)
      for (const k of [1, 2, 3, 4]) {
        const optimum = bestCoverage(full, reduced.rowWeight, k)
        expect(bestCoverage(dropped, small.rowWeight, k), `seed ${seed}, k = ${k}`).toBe(optimum)
        const exact = await solveMaximalCoveringExact(reduced, k)
        expect(exact.newlyCoveredWeight, `seed ${seed}, k = ${k}`).toBe(optimum)
        expect(exact.status).toBe('optimal')
      }
      const needed = Math.ceil(reduced.coverableWeight * 0.8)
      expect(fewestSites(dropped, small.rowWeight, needed), `seed ${seed}`).toBe(
        fewestSites(full, reduced.rowWeight, needed),
      )
    }
    // the instances are built so that many candidates are dominated
    expect(droppedSome).toBeGreaterThan(40)
  })
})
