// Caps on what an upload may parse into, whatever its format: features per file, vertices per
// feature and per file, and a time budget. A small file can unpack or parse into millions of
// features (a .shp of empty records, a GeoJSON of tiny polygons); counts are read from headers
// where the format has them and the file is refused before parsing, and every parser stops as soon
// as a cap is hit. Geometry is measured iteratively, so coordinates nested absurdly deep are a 400,
// not a stack overflow. Pure: no database.
import type { Geometry } from 'geojson'
import { type Config, settings } from '../../config.ts'
import { LocalizedInputError, TooLargeError } from '../../errors.ts'
import { featureNo, numberEn, numberZh } from './messages.ts'

export interface ParseLimits {
  maxFeatures: number
  maxVertices: number
  maxFeatureVertices: number
  parseMs: number
}

type LimitSettings = Pick<
  Config,
  'importMaxFeatures' | 'importMaxVertices' | 'importMaxFeatureVertices' | 'importParseMs'
>

const defaultOf = <K extends keyof LimitSettings>(key: K): number =>
  settings[key].parse(settings[key].default) as number

/** The configured caps; a setting left out takes its default from the configuration table. */
export function parseLimitsOf(config: Partial<LimitSettings> = {}): ParseLimits {
  return {
    maxFeatures: config.importMaxFeatures ?? defaultOf('importMaxFeatures'),
    maxVertices: config.importMaxVertices ?? defaultOf('importMaxVertices'),
    maxFeatureVertices: config.importMaxFeatureVertices ?? defaultOf('importMaxFeatureVertices'),
    parseMs: config.importParseMs ?? defaultOf('importParseMs'),
  }
}

/** Nesting of coordinates each geometry type has: Point [x, y] is 1, MultiPolygon 4. */
const coordinateDepth: Record<string, number> = {
  Point: 1,
  MultiPoint: 2,
  LineString: 2,
  Polygon: 3,
  MultiLineString: 3,
  MultiPolygon: 4,
}

/** Properties nested deeper than this are refused (they are stored as JSON, and JSON is written recursively). */
const maxPropertyDepth = 32
const maxCollectionDepth = 4

export type GeometryMeasure = { vertices: number } | { problem: { 'zh-CN': string; en: string }; field: string }

/**
 * Counts a geometry's vertices and checks that its coordinates are nested as its type says, without
 * recursion. Positions whose members are not numbers pass (the checks
 * report "not a polygon" per feature); arrays where numbers belong, a missing or non-array
 * `coordinates` and unknown nesting are problems.
 */
export function measureGeometry(geometry: Geometry | null | undefined): GeometryMeasure {
  if (geometry === null || geometry === undefined) return { vertices: 0 }
  let vertices = 0
  const stack: { node: unknown; field: string; collections: number }[] = [
    { node: geometry, field: 'geometry', collections: 0 },
  ]
  while (stack.length > 0) {
    const { node, field, collections } = stack.pop()!
    if (typeof node !== 'object' || node === null || Array.isArray(node))
      return {
        problem: { 'zh-CN': `${field} 不是 GeoJSON 几何对象`, en: `${field} is not a GeoJSON geometry object` },
        field,
      }
    const { type, coordinates, geometries } = node as { type?: unknown; coordinates?: unknown; geometries?: unknown }
    if (type === 'GeometryCollection') {
      if (!Array.isArray(geometries))
        return {
          problem: { 'zh-CN': `${field}.geometries 必须是数组`, en: `${field}.geometries must be an array` },
          field: `${field}.geometries`,
        }
      if (collections >= maxCollectionDepth)
        return {
          problem: { 'zh-CN': `${field} 的几何集合嵌套过深`, en: `${field}: geometry collections nested too deep` },
          field,
        }
      geometries.forEach((g, i) =>
        stack.push({ node: g, field: `${field}.geometries.${i}`, collections: collections + 1 }),
      )
      continue
    }
    const depth = typeof type === 'string' ? coordinateDepth[type] : undefined
    // an unknown type is reported per feature as "not a polygon"; its coordinates are not walked
    if (depth === undefined) continue
    const where = `${field}.coordinates`
    const levels: { node: unknown; level: number }[] = [{ node: coordinates, level: 0 }]
    const nestedWrongly = {
      problem: {
        'zh-CN': `${where} 嵌套层数不对：${type} 的坐标应嵌套 ${depth} 层`,
        en: `${where} is nested wrongly: a ${type}'s coordinates are arrays nested ${depth} deep`,
      },
      field: where,
    }
    const nestedTooDeep = {
      problem: {
        'zh-CN': `${where} 嵌套过深：${type} 的坐标应嵌套 ${depth} 层`,
        en: `${where} is nested too deep: a ${type}'s coordinates are arrays nested ${depth} deep`,
      },
      field: where,
    }
    // a position: numbers (or whatever the checks will call not a number), never arrays
    const isPosition = (item: unknown[]) => !item.some((member) => Array.isArray(member))
    while (levels.length > 0) {
      const { node: item, level } = levels.pop()!
      if (!Array.isArray(item))
        return level === 0
          ? {
              problem: {
                'zh-CN': `${where} 缺失或不是数组（${type} 的坐标必须是嵌套 ${depth} 层的数组）`,
                en: `${where} is missing or not an array (a ${type}'s coordinates are arrays nested ${depth} deep)`,
              },
              field: where,
            }
          : nestedWrongly
      if (level === depth - 1) {
        if (!isPosition(item)) return nestedTooDeep
        vertices += 1
        continue
      }
      if (level === depth - 2) {
        // a ring's (or a line's) positions, read in place: a million of them were a million items stacked
        for (const position of item) {
          if (!Array.isArray(position)) return nestedWrongly
          if (!isPosition(position)) return nestedTooDeep
        }
        vertices += item.length
        continue
      }
      for (let i = item.length - 1; i >= 0; i--) levels.push({ node: item[i], level: level + 1 })
    }
  }
  return { vertices }
}

/** Whether a JSON value nests deeper than `limit`, walked without recursion. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }]
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!
    if (typeof node !== 'object' || node === null) continue
    if (depth >= limit) return true
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push({ node: child, depth: depth + 1 })
  }
  return false
}

const settingName = {
  maxFeatures: settings.importMaxFeatures.env,
  maxVertices: settings.importMaxVertices.env,
  maxFeatureVertices: settings.importMaxFeatureVertices.env,
  parseMs: settings.importParseMs.env,
}

/** What one file has used of its caps while it is parsed; each method throws once a cap is passed. */
export class ParseBudget {
  private vertices = 0
  private readonly started = performance.now()

  constructor(
    readonly file: string,
    readonly limits: ParseLimits,
  ) {}

  /** Refuses a file whose header or array already says it holds more features than allowed. */
  refuseFeatureCount(count: number, file = this.file): void {
    if (count <= this.limits.maxFeatures) return
    throw new TooLargeError(
      {
        'zh-CN': `${file}：共 ${numberZh(count)} 个要素，超过上限 ${numberZh(this.limits.maxFeatures)}（${settingName.maxFeatures}），未解析也未导入任何数据`,
        en: `${file}: ${numberEn(count)} features, over the limit of ${numberEn(this.limits.maxFeatures)} (${settingName.maxFeatures}): nothing was parsed or stored`,
      },
      [{ file, field: 'features' }],
    )
  }

  /** Refuses a feature with too many vertices, or a file whose vertices add up to too many. */
  countVertices(index: number, count: number, file = this.file): void {
    // counted from 1 in the text, as people count; the details keep the 0-based index (said only
    // when refusing: toLocaleString for every feature of a large file costs seconds)
    const at = () => featureNo(index)
    if (count > this.limits.maxFeatureVertices)
      throw new TooLargeError(
        {
          'zh-CN': `${file} ${at()['zh-CN']}：${numberZh(count)} 个顶点，超过单个要素的上限 ${numberZh(this.limits.maxFeatureVertices)}（${settingName.maxFeatureVertices}），未导入任何数据`,
          en: `${file} ${at().en}: ${numberEn(count)} vertices, over the limit of ${numberEn(this.limits.maxFeatureVertices)} per feature (${settingName.maxFeatureVertices}): nothing was stored`,
        },
        [{ file, feature: index, field: 'geometry' }],
      )
    this.vertices += count
    if (this.vertices > this.limits.maxVertices)
      throw new TooLargeError(
        {
          'zh-CN': `${file}：到${at()['zh-CN']}为止顶点总数已超过整个文件的上限 ${numberZh(this.limits.maxVertices)}（${settingName.maxVertices}），未导入任何数据`,
          en: `${file}: the vertices up to ${at().en} pass the limit of ${numberEn(this.limits.maxVertices)} per file (${settingName.maxVertices}): nothing was stored`,
        },
        [{ file, feature: index, field: 'geometry' }],
      )
  }

  /** Refuses the file once parsing has taken longer than the budget. */
  checkTime(index: number): void {
    if (performance.now() - this.started <= this.limits.parseMs) return
    const seconds = Math.round(this.limits.parseMs / 100) / 10
    throw new TooLargeError(
      {
        'zh-CN': `${this.file}：解析超过时间预算 ${seconds} 秒（${settingName.parseMs}），在${featureNo(index)['zh-CN']}处停止，未导入任何数据`,
        en: `${this.file}: parsing took longer than its budget of ${seconds} s (${settingName.parseMs}); stopped at ${featureNo(index).en}: nothing was stored`,
      },
      [{ file: this.file, feature: index }],
    )
  }

  /** One parsed feature: its place in the count, its geometry's shape and vertices, its properties' nesting, the clock. */
  addFeature(index: number, geometry: Geometry | null | undefined, properties?: unknown): void {
    if (index + 1 > this.limits.maxFeatures) this.refuseFeatureCount(index + 1)
    const measure = measureGeometry(geometry)
    if ('problem' in measure)
      throw new LocalizedInputError(
        {
          'zh-CN': `${this.file} ${featureNo(index)['zh-CN']} 字段“${measure.field}”：${measure.problem['zh-CN']}`,
          en: `${this.file} ${featureNo(index).en} field "${measure.field}": ${measure.problem.en}`,
        },
        [{ file: this.file, feature: index, field: measure.field }],
      )
    this.countVertices(index, measure.vertices)
    if (properties !== undefined && nestsDeeperThan(properties, maxPropertyDepth))
      throw new LocalizedInputError(
        {
          'zh-CN': `${this.file} ${featureNo(index)['zh-CN']} 字段“properties”：属性嵌套超过 ${maxPropertyDepth} 层`,
          en: `${this.file} ${featureNo(index).en} field "properties": properties nested deeper than ${maxPropertyDepth} levels`,
        },
        [{ file: this.file, feature: index, field: 'properties' }],
      )
    if (index % 256 === 0) this.checkTime(index)
  }
}
