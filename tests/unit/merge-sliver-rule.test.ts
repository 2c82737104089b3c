// The documented sliver thresholds (README, DOMAIN: 20 m², 2,000 m², thinness 0.12), pinned by cases on
// either side of each: a default moved in the code fails here, not only in the merge results.
import { describe, expect, it } from 'vitest'
import { isSliver } from '../../server/services/merge/merge-grouping.ts'

/** A face of this area whose perimeter gives it this thinness (4πA/P²). */
const face = (areaM2: number, thinness: number) => ({
  areaM2,
  perimeterM: Math.sqrt((4 * Math.PI * areaM2) / thinness),
})
/** A square: thinness π/4 ≈ 0.785, far from thin. */
const square = (areaM2: number) => ({ areaM2, perimeterM: 4 * Math.sqrt(areaM2) })

describe('the default sliver rule', () => {
  it('counts any face under 20 m² as a sliver, however compact', () => {
    expect(isSliver(square(19.9))).toBe(true)
    expect(isSliver(square(20.1))).toBe(false)
  })

  it('counts a face up to 2,000 m² as a sliver when its thinness is under 0.12', () => {
    expect(isSliver(face(1000, 0.119))).toBe(true)
    expect(isSliver(face(1000, 0.121))).toBe(false)
    expect(isSliver(face(25, 0.119))).toBe(true)
    expect(isSliver(face(25, 0.121))).toBe(false)
  })

  it('never counts a face over 2,000 m² as a sliver, however thin', () => {
    expect(isSliver(face(2000, 0.05))).toBe(true)
    expect(isSliver(face(2001, 0.05))).toBe(false)
    expect(isSliver(face(50_000, 0.001))).toBe(false)
  })
})
