import { describe, expect, it } from 'vitest'
import {
  type Face,
  absorbIntoNeighbours,
  balanceHouseholds,
  findIssuePieces,
  isSliver,
  sliverNote,
  thinness,
} from '../../server/services/merge/merge-grouping.ts'
import { buildFaceMesh, outlinesOf, settleOnBoundary } from '../../server/services/merge/merge-face-mesh.ts'

const face = (id: number, over: Partial<Face> = {}): Face => ({
  id,
  areaM2: 10_000,
  perimeterM: 400,
  households: 0,
  baseGridId: null,
  x: 0,
  y: 0,
  ...over,
})

describe('the sliver rule', () => {
  it('measures a circle as 1 and a long strip as nearly 0', () => {
    const r = 10
    expect(thinness(Math.PI * r * r, 2 * Math.PI * r)).toBeCloseTo(1, 9)
    expect(thinness(0.5 * 200, 2 * 200.5)).toBeLessThan(0.01)
  })

  it('calls tiny faces and thin strips slivers, and a 100 m square not', () => {
    expect(isSliver({ areaM2: 5, perimeterM: 9 })).toBe(true)
    expect(isSliver({ areaM2: 100, perimeterM: 401 })).toBe(true)
    expect(isSliver({ areaM2: 10_000, perimeterM: 400 })).toBe(false)
  })

  it('does not call a large thin face a sliver', () => {
    expect(isSliver({ areaM2: 50_000, perimeterM: 10_010 })).toBe(false)
  })
})

describe('absorbIntoNeighbours', () => {
  it('gives a crumb to the neighbour it shares the longest edge with, whatever grid it came from', () => {
    const faces = [
      face(1, { baseGridId: 10 }),
      face(2, { baseGridId: 20 }),
      // the piece of grid 30 here is a 50 m² strip: a crumb
      face(3, { areaM2: 50, perimeterM: 201, baseGridId: 30 }),
    ]
    const labels = absorbIntoNeighbours(
      faces,
      [
        { a: 1, b: 3, sharedM: 20 },
        { a: 2, b: 3, sharedM: 100 },
      ],
      new Map([
        [1, 10],
        [2, 20],
        [3, 30],
      ]),
    )
    expect(labels.get(3)).toBe(20)
  })

  it('keeps a thin face with its own grid where the grid’s piece as a whole is no crumb', () => {
    const faces = [
      face(1, { baseGridId: 10 }),
      face(2, { baseGridId: 20 }),
      face(3, { areaM2: 50, perimeterM: 201, baseGridId: 10 }),
    ]
    const labels = absorbIntoNeighbours(
      faces,
      [
        { a: 1, b: 3, sharedM: 20 },
        { a: 2, b: 3, sharedM: 100 },
      ],
      new Map([
        [1, 10],
        [2, 20],
        [3, 10],
      ]),
    )
    expect(labels.get(3)).toBe(10)
  })

  it('judges a grid cut into crumbs by further layers by its whole piece: it stays one grid', () => {
    // a 30 m² piece of grid 10 (5 × 6 m) cut by other layers into three 10 m² faces, each a sliver
    // alone; beside it a large grid 20
    const faces = [
      face(1, { areaM2: 10, perimeterM: 14, baseGridId: 10 }),
      face(2, { areaM2: 10, perimeterM: 14, baseGridId: 10 }),
      face(3, { areaM2: 10, perimeterM: 14, baseGridId: 10 }),
      face(4, { baseGridId: 20 }),
    ]
    const edges = [
      { a: 1, b: 2, sharedM: 5 },
      { a: 2, b: 3, sharedM: 5 },
      { a: 1, b: 4, sharedM: 2 },
      { a: 2, b: 4, sharedM: 2 },
      { a: 3, b: 4, sharedM: 2 },
    ]
    const labels = absorbIntoNeighbours(faces, edges, new Map(faces.map((f) => [f.id, f.baseGridId!])))
    expect([1, 2, 3].map((id) => labels.get(id))).toEqual([10, 10, 10])
    // under 20 m² as a whole, the same piece is a crumb and joins grid 20
    const small = faces.map((f) => (f.id === 4 ? f : { ...f, areaM2: 6 }))
    const absorbed = absorbIntoNeighbours(small, edges, new Map(faces.map((f) => [f.id, f.baseGridId!])))
    expect([1, 2, 3].map((id) => absorbed.get(id))).toEqual([20, 20, 20])
  })

  it('makes an uncovered island of several faces one group, not one per face', () => {
    const faces = [face(1, { baseGridId: 7 }), face(2), face(3), face(4)]
    const labels = absorbIntoNeighbours(
      faces,
      [
        { a: 2, b: 3, sharedM: 10 },
        { a: 3, b: 4, sharedM: 10 },
      ],
      new Map([[1, 7]]),
    )
    expect(labels.get(1)).toBe(7)
    expect(new Set([2, 3, 4].map((id) => labels.get(id)))).toEqual(new Set([-2]))
  })

  it('passes labels along a chain of uncovered faces', () => {
    const faces = [face(1, { baseGridId: 7 }), face(2), face(3)]
    const labels = absorbIntoNeighbours(
      faces,
      [
        { a: 1, b: 2, sharedM: 10 },
        { a: 2, b: 3, sharedM: 10 },
      ],
      new Map([[1, 7]]),
    )
    expect([...labels.values()]).toEqual([7, 7, 7])
  })

  it('makes a community with no labelled face one group', () => {
    const labels = absorbIntoNeighbours([face(1), face(2)], [{ a: 1, b: 2, sharedM: 10 }], new Map())
    expect(new Set(labels.values()).size).toBe(1)
  })
})

describe('balanceHouseholds', () => {
  const norm = { min: 300, max: 500, target: 400 }
  /** A row-major lattice of `n` faces, four to a row, with `households` each, and its edges. */
  const lattice = (n: number, households = 50) => {
    const faces = Array.from({ length: n }, (_, i) => face(i + 1, { households, x: i % 4, y: -Math.floor(i / 4) }))
    const edges = faces.flatMap((f, i) => [
      ...(i % 4 < 3 && i + 1 < n ? [{ a: f.id, b: f.id + 1, sharedM: 100 }] : []),
      ...(i + 4 < n ? [{ a: f.id, b: f.id + 4, sharedM: 100 }] : []),
    ])
    return { faces, edges }
  }
  const sizesOf = (faces: Face[], labels: Map<number, number>) => {
    const sizes = new Map<number, number>()
    for (const f of faces) sizes.set(labels.get(f.id)!, (sizes.get(labels.get(f.id)!) ?? 0) + f.households)
    return [...sizes.values()].sort((a, b) => a - b)
  }

  it('splits 800 households into two groups of 400 at a target of 400', () => {
    const { faces, edges } = lattice(16)
    expect(sizesOf(faces, balanceHouseholds(faces, edges, norm))).toEqual([400, 400])
  })

  it('keeps every group contiguous', () => {
    const { faces, edges } = lattice(16)
    const labels = balanceHouseholds(faces, edges, { ...norm, target: 300 })
    for (const label of new Set(labels.values())) {
      const members = faces.filter((f) => labels.get(f.id) === label).map((f) => f.id)
      const reached = new Set([members[0]])
      for (let changed = true; changed;) {
        changed = false
        for (const { a, b } of edges) {
          if (reached.has(a) && members.includes(b) && !reached.has(b)) {
            reached.add(b)
            changed = true
          }
          if (reached.has(b) && members.includes(a) && !reached.has(a)) {
            reached.add(a)
            changed = true
          }
        }
      }
      expect(reached.size, `group ${label}`).toBe(members.length)
    }
  })

  it('folds a remainder below the minimum into a neighbouring group it keeps within the norm', () => {
    // 900 households: 400 + 400, and 100 left over that joins one of them (500: still within)
    const { faces, edges } = lattice(18)
    expect(sizesOf(faces, balanceHouseholds(faces, edges, norm))).toEqual([400, 500])
  })

  it('passes over a neighbour that would take the group past the maximum for one that keeps it within', () => {
    // 250 households; a 300 one on a long edge (550: too many) and a 100 one on a short edge
    const faces = [face(1, { households: 250, y: 1 }), face(2, { households: 300 }), face(3, { households: 100 })]
    const edges = [
      { a: 1, b: 2, sharedM: 200 },
      { a: 1, b: 3, sharedM: 50 },
    ]
    const labels = balanceHouseholds(faces, edges, norm)
    expect(labels.get(3)).toBe(labels.get(1))
    expect(sizesOf(faces, labels)).toEqual([300, 350])
  })

  it('moves a face on the edge of a group to a neighbouring group below the minimum when both end within the norm', () => {
    // in a row: 300 | 150 | 100 | 100. Growing gives 450 and 200; the 150 moves over: 300 and 350
    // (folding the 200 into the 450 would give one grid of 650)
    const faces = [300, 150, 100, 100].map((households, i) => face(i + 1, { households, x: i }))
    const edges = [1, 2, 3].map((id) => ({ a: id, b: id + 1, sharedM: 100 }))
    const labels = balanceHouseholds(faces, edges, norm)
    expect(sizesOf(faces, labels)).toEqual([300, 350])
    expect(labels.get(2)).toBe(labels.get(3))
  })

  it('groups faces that only a strip without households connects', () => {
    // two 200-household blocks on either side of a sliver: together they make one grid of 400
    const faces = [
      face(1, { households: 200, x: 0 }),
      face(2, { households: 0, x: 1, areaM2: 50, perimeterM: 202 }),
      face(3, { households: 200, x: 2 }),
    ]
    const edges = [
      { a: 1, b: 2, sharedM: 100 },
      { a: 2, b: 3, sharedM: 100 },
    ]
    expect(new Set(balanceHouseholds(faces, edges, norm).values()).size).toBe(1)
  })
})

/** Rings as the mesh reads them: flat x, y pairs. */
const flat = (rings: number[][][]) => rings.map((ring) => ring.flat())

describe('the face mesh', () => {
  // three unit squares in a row, and one touching the last only at a corner
  const square = (x: number, y: number) =>
    flat([
      [
        [x, y],
        [x + 1, y],
        [x + 1, y + 1],
        [x, y + 1],
        [x, y],
      ],
    ])
  const faces = [
    { id: 1, rings: square(0, 0) },
    { id: 2, rings: square(1, 0) },
    { id: 3, rings: square(2, 0) },
    { id: 4, rings: square(3, 1) },
  ]

  it('pairs faces that share a segment, with the shared length', () => {
    expect(buildFaceMesh(faces).adjacency.sort((p, q) => p.a - q.a)).toEqual([
      { a: 1, b: 2, sharedM: 1 },
      { a: 2, b: 3, sharedM: 1 },
    ])
  })

  it('adds up every segment two faces share', () => {
    const left = {
      id: 1,
      rings: flat([
        [
          [0, 0],
          [1, 0],
          [1, 0.5],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      ]),
    }
    const right = {
      id: 2,
      rings: flat([
        [
          [1, 0],
          [2, 0],
          [2, 1],
          [1, 1],
          [1, 0.5],
          [1, 0],
        ],
      ]),
    }
    expect(buildFaceMesh([left, right]).adjacency).toEqual([{ a: 1, b: 2, sharedM: 1 }])
  })

  it('keeps the faces of each community apart where their boundaries coincide', () => {
    // faces 1 and 2 of community A on either side of x = 1; face 3 of community B has the same edge
    const mesh = buildFaceMesh([
      { id: 3, part: 'B', rings: square(1, 0) },
      { id: 1, part: 'A', rings: square(0, 0) },
      { id: 2, part: 'A', rings: square(1, 0) },
    ])
    expect(mesh.adjacency).toEqual([{ a: 1, b: 2, sharedM: 1 }])
    const onTheEdge = Array.from({ length: mesh.segmentCount }, (_, i) => i).filter(
      (i) => mesh.ends[4 * i] === 1 && mesh.ends[4 * i + 2] === 1,
    )
    expect(onTheEdge).toHaveLength(2)
    // one edge between the faces of A, and the one of B, outside (-1) on its other side
    expect(
      onTheEdge.map((i) => [
        mesh.faceIds[mesh.sides[2 * i]],
        mesh.sides[2 * i + 1] < 0 ? -1 : mesh.faceIds[mesh.sides[2 * i + 1]],
      ]),
    ).toEqual([
      [3, -1],
      [1, 2],
    ])
  })

  it('lists the segments of each face in the order of its ring', () => {
    const mesh = buildFaceMesh(faces)
    const face2 = mesh.indexOf.get(2)!
    const segments = [...mesh.segmentList.subarray(mesh.segmentStart[face2], mesh.segmentStart[face2 + 1])]
    // its left edge (drawn by face 1 from (1, 1) down to (1, 0)) comes last, after bottom, right and top
    expect(segments.map((i) => [...mesh.ends.subarray(4 * i, 4 * i + 4)])).toEqual([
      [1, 0, 2, 0],
      [2, 0, 2, 1],
      [2, 1, 1, 1],
      [1, 0, 1, 1],
    ])
  })
})

/** The lines of a little-endian WKB MultiLineString, as their points. */
function readLines(wkb: Uint8Array): number[][][] {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength)
  expect([view.getUint8(0), view.getUint32(1, true)]).toEqual([1, 5])
  let offset = 9
  return Array.from({ length: view.getUint32(5, true) }, () => {
    expect(view.getUint32(offset + 1, true)).toBe(2)
    const count = view.getUint32(offset + 5, true)
    offset += 9
    return Array.from({ length: count }, () => {
      const point = [view.getFloat64(offset, true), view.getFloat64(offset + 8, true)]
      offset += 16
      return point
    })
  })
}

describe('outlinesOf', () => {
  const square = (x: number) =>
    flat([
      [
        [x, 0],
        [x + 1, 0],
        [x + 1, 1],
        [x, 1],
        [x, 0],
      ],
    ])
  const mesh = buildFaceMesh([
    { id: 1, rings: square(0) },
    { id: 2, rings: square(1) },
    { id: 3, rings: square(2) },
  ])
  const segmentsOf = (wkb: Uint8Array) =>
    readLines(wkb).flatMap((line) => line.slice(1).map((end, i) => [...line[i], ...end]))

  it('outlines a group by the edges it does not share with itself, segments that follow each other as one line', () => {
    const outlines = outlinesOf(
      mesh,
      new Map([
        ['A', [1, 2]],
        ['B', [3]],
      ]),
    )
    // A: the 2 × 1 rectangle of faces 1 and 2 (6 unit segments, the edge between them left out)
    expect(segmentsOf(outlines.get('A')!)).toHaveLength(6)
    expect(segmentsOf(outlines.get('A')!)).not.toContainEqual([1, 0, 1, 1])
    expect(segmentsOf(outlines.get('A')!)).not.toContainEqual([1, 1, 1, 0])
    expect(segmentsOf(outlines.get('A')!)).toContainEqual([2, 0, 2, 1])
    // face 1 from (0, 0) along the bottom, (its right edge left out), then along the top and down
    expect(readLines(outlines.get('A')!)[0]).toEqual([
      [0, 0],
      [1, 0],
    ])
    expect(readLines(outlines.get('A')!)[1]).toEqual([
      [1, 1],
      [0, 1],
      [0, 0],
    ])
    expect(readLines(outlines.get('B')!)).toEqual([
      [
        [2, 0],
        [3, 0],
        [3, 1],
        [2, 1],
        [2, 0],
      ],
    ])
  })

  it('ends its lines where the outline meets itself, so that they meet at their ends only', () => {
    // two unit squares touching at the corner (1, 1): four segments meet there
    const corners = buildFaceMesh([
      {
        id: 1,
        rings: flat([
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
            [0, 0],
          ],
        ]),
      },
      {
        id: 2,
        rings: flat([
          [
            [1, 1],
            [2, 1],
            [2, 2],
            [1, 2],
            [1, 1],
          ],
        ]),
      },
    ])
    expect(readLines(outlinesOf(corners, new Map([['A', [1, 2]]])).get('A')!)).toEqual([
      [
        [0, 0],
        [1, 0],
        [1, 1],
      ],
      [
        [1, 1],
        [0, 1],
        [0, 0],
      ],
      [
        [1, 1],
        [2, 1],
        [2, 2],
        [1, 2],
        [1, 1],
      ],
    ])
  })

  it('leaves faces without a group out', () => {
    const outlines = outlinesOf(mesh, new Map([['A', [1]]]))
    expect([...outlines.keys()]).toEqual(['A'])
    // the edge face 1 shares with face 2, in no group, is part of A's outline
    expect(segmentsOf(outlines.get('A')!)).toHaveLength(4)
  })
})

describe('findIssuePieces', () => {
  // a 3 × 1 row of 100 m squares: 综治 grid 10 covers all three, 党建 grid 20 the first, and 党建
  // grids 21 and 22 both claim the second; nothing of 党建 covers the third
  const faces = [1, 2, 3].map((id) => face(id, { areaM2: 10_000, perimeterM: 400, x: id * 100 }))
  const edges = [
    { a: 1, b: 2, sharedM: 100 },
    { a: 2, b: 3, sharedM: 100 },
  ]
  const covers = [
    { department: 'governance', gridId: 10, faceIds: [1, 2, 3] },
    { department: 'party', gridId: 20, faceIds: [1] },
    { department: 'party', gridId: 22, faceIds: [2] },
    { department: 'party', gridId: 21, faceIds: [2] },
  ]

  it('finds the uncovered face as a gap and the doubly claimed one as an overlap of the two grids', () => {
    const pieces = findIssuePieces(faces, edges, covers, ['governance', 'party'])
    expect(pieces).toEqual([
      { kind: 'gap', department: 'party', gridIds: [], faceIds: [3], areaM2: 10_000 },
      { kind: 'overlap', department: 'party', gridIds: [21, 22], faceIds: [2], areaM2: 10_000 },
    ])
  })

  it('joins neighbouring gap faces into one piece, judged by its area and outline', () => {
    const pieces = findIssuePieces(
      faces,
      edges,
      covers.filter((c) => c.department === 'governance'),
      ['party'],
    )
    expect(pieces).toEqual([{ kind: 'gap', department: 'party', gridIds: [], faceIds: [1, 2, 3], areaM2: 30_000 }])
  })

  it('drops a gap too thin to be more than a sliver, and reports the sliver with the grids it touches', () => {
    const strip = face(4, { areaM2: 150, perimeterM: 302 })
    const pieces = findIssuePieces(
      [...faces, strip],
      [...edges, { a: 1, b: 4, sharedM: 100 }],
      [...covers, { department: 'governance', gridId: 10, faceIds: [4] }],
      ['governance', 'party'],
    )
    expect(pieces.filter((p) => p.kind === 'gap')).toEqual([
      { kind: 'gap', department: 'party', gridIds: [], faceIds: [3], areaM2: 10_000 },
    ])
    expect(pieces.filter((p) => p.kind === 'sliver')).toEqual([
      {
        kind: 'sliver',
        department: null,
        gridIds: [10],
        faceIds: [4],
        areaM2: 150,
        note: '细长：4πA/P² = 0.021，小于 0.12（面积 150 m²）',
      },
    ])
  })
})

describe('settleOnBoundary', () => {
  // a 100 × 100 m community (its boundary with a vertex every 20 m along the bottom) split by a grid
  // edge at x = 50.0003 that the noding ended 0.6 mm below the bottom edge, and a vertex 0.4 mm off
  // the corner (0, 100)
  const boundary = Float64Array.from([0, 0, 20, 0, 40, 0, 60, 0, 80, 0, 100, 0, 100, 100, 0, 100, 0, 0])
  const left = Float64Array.from([0, 0, 20, 0, 40, 0, 50.0003, -0.0006, 50.0003, 100, 0.0004, 100, 0, 0])
  const right = Float64Array.from([50.0003, -0.0006, 60, 0, 80, 0, 100, 0, 100, 100, 50.0003, 100, 50.0003, -0.0006])
  it('puts a vertex the noding left off the boundary onto its edge, and leaves those at its vertices', () => {
    const mesh = buildFaceMesh([
      { id: 1, rings: [left] },
      { id: 2, rings: [right] },
    ])
    expect(settleOnBoundary(mesh, [boundary])).toBe(1)
    const points = new Set<string>()
    for (let s = 0; s < mesh.segmentCount; s++)
      for (const end of [0, 1]) points.add(`${mesh.ends[4 * s + 2 * end]},${mesh.ends[4 * s + 2 * end + 1]}`)
    expect(points).toContain('50.0003,0')
    expect(points).not.toContain('50.0003,-0.0006')
    // within a millimetre of the corner: left for the snap onto the vertex as stored
    expect(points).toContain('0.0004,100')
  })

  it('leaves two vertices a millimetre apart where they are: moved one by one, a sliver beside a long edge folds over', () => {
    // the top edge y = 100 − 0.137 x; P1 1.3 mm and P2 0.3 mm below it at x = 0; a 228 m edge from
    // A up to P1 between the left face and a sliver triangle (A, P1, P2) whose P2 lies 0.12 mm east of
    // it. Each put onto the edge on its own, P1 would land 0.13 mm east of P2 (晨坊社区, ×13 demo)
    const top = (x: number) => 100 - 0.137 * x
    const boundary = Float64Array.from([-100, -128, 100, -128, 100, top(100), -100, top(-100), -100, -128])
    const [a, p1, p2] = [
      [27.6, -128],
      [0, 100 - 0.0013],
      [0, 100 - 0.0003],
    ]
    const mesh = buildFaceMesh([
      { id: 1, rings: [Float64Array.from([-100, -128, ...a, ...p1, -100, top(-100), -100, -128])] },
      { id: 2, rings: [Float64Array.from([...a, ...p2, ...p1, ...a])] },
      { id: 3, rings: [Float64Array.from([...a, 100, -128, 100, top(100), ...p2, ...a])] },
    ])
    expect(settleOnBoundary(mesh, [boundary])).toBe(0)
    // the sliver keeps its orientation: its outline, built again, has the area it had (counter-clockwise)
    const ring = [a, p2, p1]
    const signed = (points: number[][]) =>
      points.reduce((sum, [x, y], i) => {
        const [nx, ny] = points[(i + 1) % points.length]
        return sum + (x * ny - nx * y) / 2
      }, 0)
    const settled = ring.map(([x, y]) => {
      for (let s = 0; s < mesh.segmentCount; s++)
        for (const end of [0, 1])
          if (Math.abs(mesh.ends[4 * s + 2 * end] - x) < 0.001 && Math.abs(mesh.ends[4 * s + 2 * end + 1] - y) < 0.001)
            return [mesh.ends[4 * s + 2 * end], mesh.ends[4 * s + 2 * end + 1]]
      throw new Error(`no vertex near ${x}, ${y}`)
    })
    expect(signed(settled)).toBeCloseTo(signed(ring), 6)
    expect(signed(ring)).toBeGreaterThan(0.01)
  })

  it('still settles a vertex whose twin on the same point belongs to the neighbouring community', () => {
    // the first test's community and its neighbour below (y < 0), in one step: each has the vertex
    // the noding left at (50.0003, −0.0006), a vertex of its own part
    const below = Float64Array.from([0, 0, 0, -100, 100, -100, 100, 0, 50.0003, -0.0006, 0, 0])
    const belowBoundary = Float64Array.from([0, 0, 0, -100, 100, -100, 100, 0, 80, 0, 60, 0, 40, 0, 20, 0, 0, 0])
    const mesh = buildFaceMesh([
      { id: 1, part: 'a', rings: [left] },
      { id: 2, part: 'a', rings: [right] },
      { id: 3, part: 'b', rings: [below] },
    ])
    expect(settleOnBoundary(mesh, [boundary, belowBoundary])).toBe(2)
    for (let s = 0; s < mesh.segmentCount; s++)
      for (const end of [0, 1]) expect(mesh.ends[4 * s + 2 * end + 1]).not.toBe(-0.0006)
  })
})

describe('sliverNote', () => {
  const rule = { minAreaM2: 20, thinMaxAreaM2: 2000, maxThinness: 0.12 }
  it('says which rule made a piece a sliver: a chain, too small, or too thin', () => {
    expect(sliverNote({ faces: [1, 2, 3], areaM2: 1234.5, perimeterM: 900 }, rule)).toBe(
      '碎片链：3 个碎片面相连（共 1,234.5 m²），每个面都小于 20 m² 或细长',
    )
    expect(sliverNote({ faces: [1], areaM2: 5, perimeterM: 9 }, rule)).toBe('面积 5 m² 小于 20 m²')
    expect(sliverNote({ faces: [1], areaM2: 1500, perimeterM: 1000 }, rule)).toBe(
      '细长：4πA/P² = 0.019，小于 0.12（面积 1,500 m²）',
    )
  })
})
