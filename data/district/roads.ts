// The demo district's street and path network, in the same local metric frame as the rest of the
// generator: a dense street lattice in the urban core, a sparse one of village roads and tracks
// outside it, some blocks gated (an edge left out), a river across the district and a railway
// through it that paths cross only at a few bridges and underpasses far apart. The river and the
// railway come with the network as barrier lines (not walkable) so the map can draw them.
import { FRAME } from './frame.ts'
import { toLonLat } from './geometry.ts'
import { createRandom, deriveSeed } from './random.ts'

export interface DemoRoad {
  /** OSM-style class: highway value for roads and paths, 'river' or 'railway' for barriers */
  class: string
  name: string | null
  /** WGS84 lon/lat vertices */
  coordinates: [number, number][]
}

/** Metres between lattice nodes; outside the urban core only every third line is a road. */
const STEP = 200
const RURAL_EVERY = 3
/** Bridges over the river and underpasses under the railway: one every so many metres. */
const BRIDGE_EVERY = 3_000
const UNDERPASS_EVERY = 2_600

export interface RoadBarriers {
  /** north coordinate of the river's centre line at x */
  riverY(x: number): number
  /** east coordinate of the railway at y */
  railX(y: number): number
}

export function demoBarriers(radius: number): RoadBarriers {
  return {
    riverY: (x) => 0.12 * radius * Math.sin(x / (0.45 * radius)) - 0.18 * radius,
    railX: (y) => 0.3 * radius + 0.15 * y,
  }
}

export function generateRoadNetwork({ seed, scale }: { seed: number; scale: number }): DemoRoad[] {
  const random = createRandom(deriveSeed(seed, 'roads'))
  const radius = 9_000 * Math.sqrt(scale)
  const halfX = 1.2 * radius * 1.25
  const halfY = 0.85 * radius * 1.25
  const { riverY, railX } = demoBarriers(radius)
  const columns = Math.ceil(halfX / STEP)
  const rows = Math.ceil(halfY / STEP)
  const inside = (x: number, y: number) => Math.hypot(x / (1.2 * radius * 1.2), y / (0.85 * radius * 1.2)) <= 1
  const urban = (x: number, y: number) => Math.hypot(x, y / 0.85) < radius * 0.6
  // Node positions move a little, by the node's own seed, so shared nodes stay shared.
  const node = (i: number, j: number): [number, number] => {
    const r = createRandom(deriveSeed(seed, `road-node ${i},${j}`))
    return [i * STEP + r.normal() * 12, j * STEP + r.normal() * 12]
  }
  const bridgeAt = (x: number) => Math.abs(x - Math.round(x / BRIDGE_EVERY) * BRIDGE_EVERY) < STEP / 2
  const underpassAt = (y: number) => Math.abs(y - Math.round(y / UNDERPASS_EVERY) * UNDERPASS_EVERY) < STEP / 2
  const roads: DemoRoad[] = []
  const classOf = (line: number, isUrban: boolean) =>
    isUrban ? (line % 5 === 0 ? 'secondary' : 'residential') : line % (RURAL_EVERY * 4) === 0 ? 'unclassified' : 'track'
  const addEdge = (a: [number, number], b: [number, number], line: number, vertical: boolean) => {
    const mx = (a[0] + b[0]) / 2
    const my = (a[1] + b[1]) / 2
    if (!inside(mx, my)) return
    const isUrban = urban(mx, my)
    if (!isUrban && line % RURAL_EVERY !== 0) return
    const crossesRiver = Math.sign(a[1] - riverY(a[0])) !== Math.sign(b[1] - riverY(b[0]))
    if (crossesRiver && !(vertical && bridgeAt(mx))) return
    const crossesRail = Math.sign(a[0] - railX(a[1])) !== Math.sign(b[0] - railX(b[1]))
    if (crossesRail && !(!vertical && underpassAt(my))) return
    // gated blocks and missing links: a few urban edges are closed to the public
    if (isUrban && !crossesRiver && !crossesRail && random.chance(0.06)) return
    roads.push({
      class: crossesRiver || crossesRail ? 'footway' : classOf(line, isUrban),
      name: null,
      coordinates: [toLonLat(FRAME, a, 7), toLonLat(FRAME, b, 7)],
    })
  }
  for (let j = -rows; j <= rows; j++)
    for (let i = -columns; i <= columns; i++) {
      const here = node(i, j)
      // outside the core only every third line is kept (addEdge): a 600 m lattice of village roads
      if (i + 1 <= columns) addEdge(here, node(i + 1, j), j, false)
      if (j + 1 <= rows) addEdge(here, node(i, j + 1), i, true)
    }
  const river: [number, number][] = []
  for (let x = -halfX; x <= halfX; x += 100) river.push(toLonLat(FRAME, [x, riverY(x)], 7))
  roads.push({ class: 'river', name: '金水河', coordinates: river })
  const rail: [number, number][] = []
  for (let y = -halfY; y <= halfY; y += 200) rail.push(toLonLat(FRAME, [railX(y), y], 7))
  roads.push({ class: 'railway', name: '京广铁路', coordinates: rail })
  return roads
}
