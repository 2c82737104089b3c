// Which polygons ST_AsMVTGeom drops as they collapse at tile resolution, decided in Node for the
// tiles the embedded database encodes (PGlite's PostGIS has no ST_AsMVTGeom).
//
// Server PostGIS (3.3, with wagyu) snaps a polygon to whole pixels and then hands it to wagyu,
// which snap-rounds: every vertex is a "hot pixel", and an edge that passes through the unit square
// of another vertex is bent through that vertex. A thin or tiny polygon whose edges run within
// half a pixel of its other vertices folds onto itself and has no area left, and is dropped. This
// module repeats that step (vertices as hot pixels, wagyu's rule for which pixels an edge passes
// through) on the snapped rings, and says whether any area is left. Checked against ST_AsMVTGeom
// of PostGIS 3.3.2 (wagyu 0.5.0) on 12,000 random tiny, thin and small polygons: the same decision
// for every one (tests/integration/tiles-parity.test.ts compares whole tiles).
type Point = number[]

/** wagyu: the least whole x whose pixel an edge touches at a half-pixel boundary (x.5 goes down). */
const roundTowardsMin = (value: number) => Math.ceil(value - 0.5)
/** wagyu: the greatest whole x whose pixel an edge touches at a half-pixel boundary (x.5 goes up). */
const roundTowardsMax = (value: number) => Math.floor(value + 0.5)

/** The whole x range of pixels in row y that the edge p–q passes through, as wagyu computes it. */
function columnsInRow(p: Point, q: Point, y: number): [number, number] {
  const [bot, top] = p[1] > q[1] ? [p, q] : [q, p]
  if (bot[1] === top[1]) return [Math.min(p[0], q[0]), Math.max(p[0], q[0])]
  const dx = (top[0] - bot[0]) / (top[1] - bot[1])
  const upper = bot[0] + dx * (y - bot[1] - 0.5)
  const lower = bot[0] + dx * (y - bot[1] + 0.5)
  let min: number
  let max: number
  if (dx > 0) min = y === top[1] ? top[0] : roundTowardsMin(upper)
  else min = y === bot[1] ? bot[0] : roundTowardsMin(lower)
  if (dx < 0) max = y === top[1] ? top[0] : roundTowardsMax(upper)
  else max = y === bot[1] ? bot[0] : roundTowardsMax(lower)
  return [Math.max(min, Math.min(p[0], q[0])), Math.min(max, Math.max(p[0], q[0]))]
}

/** The ring with every hot pixel its edges pass through inserted, in order along each edge. */
function snapRound(ring: Point[], hotPixels: Point[]): Point[] {
  const out: Point[] = []
  for (let i = 0; i + 1 < ring.length; i++) {
    const [p, q] = [ring[i], ring[i + 1]]
    out.push(p)
    const [y0, y1] = [Math.min(p[1], q[1]), Math.max(p[1], q[1])]
    const [x0, x1] = [Math.min(p[0], q[0]), Math.max(p[0], q[0])]
    const passed: Point[] = []
    for (const h of hotPixels) {
      if (h[1] < y0 || h[1] > y1 || h[0] < x0 || h[0] > x1) continue
      if ((h[0] === p[0] && h[1] === p[1]) || (h[0] === q[0] && h[1] === q[1])) continue
      const [min, max] = columnsInRow(p, q, h[1])
      if (h[0] >= min && h[0] <= max) passed.push(h)
    }
    const along = (h: Point) => (h[0] - p[0]) * (q[0] - p[0]) + (h[1] - p[1]) * (q[1] - p[1])
    out.push(...passed.sort((a, b) => along(a) - along(b)))
  }
  return out
}

/** Twice the signed area of a ring after removing repeated points and spikes (a, b, a). */
function foldedArea(points: Point[]): number {
  const ring: Point[] = []
  for (const point of points) {
    const last = ring[ring.length - 1]
    if (last && last[0] === point[0] && last[1] === point[1]) continue
    ring.push(point)
    // a spike: the path went to a point and straight back
    while (ring.length >= 3) {
      const [a, , c] = ring.slice(-3)
      if (a[0] !== c[0] || a[1] !== c[1]) break
      ring.splice(-2, 2)
    }
  }
  while (ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1])
    ring.pop()
  if (ring.length < 3) return 0
  let area = 0
  for (let i = 0; i < ring.length; i++) {
    const [a, b] = [ring[i], ring[(i + 1) % ring.length]]
    area += a[0] * b[1] - b[0] * a[1]
  }
  return area
}

/** Twice the area and the perimeter of a closed ring. */
function measure(ring: Point[]): { area: number; perimeter: number } {
  let area = 0
  let perimeter = 0
  for (let i = 0; i + 1 < ring.length; i++) {
    area += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
    perimeter += Math.hypot(ring[i + 1][0] - ring[i][0], ring[i + 1][1] - ring[i][1])
  }
  return { area: Math.abs(area), perimeter }
}

/** A closed ring without the points that lie on the straight line between their neighbours. */
function withoutCollinear(ring: Point[]): Point[] {
  const points = ring.slice(0, -1)
  let changed = true
  while (changed && points.length > 3) {
    changed = false
    for (let i = 0; i < points.length && points.length > 3; i++) {
      const [a, b, c] = [points[(i + points.length - 1) % points.length], points[i], points[(i + 1) % points.length]]
      const cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
      const between = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) > 0
      if (cross === 0 && between) {
        points.splice(i, 1)
        changed = true
      }
    }
  }
  return [...points, points[0]]
}

/**
 * Whether a polygon in whole tile pixels (closed rings) has no area left once snap-rounded, as
 * ST_AsMVTGeom's wagyu step leaves it: then the tile leaves the feature out. clipLow and clipHigh:
 * the buffered tile's edges in pixels (−buffer and extent + buffer).
 */
export function collapsesAtTileResolution(input: Point[][], clipLow: number, clipHigh: number): boolean {
  // A crumb a few pixels across cut off by the buffer's edge is whatever each library's rounding of
  // the cut makes it (wagyu truncates the cut before snap-rounding; here GEOS cuts, then we snap):
  // it is kept whenever it has area, as before. Longer pieces are decided like any other polygon.
  const onEdge = (ring: Point[]) =>
    ring.some(([x, y]) => x <= clipLow || y <= clipLow || x >= clipHigh || y >= clipHigh)
  const span = (ring: Point[], axis: 0 | 1) =>
    Math.max(...ring.map((p) => p[axis])) - Math.min(...ring.map((p) => p[axis]))
  if (input.some((ring) => onEdge(ring) && span(ring, 0) <= 3 && span(ring, 1) <= 3)) return false
  const rings = input.filter((ring) => ring.length >= 4).map(withoutCollinear)
  const hotPixels = rings.flatMap((ring) => ring.slice(0, -1))
  return rings.every((ring) => {
    // a ring wider than a pixel or two everywhere keeps area whatever a half-pixel bend does
    const { area, perimeter } = measure(ring)
    if (area > 3 * perimeter) return false
    return foldedArea(snapRound(ring, hotPixels)) === 0
  })
}
