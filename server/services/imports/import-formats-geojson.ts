// GeoJSON: a FeatureCollection (its legacy `crs` member read when present), feature by feature.
import type { Geometry } from 'geojson'
import { say } from './messages.ts'
import { acceptedFrames, parseCrs } from './crs.ts'
import { type ParseLimits, ParseBudget } from './parse-limits.ts'
import { Pace } from './pace.ts'
import { type ImportFile, type ParsedFeature, type ParsedLayer, decodeText, fail } from './import-formats-common.ts'

export async function parseGeoJson(file: ImportFile, limits: ParseLimits): Promise<ParsedLayer> {
  // timed from here: a long decode and JSON.parse spend the first slice, and reads get a turn after them
  const pace = new Pace()
  const { text } = decodeText(file.data, 'utf-8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return fail(
      file.name,
      say(`JSON 格式错误：${(error as Error).message}`, `malformed JSON: ${(error as Error).message}`),
    )
  }
  const collection = json as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } }
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features))
    return fail(file.name, say('不是 GeoJSON FeatureCollection', 'not a GeoJSON FeatureCollection'), 'type')
  const crsName = collection.crs?.properties?.name
  const crs = typeof crsName === 'string' ? parseCrs(crsName) : undefined
  if (typeof crsName === 'string' && !crs)
    fail(
      file.name,
      say(
        `不认识的坐标系“${crsName}”，可用：${acceptedFrames}`,
        `unknown coordinate reference system "${crsName}": use ${acceptedFrames}`,
      ),
      'crs',
    )
  const budget = new ParseBudget(file.name, limits)
  budget.refuseFeatureCount(collection.features.length)
  // yielding now and then: reads queued meanwhile are answered while a large file is checked
  const features: ParsedFeature[] = []
  for (const [index, raw] of (collection.features as unknown[]).entries()) {
    await pace.step()
    const feature = raw as { type?: unknown; geometry?: unknown; properties?: unknown }
    if (feature?.type !== 'Feature')
      fail(file.name, say('不是 GeoJSON Feature', 'not a GeoJSON Feature'), 'type', index)
    budget.addFeature(index, feature.geometry as Geometry | null, feature.properties)
    features.push({
      index,
      geometry: (feature.geometry ?? null) as Geometry | null,
      properties: (feature.properties ?? {}) as Record<string, unknown>,
    })
  }
  return { file: file.name, format: 'geojson', features, crs }
}
