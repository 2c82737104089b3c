import { describe, expect, it } from 'vitest'
import { PairIndex } from '../../server/services/merge/pair-index.ts'

describe('PairIndex', () => {
  it('keeps the first value given to a pair and answers -1 for pairs never set', () => {
    const index = new PairIndex()
    expect(index.getOrSet(3, 4, 7)).toBe(-1)
    expect(index.getOrSet(3, 4, 9)).toBe(7)
    expect(index.get(3, 4)).toBe(7)
    expect(index.get(4, 3)).toBe(-1)
    expect(index.size).toBe(1)
  })

  it('tells apart pairs that would collide as one number, including negative ones', () => {
    const index = new PairIndex()
    const pairs = [
      [0, 1],
      [1, 0],
      [-1, 0],
      [0, -1],
      [2 ** 31 - 1, -(2 ** 31)],
      [65536, 0],
      [0, 65536],
    ]
    pairs.forEach(([a, b], n) => index.getOrSet(a, b, n))
    expect(pairs.map(([a, b]) => index.get(a, b))).toEqual(pairs.map((_, n) => n))
  })

  it('grows past its first capacity without losing a pair', () => {
    const index = new PairIndex(4)
    for (let i = 0; i < 50_000; i++) index.getOrSet(i % 317, Math.floor(i / 317), i)
    expect(index.size).toBe(50_000)
    let wrong = 0
    for (let i = 0; i < 50_000; i++) if (index.get(i % 317, Math.floor(i / 317)) !== i) wrong += 1
    expect(wrong).toBe(0)
    expect(index.get(317, 0)).toBe(-1)
  })
})
