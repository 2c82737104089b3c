// Line and point Shapefiles for import tests, beside writePolygonShapefile (shapefile.ts): a
// PolyLine record is laid out as a Polygon one (parts, then points), with shape type 3 in the
// headers and records; a Point record is its type and one x, y pair.
import { type ShapefileOptions, writePolygonShapefile } from './shapefile.ts'

const polyLine = 3
const point = 1

/** A PolyLine Shapefile: each record's parts are its lines. */
export function writeLineShapefile(
  records: { lines: [number, number][][]; attributes: Record<string, Uint8Array> }[],
  options: ShapefileOptions = {},
): { shp: Uint8Array; shx: Uint8Array; dbf: Uint8Array } {
  const files = writePolygonShapefile(
    records.map((r) => ({ rings: r.lines, attributes: r.attributes })),
    options,
  )
  const shp = new DataView(files.shp.buffer)
  shp.setInt32(32, polyLine, true)
  new DataView(files.shx.buffer).setInt32(32, polyLine, true)
  // each record: number and content length (8 bytes), then its shape type
  for (let offset = 100; offset < files.shp.length; offset += 8 + shp.getInt32(offset + 4, false) * 2)
    shp.setInt32(offset + 8, polyLine, true)
  return files
}

/** A Point Shapefile: the .dbf as writePolygonShapefile writes it, the .shp and .shx of points. */
export function writePointShapefile(
  records: { point: [number, number]; attributes: Record<string, Uint8Array> }[],
  options: ShapefileOptions = {},
): { shp: Uint8Array; shx: Uint8Array; dbf: Uint8Array } {
  const { dbf } = writePolygonShapefile(
    records.map((r) => ({ rings: [[r.point, r.point, r.point, r.point]], attributes: r.attributes })),
    options,
  )
  const xs = records.map((r) => r.point[0])
  const ys = records.map((r) => r.point[1])
  const bbox = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
  const content = 20
  const shpBytes = 100 + records.length * (8 + content)
  const shxBytes = 100 + records.length * 8
  const shp = new DataView(new ArrayBuffer(shpBytes))
  const shx = new DataView(new ArrayBuffer(shxBytes))
  for (const [view, bytes] of [
    [shp, shpBytes],
    [shx, shxBytes],
  ] as const) {
    view.setInt32(0, 9994, false)
    view.setInt32(24, bytes / 2, false)
    view.setInt32(28, 1000, true)
    view.setInt32(32, point, true)
    bbox.forEach((v, i) => view.setFloat64(36 + i * 8, v, true))
  }
  records.forEach((record, i) => {
    const offset = 100 + i * (8 + content)
    shx.setInt32(100 + i * 8, offset / 2, false)
    shx.setInt32(104 + i * 8, content / 2, false)
    shp.setInt32(offset, i + 1, false)
    shp.setInt32(offset + 4, content / 2, false)
    shp.setInt32(offset + 8, point, true)
    shp.setFloat64(offset + 12, record.point[0], true)
    shp.setFloat64(offset + 20, record.point[1], true)
  })
  return { shp: new Uint8Array(shp.buffer), shx: new Uint8Array(shx.buffer), dbf }
}
