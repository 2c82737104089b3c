// Writes a small polygon Shapefile (.shp, .shx, .dbf) for import tests: real binary files, with
// the attribute text given as raw bytes so a test can store GBK exactly as Chinese offices do.

export interface ShapeRecord {
  rings: [number, number][][]
  /** fixed-width character fields: name → raw bytes */
  attributes: Record<string, Uint8Array>
}

function header(view: DataView, fileBytes: number, bbox: number[]) {
  view.setInt32(0, 9994, false)
  view.setInt32(24, fileBytes / 2, false)
  view.setInt32(28, 1000, true)
  view.setInt32(32, 5, true) // polygon
  bbox.forEach((v, i) => view.setFloat64(36 + i * 8, v, true))
}

let gbkCodes: Map<string, [number, number]> | undefined

/** Text as GBK bytes (Node decodes GBK but does not encode it: the table is read off the decoder). */
export function encodeGbk(text: string): Uint8Array {
  if (!gbkCodes) {
    gbkCodes = new Map()
    const decoder = new TextDecoder('gbk')
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        const char = decoder.decode(Uint8Array.from([lead, trail]))
        if (char.length === 1 && !gbkCodes.has(char)) gbkCodes.set(char, [lead, trail])
      }
    }
  }
  return Uint8Array.from(
    [...text].flatMap((char) => {
      if (char.charCodeAt(0) < 0x80) return [char.charCodeAt(0)]
      const code = gbkCodes!.get(char)
      if (!code) throw new Error(`"${char}" has no GBK code`)
      return code
    }),
  )
}

export interface ShapefileOptions {
  /** width of every character field */
  fieldWidth?: number
  /** the bytes of a field's name in the header (UTF-8 unless given; GBK as Chinese offices write it) */
  encodeFieldName?: (name: string) => Uint8Array
}

export function writePolygonShapefile(
  records: ShapeRecord[],
  options: ShapefileOptions = {},
): { shp: Uint8Array; shx: Uint8Array; dbf: Uint8Array } {
  const { fieldWidth = 40, encodeFieldName = (name: string) => new TextEncoder().encode(name) } = options
  const all = records.flatMap((r) => r.rings.flat())
  const bbox = [
    Math.min(...all.map((p) => p[0])),
    Math.min(...all.map((p) => p[1])),
    Math.max(...all.map((p) => p[0])),
    Math.max(...all.map((p) => p[1])),
  ]
  const contents = records.map((r) => 44 + 4 * r.rings.length + 16 * r.rings.reduce((n, ring) => n + ring.length, 0))
  const shpBytes = 100 + contents.reduce((sum, c) => sum + 8 + c, 0)
  const shp = new DataView(new ArrayBuffer(shpBytes))
  const shx = new DataView(new ArrayBuffer(100 + 8 * records.length))
  header(shp, shpBytes, bbox)
  header(shx, 100 + 8 * records.length, bbox)
  let offset = 100
  records.forEach((record, i) => {
    shx.setInt32(100 + i * 8, offset / 2, false)
    shx.setInt32(104 + i * 8, contents[i] / 2, false)
    shp.setInt32(offset, i + 1, false)
    shp.setInt32(offset + 4, contents[i] / 2, false)
    const points = record.rings.flat()
    const at = offset + 8
    shp.setInt32(at, 5, true)
    const xs = points.map((p) => p[0])
    const ys = points.map((p) => p[1])
    ;[Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].forEach((v, k) =>
      shp.setFloat64(at + 4 + k * 8, v, true),
    )
    shp.setInt32(at + 36, record.rings.length, true)
    shp.setInt32(at + 40, points.length, true)
    let start = 0
    record.rings.forEach((ring, k) => {
      shp.setInt32(at + 44 + k * 4, start, true)
      start += ring.length
    })
    const pointsAt = at + 44 + 4 * record.rings.length
    points.forEach(([x, y], k) => {
      shp.setFloat64(pointsAt + k * 16, x, true)
      shp.setFloat64(pointsAt + k * 16 + 8, y, true)
    })
    offset += 8 + contents[i]
  })
  // dBASE III: header, field descriptors, records of fixed-width text
  const fields = Object.keys(records[0]?.attributes ?? {})
  const headerBytes = 32 + 32 * fields.length + 1
  const recordBytes = 1 + fieldWidth * fields.length
  const dbf = new Uint8Array(headerBytes + recordBytes * records.length + 1)
  const dv = new DataView(dbf.buffer)
  dbf[0] = 0x03
  dv.setUint32(4, records.length, true)
  dv.setUint16(8, headerBytes, true)
  dv.setUint16(10, recordBytes, true)
  fields.forEach((name, k) => {
    // a name holds at most 10 bytes, the 11th is its terminating zero
    dbf.set(encodeFieldName(name).subarray(0, 10), 32 + k * 32)
    dbf[32 + k * 32 + 11] = 'C'.charCodeAt(0)
    dbf[32 + k * 32 + 16] = fieldWidth
  })
  dbf[headerBytes - 1] = 0x0d
  records.forEach((record, i) => {
    const at = headerBytes + i * recordBytes
    dbf[at] = 0x20
    fields.forEach((name, k) => {
      const value = record.attributes[name]
      dbf.fill(0x20, at + 1 + k * fieldWidth, at + 1 + (k + 1) * fieldWidth)
      dbf.set(value.subarray(0, fieldWidth), at + 1 + k * fieldWidth)
    })
  })
  dbf[dbf.length - 1] = 0x1a
  return { shp: new Uint8Array(shp.buffer), shx: new Uint8Array(shx.buffer), dbf }
}
