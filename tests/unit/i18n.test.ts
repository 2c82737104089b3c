// The web's zh-CN texts live in one file a feature (web/src/lib/i18n/zh-CN/*.ts) and are composed
// into one object: every section a feature file exports is composed, once, and nothing else is.
import { describe, expect, it } from 'vitest'
import { zhCN } from '../../web/src/lib/i18n/zh-CN.ts'

const features = import.meta.glob<Record<string, unknown>>('../../web/src/lib/i18n/zh-CN/*.ts', { eager: true })

describe('zh-CN texts split by feature', () => {
  it('composes every section of every feature file, each from exactly one file', () => {
    const owners = new Map<string, string[]>()
    for (const [file, sections] of Object.entries(features))
      for (const name of Object.keys(sections)) owners.set(name, [...(owners.get(name) ?? []), file])
    expect([...owners.entries()].filter(([, files]) => files.length > 1)).toEqual([])
    expect(Object.keys(zhCN).sort()).toEqual([...owners.keys()].sort())
    for (const sections of Object.values(features))
      for (const [name, section] of Object.entries(sections))
        expect(zhCN[name as keyof typeof zhCN], name).toBe(section)
  })

  it('has a text for every key, no empty one', () => {
    const empty: string[] = []
    const walk = (value: unknown, path: string) => {
      if (typeof value === 'string') {
        if (value.trim() === '') empty.push(path)
      } else if (value && typeof value === 'object')
        for (const [key, inner] of Object.entries(value)) walk(inner, `${path}.${key}`)
    }
    walk(zhCN, 'zhCN')
    expect(empty).toEqual([])
  })

  it('names a refused import file in its headline, its error count grouped by thousands', () => {
    expect(zhCN.imports.refused('grids.geojson', 1)).toBe('文件 grids.geojson 被拒收：1 处错误，见下')
    expect(zhCN.imports.refused('grids.geojson', 12_345)).toBe('文件 grids.geojson 被拒收：12,345 处错误，见下')
  })
})
