// Well-known binary (the geometry encoding of GeoPackage and many exports) to and from GeoJSON,
// for the polygon types grid layers hold. Pure.
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson'

const WKB_POLYGON = 3
const WKB_MULTIPOLYGON = 6

/** Coordinates per point: ISO (1000s) and EWKB (high bits) flags for Z and M; x and y are read only. */
function dimensionsOf(rawType: number): number {
  const type = rawType & 0xffff
  return (
    2 +
    (type >= 1000 && type < 4000 ? (type >= 3000 ? 2 : 1) : 0) +
    (rawType & 0x80000000 ? 1 : 0) +
    (rawType & 0x40000000 ? 1 : 0)
  )
}

export function readWkb(bytes: Uint8Array): Geometry {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = 0
  const readGeometry = (): Geometry => {
    const little = view.getUint8(offset) === 1
    offset += 1
    const rawType = view.getUint32(offset, little)
    offset += 4
    const base = (rawType & 0xffff) % 1000
    const dimensions = dimensionsOf(rawType)
    if ((rawType & 0x20000000) !== 0) offset += 4 // EWKB SRID
    const int = () => {
      const value = view.getUint32(offset, little)
      offset += 4
      return value
    }
    const ring = (): Position[] =>
      Array.from({ length: int() }, () => {
        const x = view.getFloat64(offset, little)
        const y = view.getFloat64(offset + 8, little)
        offset += 8 * dimensions
        return [x, y]
      })
    if (base === WKB_POLYGON) return { type: 'Polygon', coordinates: Array.from({ length: int() }, ring) }
    if (base === WKB_MULTIPOLYGON) {
      const count = int()
      const polygons: Position[][][] = []
      for (let i = 0; i < count; i++) {
        const part = readGeometry()
        if (part.type !== 'Polygon') throw new Error('a MultiPolygon part is not a Polygon')
        polygons.push(part.coordinates)
      }
      return { type: 'MultiPolygon', coordinates: polygons }
    }
    throw new Error(`geometry type ${base} is not a polygon (WKB ${rawType})`)
  }
  return readGeometry()
}

/**
 * Polygon WKBs laid end to end (PostGIS's string_agg of ST_AsBinary), each as its rings of flat
 * x, y pairs: the faces of a merge step, read without building a position array per vertex.
 */
export function readPolygonSequence(bytes: Uint8Array): Float64Array[][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const polygons: Float64Array[][] = []
  let offset = 0
  while (offset < bytes.byteLength) {
    const little = view.getUint8(offset) === 1
    const rawType = view.getUint32(offset + 1, little)
    offset += 5
    if ((rawType & 0xffff) % 1000 !== WKB_POLYGON)
      throw new Error(`a geometry of WKB type ${rawType} where polygons were expected`)
    if ((rawType & 0x20000000) !== 0) offset += 4 // EWKB SRID
    const dimensions = dimensionsOf(rawType)
    const rings: Float64Array[] = []
    const ringCount = view.getUint32(offset, little)
    offset += 4
    for (let r = 0; r < ringCount; r++) {
      const points = view.getUint32(offset, little)
      offset += 4
      const ring = new Float64Array(points * 2)
      for (let p = 0; p < points; p++) {
        ring[2 * p] = view.getFloat64(offset, little)
        ring[2 * p + 1] = view.getFloat64(offset + 8, little)
        offset += 8 * dimensions
      }
      rings.push(ring)
    }
    polygons.push(rings)
  }
  return polygons
}

/** Little-endian 2D WKB of a Polygon or MultiPolygon. */
export function writeWkb(geometry: Polygon | MultiPolygon): Uint8Array {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  const polygonBytes = (rings: Position[][]) => 9 + rings.reduce((n, r) => n + 4 + 16 * r.length, 0)
  const size =
    geometry.type === 'Polygon' ? polygonBytes(polygons[0]) : 9 + polygons.reduce((n, p) => n + polygonBytes(p), 0)
  const view = new DataView(new ArrayBuffer(size))
  let offset = 0
  const header = (type: number, count: number) => {
    view.setUint8(offset, 1)
    view.setUint32(offset + 1, type, true)
    view.setUint32(offset + 5, count, true)
    offset += 9
  }
  const polygon = (rings: Position[][]) => {
    header(WKB_POLYGON, rings.length)
    for (const r of rings) {
      view.setUint32(offset, r.length, true)
      offset += 4
      for (const [x, y] of r) {
        view.setFloat64(offset, x, true)
        view.setFloat64(offset + 8, y, true)
        offset += 16
      }
    }
  }
  if (geometry.type === 'Polygon') polygon(polygons[0])
  else {
    header(WKB_MULTIPOLYGON, polygons.length)
    polygons.forEach(polygon)
  }
  return new Uint8Array(view.buffer)
}

/** The WKB inside a GeoPackage geometry blob, and the blob's SRS id. */
export function readGeoPackageBlob(blob: Uint8Array): { srsId: number; geometry: Geometry | null } {
  if (blob[0] !== 0x47 || blob[1] !== 0x50) throw new Error('not a GeoPackage geometry (no "GP" magic)')
  const flags = blob[3]
  const little = (flags & 1) === 1
  const empty = (flags & 0x10) !== 0
  const envelopeBytes = [0, 32, 48, 48, 64][(flags >> 1) & 0x07]
  if (envelopeBytes === undefined) throw new Error('invalid GeoPackage envelope indicator')
  const srsId = new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getInt32(4, little)
  return { srsId, geometry: empty ? null : readWkb(blob.subarray(8 + envelopeBytes)) }
}

/** A GeoPackage geometry blob (no envelope) around the WKB of a polygon. */
export function writeGeoPackageBlob(srsId: number, geometry: Polygon | MultiPolygon): Uint8Array {
  const wkb = writeWkb(geometry)
  const blob = new Uint8Array(8 + wkb.length)
  blob.set([0x47, 0x50, 0, 0x01])
  new DataView(blob.buffer).setInt32(4, srsId, true)
  blob.set(wkb, 8)
  return blob
}
