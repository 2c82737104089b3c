// Service areas, nearest centres and catchment pairs over the walking graph: the reached
// segments within each time band, each point's nearest centre by walking distance, and every
// (centre, point) pair within a distance. Pure and database-free; split out of walking-graph.ts
// unchanged.

import { IntList } from './point-grid.ts'
import { metresInMinutes, validateBands, validateSpeed, walkingDefaults } from './walkability.ts'
import { type SnappedPoints, type WalkingGraph, WalkingSearch } from './walking-graph.ts'
/** Walking distance from the search's seeds to a snapped point, through either end of its edge. */
function distanceToPoint(search: WalkingSearch, points: SnappedPoints, i: number): number {
  const e = points.edge[i]
  if (e === -1) return Infinity
  const g = search.graph
  const length = g.edgeLength[e]
  const viaFrom = search.dist[g.edgeFrom[e]] + points.t[i] * length
  const viaTo = search.dist[g.edgeTo[e]] + (1 - points.t[i]) * length
  return points.offset[i] + Math.min(viaFrom, viaTo)
}

/** Walking distance between two snapped points on the same edge, along it. */
function alongSameEdge(a: SnappedPoints, i: number, b: SnappedPoints, j: number, length: number): number {
  return a.offset[i] + b.offset[j] + Math.abs(a.t[i] - b.t[j]) * length
}

function pointsByEdge(graph: WalkingGraph, points: SnappedPoints): { starts: Int32Array; items: Int32Array } {
  const starts = new Int32Array(graph.edgeCount + 1)
  for (let i = 0; i < points.edge.length; i++) if (points.edge[i] !== -1) starts[points.edge[i] + 1] += 1
  for (let e = 0; e < graph.edgeCount; e++) starts[e + 1] += starts[e]
  const fill = starts.slice(0, graph.edgeCount)
  const items = new Int32Array(starts[graph.edgeCount])
  for (let i = 0; i < points.edge.length; i++) if (points.edge[i] !== -1) items[fill[points.edge[i]]++] = i
  return { starts, items }
}

/** Reached network of one source within one band, as straight segments x1 y1 x2 y2 … (metres). */
export interface ServiceAreaBand {
  minutes: number
  metres: number
  segments: Float64Array
}

export interface ServiceArea {
  /** index of the source point */
  source: number
  bands: ServiceAreaBand[]
}

export interface ServiceAreaResult {
  areas: ServiceArea[]
  /** sources with no walkable edge within the snap distance: no service area, reported */
  unsnapped: number[]
  speed: number
}

function pushPiece(out: number[], graph: WalkingGraph, e: number, fromMetres: number, toMetres: number): void {
  const length = graph.edgeLength[e]
  const a = Math.max(0, Math.min(length, fromMetres))
  const b = Math.max(0, Math.min(length, toMetres))
  if (b - a <= 1e-9) return
  const ax = graph.nodeX[graph.edgeFrom[e]]
  const ay = graph.nodeY[graph.edgeFrom[e]]
  const dx = (graph.nodeX[graph.edgeTo[e]] - ax) / length
  const dy = (graph.nodeY[graph.edgeTo[e]] - ay) / length
  out.push(ax + dx * a, ay + dy * a, ax + dx * b, ay + dy * b)
}

/**
 * The network within `cutoff` metres of the current search, without overlaps: whole edges where
 * both ends' slack covers the edge, else the partial pieces from each reached end; on the source's
 * own edge, the union of the stretch around its projection and the pieces from the edge's ends.
 */
function reachedSegments(
  search: WalkingSearch,
  cutoff: number,
  source: { points: SnappedPoints; i: number },
): Float64Array {
  const graph = search.graph
  const { dist } = search
  const sourceEdge = source.points.edge[source.i]
  const out: number[] = []
  for (let k = 0; k < search.touchedCount; k++) {
    const u = search.touched[k]
    const du = dist[u]
    if (du > cutoff) continue
    for (let a = graph.adjacentStarts[u]; a < graph.adjacentStarts[u + 1]; a++) {
      const e = graph.adjacentEdges[a]
      if (e === sourceEdge) continue
      const uIsFrom = graph.edgeFrom[e] === u
      const v = uIsFrom ? graph.edgeTo[e] : graph.edgeFrom[e]
      const dv = dist[v]
      // An edge with both ends reached is handled once, from its lower-numbered end.
      if (dv <= cutoff && v < u) continue
      const length = graph.edgeLength[e]
      const slackU = cutoff - du
      const slackV = dv <= cutoff ? cutoff - dv : 0
      if (slackU + slackV >= length) pushPiece(out, graph, e, 0, length)
      else if (uIsFrom) {
        pushPiece(out, graph, e, 0, slackU)
        if (slackV > 0) pushPiece(out, graph, e, length - slackV, length)
      } else {
        pushPiece(out, graph, e, length - slackU, length)
        if (slackV > 0) pushPiece(out, graph, e, 0, slackV)
      }
    }
  }
  if (sourceEdge !== -1) {
    const length = graph.edgeLength[sourceEdge]
    const intervals: [number, number][] = []
    const reach = cutoff - source.points.offset[source.i]
    if (reach > 0) {
      const at = source.points.t[source.i] * length
      intervals.push([at - reach, at + reach])
    }
    const slackFrom = cutoff - dist[graph.edgeFrom[sourceEdge]]
    if (slackFrom > 0) intervals.push([0, slackFrom])
    const slackTo = cutoff - dist[graph.edgeTo[sourceEdge]]
    if (slackTo > 0) intervals.push([length - slackTo, length])
    intervals.sort((a, b) => a[0] - b[0])
    let current: [number, number] | undefined
    for (const interval of intervals) {
      if (current && interval[0] <= current[1]) current[1] = Math.max(current[1], interval[1])
      else {
        if (current) pushPiece(out, graph, sourceEdge, current[0], current[1])
        current = [interval[0], interval[1]]
      }
    }
    if (current) pushPiece(out, graph, sourceEdge, current[0], current[1])
  }
  return Float64Array.from(out)
}

/**
 * Service areas: for each source point (a centre), the network reached within each band of minutes
 * at `speed` m/s. One search per source, to the widest band; narrower bands read the same distances.
 */
export function computeServiceAreas(
  graph: WalkingGraph,
  sources: SnappedPoints,
  options: { speed?: number; bandsMinutes?: readonly number[] } = {},
): ServiceAreaResult {
  const speed = options.speed ?? walkingDefaults.speed
  const bandsMinutes = [...(options.bandsMinutes ?? walkingDefaults.bandsMinutes)].sort((a, b) => a - b)
  validateSpeed(speed)
  validateBands(bandsMinutes)
  const widest = metresInMinutes(bandsMinutes[bandsMinutes.length - 1], speed)
  const search = new WalkingSearch(graph)
  const areas: ServiceArea[] = []
  for (let s = 0; s < sources.edge.length; s++) {
    if (sources.edge[s] === -1) continue
    search.reset()
    search.seedPoint(sources, s, s)
    search.run(widest)
    areas.push({
      source: s,
      bands: bandsMinutes.map((minutes) => {
        const metres = metresInMinutes(minutes, speed)
        return { minutes, metres, segments: reachedSegments(search, metres, { points: sources, i: s }) }
      }),
    })
  }
  search.reset()
  return { areas, unsnapped: sources.unsnapped, speed }
}

/**
 * Each demand point's nearest centre by walking distance (metres), for assignment and load.
 * `centre[i]` is -1 (distance +∞) when the demand point is unsnapped or no centre connects to it.
 */
export function assignNearestCentres(
  graph: WalkingGraph,
  centres: SnappedPoints,
  demand: SnappedPoints,
): { centre: Int32Array; distance: Float64Array } {
  const search = new WalkingSearch(graph)
  for (let s = 0; s < centres.edge.length; s++) search.seedPoint(centres, s, s)
  search.run()
  const n = demand.edge.length
  const centre = new Int32Array(n).fill(-1)
  const distance = new Float64Array(n).fill(Infinity)
  const centresOnEdge = pointsByEdge(graph, centres)
  for (let i = 0; i < n; i++) {
    const e = demand.edge[i]
    if (e === -1) continue
    const length = graph.edgeLength[e]
    const viaFrom = search.dist[graph.edgeFrom[e]] + demand.t[i] * length
    const viaTo = search.dist[graph.edgeTo[e]] + (1 - demand.t[i]) * length
    let best = demand.offset[i] + Math.min(viaFrom, viaTo)
    let bestCentre = best === Infinity ? -1 : search.label[viaFrom <= viaTo ? graph.edgeFrom[e] : graph.edgeTo[e]]
    // A centre on the same edge is reached along it, without passing either end.
    for (let k = centresOnEdge.starts[e]; k < centresOnEdge.starts[e + 1]; k++) {
      const s = centresOnEdge.items[k]
      const d = alongSameEdge(demand, i, centres, s, length)
      if (d < best || (d === best && s < bestCentre)) {
        best = d
        bestCentre = s
      }
    }
    centre[i] = bestCentre
    distance[i] = best
  }
  return { centre, distance }
}

/** Centre → demand pairs within `cutoff` metres of walking, with the distance of each. */
export interface CatchmentPairs {
  centre: Int32Array
  demand: Int32Array
  distance: Float64Array
}

/**
 * Which demand each centre reaches within `cutoff` metres (the widest band): the input for coverage
 * by network; the set of centres within a narrower band is the pairs with `distance ≤` that band.
 */
export function findCatchmentPairs(
  graph: WalkingGraph,
  centres: SnappedPoints,
  demand: SnappedPoints,
  cutoff: number,
): CatchmentPairs {
  const search = new WalkingSearch(graph)
  const demandOnEdge = pointsByEdge(graph, demand)
  const n = demand.edge.length
  const stamp = new Int32Array(n).fill(-1)
  const best = new Float64Array(n)
  const reached = new IntList(1024)
  const pairCentre = new IntList(1024)
  const pairDemand = new IntList(1024)
  const pairDistance: number[] = []
  const offer = (s: number, i: number, d: number) => {
    if (d > cutoff) return
    if (stamp[i] !== s) {
      stamp[i] = s
      best[i] = d
      reached.push(i)
    } else if (d < best[i]) best[i] = d
  }
  for (let s = 0; s < centres.edge.length; s++) {
    const e0 = centres.edge[s]
    if (e0 === -1) continue
    search.reset()
    search.seedPoint(centres, s, s)
    search.run(cutoff)
    reached.length = 0
    for (let k = 0; k < search.touchedCount; k++) {
      const u = search.touched[k]
      for (let a = graph.adjacentStarts[u]; a < graph.adjacentStarts[u + 1]; a++) {
        const e = graph.adjacentEdges[a]
        for (let q = demandOnEdge.starts[e]; q < demandOnEdge.starts[e + 1]; q++) {
          const i = demandOnEdge.items[q]
          offer(s, i, distanceToPoint(search, demand, i))
        }
      }
    }
    for (let q = demandOnEdge.starts[e0]; q < demandOnEdge.starts[e0 + 1]; q++) {
      const i = demandOnEdge.items[q]
      offer(s, i, alongSameEdge(demand, i, centres, s, graph.edgeLength[e0]))
    }
    const found = reached.data.subarray(0, reached.length).sort()
    for (const i of found) {
      pairCentre.push(s)
      pairDemand.push(i)
      pairDistance.push(best[i])
    }
  }
  return { centre: pairCentre.toArray(), demand: pairDemand.toArray(), distance: Float64Array.from(pairDistance) }
}
