// CSV with a WKT column (UTF-8 or GBK): RFC 4180 rows, and POLYGON / MULTIPOLYGON WKT as GeoJSON.
import type { Geometry } from 'geojson'
import type { LocalizedText } from '../../errors.ts'
import { say } from './messages.ts'
import { type ParseLimits, ParseBudget } from './parse-limits.ts'
import { Pace } from './pace.ts'
import { type ImportFile, type ParsedFeature, type ParsedLayer, decodeText, fail } from './import-formats-common.ts'

/**
 * RFC 4180 rows: quoted fields may hold commas, quotes ("") and newlines. Fields are taken as slices
 * of the text, not built a character at a time: a WKT field of 36 MB (a polygon of a million vertices)
 * took 3.4 s that way.
 */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const end = text.length
  for (let i = 0; i < end; i++) {
    if (quoted) {
      // up to the next quote: the field's end, or the first of a doubled quote
      const quote = text.indexOf('"', i)
      if (quote < 0) {
        field += text.slice(i)
        break
      }
      field += text.slice(i, quote)
      if (text.charCodeAt(quote + 1) === 0x22) {
        field += '"'
        i = quote + 1
      } else {
        quoted = false
        i = quote
      }
      continue
    }
    // up to the next quote, comma or line end
    let at = i
    for (; at < end; at++) {
      const c = text.charCodeAt(at)
      if (c === 0x22 || c === 0x2c || c === 0x0a || c === 0x0d) break
    }
    field += text.slice(i, at)
    if (at === end) break
    const c = text.charCodeAt(at)
    if (c === 0x22) quoted = true
    else if (c === 0x2c) {
      row.push(field)
      field = ''
    } else {
      if (c === 0x0d && text.charCodeAt(at + 1) === 0x0a) at++
      row.push(field)
      field = ''
      if (row.some((f) => f !== '')) rows.push(row)
      row = []
    }
    i = at
  }
  row.push(field)
  if (row.some((f) => f !== '')) rows.push(row)
  return rows
}

export async function parseCsv(file: ImportFile, limits: ParseLimits): Promise<ParsedLayer> {
  const { text, encoding } = decodeText(file.data)
  const [header, ...rows] = parseCsvRows(text)
  if (!header) return fail(file.name, say('文件是空的', 'the file is empty'))
  const wktColumn = header.findIndex((h) => /^(wkt|geometry|geom|the_geom|shape)$/i.test(h.trim()))
  if (wktColumn < 0)
    return fail(
      file.name,
      say('没有几何列：请将其命名为 wkt、geometry 或 geom', 'no geometry column: name one of wkt, geometry, geom'),
      'wkt',
    )
  const budget = new ParseBudget(file.name, limits)
  budget.refuseFeatureCount(rows.length)
  const pace = new Pace()
  const features: ParsedFeature[] = []
  for (const [index, cells] of rows.entries()) {
    await pace.step()
    const properties: Record<string, unknown> = {}
    header.forEach((h, i) => {
      if (i !== wktColumn) properties[h.trim()] = cells[i] ?? ''
    })
    let geometry: Geometry | null = null
    try {
      // an empty cell is a feature without geometry, reported as such by the checks
      if ((cells[wktColumn] ?? '').trim() !== '') geometry = await parseWktPaced(cells[wktColumn], pace)
    } catch (error) {
      fail(file.name, error instanceof WktError ? error.text : (error as Error).message, header[wktColumn], index)
    }
    budget.addFeature(index, geometry)
    features.push({ index, geometry, properties })
  }
  return { file: file.name, format: 'csv', features, encoding }
}

/** WKT that cannot be read: the message in English (logs), `text` in both languages for the office. */
export class WktError extends Error {
  constructor(readonly text: LocalizedText) {
    super(text.en)
    this.name = 'WktError'
  }
}

/** Positions read between two looks at the clock (parseWktPaced). */
const positionsPerLook = 4096

/**
 * POLYGON and MULTIPOLYGON WKT (optionally with an SRID=…; prefix, or EMPTY) as GeoJSON, read in
 * steps: the generator yields every `positionsPerLook` positions (see parseWkt, parseWktPaced).
 */
function* readingWkt(wkt: string): Generator<void, Geometry> {
  const text = wkt.trim().replace(/^SRID=\d+;/i, '')
  const empty = /^(MULTIPOLYGON|POLYGON)\s*(Z|M|ZM)?\s*EMPTY$/i.exec(text)
  if (empty) return { type: empty[1].toUpperCase() === 'POLYGON' ? 'Polygon' : 'MultiPolygon', coordinates: [] }
  const match = /^(MULTIPOLYGON|POLYGON)\s*(Z|M|ZM)?\s*(\(.*\))$/is.exec(text)
  if (!match)
    throw new WktError(
      say(
        `WKT 不是 POLYGON 或 MULTIPOLYGON：“${text.slice(0, 40)}”`,
        `not a POLYGON or MULTIPOLYGON in WKT: "${text.slice(0, 40)}"`,
      ),
    )
  let position = 0
  let positions = 0
  const body = match[3]
  /** The position at `position`: the numbers up to the next comma or closing parenthesis, the first two kept. */
  const readPosition = (): number[] => {
    let at = position
    while (at < body.length && body[at] !== ',' && body[at] !== ')') at++
    const end = at < body.length ? at - position : -1
    const numbers = body
      .slice(position, position + end)
      .trim()
      .split(/\s+/)
      .map(Number)
    position += end
    if (numbers.length < 2 || numbers.some((n) => !Number.isFinite(n)))
      throw new WktError(
        say(
          `WKT 坐标格式错误：“${body.slice(position - end, position)}”`,
          `malformed WKT coordinate "${body.slice(position - end, position)}"`,
        ),
      )
    return numbers.slice(0, 2)
  }
  // nesting beyond a MULTIPOLYGON's three levels is refused before it can exhaust the stack
  function* parse(depth: number): Generator<void, unknown> {
    if (body[position] !== '(') return readPosition()
    if (depth >= 3)
      throw new WktError(
        say(
          `WKT 格式错误：括号嵌套层数超过 ${match![1].toUpperCase()} 所允许的`,
          `malformed WKT: parentheses nested deeper than a ${match![1].toUpperCase()} has`,
        ),
      )
    position++
    const items: unknown[] = []
    for (;;) {
      while (body[position] === ' ') position++
      if (body[position] === '(') items.push(yield* parse(depth + 1))
      else {
        items.push(readPosition())
        if (++positions % positionsPerLook === 0) yield
      }
      while (body[position] === ' ') position++
      if (body[position] === ',') {
        position++
        continue
      }
      if (body[position] === ')') {
        position++
        return items
      }
      throw new WktError(
        say(
          `WKT 格式错误，位于“${body.slice(position, position + 20)}”附近`,
          `malformed WKT near "${body.slice(position, position + 20)}"`,
        ),
      )
    }
  }
  const coordinates = yield* parse(0)
  return match[1].toUpperCase() === 'POLYGON'
    ? { type: 'Polygon', coordinates: coordinates as number[][][] }
    : { type: 'MultiPolygon', coordinates: coordinates as number[][][][] }
}

/** POLYGON and MULTIPOLYGON WKT (optionally with an SRID=…; prefix, or EMPTY) as GeoJSON. */
export function parseWkt(wkt: string): Geometry {
  const steps = readingWkt(wkt)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/**
 * parseWkt with a turn for the event loop every ~20 ms (Pace): the WKT of a polygon of a million
 * vertices took a second in one piece.
 */
export async function parseWktPaced(wkt: string, pace: Pace): Promise<Geometry> {
  const steps = readingWkt(wkt)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    await pace.step()
  }
}
