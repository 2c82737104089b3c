// A road and path network imported by an administrator: OpenStreetMap `.osm` / `.osm.pbf` through
// osm-read (osm-reader.ts), or GeoJSON lines in longitude/latitude (WGS84) with a `highway` (or
// `class`) and `name` property. The lines become the active network the walking service areas and
// network coverage use; the previous network stays, inactive. Lines tagged closed to walkers
// (foot=no, access=private…) are left out and counted; classes such as motorways are kept and left
// out by the walking graph, which decides by class.

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidInputError } from '../../errors.ts'
import { isInChina } from '../imports/crs.ts'
import { osmFormatOf, readOsmRoads } from './osm-reader.ts'
import { walkabilityOf } from './walkability.ts'

/** A line to store: its class (the OSM highway value), name and [lon, lat] positions. */
export interface RoadToStore {
  class: string
  name: string | null
  coordinates: [number, number][]
}

export interface RoadReading {
  roads: RoadToStore[]
  /** lines tagged closed to walkers (foot=no, access=private…), left out */
  closedToWalkers: number
}

const tagsClosed = new Set(['foot=no', 'access closed'])

/** Reads a road file by its name's ending; every refusal names the file and, for GeoJSON, the feature and field. */
export async function readRoadFile(file: { name: string; data: Uint8Array }): Promise<RoadReading> {
  const lower = file.name.toLowerCase()
  const reading = osmFormatOf(lower)
    ? await readOsm(file)
    : lower.endsWith('.geojson') || lower.endsWith('.json')
      ? readGeoJson(file)
      : undefined
  if (!reading)
    throw new InvalidInputError(
      `不支持的路网文件类型，需要 .osm、.osm.pbf 或 .geojson（文件 ${file.name}）; a road network must be .osm, .osm.pbf or .geojson`,
      [{ file: file.name }],
    )
  if (reading.roads.length === 0)
    throw new InvalidInputError(
      `路网文件中没有可步行的道路线（文件 ${file.name}）; the file holds no walkable road line`,
      [{ file: file.name }],
    )
  return reading
}

async function readOsm(file: { name: string; data: Uint8Array }): Promise<RoadReading> {
  // osm-read reads from a path: the upload goes to a private temporary folder for the read
  const folder = await mkdtemp(join(tmpdir(), 'road-import-'))
  try {
    const path = join(folder, file.name.replace(/[^\w.-]/g, '_'))
    await writeFile(path, file.data)
    const { roads } = await readOsmRoads(path)
    let closedToWalkers = 0
    const kept: RoadToStore[] = []
    for (const road of roads) {
      if (tagsClosed.has(walkabilityOf(road.tags))) {
        closedToWalkers += 1
        continue
      }
      const outside = road.coordinates.find(([lon, lat]) => !isInChina(lon, lat))
      if (outside)
        throw new InvalidInputError(
          `道路 ${road.wayId} 位于中国境外（${outside[0]}, ${outside[1]}）：路网须为 WGS84 经纬度（文件 ${file.name}）; way ${road.wayId} lies outside China`,
          [{ file: file.name, field: `way ${road.wayId}` }],
        )
      kept.push({ class: road.tags.highway, name: road.tags.name ?? null, coordinates: road.coordinates })
    }
    return { roads: kept, closedToWalkers }
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

function readGeoJson(file: { name: string; data: Uint8Array }): RoadReading {
  let collection: { type?: unknown; features?: unknown }
  try {
    collection = JSON.parse(new TextDecoder().decode(file.data))
  } catch (error) {
    throw new InvalidInputError(
      `GeoJSON 无法解析：${(error as Error).message}（文件 ${file.name}）; the GeoJSON could not be read`,
      [{ file: file.name }],
    )
  }
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features))
    throw new InvalidInputError(`GeoJSON 须为 FeatureCollection（文件 ${file.name}）; expected a FeatureCollection`, [
      { file: file.name, field: 'type' },
    ])
  const roads: RoadToStore[] = []
  let closedToWalkers = 0
  collection.features.forEach(
    (
      feature: { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> | null },
      index: number,
    ) => {
      const where = (field: string) => [{ file: file.name, feature: index + 1, field }]
      const label = `第 ${(index + 1).toLocaleString('zh-CN')} 个要素`
      const geometry = feature?.geometry
      const lines =
        geometry?.type === 'LineString'
          ? [geometry.coordinates]
          : geometry?.type === 'MultiLineString'
            ? (geometry.coordinates as unknown[])
            : undefined
      if (!lines || !Array.isArray(lines))
        throw new InvalidInputError(
          `${label} [geometry] 须为 LineString 或 MultiLineString，得到 ${geometry?.type ?? '空'}（文件 ${file.name}）; feature ${index + 1}: geometry must be a LineString or MultiLineString`,
          where('geometry'),
        )
      const properties = feature.properties ?? {}
      if (tagsClosed.has(walkabilityOf(properties as Record<string, string>))) {
        closedToWalkers += 1
        return
      }
      const highway = properties.highway ?? properties.class
      for (const line of lines) {
        const positions = Array.isArray(line) ? line : []
        const ok =
          positions.length >= 2 &&
          positions.every(
            (p) =>
              Array.isArray(p) &&
              Number.isFinite(p[0]) &&
              Number.isFinite(p[1]) &&
              isInChina(Number(p[0]), Number(p[1])),
          )
        if (!ok)
          throw new InvalidInputError(
            `${label} [geometry] 的线须有至少两个位于中国境内的 WGS84 经纬度点（文件 ${file.name}）; feature ${index + 1}: each line needs two or more WGS84 positions in China`,
            where('geometry'),
          )
        roads.push({
          class: highway === undefined || highway === null ? 'unclassified' : String(highway),
          name: typeof properties.name === 'string' ? properties.name : null,
          coordinates: positions.map((p) => [Number(p[0]), Number(p[1])] as [number, number]),
        })
      }
    },
  )
  return { roads, closedToWalkers }
}
