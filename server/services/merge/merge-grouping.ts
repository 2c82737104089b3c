// Pure rules of the merge that work on the face graph of one community: which faces are slivers,
// where slivers and uncovered faces go, and how faces regroup into household-balanced grids.
import { PairIndex } from './pair-index.ts'

export interface Face {
  id: number
  areaM2: number
  perimeterM: number
  households: number
  /** the base department's grid that covers the face, if one does */
  baseGridId: number | null
  /** a point of the face, for a stable spatial order */
  x: number
  y: number
}

export interface Adjacency {
  a: number
  b: number
  sharedM: number
}

export interface SliverRule {
  /** faces smaller than this are always slivers */
  minAreaM2: number
  /** faces up to this area are slivers when thinner than `maxThinness` */
  thinMaxAreaM2: number
  /** 4πA/P²: 1 for a circle, near 0 for a strip */
  maxThinness: number
}

export const defaultSliverRule: SliverRule = { minAreaM2: 20, thinMaxAreaM2: 2000, maxThinness: 0.12 }

export function thinness(areaM2: number, perimeterM: number): number {
  return perimeterM > 0 ? (4 * Math.PI * areaM2) / (perimeterM * perimeterM) : 0
}

export function isSliver(face: Pick<Face, 'areaM2' | 'perimeterM'>, rule: SliverRule = defaultSliverRule): boolean {
  return (
    face.areaM2 < rule.minAreaM2 ||
    (face.areaM2 <= rule.thinMaxAreaM2 && thinness(face.areaM2, face.perimeterM) < rule.maxThinness)
  )
}

function neighboursOf(adjacency: Adjacency[]): Map<number, { id: number; sharedM: number }[]> {
  const neighbours = new Map<number, { id: number; sharedM: number }[]>()
  const add = (from: number, to: number, sharedM: number) => {
    const list = neighbours.get(from)
    if (list) list.push({ id: to, sharedM })
    else neighbours.set(from, [{ id: to, sharedM }])
  }
  for (const { a, b, sharedM } of adjacency) {
    if (sharedM <= 0) continue
    add(a, b, sharedM)
    add(b, a, sharedM)
  }
  return neighbours
}

/**
 * Gives every face a label. Labelled faces keep theirs, except slivers; each unlabelled face or
 * sliver takes the label of the neighbour with which it shares the longest edge, repeatedly, so
 * chains of slivers and gaps reach a real grid. A community whose faces carry no label at all
 * becomes one group.
 */
export function absorbIntoNeighbours(
  faces: Face[],
  adjacency: Adjacency[],
  initial: Map<number, number>,
  rule: SliverRule = defaultSliverRule,
): Map<number, number> {
  const labels = new Map<number, number>()
  for (const face of faces) {
    const label = initial.get(face.id)
    if (label !== undefined && !isSliver(face, rule)) labels.set(face.id, label)
  }
  if (labels.size === 0) {
    // nothing to attach to: the largest face anchors the community
    const largest = faces.reduce((best, f) => (f.areaM2 > best.areaM2 ? f : best), faces[0])
    if (largest) labels.set(largest.id, initial.get(largest.id) ?? -largest.id)
  }
  const neighbours = neighboursOf(adjacency)
  let pending = faces.filter((f) => !labels.has(f.id))
  while (pending.length > 0) {
    const next: Face[] = []
    for (const face of pending) {
      // the labelled neighbour sharing the longest edge (of equals, the lowest id)
      let best: { id: number; sharedM: number } | undefined
      for (const n of neighbours.get(face.id) ?? []) {
        if (labels.has(n.id) && (!best || n.sharedM > best.sharedM || (n.sharedM === best.sharedM && n.id < best.id)))
          best = n
      }
      if (best) labels.set(face.id, labels.get(best.id)!)
      else next.push(face)
    }
    if (next.length === pending.length) {
      // islands with no labelled neighbour (a hole, say): each becomes its own group
      for (const face of next) labels.set(face.id, -face.id)
      break
    }
    pending = next
  }
  return labels
}

/** Households a grid of a community should hold: the norm's range, and what regrouping aims at. */
export interface HouseholdGoal {
  min: number
  max: number
  target: number
}

/** The households a unified grid should hold where the norm is `norm`: an explicit target widens it. */
export function householdGoal(norm: { min: number; max: number }, target: number | undefined): HouseholdGoal {
  if (target === undefined) return { min: norm.min, max: norm.max, target: Math.round((norm.min + norm.max) / 2) }
  return { min: Math.min(norm.min, target), max: Math.max(norm.max, target), target }
}

/**
 * Regroups a community's faces into contiguous grids within the household norm: grow a group from
 * the north-westernmost free face, taking the free neighbour that shares the longest edge among
 * those that keep the group within the norm's maximum, until the group reaches the target (a group
 * still below the minimum takes a neighbour even past the maximum). Then a face on the edge of a
 * group outside the norm changes sides where both groups end within it; each group still below the
 * minimum, smallest first, joins the neighbouring group that makes the best sum: within the norm if
 * any does (the longest shared edge of those), else the smallest sum; and faces change sides once
 * more, wherever that brings two groups nearer the norm (×1 demo: 96 % of the urban grids within
 * 300–500 households). Faces with no households (slivers, parks) belong to the graph too: they
 * connect the faces around them.
 */
export function balanceHouseholds(faces: Face[], adjacency: Adjacency[], norm: HouseholdGoal): Map<number, number> {
  const neighbours = neighboursOf(adjacency)
  const byId = new Map(faces.map((f) => [f.id, f]))
  const labels = new Map<number, number>()
  const groups = new Map<number, { households: number; faces: number[] }>()
  const order = [...faces].sort((a, b) => b.y - a.y || a.x - b.x)
  for (const start of order) {
    if (labels.has(start.id)) continue
    const label = groups.size + 1
    const group = { households: 0, faces: [] as number[] }
    groups.set(label, group)
    // the free faces next to the group, each with the longest edge it shares with a member
    const frontier = new Map<number, number>()
    const take = (face: Face) => {
      labels.set(face.id, label)
      frontier.delete(face.id)
      group.households += face.households
      group.faces.push(face.id)
      for (const n of neighbours.get(face.id) ?? []) {
        if (!labels.has(n.id) && n.sharedM > (frontier.get(n.id) ?? 0)) frontier.set(n.id, n.sharedM)
      }
    }
    take(start)
    while (group.households < norm.target) {
      let best: { face: Face; sharedM: number; fits: boolean } | undefined
      for (const [id, sharedM] of frontier) {
        const face = byId.get(id)!
        const fits = group.households + face.households <= norm.max
        if (
          !best ||
          (fits && !best.fits) ||
          (fits === best.fits && (sharedM > best.sharedM || (sharedM === best.sharedM && id < best.face.id)))
        ) {
          best = { face, sharedM, fits }
        }
      }
      if (!best || (!best.fits && group.households >= norm.min)) break
      take(best.face)
    }
  }
  // before small groups are folded away: only moves that leave both groups within the norm
  moveBoundaryFaces(byId, neighbours, labels, groups, norm, true)
  for (let merged = true; merged && groups.size > 1;) {
    merged = false
    const small = [...groups]
      .filter(([, g]) => g.households < norm.min)
      .sort(([la, a], [lb, b]) => a.households - b.households || la - lb)
    for (const [label, group] of small) {
      if (!groups.has(label) || group.households >= norm.min) continue
      const shared = new Map<number, number>()
      for (const member of group.faces) {
        for (const n of neighbours.get(member) ?? []) {
          const other = labels.get(n.id)!
          if (other !== label) shared.set(other, (shared.get(other) ?? 0) + n.sharedM)
        }
      }
      let best: { label: number; sum: number; sharedM: number; fits: boolean } | undefined
      for (const [other, sharedM] of shared) {
        const sum = group.households + groups.get(other)!.households
        const fits = sum <= norm.max
        const better =
          !best ||
          (fits && !best.fits) ||
          (fits && best.fits && (sharedM > best.sharedM || (sharedM === best.sharedM && other < best.label))) ||
          (!fits && !best.fits && (sum < best.sum || (sum === best.sum && other < best.label)))
        if (better) best = { label: other, sum, sharedM, fits }
      }
      if (!best) continue // an island: nothing to join
      const into = groups.get(best.label)!
      for (const member of group.faces) labels.set(member, best.label)
      into.households += group.households
      into.faces.push(...group.faces)
      groups.delete(label)
      merged = true
    }
  }
  moveBoundaryFaces(byId, neighbours, labels, groups, norm, false)
  return labels
}

/** How far a group's households lie outside the norm (0 within it). */
const normMiss = (households: number, norm: HouseholdGoal) => Math.max(0, norm.min - households, households - norm.max)

/**
 * Evens out groups left outside the norm: a face with households on the edge between such a group
 * and a neighbouring one changes sides (either way) when that brings the two together nearer the
 * norm and leaves the group it leaves contiguous; repeated until no move helps. `onlyIntoNorm`:
 * only moves after which both groups lie within the norm.
 */
function moveBoundaryFaces(
  byId: Map<number, Face>,
  neighbours: Map<number, { id: number; sharedM: number }[]>,
  labels: Map<number, number>,
  groups: Map<number, { households: number; faces: number[] }>,
  norm: HouseholdGoal,
  onlyIntoNorm: boolean,
): void {
  const staysContiguous = (label: number, without: number) => {
    const members = groups.get(label)!.faces.filter((id) => id !== without)
    if (members.length === 0) return false
    const reached = new Set([members[0]])
    const queue = [members[0]]
    while (queue.length > 0) {
      for (const n of neighbours.get(queue.pop()!) ?? []) {
        if (n.id !== without && !reached.has(n.id) && labels.get(n.id) === label) {
          reached.add(n.id)
          queue.push(n.id)
        }
      }
    }
    return reached.size === members.length
  }
  /** Moves `faceId` from group `from` to group `to` if that helps; answers whether it moved. */
  const tryMove = (faceId: number, from: number, to: number) => {
    const households = byId.get(faceId)!.households
    const [source, target] = [groups.get(from)!, groups.get(to)!]
    if (households === 0) return false
    const before = normMiss(source.households, norm) + normMiss(target.households, norm)
    const after = normMiss(source.households - households, norm) + normMiss(target.households + households, norm)
    if (after >= before || (onlyIntoNorm && after > 0) || !staysContiguous(from, faceId)) return false
    labels.set(faceId, to)
    source.faces = source.faces.filter((id) => id !== faceId)
    source.households -= households
    target.faces.push(faceId)
    target.households += households
    return true
  }
  for (let moved = true, pass = 0; moved && pass < 20; pass++) {
    moved = false
    for (const [label, group] of [...groups].sort(([la], [lb]) => la - lb)) {
      // each edge of the group with another: the face on this side, and the one on the other
      edges: for (const faceId of [...group.faces].sort((a, b) => a - b)) {
        for (const n of neighbours.get(faceId) ?? []) {
          if (normMiss(group.households, norm) === 0) break edges
          const other = labels.get(n.id)!
          if (other === label || labels.get(faceId) !== label) continue
          if (tryMove(faceId, label, other) || tryMove(n.id, other, label)) moved = true
        }
      }
    }
  }
}

/** The faces a grid of a department covers (in one community; a face may have no grid of a department, or several). */
export interface GridCover {
  department: string
  gridId: number
  faceIds: number[]
}

export interface IssuePiece {
  kind: 'gap' | 'overlap' | 'sliver'
  department: string | null
  gridIds: number[]
  faceIds: number[]
  areaM2: number
}

/**
 * Connected pieces of land from the face graph, without any geometry operation: faces that share
 * an edge and the same key join one piece. A piece's perimeter is its faces' perimeters less twice
 * the edges they share, so the sliver rule can judge a piece before its shape is ever built.
 * `keys`: each face's key by its index in `faces` (none: in no piece); `edges`: the adjacency by
 * face index.
 */
function connectedPieces(
  faces: Face[],
  edges: IndexedEdges,
  keys: (string | undefined)[],
): { key: string; faces: Face[]; areaM2: number; perimeterM: number }[] {
  if (keys.every((key) => key === undefined)) return []
  const parent = new Int32Array(faces.length)
  for (let i = 0; i < parent.length; i++) parent[i] = i
  const root = (i: number): number => {
    let r = i
    while (parent[r] !== r) r = parent[r]
    parent[i] = r
    return r
  }
  const internal = new Float64Array(faces.length)
  for (let e = 0; e < edges.sharedM.length; e++) {
    const [a, b] = [edges.a[e], edges.b[e]]
    if (keys[a] === undefined || keys[a] !== keys[b]) continue
    const [ra, rb] = [root(a), root(b)]
    const shared = internal[ra] + (ra === rb ? 0 : internal[rb]) + edges.sharedM[e]
    if (ra !== rb) parent[rb] = ra
    internal[ra] = shared
  }
  const pieces: { key: string; faces: Face[]; areaM2: number; perimeterM: number }[] = []
  const pieceOf = new Int32Array(faces.length).fill(-1)
  for (const [i, face] of faces.entries()) {
    const key = keys[i]
    if (key === undefined) continue
    const r = root(i)
    if (pieceOf[r] < 0) {
      pieceOf[r] = pieces.length
      pieces.push({ key, faces: [], areaM2: 0, perimeterM: -2 * internal[r] })
    }
    const piece = pieces[pieceOf[r]]
    piece.faces.push(face)
    piece.areaM2 += face.areaM2
    piece.perimeterM += face.perimeterM
  }
  return pieces
}

/** Edges between faces that share some length, by the faces' indexes. */
interface IndexedEdges {
  a: Int32Array
  b: Int32Array
  sharedM: Float64Array
}

function indexEdges(indexOf: Map<number, number>, adjacency: Adjacency[]): IndexedEdges {
  const edges = {
    a: new Int32Array(adjacency.length),
    b: new Int32Array(adjacency.length),
    sharedM: new Float64Array(adjacency.length),
  }
  let kept = 0
  for (const { a, b, sharedM } of adjacency) {
    const [ia, ib] = [indexOf.get(a), indexOf.get(b)]
    if (sharedM <= 0 || ia === undefined || ib === undefined) continue
    edges.a[kept] = ia
    edges.b[kept] = ib
    edges.sharedM[kept++] = sharedM
  }
  return { a: edges.a.subarray(0, kept), b: edges.b.subarray(0, kept), sharedM: edges.sharedM.subarray(0, kept) }
}

/**
 * The conflicts of one community's faces: per department its gaps (faces no grid of it covers) and
 * overlaps (faces two or more of its grids claim), as connected pieces too large and too thick to be
 * slivers; and the slivers, connected pieces of sliver faces that touch the same grids.
 */
export function findIssuePieces(
  faces: Face[],
  adjacency: Adjacency[],
  covers: GridCover[],
  departments: string[],
  rule: SliverRule = defaultSliverRule,
): IssuePiece[] {
  const indexOf = new Map(faces.map((f, i) => [f.id, i]))
  // the grids of each department (in order of id) that cover each face, by the face's index
  const gridsOf = new Map<string, (number[] | undefined)[]>(departments.map((d) => [d, new Array(faces.length)]))
  for (const { department, gridId, faceIds } of covers) {
    let byFace = gridsOf.get(department)
    if (byFace === undefined) gridsOf.set(department, (byFace = new Array(faces.length)))
    for (const faceId of faceIds) {
      const i = indexOf.get(faceId)
      if (i === undefined) continue
      const grids = byFace[i]
      if (grids === undefined) byFace[i] = [gridId]
      else {
        grids.push(gridId)
        grids.sort((p, q) => p - q)
      }
    }
  }
  const edges = indexEdges(indexOf, adjacency)
  const issues: IssuePiece[] = []
  const faceIds = (list: Face[]) => list.map((f) => f.id)
  for (const department of departments) {
    const byFace = gridsOf.get(department)!
    const gaps = Array.from(faces, (_, i) => (byFace[i] === undefined ? 'gap' : undefined))
    for (const piece of connectedPieces(faces, edges, gaps)) {
      if (!isSliver(piece, rule))
        issues.push({ kind: 'gap', department, gridIds: [], faceIds: faceIds(piece.faces), areaM2: piece.areaM2 })
    }
    const overlaps = Array.from(faces, (_, i) => {
      const grids = byFace[i]
      return grids && grids.length > 1 ? grids.join(',') : undefined
    })
    for (const piece of connectedPieces(faces, edges, overlaps)) {
      if (!isSliver(piece, rule))
        issues.push({
          kind: 'overlap',
          department,
          gridIds: piece.key.split(',').map(Number),
          faceIds: faceIds(piece.faces),
          areaM2: piece.areaM2,
        })
    }
  }
  // a wobbling boundary leaves a chain of slivers, each touching other grids: one issue per chain,
  // with every grid it touches, rather than hundreds of crumbs
  const slivers = faces.map((f) => (isSliver(f, rule) ? 'sliver' : undefined))
  for (const piece of connectedPieces(faces, edges, slivers)) {
    const touched = new Set<number>()
    for (const face of piece.faces)
      for (const byFace of gridsOf.values()) for (const id of byFace[indexOf.get(face.id)!] ?? []) touched.add(id)
    issues.push({
      kind: 'sliver',
      department: null,
      gridIds: [...touched].sort((a, b) => a - b),
      faceIds: faceIds(piece.faces),
      areaM2: piece.areaM2,
    })
  }
  return issues
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
  for (const [f, face] of faces.entries()) {
    segmentStart[f] = listed
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
