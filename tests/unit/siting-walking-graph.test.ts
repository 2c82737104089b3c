import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../server/errors.ts'
import { type RoadLine, walkabilityOf } from '../../server/services/siting/walkability.ts'
import {
  assignNearestCentres,
  computeServiceAreas,
  findCatchmentPairs,
} from '../../server/services/siting/walking-areas.ts'
import { buildWalkingGraph, snapPoints } from '../../server/services/siting/walking-graph.ts'

/** Total length of segments x1 y1 x2 y2 …, optionally only those whose midpoint passes `keep`. */
function lengthOf(segments: Float64Array, keep: (x: number, y: number) => boolean = () => true): number {
  let total = 0
  for (let k = 0; k < segments.length; k += 4) {
    const [x1, y1, x2, y2] = segments.subarray(k, k + 4)
    if (keep((x1 + x2) / 2, (y1 + y2) / 2)) total += Math.hypot(x2 - x1, y2 - y1)
  }
  return total
}

// A river along y = 0 with a street on each bank (y = ±50, x from −1000 to 1000), one footbridge far
// east at x = 900, a railway along y = 20, and a flyover at x = 300 that crosses both streets and
// the river without a shared vertex (no stairs down): it must not connect anything.
const riverTown: RoadLine[] = [
  {
    coordinates: [
      [-1000, 0],
      [1000, 0],
    ],
    properties: { waterway: 'river' },
  },
  {
    coordinates: [
      [-1000, 20],
      [1000, 20],
    ],
    properties: { railway: 'rail' },
  },
  {
    coordinates: [
      [-1000, 50],
      [900, 50],
      [1000, 50],
    ],
    properties: { highway: 'residential', name: '北岸路' },
  },
  {
    coordinates: [
      [-1000, -50],
      [900, -50],
      [1000, -50],
    ],
    properties: { highway: 'residential', name: '南岸路' },
  },
  {
    coordinates: [
      [900, 50],
      [900, -50],
    ],
    properties: { highway: 'footway', bridge: 'yes' },
  },
  {
    coordinates: [
      [300, 150],
      [300, -150],
    ],
    properties: { highway: 'primary', bridge: 'yes' },
  },
]

describe('the walking graph over a river crossed by one far bridge', () => {
  const graph = buildWalkingGraph(riverTown)
  // The centre stands 10 m north of the north street; one resident 10 m south of the south street,
  // straight across the river 120 m away; one 30 m north of the north street.
  const centres = snapPoints(graph, [0], [60])
  const residents = snapPoints(graph, [0, 0], [-60, 80])

  it('keeps streets, bridge and flyover, and leaves out the river and the railway', () => {
    expect(graph.edgeCount).toBe(2 + 2 + 1 + 1)
    expect(graph.excluded).toEqual({ waterway: 1, railway: 1 })
    // Junctions only where vertices are shared: the two bridge ends.
    expect(graph.nodeCount).toBe(3 + 3 + 2)
  })

  it('measures the walk across the river over the far bridge, by hand: 10 + 900 + 100 + 900 + 10 m', () => {
    const nearest = assignNearestCentres(graph, centres, residents)
    expect(nearest.distance[0]).toBeCloseTo(1920, 9)
    expect(nearest.distance[1]).toBeCloseTo(40, 9)
    expect(Array.from(nearest.centre)).toEqual([0, 0])
  })

  it('draws a 15-minute area smaller than the circle: the far bank is reached only past the bridge', () => {
    const { areas } = computeServiceAreas(graph, centres, { bandsMinutes: [5, 10, 15] })
    const fifteen = areas[0].bands[2]
    expect(fifteen.metres).toBeCloseTo(1080, 9)
    // Budget 1080 m, 10 m spent reaching the street: the whole north street (2000 m: 1070 west is
    // cut by its end at 1000 m, 900 + 100 east), the bridge (100 m), then 1080 − 10 − 900 − 100 = 70 m
    // each way along the south street.
    expect(lengthOf(fifteen.segments, (_, y) => y > 25)).toBeCloseTo(2000, 6)
    expect(lengthOf(fifteen.segments, (x) => x === 900)).toBeCloseTo(100, 6)
    expect(lengthOf(fifteen.segments, (_, y) => y < -25)).toBeCloseTo(140, 6)
    expect(lengthOf(fifteen.segments)).toBeCloseTo(2240, 6)
    // A 1080 m circle around the centre would take in the whole south street (2000 m).
    expect(lengthOf(fifteen.segments, (_, y) => y < -25)).toBeLessThan(2000 / 10)
    // The flyover is never entered: it has no junction with either street.
    expect(lengthOf(fifteen.segments, (x) => x === 300)).toBe(0)
  })

  it('cuts the 5-minute band at 360 m along the street, 350 m each way from the projection', () => {
    const { areas } = computeServiceAreas(graph, centres, { bandsMinutes: [5] })
    const five = areas[0].bands[0]
    expect(five.metres).toBeCloseTo(360, 9)
    expect(lengthOf(five.segments)).toBeCloseTo(700, 6)
    for (let k = 0; k < five.segments.length; k += 2) expect(Math.abs(five.segments[k])).toBeLessThanOrEqual(350 + 1e-6)
  })

  it('lists the centres within each band for each resident, from walking distance not the circle', () => {
    const pairs = findCatchmentPairs(graph, centres, residents, 1080)
    expect(Array.from(pairs.demand)).toEqual([1])
    expect(pairs.distance[0]).toBeCloseTo(40, 9)
    const wider = findCatchmentPairs(graph, centres, residents, 2000)
    expect(Array.from(wider.demand)).toEqual([0, 1])
    expect(wider.distance[0]).toBeCloseTo(1920, 9)
  })

  it('walks at the configured speed: 15 minutes at 0.8 m/s is 720 m, short of the bridge', () => {
    const { areas, speed } = computeServiceAreas(graph, centres, { speed: 0.8, bandsMinutes: [15] })
    expect(speed).toBe(0.8)
    expect(lengthOf(areas[0].bands[0].segments, (_, y) => y < -25)).toBe(0)
    expect(lengthOf(areas[0].bands[0].segments)).toBeCloseTo(710 + 710, 6)
  })
})

describe('snapping', () => {
  const graph = buildWalkingGraph([
    {
      coordinates: [
        [0, 0],
        [1000, 0],
      ],
      properties: { highway: 'footway' },
    },
  ])

  it('projects a point onto the segment and enters at the partial lengths', () => {
    const snapped = snapPoints(graph, [250], [40])
    expect(snapped.edge[0]).toBe(0)
    expect(snapped.t[0]).toBeCloseTo(0.25, 12)
    expect(snapped.offset[0]).toBeCloseTo(40, 12)
    const { areas } = computeServiceAreas(graph, snapped, { bandsMinutes: [5] })
    // 360 m budget, 40 m to the path: 250 m west (the path's end), 320 m east.
    expect(lengthOf(areas[0].bands[0].segments)).toBeCloseTo(250 + 320, 6)
  })

  it('reports points beyond the snap distance as unsnapped instead of dropping them', () => {
    const snapped = snapPoints(graph, [100, 100, 100], [50, 150, 99.5])
    expect(snapped.unsnapped).toEqual([1])
    expect(snapped.edge[1]).toBe(-1)
    const wide = snapPoints(graph, [100], [150], 200)
    expect(wide.unsnapped).toEqual([])
    const nearest = assignNearestCentres(graph, snapPoints(graph, [0], [0]), snapped)
    expect(nearest.centre[1]).toBe(-1)
    expect(nearest.distance[1]).toBe(Infinity)
    expect(computeServiceAreas(graph, snapped).unsnapped).toEqual([1])
  })

  it('reports every point as unsnapped on a network with no edge near the demand', () => {
    const empty = buildWalkingGraph([
      {
        coordinates: [
          [0, 0],
          [10, 0],
        ],
        properties: { highway: 'motorway' },
      },
    ])
    expect(empty.edgeCount).toBe(0)
    expect(snapPoints(empty, [0, 5], [0, 0]).unsnapped).toEqual([0, 1])
  })
})

describe('junctions', () => {
  it('joins lines whose end vertices agree to the centimetre, not those 2 cm apart', () => {
    const joined = buildWalkingGraph([
      {
        coordinates: [
          [0, 0],
          [100, 0],
        ],
      },
      {
        coordinates: [
          [100.004, 0],
          [100, 100],
        ],
      },
    ])
    expect(joined.nodeCount).toBe(3)
    const apart = buildWalkingGraph([
      {
        coordinates: [
          [0, 0],
          [100, 0],
        ],
      },
      {
        coordinates: [
          [100.02, 0],
          [100, 100],
        ],
      },
    ])
    expect(apart.nodeCount).toBe(4)
  })

  it('joins OSM ways by shared node id even where their coordinates differ', () => {
    const graph = buildWalkingGraph([
      {
        coordinates: [
          [0, 0],
          [100, 0],
        ],
        nodeIds: [1, 2],
        properties: { highway: 'residential' },
      },
      {
        coordinates: [
          [100.5, 0],
          [100, 100],
        ],
        nodeIds: [2, 3],
        properties: { highway: 'residential' },
      },
      {
        coordinates: [
          [50, -50],
          [50, 50],
        ],
        nodeIds: [4, 5],
        properties: { highway: 'residential' },
      },
    ])
    // The third way crosses the first at (50, 0) with no shared node: no junction.
    expect(graph.nodeCount).toBe(5)
    const far = snapPoints(graph, [100], [100])
    const nearest = assignNearestCentres(graph, snapPoints(graph, [0], [0]), far)
    expect(nearest.distance[0]).toBeCloseTo(200, 9)
  })
})

describe('walkability', () => {
  it('excludes motorways, trunks without sidewalk, foot=no, closed access, construction and railways', () => {
    expect(walkabilityOf({ highway: 'motorway' })).toBe('non-walkable class')
    expect(walkabilityOf({ highway: 'motorway_link' })).toBe('non-walkable class')
    expect(walkabilityOf({ highway: 'construction' })).toBe('non-walkable class')
    expect(walkabilityOf({ highway: 'proposed' })).toBe('non-walkable class')
    expect(walkabilityOf({ highway: 'raceway' })).toBe('non-walkable class')
    expect(walkabilityOf({ highway: 'trunk' })).toBe('trunk without sidewalk')
    expect(walkabilityOf({ highway: 'trunk', sidewalk: 'both' })).toBe('walkable')
    expect(walkabilityOf({ highway: 'trunk', sidewalk: 'separate' })).toBe('trunk without sidewalk')
    expect(walkabilityOf({ highway: 'residential', foot: 'no' })).toBe('foot=no')
    expect(walkabilityOf({ highway: 'service', access: 'private' })).toBe('access closed')
    expect(walkabilityOf({ highway: 'service', access: 'no', foot: 'yes' })).toBe('walkable')
    expect(walkabilityOf({ railway: 'rail' })).toBe('railway')
    expect(walkabilityOf({ highway: 'footway' })).toBe('walkable')
    expect(walkabilityOf({ highway: 'primary', oneway: 'yes' })).toBe('walkable')
    expect(walkabilityOf({ name: '无等级道路' })).toBe('walkable')
  })
})

describe('bad input', () => {
  const graph = buildWalkingGraph([
    {
      coordinates: [
        [0, 0],
        [1000, 0],
      ],
    },
  ])
  const sources = snapPoints(graph, [0], [0])

  it('refuses a speed out of range, naming the field speed', () => {
    for (const speed of [0, 0.1, 5, Number.NaN]) {
      expect(() => computeServiceAreas(graph, sources, { speed })).toThrow(InvalidInputError)
      expect(() => computeServiceAreas(graph, sources, { speed })).toThrow(/步行速度.*字段 speed/)
    }
  })

  it('refuses a snap distance or a band out of range', () => {
    expect(() => snapPoints(graph, [0], [0], -1)).toThrow(/吸附距离.*字段 snapDistance/)
    expect(() => snapPoints(graph, [0], [0], 5000)).toThrow(/字段 snapDistance/)
    expect(() => computeServiceAreas(graph, sources, { bandsMinutes: [] })).toThrow(/字段 bands/)
    expect(() => computeServiceAreas(graph, sources, { bandsMinutes: [0] })).toThrow(/字段 bands/)
  })

  it('names the line and field of a vertex that is not a number', () => {
    expect(() =>
      buildWalkingGraph([
        {
          coordinates: [
            [0, 0],
            [1, 1],
          ],
        },
        {
          coordinates: [
            [0, 0],
            [Number.NaN, 1],
          ],
        },
      ]),
    ).toThrow(/第 1 条线第 1 个顶点.*字段 coordinates/)
  })
})
