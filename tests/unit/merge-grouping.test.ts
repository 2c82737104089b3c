import { describe, expect, it } from 'vitest'
import { type Face, absorbIntoNeighbours, balanceHouseholds, isSliver, thinness } from '../../server/services/merge-grouping.ts'

const face = (id: number, over: Partial<Face> = {}): Face => ({ id, areaM2: 10_000, perimeterM: 400, households: 0, baseGridId: null, x: 0, y: 0, ...over })

describe('the sliver rule', () => {
  it('measures a circle as 1 and a long strip as nearly 0', () => {
    const r = 10
    expect(thinness(Math.PI * r * r, 2 * Math.PI * r)).toBeCloseTo(1, 9)
    expect(thinness(0.5 * 200, 2 * 200.5)).toBeLessThan(0.01)
  })

  it('calls tiny faces and thin strips slivers, and a 100 m square not', () => {
    expect(isSliver({ areaM2: 5, perimeterM: 9 })).toBe(true)
    expect(isSliver({ areaM2: 100, perimeterM: 401 })).toBe(true)
    expect(isSliver({ areaM2: 10_000, perimeterM: 400 })).toBe(false)
  })

  it('does not call a large thin face a sliver', () => {
    expect(isSliver({ areaM2: 50_000, perimeterM: 10_010 })).toBe(false)
  })
})

describe('absorbIntoNeighbours', () => {
  it('gives a sliver to the neighbour it shares the longest edge with', () => {
    const faces = [face(1, { baseGridId: 10 }), face(2, { baseGridId: 20 }), face(3, { areaM2: 50, perimeterM: 201, baseGridId: 10 })]
    const labels = absorbIntoNeighbours(faces, [{ a: 1, b: 3, sharedM: 20 }, { a: 2, b: 3, sharedM: 100 }], new Map([[1, 10], [2, 20], [3, 10]]))
    expect(labels.get(3)).toBe(20)
  })

  it('passes labels along a chain of uncovered faces', () => {
    const faces = [face(1, { baseGridId: 7 }), face(2), face(3)]
    const labels = absorbIntoNeighbours(faces, [{ a: 1, b: 2, sharedM: 10 }, { a: 2, b: 3, sharedM: 10 }], new Map([[1, 7]]))
    expect([...labels.values()]).toEqual([7, 7, 7])
  })

  it('makes a community with no labelled face one group', () => {
    const labels = absorbIntoNeighbours([face(1), face(2)], [{ a: 1, b: 2, sharedM: 10 }], new Map())
    expect(new Set(labels.values()).size).toBe(1)
  })
})

describe('balanceHouseholds', () => {
  // a 4 × 4 lattice of faces with 50 households each: 800 households in all
  const lattice = Array.from({ length: 16 }, (_, i) => face(i + 1, { households: 50, x: i % 4, y: -Math.floor(i / 4) }))
  const edges = lattice.flatMap((f, i) => [
    ...(i % 4 < 3 ? [{ a: f.id, b: f.id + 1, sharedM: 100 }] : []),
    ...(i < 12 ? [{ a: f.id, b: f.id + 4, sharedM: 100 }] : []),
  ])

  it('splits 800 households into two groups of 400 at a target of 400', () => {
    const labels = balanceHouseholds(lattice, edges, 400)
    const sizes = new Map<number, number>()
    for (const label of labels.values()) sizes.set(label, (sizes.get(label) ?? 0) + 50)
    expect([...sizes.values()]).toEqual([400, 400])
  })

  it('keeps every group contiguous', () => {
    const labels = balanceHouseholds(lattice, edges, 300)
    for (const label of new Set(labels.values())) {
      const members = lattice.filter((f) => labels.get(f.id) === label).map((f) => f.id)
      const reached = new Set([members[0]])
      for (let changed = true; changed; ) {
        changed = false
        for (const { a, b } of edges) {
          if (reached.has(a) && members.includes(b) && !reached.has(b)) { reached.add(b); changed = true }
          if (reached.has(b) && members.includes(a) && !reached.has(a)) { reached.add(a); changed = true }
        }
      }
      expect(reached.size, `group ${label}`).toBe(members.length)
    }
  })

  it('folds a remainder far below the target into a neighbouring group', () => {
    const labels = balanceHouseholds(lattice, edges, 700)
    expect(new Set(labels.values()).size).toBe(1)
  })
})
