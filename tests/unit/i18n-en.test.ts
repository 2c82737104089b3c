// The web's English texts (web/src/lib/i18n/en.ts, en/*.ts) beside the zh-CN ones: the typecheck holds
// their shape (en satisfies Messages); this holds the rest. Every key of either table is in the other
// (the Record tables too, which the type cannot check), no value is empty, every text function answers
// in both, English has no Chinese character outside the proper names allowed below, and the language a
// page starts in is chosen as the brief says (zh-CN unless the browser asks for English and no Chinese).
import { describe, expect, it } from 'vitest'
import { chooseLocale, parseLocale } from '../../web/src/lib/i18n/choose.ts'
import { en } from '../../web/src/lib/i18n/en.ts'
import { zhCN } from '../../web/src/lib/i18n/zh-CN.ts'

const enFiles = import.meta.glob<Record<string, unknown>>('../../web/src/lib/i18n/en/*.ts', { eager: true })
const zhFiles = import.meta.glob<Record<string, unknown>>('../../web/src/lib/i18n/zh-CN/*.ts', { eager: true })

/** Proper names that stay Chinese in English texts (the demo district as the map names it). */
const allowedChinese = ['青禾区']
const chinese = /[\u3000-\u303f\u3300-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u

/** A text function called with sample arguments: numbers, or strings, or lists of strings, as it reads them. */
function sample(text: (...args: unknown[]) => unknown): string {
  const args = (value: unknown) => Array.from({ length: Math.max(text.length, 1) }, () => value)
  for (const value of [1234, 'sample', ['sample', 'other']])
    try {
      return String(text(...args(value)))
    } catch {
      // not this kind of argument: try the next
    }
  throw new Error(`no sample arguments fit ${text.toString().slice(0, 80)}`)
}

/** Every leaf of a table: its path, and its text (a function's with sample arguments). */
function leaves(table: unknown, path = ''): Map<string, { text: string; kind: string }> {
  const found = new Map<string, { text: string; kind: string }>()
  const walk = (value: unknown, at: string) => {
    if (typeof value === 'string') found.set(at, { text: value, kind: 'string' })
    else if (typeof value === 'function')
      found.set(at, { text: sample(value as (...args: unknown[]) => unknown), kind: 'function' })
    else if (value && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) walk(inner, at ? `${at}.${key}` : key)
    else found.set(at, { text: String(value), kind: typeof value })
  }
  walk(table, path)
  return found
}

describe('the English texts beside the zh-CN ones', () => {
  const zh = leaves(zhCN)
  const english = leaves(en)

  it('has one English file per zh-CN file, each exporting the same sections', () => {
    const names = (files: Record<string, Record<string, unknown>>, dir: string) =>
      Object.fromEntries(
        Object.entries(files).map(([file, sections]) => [file.replace(`/${dir}/`, '/'), Object.keys(sections).sort()]),
      )
    expect(names(enFiles, 'en')).toEqual(names(zhFiles, 'zh-CN'))
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort())
  })

  it('has every zh-CN key in English and no English key zh-CN lacks, of the same kind', () => {
    expect([...zh.keys()].filter((key) => !english.has(key))).toEqual([])
    expect([...english.keys()].filter((key) => !zh.has(key))).toEqual([])
    const kinds = [...zh].filter(([key, { kind }]) => english.get(key)?.kind !== kind).map(([key]) => key)
    expect(kinds).toEqual([])
    expect(zh.size).toBeGreaterThan(400)
  })

  it('has no empty value in either language (a function answering with text too)', () => {
    const empty = (table: Map<string, { text: string }>) =>
      [...table].filter(([, { text }]) => text.trim() === '').map(([key]) => key)
    expect(empty(zh)).toEqual([])
    expect(empty(english)).toEqual([])
  })

  it('writes no Chinese character in English except the allowed proper names', () => {
    const offending = [...english]
      .filter(([, { text }]) => chinese.test(allowedChinese.reduce((rest, name) => rest.replaceAll(name, ''), text)))
      .map(([key, { text }]) => `${key}: ${text}`)
    expect(offending).toEqual([])
    // and the allowed names are used, not stale
    for (const name of allowedChinese) expect([...english.values()].some(({ text }) => text.includes(name))).toBe(true)
  })
})

describe('the language a page starts in', () => {
  const choose = (query: string | null, saved: string | null, languages: string[]) =>
    chooseLocale({ query, saved, languages })

  it('reads language tags as one of the two', () => {
    expect(['en', 'en-GB', 'EN-us', 'zh', 'zh-CN', 'zh-Hans-CN', 'zh-TW', 'fr', '', null].map(parseLocale)).toEqual([
      'en',
      'en',
      'en',
      'zh-CN',
      'zh-CN',
      'zh-CN',
      'zh-CN',
      undefined,
      undefined,
      undefined,
    ])
  })

  it('takes ?lang= first, then the saved choice, then the browser', () => {
    expect(choose('en', 'zh-CN', ['zh-CN'])).toBe('en')
    expect(choose('zh-CN', 'en', ['en-US'])).toBe('zh-CN')
    expect(choose(null, 'en', ['zh-CN'])).toBe('en')
    expect(choose(null, 'zh-CN', ['en-US'])).toBe('zh-CN')
    // an unknown ?lang= or saved value is no choice
    expect(choose('fr', null, ['en-US'])).toBe('en')
    expect(choose(null, 'garbage', ['zh-CN'])).toBe('zh-CN')
  })

  it('keeps zh-CN unless the browser puts English first and names no Chinese at all', () => {
    expect(choose(null, null, [])).toBe('zh-CN')
    expect(choose(null, null, ['zh-CN', 'en'])).toBe('zh-CN')
    expect(choose(null, null, ['en-US', 'zh-CN'])).toBe('zh-CN')
    expect(choose(null, null, ['en-US', 'en'])).toBe('en')
    expect(choose(null, null, ['en-GB'])).toBe('en')
    expect(choose(null, null, ['fr-FR', 'en'])).toBe('zh-CN')
    expect(choose(null, null, ['de'])).toBe('zh-CN')
  })
})
