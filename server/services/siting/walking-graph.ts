// The walking network: a graph from road/path lines in a metric frame, points snapped onto it, and
// Dijkstra with a cut-off for 5/10/15-minute service areas and walking distances. Pure and
// database-free; the integration turns the reached segments into polygons in PostGIS.
//
// Lines join only where they share a vertex (the same OSM node id, or the same coordinates after
// rounding to 1 cm): a bridge over a river or a road over a railway crosses without a junction.
// One-ways are ignored (people walk both ways). Everything runs on typed arrays with one reusable
// heap, so a search allocates nothing per step.

import { InvalidInputError } from '../../errors.ts'
import { IntList } from './point-grid.ts'
import { type RoadLine, type Walkability, validateSnapDistance, walkabilityOf, walkingDefaults } from './walkability.ts'
/** The walking graph: nodes, straight edges between them, and each node's incident edges. */
export interface WalkingGraph {
  nodeCount: number
  nodeX: Float64Array
  nodeY: Float64Array
  edgeCount: number
  edgeFrom: Int32Array
  edgeTo: Int32Array
  edgeLength: Float64Array
  /** node → incident edges: `adjacentEdges[adjacentStarts[u] .. adjacentStarts[u + 1])` */
  adjacentStarts: Int32Array
  adjacentEdges: Int32Array
  /** lines left out, by reason */
  excluded: Partial<Record<Walkability | 'too short', number>>
  /** lines that gave at least one edge */
  lineCount: number
}

/** Builds the walking graph from lines (see the file header for when lines join). */
export function buildWalkingGraph(lines: readonly RoadLine[]): WalkingGraph {
  const nodeByKey = new Map<string, number>()
  const xs: number[] = []
  const ys: number[] = []
  const from = new IntList(1024)
  const to = new IntList(1024)
  const lengths: number[] = []
  const excluded: WalkingGraph['excluded'] = {}
  let lineCount = 0
  const nodeOf = (x: number, y: number, id: string | number | undefined): number => {
    const key = id !== undefined ? `n${id}` : `${Math.round(x * 100)}:${Math.round(y * 100)}`
    let node = nodeByKey.get(key)
    if (node === undefined) {
      node = xs.length
      nodeByKey.set(key, node)
      xs.push(x)
      ys.push(y)
    }
    return node
  }
  lines.forEach((line, index) => {
    const walkability = walkabilityOf(line.properties)
    if (walkability !== 'walkable') {
      excluded[walkability] = (excluded[walkability] ?? 0) + 1
      return
    }
    const coords = line.coordinates
    if (line.nodeIds && line.nodeIds.length !== coords.length)
      throw new InvalidInputError(`第 ${index} 条线的节点编号数与顶点数不一致（字段 nodeIds）`, [
        { feature: index, field: 'nodeIds' },
      ])
    let previous = -1
    let edges = 0
    for (let k = 0; k < coords.length; k++) {
      const x = Number(coords[k][0])
      const y = Number(coords[k][1])
      if (!Number.isFinite(x) || !Number.isFinite(y))
        throw new InvalidInputError(`第 ${index} 条线第 ${k} 个顶点的坐标不是有限数（字段 coordinates）`, [
          { feature: index, field: 'coordinates' },
        ])
      const node = nodeOf(x, y, line.nodeIds?.[k])
      if (previous !== -1 && node !== previous) {
        const length = Math.hypot(xs[node] - xs[previous], ys[node] - ys[previous])
        if (length > 0) {
          from.push(previous)
          to.push(node)
          lengths.push(length)
          edges += 1
        }
      }
      previous = node
    }
    if (edges > 0) lineCount += 1
    else excluded['too short'] = (excluded['too short'] ?? 0) + 1
  })
  const nodeCount = xs.length
  const edgeFrom = from.toArray()
  const edgeTo = to.toArray()
  const edgeCount = edgeFrom.length
  const adjacentStarts = new Int32Array(nodeCount + 1)
  for (let e = 0; e < edgeCount; e++) {
    adjacentStarts[edgeFrom[e] + 1] += 1
    adjacentStarts[edgeTo[e] + 1] += 1
  }
  for (let u = 0; u < nodeCount; u++) adjacentStarts[u + 1] += adjacentStarts[u]
  const fill = adjacentStarts.slice(0, nodeCount)
  const adjacentEdges = new Int32Array(2 * edgeCount)
  for (let e = 0; e < edgeCount; e++) {
    adjacentEdges[fill[edgeFrom[e]]++] = e
    adjacentEdges[fill[edgeTo[e]]++] = e
  }
  return {
    nodeCount,
    nodeX: Float64Array.from(xs),
    nodeY: Float64Array.from(ys),
    edgeCount,
    edgeFrom,
    edgeTo,
    edgeLength: Float64Array.from(lengths),
    adjacentStarts,
    adjacentEdges,
    excluded,
    lineCount,
  }
}

/**
 * Points placed on the network: each on edge `edge` at fraction `t` from its `from` node, `offset`
 * metres from where it really is. Points with no walkable edge within the snap distance have
 * `edge = -1` and are listed in `unsnapped`: reported, never dropped.
 */
export interface SnappedPoints {
  edge: Int32Array
  t: Float64Array
  offset: Float64Array
  unsnapped: number[]
}

/** A grid over edges (by bounding box) so each snap looks at nearby edges only. */
class EdgeGrid {
  private readonly cellSize: number
  private readonly minX: number
  private readonly minY: number
  private readonly columns: number
  private readonly rows: number
  private readonly starts: Int32Array
  private readonly edges: Int32Array

  constructor(
    private readonly graph: WalkingGraph,
    cellSize: number,
  ) {
    const { nodeX, nodeY, edgeFrom, edgeTo, edgeCount } = graph
    let minX = Infinity
    let minY = Infinity
    let maxX = -Infinity
    let maxY = -Infinity
    for (let u = 0; u < graph.nodeCount; u++) {
      minX = Math.min(minX, nodeX[u])
      maxX = Math.max(maxX, nodeX[u])
      minY = Math.min(minY, nodeY[u])
      maxY = Math.max(maxY, nodeY[u])
    }
    if (graph.nodeCount === 0) minX = minY = maxX = maxY = 0
    const span = Math.max(maxX - minX, maxY - minY, 1)
    this.cellSize = Math.max(cellSize, span / 2048)
    this.minX = minX
    this.minY = minY
    this.columns = Math.floor((maxX - minX) / this.cellSize) + 1
    this.rows = Math.floor((maxY - minY) / this.cellSize) + 1
    const cellsOf = (e: number, visit: (cell: number) => void) => {
      const a = edgeFrom[e]
      const b = edgeTo[e]
      const c0 = Math.floor((Math.min(nodeX[a], nodeX[b]) - minX) / this.cellSize)
      const c1 = Math.floor((Math.max(nodeX[a], nodeX[b]) - minX) / this.cellSize)
      const r0 = Math.floor((Math.min(nodeY[a], nodeY[b]) - minY) / this.cellSize)
      const r1 = Math.floor((Math.max(nodeY[a], nodeY[b]) - minY) / this.cellSize)
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) visit(r * this.columns + c)
    }
    const counts = new Int32Array(this.columns * this.rows + 1)
    for (let e = 0; e < edgeCount; e++) cellsOf(e, (cell) => (counts[cell + 1] += 1))
    for (let c = 0; c < this.columns * this.rows; c++) counts[c + 1] += counts[c]
    const fill = counts.slice(0, this.columns * this.rows)
    this.edges = new Int32Array(counts[this.columns * this.rows])
    for (let e = 0; e < edgeCount; e++) cellsOf(e, (cell) => (this.edges[fill[cell]++] = e))
    this.starts = counts
  }

  /** The nearest edge within `maxDistance` of (px, py): [edge, t, distance], or edge -1. */
  nearest(px: number, py: number, maxDistance: number): [number, number, number] {
    const { nodeX, nodeY, edgeFrom, edgeTo } = this.graph
    let bestEdge = -1
    let bestT = 0
    let bestD2 = maxDistance * maxDistance
    const c0 = Math.max(0, Math.floor((px - maxDistance - this.minX) / this.cellSize))
    const c1 = Math.min(this.columns - 1, Math.floor((px + maxDistance - this.minX) / this.cellSize))
    const r0 = Math.max(0, Math.floor((py - maxDistance - this.minY) / this.cellSize))
    const r1 = Math.min(this.rows - 1, Math.floor((py + maxDistance - this.minY) / this.cellSize))
    for (let r = r0; r <= r1; r++)
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.columns + c
        for (let k = this.starts[cell]; k < this.starts[cell + 1]; k++) {
          const e = this.edges[k]
          const ax = nodeX[edgeFrom[e]]
          const ay = nodeY[edgeFrom[e]]
          const dx = nodeX[edgeTo[e]] - ax
          const dy = nodeY[edgeTo[e]] - ay
          const t = Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
          const qx = ax + t * dx - px
          const qy = ay + t * dy - py
          const d2 = qx * qx + qy * qy
          // Equal distances go to the lower edge index, so a snap never depends on cell order.
          if (d2 < bestD2 || (d2 === bestD2 && bestEdge !== -1 && e < bestEdge) || (d2 === bestD2 && bestEdge === -1)) {
            bestEdge = e
            bestT = t
            bestD2 = d2
          }
        }
      }
    return [bestEdge, bestT, Math.sqrt(bestD2)]
  }
}

/** Snaps points to the nearest walkable edge within `snapDistance` metres (point-to-segment projection). */
export function snapPoints(
  graph: WalkingGraph,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  snapDistance: number = walkingDefaults.snapDistance,
): SnappedPoints {
  validateSnapDistance(snapDistance)
  const n = x.length
  const edge = new Int32Array(n).fill(-1)
  const t = new Float64Array(n)
  const offset = new Float64Array(n)
  const unsnapped: number[] = []
  const grid = new EdgeGrid(graph, Math.max(snapDistance, 25))
  for (let i = 0; i < n; i++) {
    const [e, at, d] = graph.edgeCount > 0 ? grid.nearest(x[i], y[i], snapDistance) : [-1, 0, 0]
    if (e === -1) {
      unsnapped.push(i)
      continue
    }
    edge[i] = e
    t[i] = at
    offset[i] = d
  }
  return { edge, t, offset, unsnapped }
}

/**
 * Dijkstra over the graph with reusable buffers: `dist` stays +∞ except at nodes the last search
 * touched, which `reset` clears, so a search costs what it reaches, not the whole graph.
 */
export class WalkingSearch {
  readonly dist: Float64Array
  /** which seed's label reached each node first (for nearest-centre assignment) */
  readonly label: Int32Array
  touched: Int32Array
  touchedCount = 0
  private heapNode: Int32Array
  private heapKey: Float64Array
  private heapSize = 0

  constructor(readonly graph: WalkingGraph) {
    this.dist = new Float64Array(graph.nodeCount).fill(Infinity)
    this.label = new Int32Array(graph.nodeCount).fill(-1)
    this.touched = new Int32Array(Math.max(16, graph.nodeCount))
    this.heapNode = new Int32Array(Math.max(16, graph.edgeCount * 2 + 16))
    this.heapKey = new Float64Array(this.heapNode.length)
  }

  reset(): void {
    for (let k = 0; k < this.touchedCount; k++) {
      this.dist[this.touched[k]] = Infinity
      this.label[this.touched[k]] = -1
    }
    this.touchedCount = 0
    this.heapSize = 0
  }

  private push(node: number, key: number): void {
    if (this.heapSize === this.heapNode.length) {
      const nodes = new Int32Array(this.heapNode.length * 2)
      nodes.set(this.heapNode)
      const keys = new Float64Array(this.heapKey.length * 2)
      keys.set(this.heapKey)
      this.heapNode = nodes
      this.heapKey = keys
    }
    let at = this.heapSize++
    const { heapNode, heapKey } = this
    while (at > 0) {
      const parent = (at - 1) >> 1
      if (heapKey[parent] <= key) break
      heapNode[at] = heapNode[parent]
      heapKey[at] = heapKey[parent]
      at = parent
    }
    heapNode[at] = node
    heapKey[at] = key
  }

  private popInto(): number {
    const { heapNode, heapKey } = this
    const top = heapNode[0]
    const lastNode = heapNode[--this.heapSize]
    const lastKey = heapKey[this.heapSize]
    let at = 0
    for (;;) {
      let child = 2 * at + 1
      if (child >= this.heapSize) break
      if (child + 1 < this.heapSize && heapKey[child + 1] < heapKey[child]) child += 1
      if (heapKey[child] >= lastKey) break
      heapNode[at] = heapNode[child]
      heapKey[at] = heapKey[child]
      at = child
    }
    heapNode[at] = lastNode
    heapKey[at] = lastKey
    return top
  }

  /** Offers a node at distance `d` with `label`; keeps it only if shorter than what is known. */
  seed(node: number, d: number, label: number): void {
    if (d < this.dist[node]) {
      if (this.dist[node] === Infinity) this.touched[this.touchedCount++] = node
      this.dist[node] = d
      this.label[node] = label
      this.push(node, d)
    }
  }

  /** Seeds both ends of the edge a snapped point lies on, at the point's access and partial lengths. */
  seedPoint(points: SnappedPoints, i: number, label: number): void {
    const e = points.edge[i]
    if (e === -1) return
    const length = this.graph.edgeLength[e]
    this.seed(this.graph.edgeFrom[e], points.offset[i] + points.t[i] * length, label)
    this.seed(this.graph.edgeTo[e], points.offset[i] + (1 - points.t[i]) * length, label)
  }

  /** Settles nodes in order of distance up to `cutoff` metres (nodes beyond stay +∞ or tentative). */
  run(cutoff = Infinity): void {
    const { dist, label } = this
    const { adjacentStarts, adjacentEdges, edgeFrom, edgeTo, edgeLength } = this.graph
    while (this.heapSize > 0) {
      const key = this.heapKey[0]
      const u = this.popInto()
      if (key > dist[u]) continue
      if (key > cutoff) break
      for (let k = adjacentStarts[u]; k < adjacentStarts[u + 1]; k++) {
        const e = adjacentEdges[k]
        const v = edgeFrom[e] === u ? edgeTo[e] : edgeFrom[e]
        const d = key + edgeLength[e]
        if (d < dist[v] && d <= cutoff) {
          if (dist[v] === Infinity) this.touched[this.touchedCount++] = v
          dist[v] = d
          label[v] = label[u]
          this.push(v, d)
        }
      }
    }
  }
}
