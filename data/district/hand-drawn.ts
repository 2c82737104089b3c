// What real department files look like, applied to the demo's exact shapes ('real' realism): each
// department traced the boundaries on its own base map (a smooth displacement field of a few metres,
// its own for each department) and simplified each grid's outline on its own (Douglas–Peucker with
// the department's tolerance), so shared edges wander between layers and a little within one; some
// grids reach across their community's edge; one polygon is drawn self-intersecting.
import type { Ring, Shape } from './geometry.ts'
import { type Random, createRandom } from './random.ts'

export interface HandDrawing {
  /** largest displacement of the department's base map, in metres */
  amplitudeM: number
  /** Douglas–Peucker tolerance of the department's simplification, in metres */
  toleranceM: number
}

/** Vertices every this many metres before displacing: a traced edge bends where the base map does. */
const TRACE_SPACING_M = 40

/** A smooth displacement field (three plane waves per axis, wavelengths 300–1,500 m) of one department. */
export function displacementField(seed: number, amplitudeM: number): (p: readonly number[]) => [number, number] {
  const r = createRandom(seed)
  const wave = () => {
    const wavelength = r.between(300, 1_500)
    const angle = r.between(0, 2 * Math.PI)
    const k = (2 * Math.PI) / wavelength
    return { kx: k * Math.cos(angle), ky: k * Math.sin(angle), phase: r.between(0, 2 * Math.PI) }
  }
  const xs = [wave(), wave(), wave()]
  const ys = [wave(), wave(), wave()]
  const sum = (waves: typeof xs, [x, y]: readonly number[]) =>
    waves.reduce((s, w) => s + Math.sin(w.kx * x + w.ky * y + w.phase), 0) / waves.length
  return (p) => [amplitudeM * sum(xs, p), amplitudeM * sum(ys, p)]
}

/** Inserts vertices so that no edge of the ring is longer than `spacing`. */
export function densifyRing(ring: Ring, spacing: number): Ring {
  const out: Ring = []
  for (let i = 0; i < ring.length; i++) {
    const [a, b] = [ring[i], ring[(i + 1) % ring.length]]
    const steps = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / spacing))
    for (let s = 0; s < steps; s++) out.push([a[0] + ((b[0] - a[0]) * s) / steps, a[1] + ((b[1] - a[1]) * s) / steps])
  }
  return out
}

function distanceToSegment([x, y]: readonly number[], a: readonly number[], b: readonly number[]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]]
  const length2 = dx * dx + dy * dy
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / length2))
  return Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy))
}

export function distanceToOutline(p: readonly number[], shape: Shape): number {
  let best = Infinity
  for (const rings of shape)
    for (const ring of rings)
      for (let i = 0; i < ring.length; i++)
        best = Math.min(best, distanceToSegment(p, ring[i], ring[(i + 1) % ring.length]))
  return best
}

/** Douglas–Peucker of an open polyline (first and last vertices kept). */
function simplifyLine(line: Ring, tolerance: number): Ring {
  if (line.length <= 2) return line
  const keep = new Uint8Array(line.length)
  keep[0] = keep[line.length - 1] = 1
  const stack: [number, number][] = [[0, line.length - 1]]
  while (stack.length > 0) {
    const [first, last] = stack.pop()!
    let [farthest, distance] = [-1, tolerance]
    for (let i = first + 1; i < last; i++) {
      const d = distanceToSegment(line[i], line[first], line[last])
      if (d > distance) [farthest, distance] = [i, d]
    }
    if (farthest >= 0) {
      keep[farthest] = 1
      stack.push([first, farthest], [farthest, last])
    }
  }
  return line.filter((_, i) => keep[i] === 1)
}

/**
 * Douglas–Peucker of a closed ring: split at its first vertex and the vertex farthest from it. A ring
 * that would fall under three vertices is kept as it was.
 */
export function simplifyRing(ring: Ring, tolerance: number): Ring {
  if (ring.length <= 4) return ring
  let far = 1
  for (let i = 1; i < ring.length; i++)
    if (
      Math.hypot(ring[i][0] - ring[0][0], ring[i][1] - ring[0][1]) >
      Math.hypot(ring[far][0] - ring[0][0], ring[far][1] - ring[0][1])
    )
      far = i
  const first = simplifyLine(ring.slice(0, far + 1), tolerance)
  const second = simplifyLine([...ring.slice(far), ring[0]], tolerance)
  const out = [...first, ...second.slice(1, -1)]
  return out.length >= 3 ? out : ring
}

/**
 * A grid as one department drew it: traced (densified, displaced by the department's field), pushed
 * `reachM` metres across its community's edge where it runs along it (corners stay), and simplified.
 */
export function drawByHand(
  shape: Shape,
  field: (p: readonly number[]) => [number, number],
  drawing: HandDrawing,
  community: { shape: Shape; center: readonly number[] },
  reachM: number,
): Shape {
  return shape.map((rings) =>
    rings.map((ring) => {
      const traced = densifyRing(ring, TRACE_SPACING_M)
      const onEdge = reachM > 0 ? traced.map((p) => distanceToOutline(p, community.shape) < 0.5) : []
      const moved = traced.map((p, i): [number, number] => {
        const [dx, dy] = field(p)
        let [x, y] = [p[0] + dx, p[1] + dy]
        const [before, after] = [onEdge[(i + traced.length - 1) % traced.length], onEdge[(i + 1) % traced.length]]
        if (onEdge[i] && before && after) {
          // outwards: away from the community's centre
          const [ox, oy] = [p[0] - community.center[0], p[1] - community.center[1]]
          const length = Math.hypot(ox, oy) || 1
          x += (reachM * ox) / length
          y += (reachM * oy) / length
        }
        return [x, y]
      })
      return simplifyRing(moved, drawing.toleranceM)
    }),
  )
}

/**
 * Twists a ring into a bowtie: redrawn with 12 vertices evenly spaced along its outline, the chain from
 * its second vertex to its middle one reversed, so that the two edges joining that chain to the rest
 * run across the ring and cross each other half way (on a convex ring they always cross).
 */
export function twistRing(ring: Ring): Ring {
  const lengths = ring.map((a, i) => {
    const b = ring[(i + 1) % ring.length]
    return Math.hypot(b[0] - a[0], b[1] - a[1])
  })
  const perimeter = lengths.reduce((sum, l) => sum + l, 0)
  const even: Ring = []
  let [edge, walked] = [0, 0]
  for (let k = 0; k < 12; k++) {
    const at = (k / 12) * perimeter
    while (walked + lengths[edge] < at) walked += lengths[edge++]
    const [a, b] = [ring[edge], ring[(edge + 1) % ring.length]]
    const t = lengths[edge] === 0 ? 0 : (at - walked) / lengths[edge]
    even.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])])
  }
  return [even[0], ...even.slice(1, 7).reverse(), ...even.slice(7)]
}

/** A regular polygon (counter-clockwise) around a centre: the detached part of an island community. */
export function regularPolygon(center: readonly number[], radius: number, sides: number, random: Random): Ring {
  const turn = random.between(0, Math.PI)
  return Array.from({ length: sides }, (_, i): [number, number] => {
    const t = turn + (i / sides) * 2 * Math.PI
    return [center[0] + radius * Math.cos(t), center[1] + radius * Math.sin(t)]
  })
}
