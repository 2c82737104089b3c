// The crumb rule of the base strategy on one community's face graph: which faces and pieces are
// slivers (the sliver rule), and how each connected piece of a base grid stays whole or, a crumb,
// joins the neighbour with the longest shared edge, as do uncovered faces.
import type { Adjacency } from './merge-face-mesh.ts'
import { type SliverRule, defaultSliverRule } from './merge-params.ts'
import type { Face } from '../../db/merge-graph.ts'

export function thinness(areaM2: number, perimeterM: number): number {
  return perimeterM > 0 ? (4 * Math.PI * areaM2) / (perimeterM * perimeterM) : 0
}

export function isSliver(face: Pick<Face, 'areaM2' | 'perimeterM'>, rule: SliverRule = defaultSliverRule): boolean {
  return (
    face.areaM2 < rule.minAreaM2 ||
    (face.areaM2 <= rule.thinMaxAreaM2 && thinness(face.areaM2, face.perimeterM) < rule.maxThinness)
  )
}

export function neighboursOf(adjacency: Adjacency[]): Map<number, { id: number; sharedM: number }[]> {
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
 * The connected pieces of the faces `inPiece` puts in the same piece (undefined: in none), through
 * edges of positive length, each with its area and the perimeter of its outline (its faces'
 * perimeters less twice the edges they share).
 */
function piecesOf(
  faces: Face[],
  neighbours: Map<number, { id: number; sharedM: number }[]>,
  inPiece: (face: Face) => number | undefined,
): { faces: Face[]; areaM2: number; perimeterM: number }[] {
  const byId = new Map(faces.map((f) => [f.id, f]))
  const seen = new Set<number>()
  const pieces: { faces: Face[]; areaM2: number; perimeterM: number }[] = []
  for (const start of faces) {
    const key = inPiece(start)
    if (key === undefined || seen.has(start.id)) continue
    const members: Face[] = []
    let areaM2 = 0
    let perimeterM = 0
    const stack = [start]
    seen.add(start.id)
    while (stack.length > 0) {
      const face = stack.pop()!
      members.push(face)
      areaM2 += face.areaM2
      perimeterM += face.perimeterM
      for (const n of neighbours.get(face.id) ?? []) {
        const other = byId.get(n.id)
        if (!other || inPiece(other) !== key) continue
        // each shared edge is met from both of its faces: once from each, so the outline loses it twice
        perimeterM -= n.sharedM
        if (!seen.has(other.id)) {
          seen.add(other.id)
          stack.push(other)
        }
      }
    }
    pieces.push({ faces: members, areaM2, perimeterM })
  }
  return pieces
}

/**
 * Gives every face a label (base strategy: `initial`, the base department's grid of the face's own
 * community). The faces are judged by piece, not one by one: each connected piece of a labelled grid
 * keeps its label unless the piece as a whole is under the sliver thresholds (a crumb); so further
 * layers, which only cut faces finer, never turn a grid's piece into crumbs nor make more grids.
 * Each face of a crumb and each unlabelled face then takes the label of the neighbour with which it
 * shares the longest edge, whatever department its grid came from, repeatedly, so chains of crumbs
 * and gaps reach a real grid. Faces that reach no labelled face (an island part of the community
 * without a grid) become one group per connected piece; a community whose faces carry no label at
 * all, one group.
 */
export function absorbIntoNeighbours(
  faces: Face[],
  adjacency: Adjacency[],
  initial: Map<number, number>,
  rule: SliverRule = defaultSliverRule,
): Map<number, number> {
  const labels = new Map<number, number>()
  const neighbours = neighboursOf(adjacency)
  for (const piece of piecesOf(faces, neighbours, (f) => initial.get(f.id))) {
    if (isSliver(piece, rule)) continue
    for (const face of piece.faces) labels.set(face.id, initial.get(face.id)!)
  }
  if (labels.size === 0) {
    // nothing to attach to: the largest face anchors the community
    const largest = faces.reduce((best, f) => (f.areaM2 > best.areaM2 ? f : best), faces[0])
    if (largest) labels.set(largest.id, initial.get(largest.id) ?? -largest.id)
  }
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
      // parts with no labelled neighbour (an island, a hole): each connected piece becomes one group
      const unreached = new Set(next.map((f) => f.id))
      for (const piece of piecesOf(next, neighbours, (f) => (unreached.has(f.id) ? 0 : undefined))) {
        const label = -Math.min(...piece.faces.map((f) => f.id))
        for (const face of piece.faces) labels.set(face.id, label)
      }
      break
    }
    pending = next
  }
  return labels
}
