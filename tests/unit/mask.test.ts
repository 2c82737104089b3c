import { describe, expect, it } from 'vitest'
import { maskPersonal } from '../../server/db/mask.ts'

describe('maskPersonal', () => {
  it.each([
    ['123456', '1****6'],
    ['13812345678', '138****5678'],
    ['张三', '**'],
    ['欧阳娜娜', '****'],
    ['x', '*'],
  ])('masks %s as %s', (value, masked) => expect(maskPersonal(value)).toBe(masked))

  it('hides the middle of every length from 1 to 20, keeping at most 3 in front and 4 at the end', () => {
    for (let length = 1; length <= 20; length++) {
      const value = 'abcdefghijklmnopqrst'.slice(0, length)
      const masked = maskPersonal(value)
      expect(masked, `length ${length}`).toHaveLength(length)
      const hidden = [...masked].filter((c) => c === '*').length
      expect(hidden, `length ${length}`).toBeGreaterThanOrEqual(Math.min(length, 3))
      const front = masked.match(/^[^*]*/)![0]
      const back = masked.match(/[^*]*$/)![0]
      expect(front.length).toBeLessThanOrEqual(3)
      expect(back.length).toBeLessThanOrEqual(4)
      expect(value.startsWith(front) && value.endsWith(back)).toBe(true)
      expect(masked.slice(front.length, length - back.length)).toMatch(/^\*+$/)
    }
  })

  it('keeps null as null', () => expect(maskPersonal(null)).toBeNull())
})
