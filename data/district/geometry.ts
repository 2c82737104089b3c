// Planar geometry in a local metric frame (metres east/north of the district centre): Voronoi
// tessellation, convex clipping, point-in-polygon, and the conversion to WGS84 at the end.
import { featureCollection, intersect, multiPolygon, point, polygon, voronoi } from '@turf/turf'
import type { MultiPolygon, Polygon, Position } from 'geojson'

export type Ring = [number, number][]
/** A polygon as rings (outer first), or several for a multipolygon. */
export type Shape = Ring[][]

export interface Frame {
  lon0: number
  lat0: number
}

const METRES_PER_DEGREE_LAT = 110_574

export function toLonLat(frame: Frame, [x, y]: readonly number[], decimals = 7): [number, number] {
  const lon = frame.lon0 + x / (111_320 * Math.cos((frame.lat0 * Math.PI) / 180))
  const lat = frame.lat0 + y / METRES_PER_DEGREE_LAT
  const f = 10 ** decimals
  return [Math.round(lon * f) / f, Math.round(lat * f) / f]
}

export function shapeToGeoJson(frame: Frame, shape: Shape): MultiPolygon {
  return {
    type: 'MultiPolygon',
    coordinates: shape.map((rings) => rings.map((ring) => closeRing(ring).map((p) => toLonLat(frame, p)))),
  }
}

function closeRing(ring: Ring): Ring {
  const [first, last] = [ring[0], ring[ring.length - 1]]
  return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first]
}

/** Open ring (no repeated closing vertex). */
function openRing(ring: Position[]): Ring {
  const out = ring.map(([x, y]) => [x, y] as [number, number])
  const [first, last] = [out[0], out[out.length - 1]]
  if (out.length > 1 && first[0] === last[0] && first[1] === last[1]) out.pop()
  return out
}

export function ringArea(ring: Ring): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    sum += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1])
  return Math.abs(sum / 2)
}

export function shapeArea(shape: Shape): number {
  return shape.reduce(
    (total, rings) => total + ringArea(rings[0]) - rings.slice(1).reduce((s, r) => s + ringArea(r), 0),
    0,
  )
}

/** Even-odd ray casting: does a ray from the point eastwards cross the ring an odd number of times? */
export function pointInRing([x, y]: readonly number[], ring: readonly (readonly number[])[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]
    const [xj, yj] = ring[j]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

export function pointInShape(p: readonly number[], shape: Shape): boolean {
  return shape.some((rings) => pointInRing(p, rings[0]) && !rings.slice(1).some((hole) => pointInRing(p, hole)))
}

export function bboxOfShape(shape: Shape): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const rings of shape)
    for (const [x, y] of rings[0]) {
      minX = Math.min(minX, x)
      minY = Math.min(minY, y)
      maxX = Math.max(maxX, x)
      maxY = Math.max(maxY, y)
    }
  return [minX, minY, maxX, maxY]
}

export function centroidOf(shape: Shape): [number, number] {
  // area-weighted centroid of the largest part's outer ring
  const ring = shape.reduce((best, rings) => (ringArea(rings[0]) > ringArea(best) ? rings[0] : best), shape[0][0])
  let [cx, cy, a] = [0, 0, 0]
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1]
    cx += (ring[j][0] + ring[i][0]) * f
    cy += (ring[j][1] + ring[i][1]) * f
    a += f
  }
  return a === 0 ? ring[0] : [cx / (3 * a), cy / (3 * a)]
}

/** Voronoi cells (convex rings) of the seeds inside a box; cells come back in seed order. */
export function voronoiCells(
  seeds: readonly [number, number][],
  box: [number, number, number, number],
): (Ring | undefined)[] {
  const cells = voronoi(featureCollection(seeds.map((s) => point(s))), { bbox: box })
  return cells.features.map((cell) => (cell && cell.geometry ? openRing(cell.geometry.coordinates[0]) : undefined))
}

/** Sutherland–Hodgman: the part of `subject` inside the convex `clip` ring. */
export function clipByConvex(subject: Ring, clip: Ring): Ring {
  const sign = signedArea(clip) >= 0 ? 1 : -1
  let output = subject
  for (let i = 0; i < clip.length && output.length > 0; i++) {
    const a = clip[i]
    const b = clip[(i + 1) % clip.length]
    const inside = (p: [number, number]) => sign * ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])) >= 0
    const input = output
    output = []
    for (let j = 0; j < input.length; j++) {
      const current = input[j]
      const previous = input[(j + input.length - 1) % input.length]
      if (inside(current)) {
        if (!inside(previous)) output.push(crossing(previous, current, a, b))
        output.push(current)
      } else if (inside(previous)) {
        output.push(crossing(previous, current, a, b))
      }
    }
  }
  return output
}

function signedArea(ring: Ring): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    sum += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1]
  return sum / 2
}

function crossing(
  p: [number, number],
  q: [number, number],
  a: [number, number],
  b: [number, number],
): [number, number] {
  const [x1, y1, x2, y2, x3, y3, x4, y4] = [p[0], p[1], q[0], q[1], a[0], a[1], b[0], b[1]]
  const d = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
  const t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / d
  return [x1 + t * (x2 - x1), y1 + t * (y2 - y1)]
}

/** General intersection of a ring with a shape (turf/polyclip), for cells on a non-convex border. */
export function intersectWithShape(ring: Ring, shape: Shape): Shape {
  if (ring.length < 3) return []
  const a = polygon([closeRing(ring)])
  const b = multiPolygon(shape.map((rings) => rings.map(closeRing)))
  const result = intersect(featureCollection<Polygon | MultiPolygon>([a, b]))
  if (!result) return []
  const geometry = result.geometry as Polygon | MultiPolygon
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  return parts.map((rings) => rings.map(openRing)).filter((rings) => rings[0].length >= 3)
}

/** Whether every vertex of the ring lies inside the shape (then clipping by it changes nothing much). */
export function ringInsideShape(ring: Ring, shape: Shape): boolean {
  return ring.every((p) => pointInShape(p, shape))
}
