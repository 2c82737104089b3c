// Shapes the siting page draws itself: a centre's circle (true distance, on the sphere) and the
// GeoJSON of proposed sites and a hypothetical centre.
import type { Feature, FeatureCollection } from 'geojson'

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

export const numberZh = (value: number) => value.toLocaleString('zh-CN')
export const percent = (share: number) => `${(share * 100).toFixed(1)}%`
