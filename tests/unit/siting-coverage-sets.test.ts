import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../server/errors.ts'
import { reduceCoverage } from '../../server/services/siting/coverage-reduction.ts'
import { buildCoverageSets, coverageSetsFromPairs } from '../../server/services/siting/coverage-sets.ts'
import { createRandom } from '../../data/district/random.ts'

/** A seeded sequence (mulberry32, the demo generator's), so random cases repeat exactly. */
const random = (seed: number): (() => number) => createRandom(seed).next

function listsOf(starts: Int32Array, items: Int32Array): number[][] {
  return Array.from({ length: starts.length - 1 }, (_, j) => Array.from(items.subarray(starts[j], starts[j + 1])))
}

describe('buildCoverageSets', () => {
  it('agrees with testing every pair on random points, with per-site radii and fixed centres removed', () => {
    const next = random(7)
    const n = 3000
    const demand = {
      x: Float64Array.from({ length: n }, () => next() * 5000),
      y: Float64Array.from({ length: n }, () => next() * 3000),
      weight: Float64Array.from({ length: n }, () => Math.floor(next() * 10)),
    }
    const m = 60
    const candidates = {
      x: Float64Array.from({ length: m }, () => next() * 5000),
      y: Float64Array.from({ length: m }, () => next() * 3000),
      radius: Float64Array.from({ length: m }, () => 100 + next() * 600),
    }
    const fixed = { x: [1000, 4000], y: [1000, 2000], radius: [500, 800] }
    const sets = buildCoverageSets(demand, candidates, fixed)

    const within = (px: number, py: number, r: number, i: number) =>
      (demand.x[i] - px) ** 2 + (demand.y[i] - py) ** 2 <= r * r
    const fixedCovered = Array.from({ length: n }, (_, i) =>
      fixed.x.some((_, f) => within(fixed.x[f], fixed.y[f], fixed.radius[f], i)),
    )
    const expected = Array.from({ length: m }, (_, j) =>
      Array.from({ length: n }, (_, i) => i).filter(
        (i) => !fixedCovered[i] && within(candidates.x[j], candidates.y[j], candidates.radius[j], i),
      ),
    )
    expect(listsOf(sets.candidateStarts, sets.candidateDemand)).toEqual(expected)
    expect(Array.from(sets.coveredByFixed, Boolean)).toEqual(fixedCovered)
    const fixedWeight = fixedCovered.reduce((sum, covered, i) => sum + (covered ? demand.weight[i] : 0), 0)
    expect(sets.fixedCoveredWeight).toBe(fixedWeight)
    expect(sets.totalWeight).toBe(demand.weight.reduce((a, b) => a + b, 0))
    expect(expected.some((list) => list.length > 0)).toBe(true)
  })

  it('counts a point exactly on the radius as covered', () => {
    const sets = buildCoverageSets(
      { x: [300, 300.001], y: [400, 400], weight: [1, 1] },
      { x: [0], y: [0], radius: 500 },
    )
    expect(Array.from(sets.candidateDemand)).toEqual([0])
  })

  it('refuses a radius out of range, naming the field in Chinese', () => {
    const demand = { x: [0], y: [0], weight: [1] }
    for (const radius of [0, -5, 60_000, Number.NaN]) {
      const build = () => buildCoverageSets(demand, { x: [0], y: [0], radius })
      expect(build).toThrow(InvalidInputError)
      expect(build).toThrow(/服务半径.*字段 candidates\.radius/)
    }
  })

  it('refuses a negative resident count, naming the point and field', () => {
    expect(() => buildCoverageSets({ x: [0, 1], y: [0, 1], weight: [3, -1] }, { x: [0], y: [0], radius: 10 })).toThrow(
      /需求点 1 的人口数.*字段 weight/,
    )
  })
})

describe('reduceCoverage', () => {
  // Demand 0..6; candidate 0 covers {0,1,2}, 1 covers {1,2,3}, 2 covers nothing, 3 covers {0,1,2,4};
  // demand 5 is covered by a fixed centre, 6 by nobody.
  const sets = coverageSetsFromPairs(
    [1, 2, 4, 8, 16, 32, 64],
    4,
    { candidate: [0, 0, 0, 1, 1, 1, 3, 3, 3, 3, 3], demand: [0, 1, 2, 1, 2, 3, 0, 1, 2, 4, 5] },
    Uint8Array.from([0, 0, 0, 0, 0, 1, 0]),
  )
  const reduced = reduceCoverage(sets)

  it('merges demand covered by the same candidates into one weighted row', () => {
    // Patterns: demand 0 → {0,3}; 1 and 2 → {0,1,3}; 3 → {1}; 4 → {3}.
    expect(reduced.rowWeight.length).toBe(4)
    expect(reduced.demandRow[1]).toBe(reduced.demandRow[2])
    expect(reduced.rowWeight[reduced.demandRow[1]]).toBe(6)
    expect(Array.from(reduced.demandRow.slice(5))).toEqual([-1, -1])
  })

  it('drops candidates that cover nothing and keeps the original numbering beside the reduced one', () => {
    expect(Array.from(reduced.candidateOriginal)).toEqual([0, 1, 3])
    expect(Array.from(reduced.candidateReduced)).toEqual([0, 1, -1, 2])
  })

  it('accounts for every resident: fixed, coverable and uncoverable add up to the total', () => {
    expect(reduced.fixedCoveredWeight).toBe(32)
    expect(reduced.uncoverableWeight).toBe(64)
    expect(reduced.coverableWeight).toBe(1 + 2 + 4 + 8 + 16)
    expect(reduced.fixedCoveredWeight + reduced.uncoverableWeight + reduced.coverableWeight).toBe(reduced.totalWeight)
  })

  it('keeps both views of the rows consistent (candidate → rows is the transpose of row → candidates)', () => {
    const fromRows = new Set<string>()
    for (let r = 0; r < reduced.rowWeight.length; r++)
      for (let k = reduced.rowStarts[r]; k < reduced.rowStarts[r + 1]; k++)
        fromRows.add(`${reduced.rowCandidates[k]}:${r}`)
    const fromCandidates = new Set<string>()
    for (let j = 0; j < reduced.candidateCount; j++)
      for (let k = reduced.candidateStarts[j]; k < reduced.candidateStarts[j + 1]; k++)
        fromCandidates.add(`${j}:${reduced.candidateRows[k]}`)
    expect(fromCandidates).toEqual(fromRows)
    expect(fromRows.size).toBe(2 + 3 + 1 + 1)
  })

  it('shrinks a dense random instance by merging, without changing any candidate set’s weight', () => {
    const next = random(11)
    const n = 20_000
    const demand = {
      x: Float64Array.from({ length: n }, () => next() * 2000),
      y: Float64Array.from({ length: n }, () => next() * 2000),
      weight: Float64Array.from({ length: n }, () => 1 + Math.floor(next() * 5)),
    }
    const candidates = {
      x: Float64Array.from({ length: 40 }, () => next() * 2000),
      y: Float64Array.from({ length: 40 }, () => next() * 2000),
      radius: 400,
    }
    const raw = buildCoverageSets(demand, candidates)
    const small = reduceCoverage(raw)
    expect(small.rowWeight.length).toBeLessThan(n / 10)
    for (let j = 0; j < 40; j++) {
      let rawWeight = 0
      for (let k = raw.candidateStarts[j]; k < raw.candidateStarts[j + 1]; k++)
        rawWeight += raw.weight[raw.candidateDemand[k]]
      const r = small.candidateReduced[j]
      let reducedWeight = 0
      if (r !== -1)
        for (let k = small.candidateStarts[r]; k < small.candidateStarts[r + 1]; k++)
          reducedWeight += small.rowWeight[small.candidateRows[k]]
      expect(reducedWeight).toBe(rawWeight)
    }
  })
})
