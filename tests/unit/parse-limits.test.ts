import { describe, expect, it } from 'vitest'
import type { Geometry } from 'geojson'
import { TooLargeError } from '../../server/errors.ts'
import {
  ParseBudget,
  measureGeometry,
  nestsDeeperThan,
  parseLimitsOf,
} from '../../server/services/imports/parse-limits.ts'

const limits = { maxFeatures: 3, maxVertices: 20, maxFeatureVertices: 10, parseMs: 60_000 }
const square: number[][] = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 0],
]

describe('measureGeometry', () => {
  it('counts the vertices of a polygon and a multipolygon', () => {
    expect(measureGeometry({ type: 'Polygon', coordinates: [square, square] })).toEqual({ vertices: 8 })
    expect(measureGeometry({ type: 'MultiPolygon', coordinates: [[square], [square]] })).toEqual({ vertices: 8 })
  })

  it('counts the members of a geometry collection', () => {
    const collection = {
      type: 'GeometryCollection',
      geometries: [
        { type: 'Point', coordinates: [1, 2] },
        { type: 'Polygon', coordinates: [square] },
      ],
    } as Geometry
    expect(measureGeometry(collection)).toEqual({ vertices: 5 })
  })

  it('names coordinates that are missing, a string or nested wrongly', () => {
    for (const coordinates of [undefined, 'x', [1, 2], [[[[1, 2]]]]]) {
      const measure = measureGeometry({ type: 'Polygon', coordinates } as unknown as Geometry)
      expect(measure).toMatchObject({ field: 'geometry.coordinates' })
    }
  })

  it('walks coordinates nested a million deep without recursion', () => {
    let deep: unknown = [1, 2]
    for (let i = 0; i < 1_000_000; i++) deep = [deep]
    expect(measureGeometry({ type: 'Polygon', coordinates: deep } as unknown as Geometry)).toMatchObject({
      field: 'geometry.coordinates',
    })
  })

  it('leaves positions that are not numbers and unknown types to the per-feature checks', () => {
    expect(measureGeometry({ type: 'Polygon', coordinates: [[['1', '2']]] } as unknown as Geometry)).toEqual({
      vertices: 1,
    })
    expect(measureGeometry({ type: 'Circle', coordinates: 'x' } as unknown as Geometry)).toEqual({ vertices: 0 })
    expect(measureGeometry(null)).toEqual({ vertices: 0 })
  })
})

describe('nestsDeeperThan', () => {
  it('tells a deep value from a shallow one without recursion', () => {
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = { a: [deep] }
    expect(nestsDeeperThan(deep, 32)).toBe(true)
    expect(nestsDeeperThan({ a: { b: [1, 2, { c: 3 }] } }, 32)).toBe(false)
  })
})

describe('ParseBudget', () => {
  it('refuses a feature count over the cap, naming the file and the setting', () => {
    const budget = new ParseBudget('a.geojson', limits)
    expect(() => budget.refuseFeatureCount(4)).toThrow(TooLargeError)
    expect(() => budget.refuseFeatureCount(4)).toThrow(/a\.geojson：共 4 个要素，超过上限 3（IMPORT_MAX_FEATURES）/)
    expect(() => budget.refuseFeatureCount(3)).not.toThrow()
  })

  it('refuses a feature over the vertex cap, and a file whose features add up over it', () => {
    // the text counts features from 1: index 2 is the third
    expect(() => new ParseBudget('a', limits).countVertices(2, 11)).toThrow(/a 第 3 个要素：11 个顶点/)
    const budget = new ParseBudget('a', limits)
    budget.countVertices(0, 10)
    budget.countVertices(1, 10)
    expect(() => budget.countVertices(2, 1)).toThrow(/IMPORT_MAX_VERTICES/)
  })

  it('refuses the fourth feature as it is added', () => {
    const budget = new ParseBudget('a', limits)
    for (let i = 0; i < 3; i++) budget.addFeature(i, { type: 'Polygon', coordinates: [square] })
    expect(() => budget.addFeature(3, { type: 'Polygon', coordinates: [square] })).toThrow(TooLargeError)
  })

  it('writes the counts and caps with thousands separators in both languages', () => {
    const big = { maxFeatures: 1_000_000, maxVertices: 5_000_000, maxFeatureVertices: 1_000_000, parseMs: 60_000 }
    const refusal = (act: () => void) => {
      try {
        act()
      } catch (error) {
        return (error as TooLargeError).text
      }
      throw new Error('not refused')
    }
    expect(refusal(() => new ParseBudget('grids.geojson', big).countVertices(1_233, 1_000_001))).toEqual({
      'zh-CN':
        'grids.geojson 第 1,234 个要素：1,000,001 个顶点，超过单个要素的上限 1,000,000（IMPORT_MAX_FEATURE_VERTICES），未导入任何数据',
      en: 'grids.geojson feature 1,234: 1,000,001 vertices, over the limit of 1,000,000 per feature (IMPORT_MAX_FEATURE_VERTICES): nothing was stored',
    })
    expect(refusal(() => new ParseBudget('grids.geojson', big).refuseFeatureCount(1_000_001))).toEqual({
      'zh-CN': 'grids.geojson：共 1,000,001 个要素，超过上限 1,000,000（IMPORT_MAX_FEATURES），未解析也未导入任何数据',
      en: 'grids.geojson: 1,000,001 features, over the limit of 1,000,000 (IMPORT_MAX_FEATURES): nothing was parsed or stored',
    })
    const budget = new ParseBudget('grids.geojson', big)
    for (let i = 0; i < 5; i++) budget.countVertices(i, 1_000_000)
    expect(refusal(() => budget.countVertices(5, 1))['zh-CN']).toContain('整个文件的上限 5,000,000（')
  })

  it('carries English text beside the zh-CN message', () => {
    try {
      new ParseBudget('a.csv', limits).refuseFeatureCount(9)
      expect.unreachable()
    } catch (error) {
      expect((error as TooLargeError).text.en).toMatch(/a\.csv: 9 features, over the limit of 3/)
      expect((error as TooLargeError).details).toEqual([{ file: 'a.csv', field: 'features' }])
    }
  })
})

describe('parseLimitsOf', () => {
  it('takes the configuration table’s defaults for what is not given', () => {
    expect(parseLimitsOf({ importMaxFeatures: 7 })).toEqual({
      maxFeatures: 7,
      maxVertices: 5_000_000,
      maxFeatureVertices: 100_000,
      parseMs: 60_000,
    })
  })
})
