// Pure tile helpers: Web Mercator tile bounds, z/x/y validation, and the conversion of tile-space
// GeoJSON rows into the feature shape the MVT writer takes.
import type { GeojsonVtFeature } from 'vt-pbf'
import type { Box, TileBounds } from '../../db/tile-bounds.ts'
import { LocalizedInputError } from '../../errors.ts'

const HALF_WORLD = 20037508.342789244
export const MAX_ZOOM = 22

export type { Box, TileBounds }

export function assertTileInRange(z: number, x: number, y: number): void {
  if (!Number.isInteger(z) || z < 0 || z > MAX_ZOOM)
    throw new LocalizedInputError(
      {
        'zh-CN': `缩放级别 ${z} 超出范围：z 须为 0–${MAX_ZOOM}`,
        en: `Zoom ${z} is out of range: z must be 0–${MAX_ZOOM}`,
      },
      { field: 'z' },
    )
  const size = 2 ** z
  if (!Number.isInteger(x) || x < 0 || x >= size)
    throw new LocalizedInputError(
      {
        'zh-CN': `瓦片列号 ${x} 在缩放级别 ${z} 下超出范围：x 须为 0–${size - 1}`,
        en: `Tile column ${x} is out of range at zoom ${z}: x must be 0–${size - 1}`,
      },
      { field: 'x' },
    )
  if (!Number.isInteger(y) || y < 0 || y >= size)
    throw new LocalizedInputError(
      {
        'zh-CN': `瓦片行号 ${y} 在缩放级别 ${z} 下超出范围：y 须为 0–${size - 1}`,
        en: `Tile row ${y} is out of range at zoom ${z}: y must be 0–${size - 1}`,
      },
      { field: 'y' },
    )
}

export function tileBounds(z: number, x: number, y: number, bufferPixels = 64, extent = 4096): TileBounds {
  assertTileInRange(z, x, y)
  const width = (2 * HALF_WORLD) / 2 ** z
  const bounds = {
    west: -HALF_WORLD + x * width,
    east: -HALF_WORLD + (x + 1) * width,
    north: HALF_WORLD - y * width,
    south: HALF_WORLD - (y + 1) * width,
  }
  const pad = (bufferPixels / extent) * width
  return {
    z,
    x,
    y,
    bounds,
    buffered: {
      west: bounds.west - pad,
      south: bounds.south - pad,
      east: bounds.east + pad,
      north: bounds.north + pad,
    },
  }
}

/** Parses `west,south,east,north` in WGS84 degrees; rejects anything that is not a real box. */
export function parseBbox(raw: string): [number, number, number, number] {
  const parts = raw.split(',')
  if (parts.length !== 4)
    throw new LocalizedInputError(
      {
        'zh-CN': `bbox 须为四个数“西,南,东,北”，收到“${raw}”`,
        en: `bbox must be four numbers "west,south,east,north", got "${raw}"`,
      },
      { field: 'bbox' },
    )
  const numbers = parts.map((part) => (part.trim() === '' ? Number.NaN : Number(part)))
  if (numbers.some((n) => !Number.isFinite(n)))
    throw new LocalizedInputError(
      { 'zh-CN': `bbox 只能包含数字，收到“${raw}”`, en: `bbox must contain only numbers, got "${raw}"` },
      { field: 'bbox' },
    )
  const [west, south, east, north] = numbers
  if (west < -180 || east > 180 || south < -90 || north > 90)
    throw new LocalizedInputError(
      {
        'zh-CN': 'bbox 须在经度 −180…180、纬度 −90…90 之内',
        en: 'bbox must lie within longitude −180…180 and latitude −90…90',
      },
      { field: 'bbox' },
    )
  if (west >= east || south >= north)
    throw new LocalizedInputError(
      { 'zh-CN': 'bbox 须满足 西 < 东 且 南 < 北', en: 'bbox must have west < east and south < north' },
      { field: 'bbox' },
    )
  return [west, south, east, north]
}

type Position = number[]
type TileGeometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: TileGeometry[] }

/** One row (fid, properties, tile-space GeoJSON geometry) as an MVT feature; nulls are left out as ST_AsMVT does. */
export function toTileFeature(row: {
  fid: number
  geom: string
  [property: string]: unknown
}): GeojsonVtFeature | undefined {
  const { fid, geom, ...properties } = row
  const tags: GeojsonVtFeature['tags'] = {}
  for (const [key, value] of Object.entries(properties)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') tags[key] = value
  }
  const geometry = JSON.parse(geom) as TileGeometry
  const id = Number(fid)
  switch (geometry.type) {
    case 'Point':
      return { id, type: 1, geometry: [geometry.coordinates], tags }
    case 'MultiPoint':
      return { id, type: 1, geometry: geometry.coordinates, tags }
    case 'LineString':
      return { id, type: 2, geometry: [geometry.coordinates], tags }
    case 'MultiLineString':
      return { id, type: 2, geometry: geometry.coordinates, tags }
    case 'Polygon':
      return { id, type: 3, geometry: geometry.coordinates, tags }
    case 'MultiPolygon':
      return { id, type: 3, geometry: geometry.coordinates.flat(), tags }
    case 'GeometryCollection':
      return undefined
  }
}
