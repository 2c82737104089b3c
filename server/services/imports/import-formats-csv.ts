// CSV with a WKT column (UTF-8 or GBK): RFC 4180 rows, and POLYGON / MULTIPOLYGON WKT as GeoJSON.
import type { Geometry } from 'geojson'
import { say } from './messages.ts'
import { type ParseLimits, ParseBudget } from './parse-limits.ts'
import { Pace } from './pace.ts'
import { type ImportFile, type ParsedFeature, type ParsedLayer, decodeText, fail } from './import-formats-common.ts'

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsvRows(text: string): string[][] {
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
      if ((cells[wktColumn] ?? '').trim() !== '') geometry = parseWkt(cells[wktColumn])
    } catch (error) {
      fail(file.name, (error as Error).message, header[wktColumn], index)
    }
    budget.addFeature(index, geometry)
    features.push({ index, geometry, properties })
  }
  return { file: file.name, format: 'csv', features, encoding }
}

/** POLYGON and MULTIPOLYGON WKT (optionally with an SRID=…; prefix, or EMPTY) as GeoJSON. */
export function parseWkt(wkt: string): Geometry {
  const text = wkt.trim().replace(/^SRID=\d+;/i, '')
  const empty = /^(MULTIPOLYGON|POLYGON)\s*(Z|M|ZM)?\s*EMPTY$/i.exec(text)
  if (empty) return { type: empty[1].toUpperCase() === 'POLYGON' ? 'Polygon' : 'MultiPolygon', coordinates: [] }
  const match = /^(MULTIPOLYGON|POLYGON)\s*(Z|M|ZM)?\s*(\(.*\))$/is.exec(text)
  if (!match) throw new Error(`not a POLYGON or MULTIPOLYGON in WKT: "${text.slice(0, 40)}"`)
  let position = 0
  const body = match[3]
  // nesting beyond a MULTIPOLYGON's three levels is refused before it can exhaust the stack
  const parse = (depth: number): unknown => {
    if (body[position] === '(') {
      if (depth >= 3) throw new Error(`malformed WKT: parentheses nested deeper than a ${match[1].toUpperCase()} has`)
      position++
      const items: unknown[] = []
      for (;;) {
        while (body[position] === ' ') position++
        items.push(parse(depth + 1))
        while (body[position] === ' ') position++
        if (body[position] === ',') {
          position++
          continue
        }
        if (body[position] === ')') {
          position++
          return items
        }
        throw new Error(`malformed WKT near "${body.slice(position, position + 20)}"`)
      }
    }
    const end = body.slice(position).search(/[,)]/)
    const numbers = body
      .slice(position, position + end)
      .trim()
      .split(/\s+/)
      .map(Number)
    position += end
    if (numbers.length < 2 || numbers.some((n) => !Number.isFinite(n)))
      throw new Error(`malformed WKT coordinate "${body.slice(position - end, position)}"`)
    return numbers.slice(0, 2)
  }
  const coordinates = parse(0)
  return match[1].toUpperCase() === 'POLYGON'
    ? { type: 'Polygon', coordinates: coordinates as number[][][] }
    : { type: 'MultiPolygon', coordinates: coordinates as number[][][][] }
}
