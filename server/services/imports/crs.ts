// Coordinate frames of Chinese data: WGS84, CGCS2000 (geographic EPSG:4490 and the Gauss-Krüger
// zones EPSG:4513–4554), Web Mercator, and the consumer-map frames GCJ-02 (Amap, Tencent) and BD-09
// (Baidu), which PostGIS does not know and are converted here. Pure functions. The 6-degree
// Gauss-Krüger zones (EPSG:4491–4512) are accepted too.
//
// CGCS2000 Gauss-Krüger frames in EPSG: 4491–4501 6-degree zones 13–23 (zone number in the false
// easting), 4502–4512 6-degree by central meridian 75°E–135°E, 4513–4533 3-degree zones 25–45
// (zone number in the false easting), 4534–4554 3-degree by central meridian 75°E–135°E.
import { pointInRing } from '../../../data/district/geometry.ts'
import type { LocalizedText } from '../../errors.ts'

export type SourceCrs = { kind: 'epsg'; srid: number } | { kind: 'gcj02' } | { kind: 'bd09' }

/** EPSG codes PostGIS transforms for us (geographic, projected CGCS2000 zones, Web Mercator). */
export function isSupportedEpsg(srid: number): boolean {
  return srid === 4326 || srid === 4490 || srid === 3857 || srid === 900913 || (srid >= 4491 && srid <= 4554)
}

export function describeCrs(crs: SourceCrs): string {
  return crs.kind === 'epsg' ? `EPSG:${crs.srid}` : crs.kind === 'gcj02' ? 'GCJ-02' : 'BD-09'
}

/** Parses what a user or a file says: "EPSG:4547", "4490", "gcj02", "GCJ-02", "bd09", "BD-09", "wgs84", "cgcs2000". */
export function parseCrs(raw: string): SourceCrs | undefined {
  const text = raw.trim().toLowerCase().replace(/[\s_]/g, '')
  if (text === 'gcj02' || text === 'gcj-02' || text === 'mars') return { kind: 'gcj02' }
  if (text === 'bd09' || text === 'bd-09' || text === 'baidu') return { kind: 'bd09' }
  if (text === 'wgs84' || text === 'crs84' || text.endsWith('ogc:1.3:crs84')) return { kind: 'epsg', srid: 4326 }
  if (text === 'cgcs2000') return { kind: 'epsg', srid: 4490 }
  const match = /(?:epsg:{1,2}|^)(\d{4,6})$/.exec(text)
  if (!match) return undefined
  const srid = Number(match[1])
  return isSupportedEpsg(srid) ? { kind: 'epsg', srid } : undefined
}

/** What a .prj names: a frame, or why the frame it names cannot be right. */
export type PrjReading = SourceCrs | { problem: LocalizedText }

/**
 * The CGCS2000 Gauss-Krüger frame a name gives by zone number or central meridian, in the ESRI
 * spelling ("CGCS2000_3_Degree_GK_Zone_39", "CGCS2000_GK_CM_111E") or the EPSG one ("CGCS2000 /
 * 3-degree Gauss-Kruger CM 117E"). A zone or meridian China has no zone for is a problem, not
 * another frame: a wrong frame would put every grid hundreds of kilometres away.
 */
export function gaussKrugerFromName(name: string): PrjReading | undefined {
  const match = /CGCS[_ ]?2000.*?(3[_ -]?Degree[_ -])?(?:GK|Gauss[_ -]?Kr[uü]ger)[_ -](Zone|CM)[_ -]?(\d{1,3})/i.exec(
    name,
  )
  if (!match) return undefined
  const width = match[1] ? 3 : 6
  const value = Number(match[3])
  // EPSG numbers the zones of China (central meridians 75°E–135°E) in two runs per zone width: with
  // the zone number in the false easting (zone n at 3n or 6n − 3 °E), and by central meridian only
  const zones =
    width === 3
      ? { first: 25, last: 45, zoneSrid: 4513, meridianSrid: 4534 }
      : { first: 13, last: 23, zoneSrid: 4491, meridianSrid: 4502 }
  const frame = `CGCS2000 ${width}-degree Gauss-Krüger`
  if (match[2].toLowerCase() === 'zone') {
    if (value < zones.first || value > zones.last) {
      return {
        problem: {
          'zh-CN': `“${name}”：${width} 度带高斯-克吕格投影第 ${value} 带不在中国境内（中国为第 ${zones.first}–${zones.last} 带，EPSG:${zones.zoneSrid}–${zones.zoneSrid + zones.last - zones.first}）`,
          en: `"${name}": ${frame} zone ${value} does not cover China (zones ${zones.first}–${zones.last}, EPSG:${zones.zoneSrid}–${zones.zoneSrid + zones.last - zones.first})`,
        },
      }
    }
    return { kind: 'epsg', srid: zones.zoneSrid + value - zones.first }
  }
  if (value < 75 || value > 135 || (value - 75) % width !== 0) {
    return {
      problem: {
        'zh-CN': `“${name}”：东经 ${value}° 不是中国境内 ${width} 度带高斯-克吕格投影的中央经线（东经 75°–135°，每 ${width}° 一带）`,
        en: `"${name}": ${value}°E is not the central meridian of a ${frame} zone of China (75°E–135°E in steps of ${width}°)`,
      },
    }
  }
  return { kind: 'epsg', srid: zones.meridianSrid + (value - 75) / width }
}

/** The frame a Shapefile .prj (WKT) names, as far as it can be told from its text; undefined when unrecognised. */
export function crsFromPrj(prj: string): PrjReading | undefined {
  const text = prj.trim()
  const authority = /(?:AUTHORITY\["EPSG",\s*"?|ID\["EPSG",\s*)(\d+)"?\]\s*\]\s*$/i.exec(text)
  if (authority && isSupportedEpsg(Number(authority[1]))) return { kind: 'epsg', srid: Number(authority[1]) }
  const name = /^(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS)\["([^"]+)"/i.exec(text)?.[1] ?? ''
  const gaussKruger = gaussKrugerFromName(name)
  if (gaussKruger) return gaussKruger
  if (
    /^GCS_China_Geodetic_Coordinate_System_2000$|^China Geodetic Coordinate System 2000$|CGCS2000/i.test(name) &&
    /^GEOG/i.test(text)
  )
    return { kind: 'epsg', srid: 4490 }
  if (/WGS[_ ]?(19)?84/i.test(name) && /^GEOG/i.test(text)) return { kind: 'epsg', srid: 4326 }
  if (/Pseudo[_ -]Mercator|Web[_ ]Mercator/i.test(name)) return { kind: 'epsg', srid: 3857 }
  return undefined
}

const A = 6378245.0
const EE = 0.006693421622965943

/** Where the published GCJ-02 transform applies its offset (its own rectangle, not a border). */
const gcjBounds = { west: 73.4, south: 17.9, east: 135.1, north: 53.6 }

const isInGcjBounds = (lon: number, lat: number) =>
  lon >= gcjBounds.west && lon <= gcjBounds.east && lat >= gcjBounds.south && lat <= gcjBounds.north

/**
 * China as the import checks see it, lon/lat rings: a coarse outline drawn around the mainland,
 * Hainan, Taiwan and the islands near the coast, and a box around the Xisha islands. It runs
 * 10–90 km outside the borders and coasts (mostly 20–50 km, further out at sea), checked against
 * Natural Earth's 1:10m borders when it was drawn, so that Seoul, Pyongyang, Ulaanbaatar, Hanoi,
 * Tokyo, Kathmandu and Thimphu lie outside it. Towns just across a border river (Sinuiju, Lang Son,
 * Blagoveshchensk) lie inside: the check catches data in a wrong frame or far away, not a grid a
 * few kilometres over the border.
 */
export const chinaOutline: readonly (readonly [number, number])[][] = [
  [
    [73, 39.2],
    [74.2, 37.9],
    [73.9, 37.2],
    [76.3, 35.5],
    [77.7, 35],
    [78.3, 31.3],
    [81.4, 29.7],
    [85.2, 27.9],
    [88.2, 27.5],
    [89.1, 27],
    [89.7, 27.7],
    [92.1, 27.4],
    [93.5, 28.3],
    [95.9, 28.6],
    [98.3, 27],
    [97.2, 24.2],
    [97.6, 23.5],
    [98.1, 23.7],
    [98.8, 22.1],
    [100.4, 21.1],
    [101.5, 20.9],
    [102.2, 21.3],
    [102.6, 22.3],
    [106.2, 22.5],
    [106.3, 22.1],
    [108.5, 20.6],
    [108.3, 18.7],
    [109.4, 17.6],
    [111.5, 19.3],
    [119.3, 22.8],
    [121.2, 21.3],
    [122, 22.3],
    [123.3, 30.8],
    [121, 34.8],
    [123, 37.2],
    [124.2, 39.5],
    [128, 41.1],
    [131.6, 43],
    [131.7, 44.2],
    [133.6, 45],
    [135.2, 48.2],
    [134.8, 48.6],
    [131.3, 48.1],
    [130.7, 49.2],
    [129.1, 49.8],
    [125.7, 53.4],
    [124.3, 53.7],
    [121.3, 53.7],
    [120, 53.2],
    [119.4, 51.6],
    [117.4, 50],
    [116.2, 50],
    [115, 47.9],
    [115.9, 47.45],
    [117.3, 47.3],
    [113.5, 45.1],
    [112.1, 45.4],
    [109.3, 42.8],
    [103.8, 42.1],
    [101.1, 42.9],
    [97.3, 43.1],
    [95.1, 44.6],
    [92.3, 45.4],
    [91.1, 47.3],
    [87.7, 49.5],
    [85.4, 48.7],
    [85.1, 47.4],
    [82.7, 47.4],
    [82.2, 46.5],
    [79.4, 45.1],
    [79.7, 42.3],
    [74.2, 40.4],
  ],
  [
    [111.1, 15.6],
    [113.0, 15.6],
    [113.0, 17.2],
    [111.1, 17.2],
  ],
]

const outlineBounds = chinaOutline.map((ring) => ({
  west: Math.min(...ring.map(([x]) => x)),
  east: Math.max(...ring.map(([x]) => x)),
  south: Math.min(...ring.map(([, y]) => y)),
  north: Math.max(...ring.map(([, y]) => y)),
}))

/** Whether a WGS84 point lies in China's outline (runs on every vertex of an import, before any SQL). */
export function isInChina(lon: number, lat: number): boolean {
  return chinaOutline.some((ring, i) => {
    const b = outlineBounds[i]
    return lon >= b.west && lon <= b.east && lat >= b.south && lat <= b.north && pointInRing([lon, lat], ring)
  })
}

/** A WGS84 point, as the outline's rings hold them. */
type Point = readonly [number, number] | readonly number[]

/** Whether segments p1–p2 and q1–q2 touch or cross. */
function segmentsMeet(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const side = (a: Point, b: Point, c: Point) =>
    Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))
  const d1 = side(q1, q2, p1)
  const d2 = side(q1, q2, p2)
  const d3 = side(p1, p2, q1)
  const d4 = side(p1, p2, q2)
  if (d1 * d2 < 0 && d3 * d4 < 0) return true
  const within = (a: Point, b: Point, c: Point) =>
    Math.min(a[0], b[0]) <= c[0] &&
    c[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= c[1] &&
    c[1] <= Math.max(a[1], b[1])
  return (
    (d1 === 0 && within(q1, q2, p1)) ||
    (d2 === 0 && within(q1, q2, p2)) ||
    (d3 === 0 && within(p1, p2, q1)) ||
    (d4 === 0 && within(p1, p2, q2))
  )
}

/**
 * Whether a WGS84 box lies wholly in China's outline: a corner in one of its rings, and no edge of
 * that ring touching the box. Then every point in the box is in China and need not be tested one by
 * one (1,000,000 vertices tested one by one held the thread for seconds).
 */
export function isBoxInChina(west: number, south: number, east: number, north: number): boolean {
  const corners: Point[] = [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
  ]
  const sides = corners.map((c, i) => [c, corners[(i + 1) % 4]])
  return chinaOutline.some((ring, i) => {
    const b = outlineBounds[i]
    if (west < b.west || east > b.east || south < b.south || north > b.north) return false
    if (!pointInRing([west, south], ring)) return false
    for (let k = 0; k + 1 < ring.length; k++) {
      const [p, q] = [ring[k], ring[k + 1]]
      if (p[0] >= west && p[0] <= east && p[1] >= south && p[1] <= north) return false
      if (sides.some(([c, d]) => segmentsMeet(p, q, c, d))) return false
    }
    return true
  })
}

function gcjOffset(lon: number, lat: number): [number, number] {
  const x = lon - 105
  const y = lat - 35
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
  dLon += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3
  dLon += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3
  dLon += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3
  const radLat = (lat / 180) * Math.PI
  const magic = 1 - EE * Math.sin(radLat) ** 2
  const sqrtMagic = Math.sqrt(magic)
  return [
    (dLon * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI),
    (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI),
  ]
}

/** WGS84 → GCJ-02 (the published forward transform). */
export function wgs84ToGcj02(lon: number, lat: number): [number, number] {
  if (!isInGcjBounds(lon, lat)) return [lon, lat]
  const [dLon, dLat] = gcjOffset(lon, lat)
  return [lon + dLon, lat + dLat]
}

/** GCJ-02 → WGS84 by fixed-point iteration on the forward transform (≈ 1 cm after a few steps). */
export function gcj02ToWgs84(lon: number, lat: number): [number, number] {
  if (!isInGcjBounds(lon, lat)) return [lon, lat]
  let [wLon, wLat] = [lon, lat]
  for (let i = 0; i < 10; i++) {
    const [gLon, gLat] = wgs84ToGcj02(wLon, wLat)
    const [eLon, eLat] = [gLon - lon, gLat - lat]
    wLon -= eLon
    wLat -= eLat
    if (Math.abs(eLon) < 1e-10 && Math.abs(eLat) < 1e-10) break
  }
  return [wLon, wLat]
}

const X_PI = (Math.PI * 3000) / 180

export function bd09ToGcj02(lon: number, lat: number): [number, number] {
  const x = lon - 0.0065
  const y = lat - 0.006
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI)
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI)
  return [z * Math.cos(theta), z * Math.sin(theta)]
}

export function gcj02ToBd09(lon: number, lat: number): [number, number] {
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * X_PI)
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI)
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006]
}

export const bd09ToWgs84 = (lon: number, lat: number) => gcj02ToWgs84(...bd09ToGcj02(lon, lat))

/** The frames an import accepts, as a person reads them in a message. */
export const acceptedFrames =
  'EPSG:4326, EPSG:4490, a CGCS2000 Gauss-Krüger zone (EPSG:4491–4554), EPSG:3857, GCJ-02 or BD-09'

/**
 * A position in `crs` to WGS84 where no database is needed: GCJ-02 and BD-09 converted here, EPSG
 * positions passed as they are (geographic ones are WGS84 or CGCS2000, centimetres apart; projected
 * ones go to PostGIS: positionsToWgs84 in positions.ts).
 */
export function toWgs84(crs: SourceCrs, x: number, y: number): [number, number] {
  if (crs.kind === 'gcj02') return gcj02ToWgs84(x, y)
  if (crs.kind === 'bd09') return bd09ToWgs84(x, y)
  return [x, y]
}

/** Whether positions in `crs` need PostGIS to reach WGS84 (a projected EPSG frame). */
export const isProjected = (crs: SourceCrs): crs is { kind: 'epsg'; srid: number } =>
  crs.kind === 'epsg' && crs.srid !== 4326 && crs.srid !== 4490
