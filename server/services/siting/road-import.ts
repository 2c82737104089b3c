// A road and path network imported by an administrator: OpenStreetMap `.osm` / `.osm.pbf` through
// osm-read (osm-reader.ts), or GeoJSON and zipped Shapefile lines in any frame the grid import takes
// (read by the imports' own readers, parseUpload and settleCrs: a .prj, a GeoJSON `crs` member or
// the `crs` form field; GCJ-02 / BD-09 converted by crs.ts, EPSG frames by PostGIS ST_Transform
// through transformPoints). A line's class is its `highway`, `class` or `fclass` (Geofabrik's
// shapefiles) attribute. Lines nobody may walk along are left out and counted: closed to walkers
// (foot=no, access=private…) and non-walkable classes (motorways, trunks without a sidewalk…, the
// walking graph's own rule, walkability.ts). The lines become the active network the walking
// service areas and network coverage use; the previous network stays, inactive.

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import type { Kysely } from 'kysely'
import type { Geometry } from 'geojson'
import type { Tables } from '../../db/tables.ts'
import { positionsToWgs84 } from '../imports/positions.ts'
import { LocalizedInputError, type LocalizedText } from '../../errors.ts'
import { describeCrs, isInChina, toWgs84 } from '../imports/crs.ts'
import { settleCrs } from '../imports/import-checks.ts'
import { parseUpload } from '../imports/import-formats.ts'
import { say } from '../imports/messages.ts'
import { type ParseLimits, parseLimitsOf } from '../imports/parse-limits.ts'
import { osmFormatOf, readOsmRoads } from './osm-reader.ts'
import { type LineProperties, walkabilityOf } from './walkability.ts'

/** A line to store: its class (the OSM highway value), name and [lon, lat] positions (WGS84). */
export interface RoadToStore {
  class: string
  name: string | null
  coordinates: [number, number][]
}

export interface RoadReading {
  roads: RoadToStore[]
  /** lines tagged closed to walkers (foot=no, access=private…), left out */
  closedToWalkers: number
  /** lines of a class nobody walks along (motorway, trunk without sidewalk, railway…), left out */
  notWalkable: number
  /** the frame the file was read in: "EPSG:4549", "GCJ-02"…; OSM files are WGS84 */
  sourceCrs: string
  format: 'osm' | 'geojson' | 'shapefile'
  /** the stored lines' length on the WGS84 ellipsoid, in kilometres */
  lengthKm: number
}

const tagsClosed = new Set(['foot=no', 'access closed'])

/**
 * A `class` / `fclass` naming a waterway or a railway (Geofabrik's waterways and railways layers,
 * the demo network's barriers): not a path, left out as the walking graph leaves them out.
 */
const waterways = new Set(['river', 'stream', 'canal', 'drain', 'ditch', 'riverbank', 'waterway'])
const railways = new Set(['rail', 'railway', 'light_rail', 'subway', 'tram', 'narrow_gauge', 'monorail', 'funicular'])

const refuse = (text: LocalizedText, location: { file: string; feature?: number; field?: string }): never => {
  throw new LocalizedInputError(text, [location])
}

/**
 * Reads a road file by its name's ending; `crs` (the form field) names the frame of GeoJSON or
 * Shapefile lines that do not say it themselves. Every refusal names the file and, for GeoJSON and
 * Shapefiles, the feature and field.
 */
export async function readRoadFile(
  db: Kysely<Tables>,
  file: { name: string; data: Uint8Array },
  options: { crs?: string; limits?: ParseLimits } = {},
): Promise<RoadReading> {
  const lower = file.name.toLowerCase()
  const reading = osmFormatOf(lower)
    ? await readOsm(file)
    : /\.(geojson|json|zip)$/.test(lower)
      ? await readLines(db, file, options.crs, options.limits ?? parseLimitsOf())
      : undefined
  if (!reading)
    return refuse(
      say(
        `不支持的路网文件类型，需要 .osm、.osm.pbf、.geojson 或压缩的 Shapefile（.zip）（文件 ${file.name}）`,
        `a road network must be .osm, .osm.pbf, .geojson or a zipped Shapefile (.zip) (file ${file.name})`,
      ),
      { file: file.name },
    )
  if (reading.roads.length === 0)
    return refuse(
      say(
        `路网文件中没有可步行的道路线（文件 ${file.name}）`,
        `the file holds no walkable road line (file ${file.name})`,
      ),
      { file: file.name },
    )
  return reading
}

/** Why a line is left out, or undefined when it is kept. */
function leftOut(properties: LineProperties): 'closed' | 'class' | undefined {
  const walkability = walkabilityOf(properties)
  if (walkability === 'walkable') return undefined
  return tagsClosed.has(walkability) ? 'closed' : 'class'
}

async function readOsm(file: { name: string; data: Uint8Array }): Promise<RoadReading> {
  // osm-read reads from a path: the upload goes to a private temporary folder for the read
  const folder = await mkdtemp(join(tmpdir(), 'road-import-'))
  try {
    const path = join(folder, file.name.replace(/[^\w.-]/g, '_'))
    await writeFile(path, file.data)
    const { roads } = await readOsmRoads(path)
    let closedToWalkers = 0
    let notWalkable = 0
    const kept: RoadToStore[] = []
    for (const road of roads) {
      const why = leftOut(road.tags)
      if (why === 'closed') closedToWalkers += 1
      if (why === 'class') notWalkable += 1
      if (why) continue
      const outside = road.coordinates.find(([lon, lat]) => !isInChina(lon, lat))
      if (outside)
        refuse(
          say(
            `道路 ${road.wayId} 位于中国境外（${outside[0]}, ${outside[1]}）：路网须为 WGS84 经纬度（文件 ${file.name}）`,
            `way ${road.wayId} lies outside China (${outside[0]}, ${outside[1]}): OSM files are WGS84 longitude/latitude (file ${file.name})`,
          ),
          { file: file.name, field: `way ${road.wayId}` },
        )
      kept.push({ class: road.tags.highway, name: road.tags.name ?? null, coordinates: road.coordinates })
    }
    return {
      roads: kept,
      closedToWalkers,
      notWalkable,
      sourceCrs: 'EPSG:4326',
      format: 'osm',
      lengthKm: lengthKm(kept),
    }
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

/** An attribute by any of its names, whatever their case (a DBF's field names are often upper case). */
function attribute(properties: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) {
    const key = Object.keys(properties).find((k) => k.toLowerCase() === name)
    const value = key === undefined ? undefined : properties[key]
    if (value !== undefined && value !== null && String(value).trim() !== '') return value
  }
  return undefined
}

/** GeoJSON or zipped Shapefile lines through the imports' readers, in the frame settleCrs finds. */
async function readLines(
  db: Kysely<Tables>,
  file: { name: string; data: Uint8Array },
  requestedCrs: string | undefined,
  limits: ParseLimits,
): Promise<RoadReading> {
  if (!requestedCrs) refuseShapefileWithoutFrame(file)
  const parsed = await parseUpload(file, limits, { crsGiven: !!requestedCrs })
  const crs = settleCrs(requestedCrs, parsed.crs, parsed.features, parsed.file)
  if (!requestedCrs && !parsed.crs) refuseUnnamedProjection(parsed.features, parsed.file)
  const geographic = crs.kind !== 'epsg' || crs.srid === 4326 || crs.srid === 4490
  const wgs84 = crs.kind === 'epsg' && crs.srid === 4326
  const frameName = say(wgs84 ? 'WGS84 经纬度' : `${describeCrs(crs)} 坐标`, wgs84 ? 'WGS84' : describeCrs(crs))
  const lines: (RoadToStore & { feature: number })[] = []
  let closedToWalkers = 0
  let notWalkable = 0
  for (const feature of parsed.features) {
    const number = feature.index + 1
    const where = { file: parsed.file, feature: number, field: 'geometry' }
    const label = say(`第 ${number.toLocaleString('zh-CN')} 个要素`, `feature ${number.toLocaleString('en-US')}`)
    const geometry = feature.geometry as Geometry | null
    const parts =
      geometry?.type === 'LineString'
        ? [geometry.coordinates]
        : geometry?.type === 'MultiLineString'
          ? geometry.coordinates
          : undefined
    if (!parts || !Array.isArray(parts))
      refuse(
        say(
          `${label['zh-CN']} [geometry] 须为 LineString 或 MultiLineString，得到 ${geometry?.type ?? '空'}（文件 ${parsed.file}）`,
          `${label.en}: geometry must be a LineString or MultiLineString, got ${geometry?.type ?? 'none'} (file ${parsed.file})`,
        ),
        where,
      )
    const properties = feature.properties ?? {}
    const highway = attribute(properties, ['highway', 'class', 'fclass'])
    const tags: LineProperties = {}
    for (const [key, value] of Object.entries(properties))
      tags[key.toLowerCase()] = value === null || typeof value === 'object' ? undefined : (value as string)
    delete tags.class
    delete tags.fclass
    if (highway === undefined) delete tags.highway
    else if (waterways.has(String(highway).toLowerCase())) {
      delete tags.highway
      tags.waterway = String(highway)
    } else if (railways.has(String(highway).toLowerCase())) {
      delete tags.highway
      tags.railway = String(highway)
    } else tags.highway = String(highway)
    const why = leftOut(tags)
    if (why === 'closed') closedToWalkers += 1
    if (why === 'class') notWalkable += 1
    if (why) continue
    const name = attribute(properties, ['name'])
    for (const part of parts!) {
      const positions = Array.isArray(part) ? part : []
      const numeric =
        positions.length >= 2 &&
        positions.every((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]))
      const inChina = numeric && (!geographic || positions.every((p) => isInChina(Number(p[0]), Number(p[1]))))
      if (!inChina)
        refuse(
          say(
            `${label['zh-CN']} [geometry] 的线须有至少两个位于中国境内的 ${frameName['zh-CN']}点（文件 ${parsed.file}）`,
            `${label.en}: each line needs two or more ${frameName.en} positions in China (file ${parsed.file})`,
          ),
          where,
        )
      lines.push({
        feature: number,
        class: highway === undefined ? 'unclassified' : String(highway),
        name: name === undefined ? null : String(name),
        coordinates: positions.map((p) => toWgs84(crs, Number(p[0]), Number(p[1]))),
      })
    }
  }
  if (!geographic && crs.kind === 'epsg') await transformLines(db, crs.srid, lines, parsed.file)
  const roads = lines.map(({ feature: _feature, ...road }) => road)
  return {
    roads,
    closedToWalkers,
    notWalkable,
    sourceCrs: describeCrs(crs),
    format: parsed.format === 'shapefile' ? 'shapefile' : 'geojson',
    lengthKm: lengthKm(roads),
  }
}

/**
 * A zipped Shapefile with no .prj, and no crs field: its numbers could be in any frame. Refused
 * naming the crs field before anything is inflated (the archive's listing only); a Shapefile
 * missing other parts is left to the imports' reader, which names every missing part.
 */
function refuseShapefileWithoutFrame(file: { name: string; data: Uint8Array }): void {
  if (!file.name.toLowerCase().endsWith('.zip')) return
  const names: string[] = []
  try {
    unzipSync(file.data, {
      filter: (entry) => {
        names.push(entry.name.toLowerCase())
        return false
      },
    })
  } catch {
    return // not a readable archive: the reader says so
  }
  const parts = names.filter((name) => !name.startsWith('__macosx'))
  const missing = ['.shp', '.shx', '.dbf', '.prj'].filter((ext) => !parts.some((name) => name.endsWith(ext)))
  if (missing.length === 1 && missing[0] === '.prj')
    refuse(
      say(
        `${file.name}：Shapefile 没有 .prj，无法知道线的坐标系：请附上 .prj，或在 crs 字段中注明（如 crs=EPSG:4547、crs=gcj02）`,
        `${file.name}: the Shapefile has no .prj, so the lines' frame is unknown: include the .prj or name the frame in the crs field (e.g. crs=EPSG:4547, crs=gcj02)`,
      ),
      { file: file.name, field: 'crs' },
    )
}

/**
 * Lines in no named frame are taken as WGS84 longitude/latitude (settleCrs, which looks at polygons):
 * numbers beyond ±180 are projected coordinates, and the file is refused naming the crs field.
 */
function refuseUnnamedProjection(features: readonly { geometry: Geometry | null }[], file: string): void {
  for (const { geometry } of features) {
    const first =
      geometry?.type === 'LineString'
        ? geometry.coordinates[0]
        : geometry?.type === 'MultiLineString'
          ? geometry.coordinates[0]?.[0]
          : undefined
    if (!Array.isArray(first)) continue
    if (Math.abs(Number(first[0])) > 180 || Math.abs(Number(first[1])) > 180)
      refuse(
        say(
          `${file}：坐标是投影坐标（如 ${first[0]}, ${first[1]}），但文件没有注明坐标系：请在 crs 字段中指定（如 crs=EPSG:4547）`,
          `${file}: the coordinates are projected (e.g. ${first[0]}, ${first[1]}) but the file names no frame: say which (e.g. crs=EPSG:4547)`,
        ),
        { file, field: 'crs' },
      )
    return
  }
}

/** Projected positions to WGS84 by PostGIS (ST_Transform), in place; a line landing outside China is refused. */
async function transformLines(
  db: Kysely<Tables>,
  srid: number,
  lines: (RoadToStore & { feature: number })[],
  file: string,
): Promise<void> {
  const all = lines.flatMap((line) => line.coordinates)
  const moved = await positionsToWgs84(
    db,
    { kind: 'epsg', srid },
    all.map((p) => p[0]),
    all.map((p) => p[1]),
  )
  all.forEach((position, k) => {
    position[0] = moved[k][0]
    position[1] = moved[k][1]
  })
  const abroad = lines.find((line) => line.coordinates.some(([lon, lat]) => !isInChina(lon, lat)))
  if (abroad) {
    const [lon, lat] = abroad.coordinates.find(([x, y]) => !isInChina(x, y))!
    const at = `${lon.toFixed(5)}, ${lat.toFixed(5)}`
    refuse(
      say(
        `第 ${abroad.feature.toLocaleString('zh-CN')} 个要素 [geometry] 按 EPSG:${srid} 换算后位于中国境外（${at}）：坐标系是否写错？（文件 ${file}）`,
        `feature ${abroad.feature.toLocaleString('en-US')}: from EPSG:${srid} the line lies outside China (${at}): is the frame right? (file ${file})`,
      ),
      { file, feature: abroad.feature, field: 'geometry' },
    )
  }
}

/**
 * The lines' length on the WGS84 ellipsoid, in kilometres: each segment measured with the
 * ellipsoid's radii of curvature at its middle latitude (well within 0.01 % of the geodesic for
 * segments of a few kilometres, as road lines are).
 */
export function lengthKm(roads: readonly RoadToStore[]): number {
  const a = 6_378_137
  const e2 = 0.00669437999014
  const rad = Math.PI / 180
  let metres = 0
  for (const road of roads)
    for (let k = 1; k < road.coordinates.length; k++) {
      const [lon1, lat1] = road.coordinates[k - 1]
      const [lon2, lat2] = road.coordinates[k]
      const phi = ((lat1 + lat2) / 2) * rad
      const w = 1 - e2 * Math.sin(phi) ** 2
      const meridian = (a * (1 - e2)) / w ** 1.5
      const primeVertical = a / Math.sqrt(w)
      const dx = primeVertical * Math.cos(phi) * (lon2 - lon1) * rad
      const dy = meridian * (lat2 - lat1) * rad
      metres += Math.hypot(dx, dy)
    }
  return metres / 1000
}
