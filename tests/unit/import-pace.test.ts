import { describe, expect, it } from 'vitest'
import { Pace } from '../../server/services/imports/pace.ts'
import { parseUpload } from '../../server/services/imports/import-formats.ts'
import { parseCsvRows, parseWkt, parseWktPaced } from '../../server/services/imports/import-formats-csv.ts'
import { parseLimitsOf } from '../../server/services/imports/parse-limits.ts'

/** Whether a callback queued on the event loop just before `work` starts has run by the time it settles. */
async function turnTakenDuring(work: () => Promise<unknown>): Promise<boolean> {
  let ran = false
  setImmediate(() => (ran = true))
  await work()
  return ran
}

describe('Pace', () => {
  it('gives the event loop a turn once its slice is spent', async () => {
    const pace = new Pace(0)
    expect(await turnTakenDuring(() => pace.step())).toBe(true)
  })

  it('returns at once within its slice', async () => {
    const pace = new Pace(60_000)
    expect(await turnTakenDuring(() => pace.step())).toBe(false)
  })
})

describe('parseUpload of a large file', () => {
  it('lets requests queued meanwhile run before it finishes, and reads every feature', async () => {
    const count = 100_000
    const features = Array.from({ length: count }, (_, i) => ({
      type: 'Feature',
      properties: { code: `G${i}` },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [113 + i * 1e-6, 34],
            [113.0001 + i * 1e-6, 34],
            [113.0001 + i * 1e-6, 34.0001],
            [113 + i * 1e-6, 34],
          ],
        ],
      },
    }))
    const file = {
      name: 'many.geojson',
      data: new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', features })),
    }
    const limits = { ...parseLimitsOf(), maxFeatures: count, maxVertices: count * 4 }
    let parsed: Awaited<ReturnType<typeof parseUpload>> | undefined
    // decoding and parsing ~10 MB of JSON alone takes longer than one slice
    expect(await turnTakenDuring(async () => (parsed = await parseUpload(file, limits)))).toBe(true)
    expect(parsed!.features).toHaveLength(count)
    expect(parsed!.features.at(-1)!.properties.code).toBe(`G${count - 1}`)
  })
})

/** RFC 4180 rows read a character at a time, as parseCsvRows read them before it read slices: the reference. */
function csvRowsByCharacter(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      field = ''
      if (row.some((f) => f !== '')) rows.push(row)
      row = []
    } else field += c
  }
  row.push(field)
  if (row.some((f) => f !== '')) rows.push(row)
  return rows
}

describe('a CSV feature of a million positions', () => {
  it('reads rows as the character-by-character reading did', () => {
    const texts = [
      'a,b\n1,2',
      'a,"b,c"\r\n"x""y",z\n\n',
      '"unterminated,\nline',
      'ab"c,d"e,f\r\rg',
      '',
      ',,\n,',
      '"a""""b"',
      'x,"y"z"w",v\r\n',
      '"\n"',
      'a\rb\r\nc\nd',
      '"a"""',
      '""""',
      '名称,"多边形 ""甲"""\n',
    ]
    for (const text of texts) expect(parseCsvRows(text), JSON.stringify(text)).toEqual(csvRowsByCharacter(text))
  })

  it('reads WKT in steps as in one piece, and refuses what it refused', async () => {
    const ring = Array.from({ length: 20_001 }, (_, i) => [113.6 + i * 1e-7, 34.7 + (i % 7) * 1e-7])
    const wkt = `MULTIPOLYGON(((${ring.map(([x, y]) => `${x} ${y}`).join(', ')})),((0 0 5, 1 0 5, 1 1 5, 0 0 5)))`
    const whole = parseWkt(wkt)
    expect(whole).toEqual({
      type: 'MultiPolygon',
      coordinates: [
        [ring],
        [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      ],
    })
    expect(await parseWktPaced(wkt, new Pace(0))).toEqual(whole)
    for (const [bad, message] of [
      ['POLYGON((0 0, 1 x, 1 1))', 'malformed WKT coordinate "1 x"'],
      ['POLYGON((((0 0))))', 'malformed WKT: parentheses nested deeper than a POLYGON has'],
      ['POLYGON((0 0, 1 0) (1 1))', 'malformed WKT near "(1 1))"'],
      ['POINT(1 2)', 'not a POLYGON or MULTIPOLYGON in WKT: "POINT(1 2)"'],
    ]) {
      expect(() => parseWkt(bad), bad).toThrow(message)
      await expect(parseWktPaced(bad, new Pace(0)), bad).rejects.toThrow(message)
    }
  })

  it('lets requests queued meanwhile run before its parse finishes', async () => {
    const count = 300_000
    const ring = Array.from({ length: count }, (_, i) => {
      const angle = (-2 * Math.PI * i) / count
      return [113.6 + 0.001 * Math.cos(angle), 34.7 + 0.001 * Math.sin(angle)]
    })
    ring.push(ring[0])
    const wkt = `POLYGON((${ring.map(([x, y]) => `${x} ${y}`).join(', ')}))`
    const file = { name: 'big.csv', data: new TextEncoder().encode(`code,wkt\nBIG,"${wkt}"\n`) }
    const limits = { ...parseLimitsOf(), maxVertices: count + 10, maxFeatureVertices: count + 10 }
    let parsed: Awaited<ReturnType<typeof parseUpload>> | undefined
    // its WKT alone takes longer than one slice (in one piece: ~0.3 s)
    expect(await turnTakenDuring(async () => (parsed = await parseUpload(file, limits)))).toBe(true)
    expect(parsed!.features[0].geometry).toEqual({ type: 'Polygon', coordinates: [ring] })
    expect(parsed!.features[0].properties).toEqual({ code: 'BIG' })
  })
})
