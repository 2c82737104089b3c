// What every import checks the same way, whatever it imports (grids, regions): reading a field by
// its aliases, settling the coordinate frame, the per-feature geometry checks before and after
// PostGIS has seen the geometry, and the report that names file, feature and field. Pure: no database.
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson'
import { LocalizedInputError, type LocalizedText } from '../../errors.ts'
import type { GeometryCheck } from '../../db/repositories/imports.repository.ts'
import type { ImportReportItem } from '../../schemas/imports.schema.ts'
import { writeWkb } from '../../db/wkb.ts'
import { type SourceCrs, acceptedFrames, bd09ToWgs84, gcj02ToWgs84, isBoxInChina, isInChina, parseCrs } from './crs.ts'
import type { ParsedFeature } from './import-formats.ts'
import { featureNo, geometryReasonZh, say } from './messages.ts'
import type { Pace } from './pace.ts'

/** The first property whose name (trimmed, case-insensitive) is one of the aliases. */
export function field(
  properties: Record<string, unknown>,
  names: readonly string[],
): { key: string; value: unknown } | undefined {
  const key = Object.keys(properties).find((k) => names.includes(k.trim().toLowerCase()))
  return key === undefined ? undefined : { key, value: properties[key] }
}

/** A field's value as trimmed text; '' when absent or empty. */
export function textOf(found: { value: unknown } | undefined): string {
  return found && found.value !== null && found.value !== undefined ? String(found.value).trim() : ''
}

/**
 * A feature's code: present, well formed (`problem` says what is wrong, if anything) and not seen
 * before in the file. Otherwise the fault is reported and the answer is undefined.
 */
export function readUniqueCode(
  feature: ParsedFeature,
  names: readonly string[],
  seen: Map<string, number>,
  report: ImportReport,
  rule: { noun: LocalizedText; fields: string; problem: (code: string) => LocalizedText | undefined },
): string | undefined {
  const code = field(feature.properties, names)
  const text = textOf(code)
  if (!text) {
    report.error(
      feature.index,
      'code',
      say(`缺少${rule.noun['zh-CN']}（字段 ${rule.fields}）`, `no ${rule.noun.en} (field ${rule.fields})`),
    )
    return undefined
  }
  const problem = rule.problem(text)
  if (problem) {
    const shown = text.length > 20 ? `${text.slice(0, 20)}…` : text
    report.error(
      feature.index,
      code!.key,
      say(`${rule.noun['zh-CN']}“${shown}”${problem['zh-CN']}`, `${rule.noun.en} "${shown}" ${problem.en}`),
    )
    return undefined
  }
  if (seen.has(text)) {
    const other = featureNo(seen.get(text)!)
    report.error(
      feature.index,
      code!.key,
      say(
        `${rule.noun['zh-CN']}“${text}”重复（${other['zh-CN']}也用了它）`,
        `duplicate ${rule.noun.en} "${text}" (also ${other.en})`,
      ),
    )
    return undefined
  }
  seen.set(text, feature.index)
  return text
}

/** A report item as stored: the message in zh-CN, and both texts for the answer in the asker's language. */
export type StoredReportItem = ImportReportItem & { text?: LocalizedText }

/** The validation report of one file: errors reject the import, warnings don't. */
export class ImportReport {
  readonly items: StoredReportItem[] = []

  constructor(readonly file: string) {}

  error(feature: number | undefined, fieldName: string | undefined, text: LocalizedText): void {
    this.items.push({ level: 'error', file: this.file, feature, field: fieldName, message: text['zh-CN'], text })
  }

  warn(feature: number | undefined, fieldName: string | undefined, text: LocalizedText): void {
    this.items.push({ level: 'warning', file: this.file, feature, field: fieldName, message: text['zh-CN'], text })
  }

  get errorCount(): number {
    return this.items.filter((r) => r.level === 'error').length
  }
}

function positionsOf(geometry: Geometry): Position[] {
  if (geometry.type === 'Polygon') return geometry.coordinates.flat()
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat(2)
  return []
}

/**
 * Positions from which a feature's box is tested against China's outline before its points: the box
 * test walks every edge of the outline, as long as a few hundred points tested one by one, so for
 * the many small grids of a layer it would cost more than it saves.
 */
const boxTestFrom = 1_000

/** Each ring of a Polygon or MultiPolygon (its items as they are: each is checked by the caller). */
function ringsOf(geometry: Geometry): unknown[] {
  if (geometry.type === 'Polygon') return geometry.coordinates
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat()
  return []
}

/**
 * The positions of a Polygon or MultiPolygon, each a pair of finite numbers at least, counted in
 * one pass over the rings (no flattened copy: a polygon of a million vertices is read as it is);
 * -1 when a position is not one.
 */
function countWellFormedPositions(geometry: Geometry): number {
  let count = 0
  const wellFormed = (p: unknown) => Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1])
  for (const ring of ringsOf(geometry)) {
    if (!Array.isArray(ring)) {
      if (!wellFormed(ring)) return -1
      count++
      continue
    }
    for (const p of ring) if (!wellFormed(p)) return -1
    count += ring.length
  }
  return count
}

/** Whether the box of a polygon of well-formed positions lies wholly in China (one pass over them, then the outline's edges). */
function inChinaBox(geometry: Geometry, count: number): boolean {
  if (count < boxTestFrom) return false
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const ring of ringsOf(geometry) as Position[][])
    for (const p of ring) {
      if (p[0] < west) west = p[0]
      if (p[0] > east) east = p[0]
      if (p[1] < south) south = p[1]
      if (p[1] > north) north = p[1]
    }
  return isBoxInChina(west, south, east, north)
}

function mapPositions(geometry: Geometry, f: (p: Position) => Position): Geometry {
  if (geometry.type === 'Polygon') return { type: 'Polygon', coordinates: geometry.coordinates.map((r) => r.map(f)) }
  if (geometry.type === 'MultiPolygon')
    return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((p) => p.map((r) => r.map(f))) }
  return geometry
}

const isPolygonal = (geometry: Geometry | null): geometry is Polygon | MultiPolygon =>
  !!geometry && (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon')

/** What `array.flat(depth)[0]` is, without the flattened copy. */
function firstFlat(items: unknown[], depth: number): unknown {
  for (const item of items) {
    if (!Array.isArray(item) || depth === 0) return item
    const found = firstFlat(item, depth - 1)
    if (found !== undefined) return found
  }
  return undefined
}

/** The first position of a Polygon or MultiPolygon, if any (positionsOf(geometry)[0] without the copy). */
function firstPosition(geometry: Geometry): Position | undefined {
  if (!isPolygonal(geometry) || !Array.isArray(geometry.coordinates)) return undefined
  return firstFlat(geometry.coordinates, geometry.type === 'Polygon' ? 1 : 2) as Position | undefined
}

/** The frame: what the request says, else what the file says, else WGS84 when the numbers are degrees. */
export function settleCrs(
  requested: string | undefined,
  declared: SourceCrs | undefined,
  features: ParsedFeature[],
  file: string,
): SourceCrs {
  if (requested) {
    const crs = parseCrs(requested)
    if (!crs)
      throw new LocalizedInputError(
        say(
          `${file}：不认识的坐标系“${requested}”，可用：${acceptedFrames}`,
          `${file}: unknown coordinate reference system "${requested}": use ${acceptedFrames}`,
        ),
        [{ file, field: 'crs' }],
      )
    return crs
  }
  if (declared) return declared
  const sample = features.find((f) => f.geometry && firstPosition(f.geometry) !== undefined)
  const first = sample ? firstPosition(sample.geometry!) : undefined
  // beyond ±180 in either number the data is projected (a swapped pair stays within ±180 and is
  // reported per feature)
  if (first && (Math.abs(first[0]) > 180 || Math.abs(first[1]) > 180)) {
    throw new LocalizedInputError(
      say(
        `${file}：坐标是投影坐标（如 ${first[0]}, ${first[1]}），但文件没有注明坐标系：请在 crs 字段中指定（如 crs=EPSG:4547）`,
        `${file}: the coordinates are projected (e.g. ${first[0]}, ${first[1]}) but the file names no frame: say which (e.g. crs=EPSG:4547)`,
      ),
      [{ file, field: 'crs' }],
    )
  }
  return { kind: 'epsg', srid: 4326 }
}

/** A feature's polygon ready for PostGIS: 2D WKB in hex, in an SRID PostGIS knows, GCJ-02/BD-09 already converted to WGS84. */
export interface PreparedGeometry {
  geometry: string
  srid: number
}

/** No geometry at all, or one with no coordinates (`{"type": "Polygon", "coordinates": []}`, POLYGON EMPTY). */
function emptiness(geometry: Geometry | null): LocalizedText | undefined {
  if (!geometry) return say('几何为空（该要素没有几何）', 'empty geometry (the feature has none)')
  const empty =
    geometry.type === 'GeometryCollection'
      ? Array.isArray(geometry.geometries) && geometry.geometries.length === 0
      : Array.isArray(geometry.coordinates) && firstFlat(geometry.coordinates, 3) === undefined
  return empty
    ? say(`几何为空（${geometry.type} 没有坐标）`, `empty geometry (a ${geometry.type} with no coordinates)`)
    : undefined
}

/**
 * The checks that need no database, pass by pass over the positions (each a step, so that a huge
 * feature's passes can be paced): a polygon with numbers, and in a geographic frame, lon/lat in China
 * and not swapped; then its WKB.
 */
function* preparing(
  feature: ParsedFeature,
  crs: SourceCrs,
): Generator<void, PreparedGeometry | { error: LocalizedText }> {
  const empty = emptiness(feature.geometry)
  if (empty) return { error: empty }
  const count = isPolygonal(feature.geometry) ? countWellFormedPositions(feature.geometry) : -1
  if (count < 4)
    return {
      error: say(
        '不是面要素（需为坐标是数字的 Polygon 或 MultiPolygon）',
        'not a polygon (Polygon or MultiPolygon with numeric coordinates)',
      ),
    }
  let geometry: Geometry = feature.geometry!
  yield
  if (crs.kind !== 'epsg' || crs.srid === 4326 || crs.srid === 4490) {
    // a box wholly in China holds no position outside it: the positions are tested one by one only otherwise
    const positions = inChinaBox(geometry, count) ? [] : positionsOf(geometry)
    const outside = positions.filter(([x, y]) => !isInChina(x, y))
    if (outside.length > 0) {
      const swapped = positions.every(([x, y]) => isInChina(y, x))
      return {
        error: swapped
          ? say(
              `经度与纬度颠倒了（第一个点 ${positions[0][0]}, ${positions[0][1]}）`,
              `longitude and latitude are swapped (first point ${positions[0][0]}, ${positions[0][1]})`,
            )
          : say(
              `坐标在中国境外（如 ${outside[0][0]}, ${outside[0][1]}）`,
              `coordinates outside China (e.g. ${outside[0][0]}, ${outside[0][1]})`,
            ),
      }
    }
    if (crs.kind === 'gcj02') geometry = mapPositions(geometry, ([x, y]) => gcj02ToWgs84(x, y))
    if (crs.kind === 'bd09') geometry = mapPositions(geometry, ([x, y]) => bd09ToWgs84(x, y))
  }
  yield
  // WKB: PostGIS reads it several times faster than GeoJSON, and Node writes it faster than JSON
  const wkb = writeWkb(geometry as Polygon | MultiPolygon)
  yield
  // CGCS2000 differs from WGS84 by centimetres: stored as WGS84 without a datum shift
  return {
    geometry: Buffer.from(wkb).toString('hex'),
    srid: crs.kind === 'epsg' ? (crs.srid === 4490 ? 4326 : crs.srid) : 4326,
  }
}

/** The checks that need no database, and the WKB for PostGIS (see `preparing`). */
export function prepareGeometry(feature: ParsedFeature, crs: SourceCrs): PreparedGeometry | { error: LocalizedText } {
  const steps = preparing(feature, crs)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/** prepareGeometry giving the event loop a turn between its passes once a slice of `pace` is spent (a huge feature's take ~0.1 s each). */
export async function prepareGeometryPaced(
  feature: ParsedFeature,
  crs: SourceCrs,
  pace: Pace,
): Promise<PreparedGeometry | { error: LocalizedText }> {
  const steps = preparing(feature, crs)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    await pace.step()
  }
}

/**
 * The verdict on a geometry PostGIS has checked: empty, zero-area or (after conversion) outside
 * China rejects the feature; an invalid one is repaired with ST_MakeValid and reported. Returns
 * false when the feature is rejected.
 */
export function judgeGeometry(
  check: GeometryCheck,
  report: ImportReport,
  sourceCrs: string,
  noun: 'grid' | 'region',
): boolean {
  if (check.empty) {
    report.error(check.index, 'geometry', say('几何为空', 'empty geometry'))
    return false
  }
  if (check.areaM2 <= 0) {
    report.error(
      check.index,
      'geometry',
      say('面积为零的多边形（各点共线或重合）', 'zero-area polygon (its points lie on a line or on one spot)'),
    )
    return false
  }
  // the centre of the extent: a border region's corners may well lie abroad, a wrong frame's centre does too
  if (!isInChina((check.west + check.east) / 2, (check.south + check.north) / 2)) {
    report.error(
      check.index,
      'geometry',
      say(
        `从 ${sourceCrs} 转换后，该${noun === 'grid' ? '网格' : '区划'}位于中国境外：坐标系是否正确？`,
        `after conversion from ${sourceCrs} the ${noun} lies outside China: is the frame right?`,
      ),
    )
    return false
  }
  if (!check.valid)
    report.warn(
      check.index,
      'geometry',
      say(
        `几何无效（${geometryReasonZh(check.reason)}），已用 ST_MakeValid 修复`,
        `invalid geometry (${check.reason}): repaired with ST_MakeValid`,
      ),
    )
  return true
}
