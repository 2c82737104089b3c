// Reads OpenStreetMap road and path ways from `.osm` (XML) and `.osm.pbf` files through osm-read,
// into lines the walking graph takes: coordinates, node ids (so lines join only at shared OSM
// nodes), and tags. Only ways tagged `highway` are kept; the graph decides which are walkable.

import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import osmRead from 'osm-read'
import { InvalidInputError } from '../../errors.ts'
import type { RoadLine } from './walkability.ts'

/** A highway way in longitude/latitude (WGS84), split where the file lacks some of its nodes. */
export interface OsmRoad {
  wayId: string
  nodeIds: string[]
  /** [lon, lat] per node */
  coordinates: [number, number][]
  tags: Record<string, string>
}

export interface OsmRoadReading {
  roads: OsmRoad[]
  nodeCount: number
  wayCount: number
  /** highway ways whose node references point outside the file (clipped extracts), split or dropped */
  waysMissingNodes: number
}

export type OsmFormat = 'xml' | 'pbf'

/** The format from the file name: `.pbf` is PBF; `.osm` and `.xml` are XML. */
export function osmFormatOf(filePath: string): OsmFormat | undefined {
  const name = filePath.toLowerCase()
  if (name.endsWith('.pbf')) return 'pbf'
  if (name.endsWith('.osm') || name.endsWith('.xml')) return 'xml'
  return undefined
}

/** Reads the highway ways of an OSM file (see the file header). */
export async function readOsmRoads(filePath: string, format = osmFormatOf(filePath)): Promise<OsmRoadReading> {
  const file = basename(filePath)
  if (!format)
    throw new InvalidInputError(
      `不支持的 OSM 文件类型，需要 .osm 或 .osm.pbf（文件 ${file}）; expected .osm or .osm.pbf`,
      [{ file }],
    )
  if (!existsSync(filePath))
    throw new InvalidInputError(`找不到 OSM 文件（文件 ${file}）; OSM file not found`, [{ file }])
  const nodeIndex = new Map<string, number>()
  const lons: number[] = []
  const lats: number[] = []
  const ways: { id: string; nodeRefs: string[]; tags: Record<string, string> }[] = []
  let wayCount = 0
  await new Promise<void>((resolve, reject) => {
    let failed = false
    osmRead.parse({
      filePath,
      format,
      node(node) {
        nodeIndex.set(String(node.id), lons.length)
        lons.push(Number(node.lon))
        lats.push(Number(node.lat))
      },
      way(way) {
        wayCount += 1
        if (way.tags?.highway !== undefined)
          ways.push({ id: String(way.id), nodeRefs: way.nodeRefs.map(String), tags: way.tags })
      },
      endDocument() {
        if (!failed) resolve()
      },
      error(message) {
        failed = true
        reject(
          new InvalidInputError(
            `OSM 文件无法解析：${String(message)}（文件 ${file}）; the OSM file could not be read`,
            [{ file }],
          ),
        )
      },
    })
  })
  const roads: OsmRoad[] = []
  let waysMissingNodes = 0
  for (const way of ways) {
    let part: OsmRoad | undefined
    let missing = false
    for (const ref of way.nodeRefs) {
      const at = nodeIndex.get(ref)
      if (at === undefined) {
        missing = true
        if (part && part.nodeIds.length >= 2) roads.push(part)
        part = undefined
        continue
      }
      part ??= { wayId: way.id, nodeIds: [], coordinates: [], tags: way.tags }
      part.nodeIds.push(ref)
      part.coordinates.push([lons[at], lats[at]])
    }
    if (part && part.nodeIds.length >= 2) roads.push(part)
    if (missing) waysMissingNodes += 1
  }
  // A truncated XML file ends quietly in osm-read; a file with no road at all is never what was meant.
  if (roads.length === 0)
    throw new InvalidInputError(`OSM 文件中没有道路（highway）线（文件 ${file}）; the OSM file holds no highway ways`, [
      { file },
    ])
  return { roads, nodeCount: lons.length, wayCount, waysMissingNodes }
}

/**
 * OSM roads as graph lines in a local metric frame: an equirectangular projection about the data's
 * centre (metres east and north). Over a district (≤ 30 km) the scale error stays under about
 * 0.3 %, enough for tests and previews; the product projects through PostGIS into a proper CRS.
 */
export function projectRoadsToLocalMetres(roads: readonly OsmRoad[]): {
  lines: RoadLine[]
  origin: [number, number]
} {
  let lonSum = 0
  let latSum = 0
  let count = 0
  for (const road of roads)
    for (const [lon, lat] of road.coordinates) {
      lonSum += lon
      latSum += lat
      count += 1
    }
  const lon0 = count > 0 ? lonSum / count : 0
  const lat0 = count > 0 ? latSum / count : 0
  const metresPerDegree = (Math.PI / 180) * 6_371_008.8
  const kx = metresPerDegree * Math.cos((lat0 * Math.PI) / 180)
  const lines = roads.map((road) => ({
    coordinates: road.coordinates.map(([lon, lat]) => [(lon - lon0) * kx, (lat - lat0) * metresPerDegree]),
    nodeIds: road.nodeIds,
    properties: road.tags,
  }))
  return { lines, origin: [lon0, lat0] }
}
