// Pure rules of the merge that work on the face graph of one community: which faces are slivers,
// where slivers and uncovered faces go, and how faces regroup into household-balanced grids.

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
  return face.areaM2 < rule.minAreaM2 || (face.areaM2 <= rule.thinMaxAreaM2 && thinness(face.areaM2, face.perimeterM) < rule.maxThinness)
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
export function absorbIntoNeighbours(faces: Face[], adjacency: Adjacency[], initial: Map<number, number>, rule: SliverRule = defaultSliverRule): Map<number, number> {
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
      const best = (neighbours.get(face.id) ?? []).filter((n) => labels.has(n.id)).sort((p, q) => q.sharedM - p.sharedM || p.id - q.id)[0]
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

/**
 * Regroups a community's faces into contiguous grids near `targetHouseholds`: grow a group from the
 * north-westernmost free face, always taking the free neighbour that shares the longest edge, until
 * the group reaches the target; a last group below half the target joins its best neighbour.
 */
export function balanceHouseholds(faces: Face[], adjacency: Adjacency[], targetHouseholds: number): Map<number, number> {
  const neighbours = neighboursOf(adjacency)
  const byId = new Map(faces.map((f) => [f.id, f]))
  const labels = new Map<number, number>()
  const order = [...faces].sort((a, b) => b.y - a.y || a.x - b.x)
  const groups: { label: number; households: number; faces: number[] }[] = []
  for (const start of order) {
    if (labels.has(start.id)) continue
    const group = { label: groups.length + 1, households: 0, faces: [] as number[] }
    groups.push(group)
    const take = (face: Face) => {
      labels.set(face.id, group.label)
      group.households += face.households
      group.faces.push(face.id)
    }
    take(start)
    while (group.households < targetHouseholds) {
      let best: { id: number; sharedM: number } | undefined
      for (const member of group.faces) {
        for (const n of neighbours.get(member) ?? []) {
          if (labels.has(n.id)) continue
          if (!best || n.sharedM > best.sharedM || (n.sharedM === best.sharedM && n.id < best.id)) best = n
        }
      }
      if (!best) break
      take(byId.get(best.id)!)
    }
  }
  // groups far below the target join the neighbouring group they share most edge with
  for (const group of groups) {
    if (group.households >= targetHouseholds / 2 || groups.length === 1) continue
    const shared = new Map<number, number>()
    for (const member of group.faces) {
      for (const n of neighbours.get(member) ?? []) {
        const other = labels.get(n.id)!
        if (other !== group.label) shared.set(other, (shared.get(other) ?? 0) + n.sharedM)
      }
    }
    const [target] = [...shared.entries()].sort((p, q) => q[1] - p[1] || p[0] - q[0])[0] ?? []
    if (target === undefined) continue
    const into = groups.find((g) => g.label === target)!
    for (const member of group.faces) labels.set(member, target)
    into.households += group.households
    into.faces.push(...group.faces)
    group.faces = []
    group.households = Number.POSITIVE_INFINITY // merged away
  }
  return labels
}

/** Which grid of which department covers a face (a face may have none, or several of one department). */
export interface FaceCover {
  faceId: number
  department: string
  gridId: number
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
 */
function connectedPieces(faces: Face[], adjacency: Adjacency[], keyOf: (face: Face) => string | undefined): { key: string; faces: Face[]; areaM2: number; perimeterM: number }[] {
  const keys = new Map<number, string>()
  for (const face of faces) {
    const key = keyOf(face)
    if (key !== undefined) keys.set(face.id, key)
  }
  const parent = new Map<number, number>([...keys.keys()].map((id) => [id, id]))
  const root = (id: number): number => {
    let r = id
    while (parent.get(r) !== r) r = parent.get(r)!
    parent.set(id, r)
    return r
  }
  const internal = new Map<number, number>()
  for (const { a, b, sharedM } of adjacency) {
    if (sharedM <= 0 || !keys.has(a) || keys.get(a) !== keys.get(b)) continue
    const [ra, rb] = [root(a), root(b)]
    const shared = (internal.get(ra) ?? 0) + (ra === rb ? 0 : internal.get(rb) ?? 0) + sharedM
    if (ra !== rb) parent.set(rb, ra)
    internal.set(ra, shared)
  }
  const pieces = new Map<number, { key: string; faces: Face[]; areaM2: number; perimeterM: number }>()
  for (const face of faces) {
    if (!keys.has(face.id)) continue
    const r = root(face.id)
    const piece = pieces.get(r) ?? { key: keys.get(face.id)!, faces: [], areaM2: 0, perimeterM: -2 * (internal.get(r) ?? 0) }
    piece.faces.push(face)
    piece.areaM2 += face.areaM2
    piece.perimeterM += face.perimeterM
    pieces.set(r, piece)
  }
  return [...pieces.values()]
}

/**
 * The conflicts of one community's faces: per department its gaps (faces no grid of it covers) and
 * overlaps (faces two or more of its grids claim), as connected pieces too large and too thick to be
 * slivers; and the slivers, connected pieces of sliver faces that touch the same grids.
 */
export function findIssuePieces(faces: Face[], adjacency: Adjacency[], covers: FaceCover[], departments: string[], rule: SliverRule = defaultSliverRule): IssuePiece[] {
  const gridsOf = new Map<number, Map<string, number[]>>()
  for (const { faceId, department, gridId } of covers) {
    const byDepartment = gridsOf.get(faceId) ?? new Map<string, number[]>()
    byDepartment.set(department, [...(byDepartment.get(department) ?? []), gridId].sort((a, b) => a - b))
    gridsOf.set(faceId, byDepartment)
  }
  const issues: IssuePiece[] = []
  const faceIds = (list: Face[]) => list.map((f) => f.id)
  for (const department of departments) {
    for (const piece of connectedPieces(faces, adjacency, (f) => (gridsOf.get(f.id)?.has(department) ? undefined : 'gap'))) {
      if (!isSliver(piece, rule)) issues.push({ kind: 'gap', department, gridIds: [], faceIds: faceIds(piece.faces), areaM2: piece.areaM2 })
    }
    const overlapKey = (f: Face) => {
      const grids = gridsOf.get(f.id)?.get(department)
      return grids && grids.length > 1 ? grids.join(',') : undefined
    }
    for (const piece of connectedPieces(faces, adjacency, overlapKey)) {
      if (!isSliver(piece, rule)) issues.push({ kind: 'overlap', department, gridIds: piece.key.split(',').map(Number), faceIds: faceIds(piece.faces), areaM2: piece.areaM2 })
    }
  }
  // a wobbling boundary leaves a chain of slivers, each touching other grids: one issue per chain,
  // with every grid it touches, rather than hundreds of crumbs
  for (const piece of connectedPieces(faces, adjacency, (f) => (isSliver(f, rule) ? 'sliver' : undefined))) {
    const gridIds = [...new Set(piece.faces.flatMap((f) => [...(gridsOf.get(f.id)?.values() ?? [])].flat()))].sort((a, b) => a - b)
    issues.push({ kind: 'sliver', department: null, gridIds, faceIds: faceIds(piece.faces), areaM2: piece.areaM2 })
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
  /** every distinct segment: the face on one side, the face on the other (or -1 outside), the end points */
  segments: { a: number; b: number; x1: number; y1: number; x2: number; y2: number }[]
  /** each face's segments, by their index in `segments` */
  segmentsOf: Map<number, number[]>
}

/**
 * `rings`: each ring as flat x, y pairs. `part`: faces of different parts (communities) never share a
 * segment, even where their boundaries coincide vertex for vertex (two communities on either side of
 * their common boundary).
 */
export function buildFaceMesh(faces: { id: number; part?: string; rings: ArrayLike<number>[] }[]): FaceMesh {
  // Vertices are keyed by their millimetre coordinates (the faces are noded on that grid) as one
  // number, within ±33 km of their part's first vertex (further out, never in a community, by their
  // text). Each part numbers its own: the same point in two parts is two vertices.
  type PartVertices = { x0: number; y0: number; ids: Map<number | string, number> }
  const partVertices = new Map<string | undefined, PartVertices>()
  let vertexCount = 0
  const span = 2 ** 25
  const vertexOf = (own: PartVertices, x: number, y: number) => {
    const dx = Math.round((x - own.x0) * 1000) + span
    const dy = Math.round((y - own.y0) * 1000) + span
    const key = dx >= 0 && dx < 2 * span && dy >= 0 && dy < 2 * span ? dx * 2 * span + dy : `${x},${y}`
    let id = own.ids.get(key)
    if (id === undefined) own.ids.set(key, (id = vertexCount++))
    return id
  }
  const segments: FaceMesh['segments'] = []
  const segmentsOf = new Map<number, number[]>()
  const bySegment = new Map<number, number>()
  const shared = new Map<number, Adjacency>()
  const scale = 2 ** 26
  for (const face of faces) {
    const ownSegments: number[] = []
    segmentsOf.set(face.id, ownSegments)
    let own = partVertices.get(face.part)
    if (own === undefined) partVertices.set(face.part, (own = { x0: face.rings[0][0], y0: face.rings[0][1], ids: new Map() }))
    for (const ring of face.rings) {
      let previous = vertexOf(own, ring[0], ring[1])
      for (let i = 2; i < ring.length; i += 2) {
        const x1 = ring[i - 2], y1 = ring[i - 1], x2 = ring[i], y2 = ring[i + 1]
        const current = vertexOf(own, x2, y2)
        if (current === previous) continue
        const key = Math.min(previous, current) * scale + Math.max(previous, current)
        const index = bySegment.get(key)
        const seen = index === undefined ? undefined : segments[index]
        if (seen === undefined) {
          bySegment.set(key, segments.length)
          ownSegments.push(segments.length)
          segments.push({ a: face.id, b: -1, x1, y1, x2, y2 })
        } else if (seen.a !== face.id) {
          seen.b = face.id
          ownSegments.push(index!)
          const [a, b] = seen.a < face.id ? [seen.a, face.id] : [face.id, seen.a]
          const length = Math.hypot(x2 - x1, y2 - y1)
          const pair = a * scale + b
          const entry = shared.get(pair)
          if (entry) entry.sharedM += length
          else shared.set(pair, { a, b, sharedM: length })
        }
        previous = current
      }
    }
  }
  return { adjacency: [...shared.values()], segments, segmentsOf }
}

/**
 * The outline of each group of faces (its face ids), as WKT linework in the faces' frame: the
 * segments of its faces whose other side lies outside the group. PostGIS builds the group's area from
 * it (ST_BuildArea), which is much cheaper than unioning the faces' shapes. Groups must not share faces.
 */
export function outlinesOf<K>(mesh: FaceMesh, groups: Map<K, number[]>): Map<K, string> {
  const groupOf = new Map<number, K>()
  for (const [group, faceIds] of groups) for (const id of faceIds) groupOf.set(id, group)
  const outlines = new Map<K, string>()
  for (const [group, faceIds] of groups) {
    const parts: string[] = []
    for (const faceId of faceIds) {
      for (const index of mesh.segmentsOf.get(faceId) ?? []) {
        const segment = mesh.segments[index]
        const other = segment.a === faceId ? segment.b : segment.a
        if (other < 0 || groupOf.get(other) !== group) parts.push(`(${segment.x1} ${segment.y1},${segment.x2} ${segment.y2})`)
      }
    }
    if (parts.length > 0) outlines.set(group, `MULTILINESTRING(${parts.join(',')})`)
  }
  return outlines
}
