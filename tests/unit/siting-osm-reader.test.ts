import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../server/errors.ts'
import { projectRoadsToLocalMetres, readOsmRoads } from '../../server/services/siting/osm-reader.ts'
import { assignNearestCentres } from '../../server/services/siting/walking-areas.ts'
import { buildWalkingGraph, snapPoints } from '../../server/services/siting/walking-graph.ts'

const fixtures = join(import.meta.dirname, '../../data/osm')

describe('readOsmRoads on OSM XML (Bautzen)', async () => {
  const reading = await readOsmRoads(join(fixtures, 'bautzen.osm'))
  const { lines } = projectRoadsToLocalMetres(reading.roads)
  const graph = buildWalkingGraph(lines)

  it('reads every way and keeps the 60 tagged highway', () => {
    expect(reading.wayCount).toBe(97)
    expect(reading.nodeCount).toBe(781)
    expect(reading.roads.length).toBe(60)
    expect(reading.waysMissingNodes).toBe(0)
  })

  it('finds a known street with its name and node ids', () => {
    const street = reading.roads.filter((road) => road.tags.name === 'Hoyerswerdaer Straße')
    expect(street.length).toBe(17)
    expect(street.every((road) => road.nodeIds.length === road.coordinates.length)).toBe(true)
    const [lon, lat] = street[0].coordinates[0]
    expect(lon).toBeGreaterThan(14.4)
    expect(lon).toBeLessThan(14.42)
    expect(lat).toBeGreaterThan(51.18)
    expect(lat).toBeLessThan(51.2)
  })

  it('leaves the A 4 motorway and its links out of the walking graph', () => {
    const motorways = reading.roads.filter((road) => road.tags.highway.startsWith('motorway'))
    expect(motorways.length).toBe(31)
    expect(graph.excluded['non-walkable class']).toBe(31)
    expect(graph.excluded['access closed']).toBe(3)
    expect(graph.lineCount).toBe(60 - 31 - 3)
    expect(graph.edgeCount).toBe(189)
    // No graph node is a vertex only a motorway uses.
    const walkableNodes = new Set(
      reading.roads.filter((road) => !road.tags.highway.startsWith('motorway')).flatMap((road) => road.nodeIds),
    )
    const motorwayOnly = motorways.flatMap((road) => road.nodeIds).filter((id) => !walkableNodes.has(id))
    expect(motorwayOnly.length).toBeGreaterThan(0)
    expect(graph.nodeCount).toBeLessThan(781 - motorwayOnly.length + 1)
  })
})

describe('readOsmRoads on OSM PBF (Andorra)', async () => {
  const reading = await readOsmRoads(join(fixtures, 'andorra.osm.pbf'))
  const { lines } = projectRoadsToLocalMetres(reading.roads)
  const graph = buildWalkingGraph(lines)

  it('reads the ways and nodes of the extract', () => {
    expect(reading.wayCount).toBe(2725)
    expect(reading.nodeCount).toBe(69_644)
    expect(reading.roads.length).toBe(1615)
  })

  it('builds a walking graph of tens of thousands of edges, without the ways closed to walkers', () => {
    expect(graph.edgeCount).toBe(37_824)
    expect(graph.excluded).toEqual({ 'foot=no': 94, 'access closed': 14, 'non-walkable class': 2 })
    expect(reading.roads.some((road) => road.tags.name === 'Carretera General')).toBe(true)
  })

  it('never walks shorter than the straight line, and detours in the valleys', () => {
    // Node 100 lies in the main component (29,836 of 37,522 nodes); the rest are islands cut off by
    // ways closed to walkers or clipped at the extract's edge.
    const from = snapPoints(graph, [graph.nodeX[100]], [graph.nodeY[100]], 0)
    const nodes = Array.from({ length: Math.floor(graph.nodeCount / 100) }, (_, k) => k * 100)
    const to = snapPoints(
      graph,
      nodes.map((u) => graph.nodeX[u]),
      nodes.map((u) => graph.nodeY[u]),
    )
    const { distance } = assignNearestCentres(graph, from, to)
    const ratios: number[] = []
    nodes.forEach((u, k) => {
      const straight = Math.hypot(graph.nodeX[u] - graph.nodeX[100], graph.nodeY[u] - graph.nodeY[100])
      if (!Number.isFinite(distance[k]) || straight < 500) return
      expect(distance[k]).toBeGreaterThanOrEqual(straight - 1e-6)
      ratios.push(distance[k] / straight)
    })
    expect(ratios.length).toBeGreaterThan(nodes.length * 0.6)
    ratios.sort((a, b) => a - b)
    expect(ratios[Math.floor(ratios.length / 2)]).toBeGreaterThan(1.1)
  })
})

describe('readOsmRoads on bad files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siting-osm-'))

  it('refuses an unknown extension, naming the file', async () => {
    await expect(readOsmRoads(join(dir, 'roads.geojson'))).rejects.toThrow(/\.osm 或 \.osm\.pbf（文件 roads\.geojson）/)
  })

  it('refuses a missing file', async () => {
    await expect(readOsmRoads(join(dir, 'missing.osm'))).rejects.toThrow(InvalidInputError)
  })

  it('refuses a PBF that is not one, naming the file', async () => {
    const path = join(dir, 'broken.osm.pbf')
    writeFileSync(path, 'not a protocol buffer '.repeat(20))
    await expect(readOsmRoads(path)).rejects.toThrow(/OSM 文件无法解析.*（文件 broken\.osm\.pbf）/)
  })

  it('refuses a truncated XML file with no road in it', async () => {
    const path = join(dir, 'truncated.osm')
    writeFileSync(path, '<osm><node id="1" lat="1" lon="1"/><way id="2"><nd ref="1"/>')
    await expect(readOsmRoads(path)).rejects.toThrow(/没有道路（highway）线（文件 truncated\.osm）/)
  })
})
