import { describe, expect, it } from 'vitest'
import { codePrefixOf } from '../../server/db/region-codes.ts'

describe('codePrefixOf', () => {
  it.each([
    ['410199000000', '410199'],
    ['410199001000', '410199001'],
    ['410199001201', '410199001201'],
  ])('gives %s the prefix %s', (code, prefix) => {
    expect(codePrefixOf(code)).toBe(prefix)
  })
})
