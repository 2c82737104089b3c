// Counting a Shapefile's records and vertices from its bytes, without parsing geometry: the .shx
// index and the .dbf header say how many records there are, and each .shp record's header says
// how many points it has. This runs before the Shapefile is parsed, so a file over the caps is
// refused at the cost of a scan. Pure: no database.
import type { ParseBudget } from './parse-limits.ts'

/** Records the .shx index lists (100-byte header, then 8 bytes per record). */
export function shxRecordCount(shx: Uint8Array | number): number {
  const bytes = typeof shx === 'number' ? shx : shx.length
  return bytes >= 100 ? Math.floor((bytes - 100) / 8) : 0
}

/** Records the .dbf header declares (uint32, little-endian, at byte 4). */
export function dbfRecordCount(dbf: Uint8Array): number {
  return dbf.length >= 8 ? new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength).getUint32(4, true) : 0
}

/** Shape types whose record holds a box, numParts and numPoints (polylines, polygons, multipatch). */
const withParts = new Set([3, 5, 13, 15, 23, 25, 31])
/** Shape types whose record holds a box and numPoints (multipoints). */
const multipoints = new Set([8, 18, 28])

/**
 * Walks the .shp records' headers, counting each record and its points into the budget, which
 * throws at the first cap passed. Stops quietly at a malformed record: the parser reports those.
 */
export function scanShpRecords(shp: Uint8Array, budget: ParseBudget, file: string): void {
  const view = new DataView(shp.buffer, shp.byteOffset, shp.byteLength)
  let index = 0
  for (let at = 100; at + 12 <= shp.length; index++) {
    const contentBytes = view.getInt32(at + 4, false) * 2
    if (contentBytes < 4 || at + 8 + contentBytes > shp.length) break
    if (index + 1 > budget.limits.maxFeatures) budget.refuseFeatureCount(index + 1, file)
    const type = view.getInt32(at + 8, true)
    let points = 0
    if (withParts.has(type) && contentBytes >= 44) points = view.getInt32(at + 8 + 40, true)
    else if (multipoints.has(type) && contentBytes >= 40) points = view.getInt32(at + 8 + 36, true)
    else if (type !== 0) points = 1
    budget.countVertices(index, Math.max(points, 0), file)
    at += 8 + contentBytes
  }
}
