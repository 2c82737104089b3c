// Which polygons fold to nothing at tile resolution: decisions pinned against ST_AsMVTGeom of
// PostGIS 3.3.2 (wagyu 0.5.0), each case run there first (geometries already snapped to pixels).
import { describe, expect, it } from 'vitest'
import { collapsesAtTileResolution } from '../../server/services/tiles/tile-collapse.ts'

const ring = (...points: number[][]) => [...points, points[0]]
const collapses = (...rings: number[][][]) => collapsesAtTileResolution(rings, -64, 4160)

describe('collapsesAtTileResolution', () => {
  it('drops a half-pixel triangle, keeps a one-pixel square and a one-pixel triangle', () => {
    expect(collapses(ring([100, 3996], [101, 3996], [100, 3995]))).toBe(true)
    expect(collapses(ring([100, 3996], [100, 3995], [101, 3995], [101, 3996]))).toBe(false)
    expect(collapses(ring([100, 3995], [102, 3996], [100, 3996]))).toBe(false)
  })

  it('drops a thin strip whose long edge passes through the pixel of its far corner', () => {
    // a 1,000 m × 0.5 m strip at 45° at z12: ST_AsMVTGeom returns NULL
    expect(collapses(ring([1060, 3148], [1419, 2785], [1419, 2786]))).toBe(true)
    // the same strip 0.2 m wide lands so that no edge crosses a corner's pixel: it is kept
    expect(collapses(ring([240, 3318], [239, 3317], [599, 2955]))).toBe(false)
    // a corner exactly half a pixel from an edge counts as passed through
    expect(collapses(ring([1177, 3144], [1176, 3144], [1191, 3129]))).toBe(true)
  })

  it('ignores a point on a straight edge, as ST_AsMVTGeom removes it first', () => {
    expect(collapses(ring([2018, 1391], [2017, 1390], [2017, 1391], [2017, 1392]))).toBe(false)
  })

  it('keeps whatever reaches the buffer edge, and anything wider than a few pixels', () => {
    expect(collapses(ring([-64, 4159], [-63, 4160], [-64, 4160]))).toBe(false)
    expect(collapses(ring([0, 0], [400, 0], [400, 400], [0, 400]))).toBe(false)
  })

  it('drops a multipolygon only when every part folds', () => {
    const folded = ring([100, 3996], [101, 3996], [100, 3995])
    expect(collapses(folded, ring([500, 500], [510, 500], [510, 510]))).toBe(false)
    expect(collapses(folded, ring([1060, 3148], [1419, 2785], [1419, 2786]))).toBe(true)
  })
})
