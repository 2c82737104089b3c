// Pure rules of the merge that work on the face graph of one community: the grouping strategies
// (base grids with the crumb rule of merge-crumbs, household-balanced regrouping), the gap, overlap
// and sliver pieces, and a step's labels, outlines and mapping rows.
import type { Adjacency, FaceMesh } from './merge-face-mesh.ts'
import { outlinesOf } from './merge-face-mesh.ts'
import { absorbIntoNeighbours, isSliver, neighboursOf, thinness } from './merge-crumbs.ts'
import { type MergeParams, type SliverRule, defaultSliverRule } from './merge-params.ts'
import type { Face, GridCover, IssuePiece } from '../../db/merge-graph.ts'

export type { Face, GridCover, IssuePiece } from '../../db/merge-graph.ts'
export { absorbIntoNeighbours, isSliver, thinness } from './merge-crumbs.ts'

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
 * more, wherever that brings two groups nearer the norm (the share of urban grids within the norm on the
 * demo district: tests/bench/figures.md). Faces with no households (slivers, parks) belong to the graph too: they
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

/** Why a sliver piece is one, as the issue list says it. */
export function sliverNote(piece: { faces: unknown[]; areaM2: number; perimeterM: number }, rule: SliverRule): string {
  const area = piece.areaM2.toLocaleString('zh-CN', { maximumFractionDigits: 2 })
  if (piece.faces.length > 1)
    return `碎片链：${piece.faces.length.toLocaleString('zh-CN')} 个碎片面相连（共 ${area} m²），每个面都小于 ${rule.minAreaM2} m² 或细长`
  if (piece.areaM2 < rule.minAreaM2) return `面积 ${area} m² 小于 ${rule.minAreaM2} m²`
  return `细长：4πA/P² = ${thinness(piece.areaM2, piece.perimeterM).toFixed(3)}，小于 ${rule.maxThinness}（面积 ${area} m²）`
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
      note: sliverNote(piece, rule),
    })
  }
  return issues
}

function groupBy<T, K>(items: T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  }
  return groups
}

/** A community's households-per-grid norm, as a step needs it. */
type CommunityNorm = { min: number; max: number }

/** Each community's households-per-grid norm (null where none applies: a rural community). */
export type HouseholdNorms = Record<string, CommunityNorm | null>

/**
 * Labels every face of one community according to the strategy. `norm`: the community's household
 * norm (null: a rural community, whose grids follow natural villages: it keeps the base grids).
 */
export function labelFaces(
  faces: Face[],
  adjacency: { a: number; b: number; sharedM: number }[],
  params: MergeParams,
  norm: CommunityNorm | null = null,
): Map<number, number> {
  if (params.strategy === 'household_balanced' && norm) {
    // every face, slivers too, is grouped there (absorbing a sliver afterwards could cut a group in two)
    return balanceHouseholds(faces, adjacency, householdGoal(norm, params.targetHouseholds))
  }
  const base = new Map(faces.filter((f) => f.baseGridId !== null).map((f) => [f.id, f.baseGridId!]))
  return absorbIntoNeighbours(faces, adjacency, base, params.sliver)
}

/**
 * The rules of one step on its face graph: each face's label (its unified grid), the outline of each
 * unified grid, and the gap, overlap and sliver pieces with the outline of those of several faces.
 */
export function groupFaces(
  faces: (Face & { communityCode: string })[],
  mesh: FaceMesh,
  covers: GridCover[],
  departments: string[],
  params: MergeParams,
  norms: HouseholdNorms = {},
) {
  const labels: { faceId: number; label: number }[] = []
  const pieces: (IssuePiece & { communityCode: string })[] = []
  // faces never border across a community boundary: each community is a graph of its own
  const communityOf = new Map(faces.map((f) => [f.id, f.communityCode]))
  const edgesOf = groupBy(mesh.adjacency, (e) => communityOf.get(e.a)!)
  const coversOf = groupBy(covers, (c) => communityOf.get(c.faceIds[0])!)
  for (const [community, own] of groupBy(faces, (f) => f.communityCode)) {
    const ownAdjacency = edgesOf.get(community) ?? []
    for (const [faceId, label] of labelFaces(own, ownAdjacency, params, norms[community] ?? null))
      labels.push({ faceId, label })
    for (const piece of findIssuePieces(own, ownAdjacency, coversOf.get(community) ?? [], departments, params.sliver))
      pieces.push({ ...piece, communityCode: community })
  }
  // each unified grid (a community's label) by its index in `groups`, with its faces
  const groups: { community: string; label: number }[] = []
  const groupOf = new Map<number, number>()
  const facesOf = new Map<number, number[]>()
  const indexOf = new Map<string, number>()
  for (const { faceId, label } of labels) {
    const community = communityOf.get(faceId)!
    const key = `${community}/${label}`
    let index = indexOf.get(key)
    if (index === undefined) {
      indexOf.set(key, (index = groups.length))
      groups.push({ community, label })
      facesOf.set(index, [])
    }
    groupOf.set(faceId, index)
    facesOf.get(index)!.push(faceId)
  }
  const outlines = [...outlinesOf(mesh, facesOf)].map(([index, outline]) => ({ ...groups[index], outline }))
  // mapping: the overlap of a unified grid with a department grid is the area of the faces they share
  const areaOf = new Map(faces.map((f) => [f.id, f.areaM2]))
  const overlaps = groups.map(() => new Map<number, number>())
  for (const { gridId, faceIds } of covers) {
    for (const faceId of faceIds) {
      const overlap = overlaps[groupOf.get(faceId)!]
      overlap.set(gridId, (overlap.get(gridId) ?? 0) + areaOf.get(faceId)!)
    }
  }
  const sources = overlaps.flatMap((overlap, index) =>
    [...overlap].map(([gridId, overlapM2]) => ({ ...groups[index], gridId, overlapM2 })),
  )
  // a face may lie in several pieces (a gap of 党建 and one of 社保, a sliver), but in one piece of a
  // kind and department at most: outlines are drawn per kind and department
  const pieceOutlines = new Map<number, Uint8Array>()
  const multiFace = [...pieces.entries()].filter(([, piece]) => piece.faceIds.length > 1)
  for (const [, group] of groupBy(multiFace, ([, piece]) => `${piece.kind}/${piece.department}`)) {
    for (const [n, outline] of outlinesOf(mesh, new Map(group.map(([n, piece]) => [n, piece.faceIds]))))
      pieceOutlines.set(n, outline)
  }
  return {
    labels,
    outlines,
    sources,
    pieces: pieces.map((piece, n) => ({ ...piece, outline: pieceOutlines.get(n) ?? null })),
  }
}
