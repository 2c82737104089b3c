// Choropleth classes against breaks computed by hand.
import { describe, expect, it } from 'vitest'
import { classBreaks, classColors, classOf, countPerClass } from '../../web/src/features/party/class-breaks.ts'

const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

describe('equal-interval classes', () => {
  it('cut the range 1–10 into five widths of 1.8', () => {
    const bounds = classBreaks(oneToTen, 5, 'equal_interval')
    ;[1, 2.8, 4.6, 6.4, 8.2, 10].forEach((b, i) => expect(bounds[i]).toBeCloseTo(b, 10))
    expect(countPerClass(oneToTen, bounds).counts).toEqual([2, 2, 2, 2, 2])
  })

  it('put 0, 0, 0, 10 into the first and last of two classes', () => {
    const bounds = classBreaks([0, 0, 0, 10], 2, 'equal_interval')
    expect(bounds).toEqual([0, 5, 10])
    expect(countPerClass([0, 0, 0, 10], bounds).counts).toEqual([3, 1])
  })
})

describe('quantile classes', () => {
  it('end each of five classes of 1–10 at ranks 2, 4, 6, 8, 10', () => {
    expect(classBreaks(oneToTen, 5, 'quantile')).toEqual([1, 2, 4, 6, 8, 10])
  })

  it('end each of three classes of seven values at ranks 3, 5, 7', () => {
    // ⌈7/3⌉ = 3, ⌈14/3⌉ = 5, 7
    expect(classBreaks([7, 1, 3, 5, 2, 9, 4], 3, 'quantile')).toEqual([1, 3, 5, 9])
  })

  it('collapse ties into fewer classes rather than empty ones', () => {
    // ranks 2, 4, 6 of [1,1,1,1,1,2] are 1, 1, 2: the second class would be empty
    expect(classBreaks([1, 1, 1, 1, 1, 2], 3, 'quantile')).toEqual([1, 1, 2])
  })
})

describe('natural breaks (Jenks)', () => {
  it('find the three clusters 1–3, 10–12, 20–22', () => {
    expect(classBreaks([22, 1, 11, 2, 21, 3, 10, 12, 20], 3, 'jenks')).toEqual([1, 3, 12, 22])
  })

  it('split 1, 2, 4, 5, 7, 8, 9 in two where the squared deviations are least', () => {
    // by hand: {1,2,4,5} + {7,8,9} → 10 + 2 = 12; {1,2} + {4,…,9} → 0.5 + 17.2; {1,2,4} + {5,…,9} → 4.67 + 8.75
    expect(classBreaks([1, 2, 4, 5, 7, 8, 9], 2, 'jenks')).toEqual([1, 5, 9])
  })
})

describe('classes and no data', () => {
  it('leave nulls out of the breaks and count them as no data', () => {
    const values = [null, 1, 2, null, 3, 4]
    const bounds = classBreaks(values, 2, 'equal_interval')
    expect(bounds).toEqual([1, 2.5, 4])
    expect(countPerClass(values, bounds)).toEqual({ counts: [2, 2], noData: 2 })
    expect(classOf(null, bounds)).toBeNull()
  })

  it('give one class per distinct value when there are fewer values than classes, and none for no values', () => {
    expect(classBreaks([5, 5, 5], 4, 'jenks')).toEqual([5, 5])
    expect(classBreaks([2, 8], 5, 'quantile')).toEqual([2, 2, 8])
    expect(classBreaks([null, null], 5, 'jenks')).toEqual([])
    expect(countPerClass([null], [])).toEqual({ counts: [], noData: 1 })
  })

  it('puts a value on a break into the lower class', () => {
    expect(classOf(2.8, [1, 2.8, 4.6])).toBe(0)
    expect(classOf(2.81, [1, 2.8, 4.6])).toBe(1)
  })

  it('colours classes light to dark', () => {
    expect(classColors(5)).toHaveLength(5)
    expect(new Set(classColors(5)).size).toBe(5)
    expect(classColors(0)).toEqual([])
  })
})
