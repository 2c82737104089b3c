// Reading uploaded files into features: GeoJSON, CSV with a WKT column, zipped Shapefiles
// (attributes in UTF-8 or GBK, detected when no .cpg says) and GeoPackage. Errors name the file, the feature
// index and the field at fault. Pure: no database.
import type { Geometry } from 'geojson'
import { unzipSync } from 'fflate'
import { open as openShapefile } from 'shapefile'
import initSqlJs, { type SqlJsStatic } from 'sql.js'
import { InvalidInputError, LocalizedInputError, type LocalizedText } from '../../errors.ts'
import { featureNo, say } from './messages.ts'
import { type SourceCrs, acceptedFrames, crsFromPrj, parseCrs } from './crs.ts'
import { readGeoPackageBlob } from '../../db/wkb.ts'
import { type ParseLimits, ParseBudget, parseLimitsOf } from './parse-limits.ts'
import { dbfRecordCount, scanShpRecords, shxRecordCount } from './shapefile-counts.ts'
import { Pace } from './pace.ts'
import { readGeoJson } from './geojson-reader.ts'

export type ImportFormat = 'geojson' | 'shapefile' | 'csv' | 'geopackage'

export interface ParsedFeature {
  /** 0-based position in the file */
  index: number
  geometry: Geometry | null
  properties: Record<string, unknown>
}

export interface ParsedLayer {
  file: string
  format: ImportFormat
  features: ParsedFeature[]
  /** the frame the file declares (.prj, GeoJSON crs), if any */
  crs?: SourceCrs
  /** the attribute encoding used (Shapefile/CSV) */
  encoding?: string
}

export interface ImportFile {
  name: string
  data: Uint8Array
}

/** Uncompressed bytes a zip may unpack to, and the largest compression ratio believed. */
export const zipLimits = { maxBytes: 512 * 1024 * 1024, maxRatio: 200 }

/** Refuses the file: `message` in zh-CN and English, or one text for both (a parser's own words). */
const fail = (file: string, message: LocalizedText | string, field?: string, feature?: number): never => {
  const text = typeof message === 'string' ? { 'zh-CN': message, en: message } : message
  const at = feature !== undefined ? featureNo(feature) : undefined
  throw new LocalizedInputError(
    {
      'zh-CN': `${file}${at ? ` ${at['zh-CN']}` : ''}${field ? ` 字段“${field}”` : ''}：${text['zh-CN']}`,
      en: `${file}${at ? ` ${at.en}` : ''}${field ? ` field "${field}"` : ''}: ${text.en}`,
    },
    [{ file, feature, field }],
  )
}

/** UTF-8 when the bytes are valid UTF-8, else GBK (Chinese offices' default). */
export function decodeText(bytes: Uint8Array, declared?: string): { text: string; encoding: string } {
  if (declared) return { text: new TextDecoder(declared).decode(bytes), encoding: declared.toLowerCase() }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'utf-8' }
  } catch {
    return { text: new TextDecoder('gbk').decode(bytes), encoding: 'gbk' }
  }
}

/** Reads an upload into features, refusing it (413) once it passes a cap of `limits`. */
export async function parseUpload(
  file: ImportFile,
  limits: ParseLimits = parseLimitsOf(),
  options: { crsGiven?: boolean } = {},
): Promise<ParsedLayer> {
  const name = file.name.toLowerCase()
  if (name.endsWith('.geojson') || name.endsWith('.json')) return readGeoJson(file, limits)
  if (name.endsWith('.csv')) return parseCsv(file, limits)
  if (name.endsWith('.zip')) return parseShapefileZip(file, limits, options.crsGiven ?? false)
  if (name.endsWith('.gpkg')) return parseGeoPackage(file, limits)
  return fail(
    file.name,
    say(
      '不支持的文件类型：请上传 .geojson、.json、.csv（含 WKT 列）、压缩的 Shapefile（.zip）或 GeoPackage（.gpkg）',
      'unsupported file type: upload .geojson, .json, .csv (with a WKT column), a zipped Shapefile (.zip) or a GeoPackage (.gpkg)',
    ),
  )
}

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

async function parseCsv(file: ImportFile, limits: ParseLimits): Promise<ParsedLayer> {
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

/** A zipped Shapefile; its .prj may be left out when the request names the frame (`crsGiven`). */
async function parseShapefileZip(file: ImportFile, limits: ParseLimits, crsGiven: boolean): Promise<ParsedLayer> {
  // the size of the .shx index, listed in the archive, says how many records the .shp holds:
  // refuse a file over the cap before inflating anything (a broken archive is reported below)
  const indexes: { name: string; size: number }[] = []
  try {
    unzipSync(file.data, {
      filter: (entry) => {
        if (/\.shx$/i.test(entry.name)) indexes.push({ name: entry.name, size: entry.originalSize })
        return false
      },
    })
  } catch {
    indexes.length = 0
  }
  for (const index of indexes) {
    const shpFile = `${file.name}/${index.name.replace(/\.shx$/i, '.shp')}`
    new ParseBudget(shpFile, limits).refuseFeatureCount(shxRecordCount(index.size))
  }
  let unpacked = 0
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(file.data, {
      filter: (entry) => {
        unpacked += entry.originalSize
        if (unpacked > zipLimits.maxBytes || (entry.size > 0 && entry.originalSize / entry.size > zipLimits.maxRatio)) {
          throw new LocalizedInputError(
            say(
              `${file.name}：已拒收：该压缩包解压后将超过 ${zipLimits.maxBytes / 1024 / 1024} MiB，或压缩率异常地高（疑似 zip 炸弹）`,
              `${file.name}: refused: the archive would unpack to more than ${zipLimits.maxBytes / 1024 / 1024} MiB or compresses suspiciously well (a zip bomb?)`,
            ),
            [{ file: file.name }],
          )
        }
        return /\.(shp|shx|dbf|prj|cpg)$/i.test(entry.name) && !entry.name.startsWith('__MACOSX')
      },
    })
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    return fail(
      file.name,
      say(
        `无法读取的 zip 压缩包：${(error as Error).message}`,
        `not a readable zip archive: ${(error as Error).message}`,
      ),
    )
  }
  const byExtension = (ext: string) => Object.entries(entries).find(([name]) => name.toLowerCase().endsWith(ext))
  const shp = byExtension('.shp')
  // the crs field stands in for a missing .prj
  const missing = ['.shp', '.shx', '.dbf', ...(crsGiven ? [] : ['.prj'])].filter((ext) => !byExtension(ext))
  if (missing.length > 0)
    return fail(
      file.name,
      say(
        `Shapefile 不完整：缺少 ${missing.join('、')}${missing.includes('.prj') && missing.length === 1 ? '（或在 crs 字段中注明坐标系，如 crs=EPSG:4547）' : ''}`,
        `the Shapefile is incomplete: missing ${missing.join(', ')}${missing.includes('.prj') && missing.length === 1 ? ' (or name the frame in the crs field, e.g. crs=EPSG:4547)' : ''}`,
      ),
    )
  const [shpName, shpBytes] = shp!
  const dbfBytes = byExtension('.dbf')![1]
  const prjEntry = byExtension('.prj')
  let crs: SourceCrs | undefined
  if (prjEntry) {
    const prj = new TextDecoder().decode(prjEntry[1])
    const prjFile = `${file.name}/${shpName.replace(/\.shp$/i, '.prj')}`
    const reading = crsFromPrj(prj)
    if (!reading)
      return fail(
        prjFile,
        say(
          `不认识的坐标系：${prj.slice(0, 60)}…，可用：${acceptedFrames}`,
          `unknown coordinate reference system: ${prj.slice(0, 60)}…: use ${acceptedFrames}`,
        ),
        'prj',
      )
    if ('problem' in reading)
      return fail(
        prjFile,
        say(`不可能的坐标系：${reading.problem}`, `impossible coordinate reference system: ${reading.problem}`),
        'prj',
      )
    crs = reading
  }
  const cpg = byExtension('.cpg')
  const declared = cpg ? new TextDecoder().decode(cpg[1]).trim() : undefined
  // no .cpg: read the attributes (field names and values) as UTF-8 if they are valid UTF-8, else as GBK
  const encoding = declared ? normaliseEncoding(declared) : decodeText(dbfText(dbfBytes)).encoding
  const toBuffer = (bytes: Uint8Array) =>
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  // the headers say how many records and points there are: refuse a file over the caps before parsing it
  const shpFile = `${file.name}/${shpName}`
  new ParseBudget(shpFile, limits).refuseFeatureCount(
    Math.max(shxRecordCount(byExtension('.shx')![1]), dbfRecordCount(dbfBytes)),
  )
  scanShpRecords(shpBytes, new ParseBudget(shpFile, limits), shpFile)
  const budget = new ParseBudget(shpFile, limits)
  const features: ParsedFeature[] = []
  try {
    // record by record, so that parsing stops as soon as a cap is passed
    const source = await openShapefile(toBuffer(shpBytes), toBuffer(dbfBytes), { encoding })
    // source.read() settles in microtasks, which let no request in: a turn every ~20 ms
    const pace = new Pace()
    for (let index = 0; ; index++) {
      await pace.step()
      const next = await source.read()
      if (next.done) break
      budget.addFeature(index, next.value.geometry as Geometry | null, next.value.properties)
      features.push({
        index,
        geometry: next.value.geometry as Geometry | null,
        properties: (next.value.properties ?? {}) as Record<string, unknown>,
      })
    }
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    return fail(
      `${file.name}/${shpName}`,
      say(`无法读取的 Shapefile：${(error as Error).message}`, `unreadable Shapefile: ${(error as Error).message}`),
    )
  }
  return { file: `${file.name}/${shpName}`, format: 'shapefile', features, crs, encoding }
}

function dbfHeaderLength(dbf: Uint8Array): number {
  return dbf.length >= 10 ? dbf[8] | (dbf[9] << 8) : 0
}

/**
 * The text of a DBF: the field names from the header's 32-byte field descriptors (11 bytes each,
 * zero-terminated; the rest of a descriptor is binary and would spoil the guess) and the records.
 */
function dbfText(dbf: Uint8Array): Uint8Array {
  const headerLength = Math.min(dbfHeaderLength(dbf), dbf.length)
  const names: number[] = []
  for (let at = 32; at + 32 <= headerLength && dbf[at] !== 0x0d; at += 32) {
    for (let k = 0; k < 11 && dbf[at + k] !== 0; k++) names.push(dbf[at + k])
    names.push(0x20)
  }
  const text = new Uint8Array(names.length + dbf.length - headerLength)
  text.set(names)
  text.set(dbf.subarray(headerLength), names.length)
  return text
}

function normaliseEncoding(cpg: string): string {
  if (/^(utf-?8|65001)$/i.test(cpg)) return 'utf-8'
  if (/^(gbk|936|cp936|gb2312|gb18030)$/i.test(cpg)) return 'gbk'
  return cpg.toLowerCase()
}

let sqlite: Promise<SqlJsStatic> | undefined

/** The first feature table of a GeoPackage (SQLite, read in memory with sql.js). */
async function parseGeoPackage(file: ImportFile, limits: ParseLimits): Promise<ParsedLayer> {
  const SQL = await (sqlite ??= initSqlJs())
  let database
  try {
    database = new SQL.Database(file.data)
  } catch (error) {
    return fail(
      file.name,
      say(
        `无法读取的 GeoPackage：${(error as Error).message}`,
        `not a readable GeoPackage: ${(error as Error).message}`,
      ),
    )
  }
  try {
    let tables
    try {
      tables = database.exec(`SELECT c.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id
        FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
        LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
        WHERE c.data_type = 'features' ORDER BY c.table_name`)
    } catch (error) {
      return fail(
        file.name,
        say(
          `不是 GeoPackage（没有 gpkg_contents / gpkg_geometry_columns）：${(error as Error).message}`,
          `not a GeoPackage (no gpkg_contents / gpkg_geometry_columns): ${(error as Error).message}`,
        ),
      )
    }
    const first = tables[0]?.values[0]
    if (!first) return fail(file.name, say('GeoPackage 中没有要素表', 'the GeoPackage holds no feature table'))
    const [table, geometryColumn, , organization, coordsysId] = first as [
      string,
      string,
      number,
      string | null,
      number | null,
    ]
    const crs =
      organization?.toUpperCase() === 'EPSG' && coordsysId !== null ? parseCrs(`EPSG:${coordsysId}`) : undefined
    if (!crs)
      fail(
        `${file.name}/${table}`,
        say(
          `不认识的坐标系 ${organization ?? '?'}:${coordsysId ?? '?'}，可用：${acceptedFrames}`,
          `unknown coordinate reference system ${organization ?? '?'}:${coordsysId ?? '?'}: use ${acceptedFrames}`,
        ),
        'srs_id',
      )
    // identifiers come from the file's own catalogue, quoted as SQLite wants
    const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`
    const budget = new ParseBudget(`${file.name}/${table}`, limits)
    budget.refuseFeatureCount(Number(database.exec(`SELECT count(*) FROM ${quote(table)}`)[0]?.values[0]?.[0] ?? 0))
    const statement = database.prepare(`SELECT * FROM ${quote(table)}`)
    const features: ParsedFeature[] = []
    try {
      const pace = new Pace()
      for (let index = 0; statement.step(); index++) {
        await pace.step()
        const row = statement.getAsObject()
        const blob = row[geometryColumn]
        let geometry: ParsedFeature['geometry'] = null
        if (blob instanceof Uint8Array) {
          try {
            geometry = readGeoPackageBlob(blob).geometry
          } catch (error) {
            fail(`${file.name}/${table}`, (error as Error).message, geometryColumn, index)
          }
        }
        const { [geometryColumn]: _geometry, ...properties } = row
        budget.addFeature(index, geometry)
        features.push({ index, geometry, properties })
      }
    } finally {
      statement.free()
    }
    return { file: `${file.name}/${table}`, format: 'geopackage', features, crs }
  } finally {
    database.close()
  }
}
