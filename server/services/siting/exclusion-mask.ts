// A scenario's exclusion mask (water, parks, industrial land: no new centre there): its polygons
// checked as the request gives them, and candidates tested against them by ray casting.
import { LocalizedInputError } from '../../errors.ts'
import type { ScenarioRequest } from '../../schemas/siting.schema.ts'

/** Ray casting over GeoJSON polygon rings (lon/lat): is the point inside (holes excluded)? */
function inPolygon(lon: number, lat: number, rings: number[][][]): boolean {
  let inside = false
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]
      const [xj, yj] = ring[j]
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside
    }
  return inside
}

/** The exclusion mask as polygons of rings, or a 400 naming the field when it is not one. */
export function maskPolygons(mask: ScenarioRequest['exclusion']): number[][][][] | undefined {
  if (!mask) return undefined
  const polygons = (mask.type === 'Polygon' ? [mask.coordinates] : mask.coordinates) as unknown[]
  const isPosition = (p: unknown) =>
    Array.isArray(p) && p.length >= 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v))
  const ok = polygons.every(
    (polygon) =>
      Array.isArray(polygon) &&
      polygon.every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.every(isPosition)),
  )
  if (!ok)
    throw new LocalizedInputError(
      {
        'zh-CN': '排除区不是有效的 Polygon/MultiPolygon 坐标（字段 exclusion）',
        en: 'Invalid exclusion mask (field exclusion)',
      },
      [{ field: 'exclusion' }],
    )
  return polygons as number[][][][]
}

/** Whether the point lies in one of the mask's polygons. */
export function inMask(lon: number, lat: number, polygons: number[][][][] | undefined): boolean {
  if (!polygons) return false
  return polygons.some((p) => inPolygon(lon, lat, p))
}
