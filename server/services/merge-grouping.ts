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
  const add = (from: number, to: number, sharedM: number) => neighbours.set(from, [...(neighbours.get(from) ?? []), { id: to, sharedM }])
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
