// The faces of one step as a mesh of segments (which faces touch, along how much edge) and the
// outline of any group of faces as WKB, from a hash of segment end points: no geometry operation.
import { PairIndex } from './pair-index.ts'

/** Two faces that share edges, and the length they share. */
export interface Adjacency {
  a: number
  b: number
  sharedM: number
}

/**
 * The faces of one step as a mesh of segments. Faces polygonized from one noded linework share their
 * common edges segment for segment, with identical vertices: a segment seen in two faces is a shared
 * one. So which faces touch (and along how much edge), and the outline of any group of faces, need no
 * geometry operation, only a hash of segment end points.
 */
export interface FaceMesh {
  adjacency: Adjacency[]
  /** the faces' ids, by their index in the mesh */
  faceIds: number[]
  /** each face's index in the mesh, by its id */
  indexOf: Map<number, number>
  segmentCount: number
  /** segment i lies between the faces of index sides[2i] and sides[2i + 1] (-1: no face, outside) */
  sides: Int32Array
  /** and runs from (ends[4i], ends[4i + 1]) to (ends[4i + 2], ends[4i + 3]), along the first face's ring */
  ends: Float64Array
  /** from vertex vertices[2i] to vertex vertices[2i + 1]: vertices are numbered 0 … vertexCount − 1 */
  vertices: Int32Array
  vertexCount: number
  /** the segments of the face of index f, in the order of its rings: segmentList[segmentStart[f] … segmentStart[f + 1]) */
  segmentList: Int32Array
  segmentStart: Int32Array
  /** the part (community) of the face of index f, numbered in the order the parts first appear */
  faceParts: Int32Array
}

/**
 * `rings`: each ring as flat x, y pairs. `part`: faces of different parts (communities) never share a
 * segment, even where their boundaries coincide vertex for vertex (two communities on either side of
 * their common boundary).
 */
export function buildFaceMesh(faces: { id: number; part?: string; rings: ArrayLike<number>[] }[]): FaceMesh {
  // Vertices are keyed by their millimetre coordinates (the faces are noded on that grid), within
  // ±33 km of their part's first vertex (further out, never in a community, by their text). Each part
  // numbers its own: the same point in two parts is two vertices.
  type PartVertices = { x0: number; y0: number; ids: PairIndex; far: Map<string, number> }
  const partVertices = new Map<string | undefined, PartVertices>()
  let vertexCount = 0
  const span = 2 ** 25
  const vertexOf = (own: PartVertices, x: number, y: number) => {
    const dx = Math.round((x - own.x0) * 1000) + span
    const dy = Math.round((y - own.y0) * 1000) + span
    if (dx >= 0 && dx < 2 * span && dy >= 0 && dy < 2 * span) {
      const id = own.ids.getOrSet(dx, dy, vertexCount)
      return id >= 0 ? id : vertexCount++
    }
    const key = `${x},${y}`
    let id = own.far.get(key)
    if (id === undefined) own.far.set(key, (id = vertexCount++))
    return id
  }
  let pointCount = 0
  for (const face of faces) for (const ring of face.rings) pointCount += ring.length / 2
  const sides = new Int32Array(2 * pointCount)
  const ends = new Float64Array(4 * pointCount)
  const vertices = new Int32Array(2 * pointCount)
  const segmentList = new Int32Array(pointCount)
  const segmentStart = new Int32Array(faces.length + 1)
  let segmentCount = 0
  let listed = 0
  const bySegment = new PairIndex(pointCount)
  const shared = new PairIndex(pointCount)
  const adjacency: Adjacency[] = []
  const faceParts = new Int32Array(faces.length)
  const partNumbers = new Map<string | undefined, number>()
  for (const [f, face] of faces.entries()) {
    segmentStart[f] = listed
    if (!partNumbers.has(face.part)) partNumbers.set(face.part, partNumbers.size)
    faceParts[f] = partNumbers.get(face.part)!
    let own = partVertices.get(face.part)
    if (own === undefined)
      partVertices.set(
        face.part,
        (own = { x0: face.rings[0][0], y0: face.rings[0][1], ids: new PairIndex(), far: new Map() }),
      )
    for (const ring of face.rings) {
      let previous = vertexOf(own, ring[0], ring[1])
      for (let i = 2; i < ring.length; i += 2) {
        const current = vertexOf(own, ring[i], ring[i + 1])
        if (current === previous) continue
        const index = bySegment.getOrSet(Math.min(previous, current), Math.max(previous, current), segmentCount)
        if (index < 0) {
          segmentList[listed++] = segmentCount
          sides[2 * segmentCount] = f
          sides[2 * segmentCount + 1] = -1
          ends[4 * segmentCount] = ring[i - 2]
          ends[4 * segmentCount + 1] = ring[i - 1]
          ends[4 * segmentCount + 2] = ring[i]
          ends[4 * segmentCount + 3] = ring[i + 1]
          vertices[2 * segmentCount] = previous
          vertices[2 * segmentCount + 1] = current
          segmentCount += 1
        } else if (sides[2 * index] !== f) {
          const first = sides[2 * index]
          sides[2 * index + 1] = f
          segmentList[listed++] = index
          const length = Math.hypot(ring[i] - ring[i - 2], ring[i + 1] - ring[i - 1])
          const pair = shared.getOrSet(Math.min(first, f), Math.max(first, f), adjacency.length)
          const firstId = faces[first].id
          if (pair >= 0) adjacency[pair].sharedM += length
          else adjacency.push({ a: Math.min(firstId, face.id), b: Math.max(firstId, face.id), sharedM: length })
        }
        previous = current
      }
    }
  }
  segmentStart[faces.length] = listed
  return {
    adjacency,
    faceIds: faces.map((f) => f.id),
    indexOf: new Map(faces.map((f, n) => [f.id, n])),
    segmentCount,
    sides: sides.subarray(0, 2 * segmentCount),
    ends: ends.subarray(0, 4 * segmentCount),
    vertices: vertices.subarray(0, 2 * segmentCount),
    vertexCount,
    segmentList: segmentList.subarray(0, listed),
    segmentStart,
    faceParts,
  }
}

const WKB_LINESTRING = 2
const WKB_MULTILINESTRING = 5

/**
 * The outline of each group of faces (its face ids), as the WKB of a MultiLineString in the faces'
 * frame: the segments of its faces whose other side lies outside the group, those that follow each
 * other along a face's ring as one line up to where the outline meets itself (lines must meet at their
 * ends only). PostGIS builds the group's area from it (ST_BuildArea), much cheaper than unioning the
 * faces' shapes. Groups must not share faces.
 */
export function outlinesOf<K>(mesh: FaceMesh, groups: Map<K, number[]>): Map<K, Uint8Array> {
  const { sides, ends, vertices, segmentList, segmentStart } = mesh
  const groupOf = new Int32Array(mesh.faceIds.length).fill(-1)
  const members: number[][] = []
  for (const faceIds of groups.values()) {
    const own = faceIds.map((id) => mesh.indexOf.get(id)).filter((f): f is number => f !== undefined)
    for (const f of own) groupOf[f] = members.length
    members.push(own)
  }
  // how many of the group's outline segments meet at each vertex (counted for group `countedFor[v]`)
  const degree = new Int32Array(mesh.vertexCount)
  const countedFor = new Int32Array(mesh.vertexCount).fill(-1)
  const isOutline = (f: number, segment: number, n: number) => {
    const other = sides[2 * segment] === f ? sides[2 * segment + 1] : sides[2 * segment]
    return other < 0 || groupOf[other] !== n
  }
  const outlines = new Map<K, Uint8Array>()
  // the lines of a group: their point counts, and their points as x, y pairs
  const counts: number[] = []
  let points = new Float64Array(1024)
  let pointCount = 0
  const addPoint = (x: number, y: number) => {
    if (2 * pointCount + 2 > points.length) {
      const larger = new Float64Array(points.length * 2)
      larger.set(points)
      points = larger
    }
    points[2 * pointCount] = x
    points[2 * pointCount + 1] = y
    pointCount += 1
  }
  for (const [n, key] of [...groups.keys()].entries()) {
    for (const f of members[n]) {
      for (let s = segmentStart[f]; s < segmentStart[f + 1]; s++) {
        const segment = segmentList[s]
        if (!isOutline(f, segment, n)) continue
        for (const v of [vertices[2 * segment], vertices[2 * segment + 1]]) {
          if (countedFor[v] !== n) [countedFor[v], degree[v]] = [n, 0]
          degree[v] += 1
        }
      }
    }
    counts.length = 0
    pointCount = 0
    for (const f of members[n]) {
      let last = -1
      for (let s = segmentStart[f]; s < segmentStart[f + 1]; s++) {
        const segment = segmentList[s]
        if (!isOutline(f, segment, n)) {
          last = -1
          continue
        }
        const forward = sides[2 * segment] === f
        const [from, to] = forward ? [0, 1] : [1, 0]
        const start = vertices[2 * segment + from]
        if (start === last && degree[start] === 2) counts[counts.length - 1] += 1
        else {
          counts.push(2)
          addPoint(ends[4 * segment + 2 * from], ends[4 * segment + 2 * from + 1])
        }
        addPoint(ends[4 * segment + 2 * to], ends[4 * segment + 2 * to + 1])
        last = vertices[2 * segment + to]
      }
    }
    if (counts.length > 0) outlines.set(key, multiLineStringWkb(counts, points))
  }
  return outlines
}

/** Little-endian WKB of a MultiLineString: `counts` points per line, `points` as x, y pairs. */
function multiLineStringWkb(counts: number[], points: Float64Array): Uint8Array {
  const size = 9 + counts.reduce((n, count) => n + 9 + 16 * count, 0)
  const view = new DataView(new ArrayBuffer(size))
  const header = (type: number, count: number, offset: number) => {
    view.setUint8(offset, 1)
    view.setUint32(offset + 1, type, true)
    view.setUint32(offset + 5, count, true)
    return offset + 9
  }
  let offset = header(WKB_MULTILINESTRING, counts.length, 0)
  let p = 0
  for (const count of counts) {
    offset = header(WKB_LINESTRING, count, offset)
    for (let i = 0; i < 2 * count; i++, p++, offset += 8) view.setFloat64(offset, points[p], true)
  }
  return new Uint8Array(view.buffer)
}

/**
 * Values by a cell of a grid (a pair of whole numbers): a map of maps, not a map by the pair as text,
 * whose keys, built and hashed for every lookup, took most of settleOnBoundary's time (a second of a
 * six-second step of the ×1 demo on server PostGIS).
 */
class CellMap<T> {
  private readonly rows = new Map<number, Map<number, T>>()

  get(x: number, y: number): T | undefined {
    return this.rows.get(x)?.get(y)
  }

  set(x: number, y: number, value: T): void {
    const row = this.rows.get(x)
    if (row) row.set(y, value)
    else this.rows.set(x, new Map([[y, value]]))
  }
}

/**
 * Puts the mesh's vertices on the community boundary back onto it (in place, in `mesh.ends`). The
 * millimetre noding leaves a vertex where a grid's edge meets the boundary up to 0.7 mm off it; the
 * grid of the neighbouring community, whose edge runs straight along the boundary there, would
 * overlap it or leave a gap by that much along the boundary's edge (0.007 m² on an edge of 20 m).
 * A vertex within a millimetre of a vertex of the boundary stays (it goes back onto that vertex as
 * stored, see insertUnifiedGrids); any other vertex of a segment with a face on one side only is
 * moved onto the nearest edge of `boundaries` (each community's rings as flat x, y pairs, the
 * boundary densified as it went to the metric frame), if that edge lies within `withinM`.
 * Answers how many vertices moved.
 */
export function settleOnBoundary(mesh: FaceMesh, boundaries: ArrayLike<number>[], withinM = 0.002): number {
  // the boundary's edges in buckets of a 10 m grid (the vertices are within 2 mm of their edge)
  const cell = 10
  const edges = new CellMap<number[]>()
  const corners = new CellMap<true>()
  const flat: number[] = []
  for (const ring of boundaries) {
    for (let i = 0; i + 3 < ring.length; i += 2) {
      const [ax, ay, bx, by] = [ring[i], ring[i + 1], ring[i + 2], ring[i + 3]]
      corners.set(Math.round(ax * 1000), Math.round(ay * 1000), true)
      const n = flat.length / 4
      flat.push(ax, ay, bx, by)
      // every cell the edge's box (widened by withinM) touches
      const [x0, x1] = [
        Math.floor((Math.min(ax, bx) - withinM) / cell),
        Math.floor((Math.max(ax, bx) + withinM) / cell),
      ]
      const [y0, y1] = [
        Math.floor((Math.min(ay, by) - withinM) / cell),
        Math.floor((Math.max(ay, by) + withinM) / cell),
      ]
      if ((x1 - x0 + 1) * (y1 - y0 + 1) > 64) {
        // a long diagonal edge: the cells along it and their neighbours only
        const steps = Math.ceil(Math.hypot(bx - ax, by - ay) / (cell / 2))
        for (let k = 0; k <= steps; k++) {
          const [x, y] = [ax + ((bx - ax) * k) / steps, ay + ((by - ay) * k) / steps]
          for (const dx of [-cell, 0, cell])
            for (const dy of [-cell, 0, cell]) {
              const [kx, ky] = [Math.floor((x + dx) / cell), Math.floor((y + dy) / cell)]
              const list = edges.get(kx, ky)
              if (!list) edges.set(kx, ky, [n])
              else if (list[list.length - 1] !== n) list.push(n)
            }
        }
        continue
      }
      for (let x = x0; x <= x1; x++)
        for (let y = y0; y <= y1; y++) {
          const list = edges.get(x, y)
          if (list) list.push(n)
          else edges.set(x, y, [n])
        }
    }
  }
  const { sides, ends, vertices, segmentCount } = mesh
  // The vertices of segments with a face on one side only, by their millimetre cell. Two of them
  // within withinM of each other that the move would put less than half as far apart (one beside
  // the other across the boundary, not along it) both stay where they are: moved onto the boundary
  // each on its own, the pair can swap sides of a long edge that leaves one of them. In 晨坊社区 (×13
  // demo, base strategy) two vertices 1 mm apart at a corner, 1.3 and 0.3 mm off the boundary, went
  // onto it 0.13 mm apart the other way round; the 230 m edge that grid 009 runs from one of them and
  // grid 007's sliver faces beside it then folded over each other: 0.015 m² of overlap (0.040 m² as
  // stored). (Of one part: the neighbouring community's vertex on the same point is another vertex.)
  const outer = new Map<number, [number, number]>()
  const partOf = new Map<number, number>()
  for (let s = 0; s < segmentCount; s++) {
    if (sides[2 * s + 1] >= 0) continue
    for (const end of [0, 1]) {
      outer.set(vertices[2 * s + end], [ends[4 * s + 2 * end], ends[4 * s + 2 * end + 1]])
      partOf.set(vertices[2 * s + end], mesh.faceParts[sides[2 * s]])
    }
  }
  const cells = new CellMap<number[]>()
  for (const [v, [x, y]] of outer) {
    const list = cells.get(Math.round(x * 1000), Math.round(y * 1000))
    if (list) list.push(v)
    else cells.set(Math.round(x * 1000), Math.round(y * 1000), [v])
  }
  const reach = Math.ceil(withinM * 1000)
  const nearby = (v: number, x: number, y: number) => {
    const found: number[] = []
    const [cx, cy] = [Math.round(x * 1000), Math.round(y * 1000)]
    for (let dx = -reach; dx <= reach; dx++)
      for (let dy = -reach; dy <= reach; dy++)
        for (const w of cells.get(cx + dx, cy + dy) ?? []) {
          if (w === v || partOf.get(w) !== partOf.get(v)) continue
          const [wx, wy] = outer.get(w)!
          if (Math.hypot(wx - x, wy - y) <= withinM) found.push(w)
        }
    return found
  }
  const moved = new Map<number, [number, number]>()
  const seen = new Set<number>()
  for (let s = 0; s < segmentCount; s++) {
    if (sides[2 * s + 1] >= 0) continue
    for (const end of [0, 1]) {
      const v = vertices[2 * s + end]
      if (seen.has(v)) continue
      seen.add(v)
      const [x, y] = [ends[4 * s + 2 * end], ends[4 * s + 2 * end + 1]]
      // on (within a millimetre of) a vertex of the boundary: left to the snap as stored
      let nearCorner = false
      for (let dx = -1; dx <= 1 && !nearCorner; dx++)
        for (let dy = -1; dy <= 1 && !nearCorner; dy++)
          nearCorner = corners.get(Math.round(x * 1000) + dx, Math.round(y * 1000) + dy) !== undefined
      if (nearCorner) continue
      let best: [number, number] | undefined
      let bestDistance = withinM
      for (const n of edges.get(Math.floor(x / cell), Math.floor(y / cell)) ?? []) {
        const [ax, ay, bx, by] = [flat[4 * n], flat[4 * n + 1], flat[4 * n + 2], flat[4 * n + 3]]
        const [ex, ey] = [bx - ax, by - ay]
        const length2 = ex * ex + ey * ey
        if (length2 === 0) continue
        const t = Math.max(0, Math.min(1, ((x - ax) * ex + (y - ay) * ey) / length2))
        const [px, py] = [ax + t * ex, ay + t * ey]
        const distance = Math.hypot(x - px, y - py)
        if (distance < bestDistance) [best, bestDistance] = [[px, py], distance]
      }
      if (best && bestDistance > 1e-9) moved.set(v, best)
    }
  }
  const squeezed = new Set<number>()
  for (const [v, [tx, ty]] of moved) {
    const [x, y] = outer.get(v)!
    for (const w of nearby(v, x, y)) {
      const [wx, wy] = outer.get(w)!
      const [ux, uy] = moved.get(w) ?? [wx, wy]
      if (Math.hypot(ux - tx, uy - ty) < Math.hypot(wx - x, wy - y) / 2) squeezed.add(v).add(w)
    }
  }
  for (const v of squeezed) moved.delete(v)
  if (moved.size === 0) return 0
  for (let s = 0; s < segmentCount; s++) {
    for (const end of [0, 1]) {
      const to = moved.get(vertices[2 * s + end])
      if (!to) continue
      ends[4 * s + 2 * end] = to[0]
      ends[4 * s + 2 * end + 1] = to[1]
    }
  }
  return moved.size
}
