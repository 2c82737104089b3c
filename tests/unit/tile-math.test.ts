import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../server/errors.ts'
import { assertTileInRange, parseBbox, tileBounds, toTileFeature } from '../../server/services/tiles/tile-math.ts'

describe('tileBounds', () => {
  it('gives the whole Web Mercator square at zoom 0', () => {
    const { bounds } = tileBounds(0, 0, 0)
    expect(bounds.west).toBeCloseTo(-20037508.34, 1)
    expect(bounds.east).toBeCloseTo(20037508.34, 1)
    expect(bounds.north).toBeCloseTo(20037508.34, 1)
    expect(bounds.south).toBeCloseTo(-20037508.34, 1)
  })

  it('puts tile 1/1/0 in the north-east quarter', () => {
    const { bounds } = tileBounds(1, 1, 0)
    expect(bounds.west).toBeCloseTo(0, 6)
    expect(bounds.south).toBeCloseTo(0, 6)
  })

  it('grows the clip box by 64 of 4096 pixels on every side', () => {
    const { bounds, buffered } = tileBounds(10, 500, 300)
    const width = bounds.east - bounds.west
    expect(bounds.west - buffered.west).toBeCloseTo(width / 64, 6)
    expect(buffered.north - bounds.north).toBeCloseTo(width / 64, 6)
  })
})

describe('assertTileInRange', () => {
  it('accepts the last tile of a zoom level', () => {
    expect(() => assertTileInRange(3, 7, 7)).not.toThrow()
  })

  it.each([
    [23, 0, 0, 'z'],
    [-1, 0, 0, 'z'],
    [3, 8, 0, 'x'],
    [3, 0, 8, 'y'],
    [3, 1.5, 0, 'x'],
  ])('rejects z=%s x=%s y=%s naming the field %s', (z, x, y, field) => {
    try {
      assertTileInRange(z, x, y)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError)
      expect((error as InvalidInputError).details).toEqual({ field })
    }
  })
})

describe('parseBbox', () => {
  it('parses west,south,east,north', () => {
    expect(parseBbox('113.5,34.7,113.7,34.8')).toEqual([113.5, 34.7, 113.7, 34.8])
  })

  it.each([
    '1,2,3',
    '1,2,3,4,5',
    'a,2,3,4',
    '1,,3,4',
    '3,2,1,4',
    '1,4,3,2',
    '-181,0,1,1',
    "1,2,3,4'; DROP TABLE grids; --",
  ])('rejects "%s"', (raw) => {
    expect(() => parseBbox(raw)).toThrow(InvalidInputError)
  })
})

describe('toTileFeature', () => {
  it('flattens a multipolygon into rings and keeps scalar properties only', () => {
    const feature = toTileFeature({
      fid: 7,
      geom: JSON.stringify({
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [10, 0],
              [10, 10],
              [0, 0],
            ],
          ],
          [
            [
              [20, 20],
              [30, 20],
              [30, 30],
              [20, 20],
            ],
          ],
        ],
      }),
      name: '一网格',
      households: 420,
      isUrban: true,
      chiefName: null,
    })
    expect(feature).toEqual({
      id: 7,
      type: 3,
      geometry: [
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 0],
        ],
        [
          [20, 20],
          [30, 20],
          [30, 30],
          [20, 20],
        ],
      ],
      tags: { name: '一网格', households: 420, isUrban: true },
    })
  })

  it('turns a point into a one-point MVT point feature', () => {
    expect(toTileFeature({ fid: 1, geom: '{"type":"Point","coordinates":[5,6]}' })).toMatchObject({
      type: 1,
      geometry: [[5, 6]],
    })
  })
})
