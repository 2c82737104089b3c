import { describe, expect, it } from 'vitest'
import { readGeoPackageBlob, readPolygonSequence, readWkb, writeGeoPackageBlob, writeWkb } from '../../server/db/wkb.ts'

const square = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ],
  ],
}

describe('WKB', () => {
  it('reads back the polygon it wrote', () => {
    expect(readWkb(writeWkb(square))).toEqual(square)
  })

  it('reads back a multipolygon with a hole', () => {
    const multi = {
      type: 'MultiPolygon' as const,
      coordinates: [
        square.coordinates,
        [
          [
            [5, 5],
            [9, 5],
            [9, 9],
            [5, 9],
            [5, 5],
          ],
          [
            [6, 6],
            [7, 6],
            [7, 7],
            [6, 6],
          ],
        ],
      ],
    }
    expect(readWkb(writeWkb(multi))).toEqual(multi)
  })

  it('reads big-endian WKB with Z values as 2D', () => {
    // POLYGON Z ((0 0 5, 1 0 5, 0 1 5, 0 0 5)), big-endian ISO type 1003
    const view = new DataView(new ArrayBuffer(1 + 4 + 4 + 4 + 4 * 24))
    view.setUint8(0, 0)
    view.setUint32(1, 1003, false)
    view.setUint32(5, 1, false)
    view.setUint32(9, 4, false)
    ;[
      [0, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ].forEach(([x, y], i) => {
      view.setFloat64(13 + i * 24, x, false)
      view.setFloat64(21 + i * 24, y, false)
      view.setFloat64(29 + i * 24, 5, false)
    })
    expect(readWkb(new Uint8Array(view.buffer))).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    })
  })

  it('refuses a point', () => {
    const point = new Uint8Array([1, 1, 0, 0, 0, ...new Uint8Array(16)])
    expect(() => readWkb(point)).toThrow(/not a polygon/)
  })

  it('reads polygons laid end to end as flat rings', () => {
    const holed = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [5, 5],
          [9, 5],
          [9, 9],
          [5, 9],
          [5, 5],
        ],
        [
          [6, 6],
          [7, 6],
          [7, 7],
          [6, 6],
        ],
      ],
    }
    const [a, b] = [writeWkb(square), writeWkb(holed)]
    const both = new Uint8Array(a.length + b.length)
    both.set(a)
    both.set(b, a.length)
    expect(readPolygonSequence(both).map((rings) => rings.map((ring) => [...ring]))).toEqual([
      [[0, 0, 1, 0, 1, 1, 0, 1, 0, 0]],
      [
        [5, 5, 9, 5, 9, 9, 5, 9, 5, 5],
        [6, 6, 7, 6, 7, 7, 6, 6],
      ],
    ])
    expect(readPolygonSequence(new Uint8Array(0))).toEqual([])
  })

  it('refuses a multipolygon among polygons laid end to end', () => {
    expect(() => readPolygonSequence(writeWkb({ type: 'MultiPolygon', coordinates: [square.coordinates] }))).toThrow(
      /polygons were expected/,
    )
  })

  it('unwraps a GeoPackage geometry blob with its SRS id', () => {
    expect(readGeoPackageBlob(writeGeoPackageBlob(4547, square))).toEqual({ srsId: 4547, geometry: square })
  })
})
