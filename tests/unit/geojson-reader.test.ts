// The streamed GeoJSON reader: the same features JSON.parse gives, turns for the event loop while a
// large file is read, caps met before the features past them are parsed, and malformed JSON named
// by file, feature (from 1) and field in zh-CN and English.
import { describe, expect, it } from 'vitest'
import { LocalizedInputError, TooLargeError } from '../../server/errors.ts'
import { readGeoJson } from '../../server/services/imports/geojson-reader.ts'
import { parseLimitsOf } from '../../server/services/imports/parse-limits.ts'

const encode = (text: string) => new TextEncoder().encode(text)
const limits = { ...parseLimitsOf(), maxFeatures: 3, maxFeatureVertices: 10, maxVertices: 25 }
const square = (x: number) => [
  [
    [113 + x, 34],
    [113.001 + x, 34],
    [113.001 + x, 34.001],
    [113 + x, 34],
  ],
]
const feature = (i: number, properties: Record<string, unknown> = { code: `G-${i}` }) => ({
  type: 'Feature',
  properties,
  geometry: { type: 'Polygon', coordinates: square(i / 100) },
})

/** The refusal `readGeoJson` throws for `text` (with `caps`), or a failed expectation. */
async function refusal(text: string, caps = limits): Promise<LocalizedInputError> {
  try {
    await readGeoJson({ name: 'a.geojson', data: encode(text) }, caps)
  } catch (error) {
    expect(error).toBeInstanceOf(LocalizedInputError)
    return error as LocalizedInputError
  }
  return expect.unreachable('the file was accepted')
}

describe('readGeoJson', () => {
  it('reads the features JSON.parse reads: escapes, Chinese text, a byte-order mark, spaces and the members in any order', async () => {
    const features = [
      feature(0, { code: 'G-0', 名称: '一号网格', note: 'quote " backslash \\ brace } bracket ]', n: [1, 2] }),
      { type: 'Feature', properties: null, geometry: null },
      feature(2, { code: 'G-2', nested: { geometry: [[1, 2]] } }),
    ]
    const text = JSON.stringify(
      { features, crs: { type: 'name', properties: { name: 'EPSG:4490' } }, type: 'FeatureCollection', name: 'x' },
      null,
      2,
    )
    const read = await readGeoJson({ name: 'a.geojson', data: encode(`\uFEFF${text}\n`) }, limits)
    expect(read.features).toEqual(
      features.map((f, index) => ({ index, geometry: f.geometry, properties: f.properties ?? {} })),
    )
    expect(read).toMatchObject({ file: 'a.geojson', format: 'geojson', crs: { kind: 'epsg', srid: 4490 } })
  })

  it('reads an empty collection', async () => {
    const read = await readGeoJson(
      { name: 'a.geojson', data: encode('{"type":"FeatureCollection","features":[]}') },
      limits,
    )
    expect(read.features).toEqual([])
  })

  it('gives the event loop turns while a large file is read, and reads every feature', async () => {
    const count = 40_000
    const features = Array.from({ length: count }, (_, i) => feature(i))
    const data = encode(JSON.stringify({ type: 'FeatureCollection', features }))
    let turns = 0
    let reading = true
    const spin = () => {
      turns++
      if (reading) setImmediate(spin)
    }
    setImmediate(spin)
    const caps = { ...parseLimitsOf(), maxFeatures: count, maxVertices: count * 4 }
    const read = await readGeoJson({ name: 'many.geojson', data }, caps)
    reading = false
    expect(read.features).toHaveLength(count)
    expect(read.features.at(-1)!.properties.code).toBe(`G-${count - 1}`)
    // the old reader parsed the whole file in one step: one turn at most
    expect(turns).toBeGreaterThan(5)
  })

  it('refuses a file over the feature cap with its whole count, the features past the cap counted but not parsed', async () => {
    const text = JSON.stringify({ type: 'FeatureCollection', features: [0, 1, 2, 3, 4].map((i) => feature(i)) })
    // the fifth feature is not JSON; past the cap it is only counted
    const error = await refusal(text.replace('"G-4"', 'G-4'))
    expect(error).toBeInstanceOf(TooLargeError)
    expect(error.text['zh-CN']).toMatch(/^a\.geojson：共 5 个要素，超过上限 3（IMPORT_MAX_FEATURES）/)
    expect(error.text.en).toMatch(/^a\.geojson: 5 features, over the limit of 3 \(IMPORT_MAX_FEATURES\)/)
  })

  it('refuses a feature over the vertex cap before parsing it, and a file whose vertices add up over the cap', async () => {
    const ring = Array.from({ length: 12 }, (_, i) => [113 + i / 1000, 34 + (i % 2) / 1000])
    const dense = { type: 'Feature', properties: { code: 'X' }, geometry: { type: 'Polygon', coordinates: [ring] } }
    const text = JSON.stringify({ type: 'FeatureCollection', features: [feature(0), dense] })
    const error = await refusal(text.replace('"X"', 'X'))
    expect(error).toBeInstanceOf(TooLargeError)
    expect(error.text['zh-CN']).toMatch(/^a\.geojson 第 2 个要素：12 个顶点，超过单个要素的上限 10/)
    expect(error.details).toEqual([{ file: 'a.geojson', feature: 1, field: 'geometry' }])
    // 4 + 4 + 10 + 10 vertices: the fourth feature passes 25
    const nine = { ...dense, geometry: { type: 'Polygon', coordinates: [ring.slice(0, 10)] } }
    const heavy = await refusal(
      JSON.stringify({ type: 'FeatureCollection', features: [feature(0), feature(1), nine] }),
      {
        ...limits,
        maxVertices: 17,
      },
    )
    expect(heavy.text.en).toMatch(/^a\.geojson: the vertices up to feature 3 pass the limit of 17 per file/)
  })

  it.each([
    ['an empty file', '', {}, '文件是空的（第 1 行第 1 列）', 'the file is empty (line 1, column 1)'],
    [
      'a file that breaks off in the features array',
      '{"type": "FeatureCollection", "features": [',
      { feature: 0 },
      '文件在此值之前结束',
      'the file ends where a value belongs',
    ],
    [
      'a file that breaks off inside a feature',
      '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[113,34],[113.1',
      { feature: 0, field: 'geometry' },
      '文件在此要素中途结束',
      'the file ends inside this feature',
    ],
    [
      'a string that never closes',
      '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"G-1}}]}',
      { feature: 0 },
      '字符串没有结束',
      'a string is not closed',
    ],
    [
      'a trailing comma in the features',
      `{"type":"FeatureCollection","features":[${JSON.stringify(feature(0))},]}`,
      { feature: 1 },
      '“,”之后缺少要素',
      'a feature is missing after ","',
    ],
    [
      'a member name without quotes',
      '{type: "FeatureCollection", "features": []}',
      {},
      '此处应为成员名，出现了“t”',
      'expected a member name, found "t"',
    ],
    [
      'a value that is not JSON',
      '{"type": FeatureCollection, "features": []}',
      { field: 'type' },
      'Unexpected token',
      'Unexpected token',
    ],
    [
      'a number that is not JSON in a feature',
      `{"type":"FeatureCollection","features":[${JSON.stringify(feature(0))},\n${JSON.stringify(feature(1)).replace('"code":"G-1"', '"code":01')}]}`,
      { feature: 1, field: 'properties' },
      '第 2 行第',
      'line 2, column',
    ],
  ])('refuses %s as malformed JSON, naming where', async (_, text, where, zh, en) => {
    const error = await refusal(text)
    expect(error).not.toBeInstanceOf(TooLargeError)
    expect(error.text['zh-CN']).toContain('JSON 格式错误')
    expect(error.text['zh-CN']).toContain(zh)
    expect(error.text.en).toContain('malformed JSON')
    expect(error.text.en).toContain(en)
    expect(error.details).toEqual([{ file: 'a.geojson', feature: undefined, field: undefined, ...where }])
    if ('feature' in where) expect(error.text.en).toMatch(new RegExp(`^a\\.geojson feature ${where.feature! + 1}\\b`))
  })

  it.each([
    ['a Feature', '{"type": "Feature", "geometry": null, "properties": {}}'],
    ['an array', '[{"type": "Feature"}]'],
    ['a collection without features', '{"type": "FeatureCollection"}'],
    ['a collection whose features are not an array', '{"type": "FeatureCollection", "features": {}}'],
  ])('refuses %s as not a FeatureCollection', async (_, text) => {
    const error = await refusal(text)
    expect(error.text.en).toBe('a.geojson field "type": not a GeoJSON FeatureCollection')
    expect(error.text['zh-CN']).toBe('a.geojson 字段“type”：不是 GeoJSON FeatureCollection')
  })

  it('names a member of features that is not a Feature, counted from 1', async () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [feature(0), { type: 'Point', coordinates: [113, 34] }],
    })
    const error = await refusal(text)
    expect(error.text.en).toBe('a.geojson feature 2 field "type": not a GeoJSON Feature')
    expect(error.details).toEqual([{ file: 'a.geojson', feature: 1, field: 'type' }])
  })

  it('refuses an unknown frame named in crs', async () => {
    const error = await refusal('{"type":"FeatureCollection","crs":{"properties":{"name":"EPSG:2000"}},"features":[]}')
    expect(error.text.en).toMatch(/^a\.geojson field "crs": unknown coordinate reference system "EPSG:2000"/)
  })
})
