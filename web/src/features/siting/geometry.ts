// Shapes the siting page draws itself: a centre's circle (true distance, on the sphere) and the
// GeoJSON of proposed sites and a hypothetical centre.
import type { Feature, FeatureCollection } from 'geojson'
import { t } from '../../lib/i18n/index.ts'

const EARTH_RADIUS = 6_371_008.8
const RAD = Math.PI / 180

/** A closed ring of `steps` points at `metres` around (lon, lat), by the destination formula. */
export function circleRing(lon: number, lat: number, metres: number, steps = 64): [number, number][] {
  const d = metres / EARTH_RADIUS
  const φ1 = lat * RAD
  const λ1 = lon * RAD
  const ring: [number, number][] = []
  for (let i = 0; i <= steps; i++) {
    const θ = ((i % steps) / steps) * 2 * Math.PI
    const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(θ))
    const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2))
    ring.push([λ2 / RAD, φ2 / RAD])
  }
  return ring
}

/** Points (with their properties) and, when a radius is given, their circles (kind: 'area'). */
export function sitesCollection(
  sites: readonly { lon: number; lat: number; properties: Record<string, string | number> }[],
  radiusM: number | null,
): FeatureCollection {
  const features: Feature[] = []
  for (const site of sites) {
    if (radiusM)
      features.push({
        type: 'Feature',
        properties: { ...site.properties, kind: 'area' },
        geometry: { type: 'Polygon', coordinates: [circleRing(site.lon, site.lat, radiusM)] },
      })
    features.push({
      type: 'Feature',
      properties: { ...site.properties, kind: 'site' },
      geometry: { type: 'Point', coordinates: [site.lon, site.lat] },
    })
  }
  return { type: 'FeatureCollection', features }
}

export const percent = (share: number) => `${(share * 100).toFixed(1)}%`

/** An exclusion mask: the polygons of a GeoJSON file, as one MultiPolygon. */
export interface ExclusionMask {
  type: 'MultiPolygon'
  coordinates: number[][][][]
}

/**
 * Reads an exclusion mask from GeoJSON text (a Polygon or MultiPolygon geometry, a Feature or a
 * FeatureCollection of them). Anything else is an error naming the file and the feature.
 */
export function exclusionMaskOf(text: string, fileName: string): ExclusionMask {
  const fail = (where: string) => new Error(t.siting.exclusionNotPolygon(fileName, where))
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new Error(t.siting.exclusionNotGeoJson(fileName))
  }
  const polygons: number[][][][] = []
  const add = (geometry: unknown, where: string) => {
    const g = geometry as { type?: string; coordinates?: unknown } | null
    if (g?.type === 'Polygon' && Array.isArray(g.coordinates)) polygons.push(g.coordinates as number[][][])
    else if (g?.type === 'MultiPolygon' && Array.isArray(g.coordinates))
      polygons.push(...(g.coordinates as number[][][][]))
    else throw fail(where)
  }
  const root = parsed as { type?: string; features?: { geometry?: unknown }[]; geometry?: unknown }
  if (root?.type === 'FeatureCollection' && Array.isArray(root.features))
    root.features.forEach((feature, n) => add(feature?.geometry, t.siting.exclusionFeature(n + 1)))
  else if (root?.type === 'Feature') add(root.geometry, t.siting.exclusionTheFeature)
  else add(root, ' ')
  if (polygons.length === 0) throw fail(' ')
  return { type: 'MultiPolygon', coordinates: polygons }
}

/** The mask as a collection to draw. */
export function maskCollection(mask: { type: string; coordinates: unknown[] } | null | undefined): FeatureCollection {
  if (!mask) return { type: 'FeatureCollection', features: [] }
  return {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: {}, geometry: mask as Feature['geometry'] }],
  }
}
