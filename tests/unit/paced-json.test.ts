// The paced JSON parser: the value JSON.parse gives for any valid text, turns for the event loop
// while a huge feature is parsed, undefined for text JSON.parse refuses; and the GeoJSON reader
// parses a huge feature with it to the same feature, refusing a malformed one as before.
import { describe, expect, it } from 'vitest'
import { LocalizedInputError } from '../../server/errors.ts'
import { readGeoJson } from '../../server/services/imports/geojson-reader.ts'
import { Pace } from '../../server/services/imports/pace.ts'
import { parseJsonPaced } from '../../server/services/imports/paced-json.ts'
import { parseLimitsOf } from '../../server/services/imports/parse-limits.ts'

const valid = [
  '0',
  '-0',
  '1.5e-7',
  '-12.25E+3',
  ' true ',
  'false',
  'null',
  '""',
  '"quote \\" backslash \\\\ unicode \\u4e2d slash \\/ tab \\t 中文"',
  '[]',
  '{}',
  '[ 1 , [2, [3, []]], {"a": {}} ]',
  '{"a": 1, "a": 2, "b": [true, null], "c": {"d": "e"}}',
  '{"__proto__": {"x": 1}, "constructor": 2}',
  '\n\t{ "type" : "Feature" , "properties" : { "code" : "G-1" } , "geometry" : null }\r\n',
]

const invalid = [
  '',
  ' ',
  '01',
  '1.',
  '.5',
  '-',
  '+1',
  '1e',
  'NaN',
  'tru',
  'nul',
  '[1,]',
  '[1 2]',
  '{"a" 1}',
  '{"a": 1,}',
  "{'a': 1}",
  '{a: 1}',
  '"unterminated',
  '"bad escape \\x"',
  '"tab\tinside"',
  '[1]]',
  '{}{}',
  '[',
  '{"a": [1, 2}',
]

describe('parseJsonPaced', () => {
  it.each(valid)('reads %j as JSON.parse does', async (text) => {
    const parsed = await parseJsonPaced(text, new Pace())
    expect(parsed).toBeDefined()
    expect(parsed!.value).toStrictEqual(JSON.parse(text))
    if (text.includes('__proto__')) {
      const value = parsed!.value as Record<string, unknown>
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
      expect(Object.keys(value)).toEqual(['__proto__', 'constructor'])
    }
  })

  it.each(invalid)('refuses %j as JSON.parse does', async (text) => {
    expect(() => JSON.parse(text)).toThrow()
    expect(await parseJsonPaced(text, new Pace())).toBeUndefined()
  })

  it('parses nesting deeper than the stack would allow', async () => {
    const depth = 200_000
    const parsed = await parseJsonPaced(`${'['.repeat(depth)}${']'.repeat(depth)}`, new Pace())
    let value = parsed!.value as unknown[]
    for (let i = 1; i < depth; i++) value = value[0] as unknown[]
    expect(value).toEqual([])
  })

  it('gives the event loop turns while it parses a polygon of 300,000 positions', async () => {
    const ring = Array.from({ length: 300_000 }, (_, i) => [113 + i / 1e6, 34 + (i % 7) / 1e6])
    const text = JSON.stringify({ type: 'Polygon', coordinates: [ring] })
    let turns = 0
    let parsing = true
    const spin = () => {
      turns++
      if (parsing) setImmediate(spin)
    }
    setImmediate(spin)
    const parsed = await parseJsonPaced(text, new Pace(1))
    parsing = false
    expect(parsed!.value).toStrictEqual(JSON.parse(text))
    expect(turns).toBeGreaterThan(5)
  })
})

describe('readGeoJson of a huge feature', () => {
  const ring = Array.from({ length: 60_000 }, (_, i) => {
    const angle = (2 * Math.PI * i) / 60_000
    return [113.5 + 0.01 * Math.cos(angle), 34.5 + 0.01 * Math.sin(angle)]
  })
  ring[30_000] = [113.123456, 34.5]
  ring.push(ring[0])
  const huge = {
    type: 'Feature',
    properties: { code: 'BIG', 名称: '大网格' },
    geometry: { type: 'Polygon', coordinates: [ring] },
  }
  const small = {
    type: 'Feature',
    properties: { code: 'S' },
    geometry: { type: 'Polygon', coordinates: [ring.slice(0, 4).concat([ring[0]])] },
  }
  const caps = { ...parseLimitsOf(), maxFeatureVertices: 100_000, maxVertices: 200_000 }

  it('reads it (paced) as JSON.parse reads it, with the features around it', async () => {
    const text = JSON.stringify({ type: 'FeatureCollection', features: [small, huge, small] })
    const read = await readGeoJson({ name: 'big.geojson', data: new TextEncoder().encode(text) }, caps)
    expect(
      read.features.map((f) => ({ type: 'Feature', properties: f.properties, geometry: f.geometry })),
    ).toStrictEqual(JSON.parse(text).features)
  })

  it('refuses it malformed as it did when JSON.parse read it, naming feature and field', async () => {
    const text = JSON.stringify({ type: 'FeatureCollection', features: [small, huge] }).replace(
      '113.123456',
      '0113.123456',
    )
    try {
      await readGeoJson({ name: 'big.geojson', data: new TextEncoder().encode(text) }, caps)
      expect.unreachable('the file was accepted')
    } catch (error) {
      expect(error).toBeInstanceOf(LocalizedInputError)
      const refusal = error as LocalizedInputError
      expect(refusal.text.en).toContain('malformed JSON')
      expect(refusal.details).toEqual([{ file: 'big.geojson', feature: 1, field: 'geometry' }])
    }
  })
})
