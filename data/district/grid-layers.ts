// The departments' grid layers: four departments draw their grids independently (different splits,
// jittered shared edges, deleted grids, 城管's district-wide tessellation); with realism 'real' each
// is drawn by hand (hand-drawn.ts), a finer fifth layer (应急) is added and one grid is a bowtie.
import {
  type Ring,
  type Shape,
  bboxOfShape,
  clipByConvex,
  intersectWithShape,
  pointInShape,
  ringInsideShape,
  shapeArea,
  shapeToGeoJson,
  voronoiCells,
} from './geometry.ts'
import { type HandDrawing, displacementField, drawByHand, twistRing } from './hand-drawn.ts'
import { personName } from './names.ts'
import { type Random, createRandom, deriveSeed } from './random.ts'
import { type Community, FRAME, pad, randomPointIn } from './frame.ts'
import type { DemoGrid, DemoGridLayer, DemoRealism, DemoStaff } from './types.ts'
import type { DistrictRegions } from './regions.ts'

/** Moves vertices: by a hash of the vertex (shared vertices move together) and/or per grid (they don't). */
function jitterShape(
  shape: Shape,
  layerSeed: number,
  sharedSigma: number,
  ownRandom: Random | undefined,
  ownSigma: number,
): Shape {
  return shape.map((rings) =>
    rings.map((ring) =>
      ring.map(([x, y]) => {
        let [dx, dy] = [0, 0]
        if (sharedSigma > 0) {
          const r = createRandom(deriveSeed(layerSeed, `${Math.round(x * 100)},${Math.round(y * 100)}`))
          dx += r.normal() * sharedSigma
          dy += r.normal() * sharedSigma
        }
        if (ownRandom) {
          dx += ownRandom.normal() * ownSigma
          dy += ownRandom.normal() * ownSigma
        }
        return [x + dx, y + dy] as [number, number]
      }),
    ),
  )
}

function clipToCommunity(cell: Ring, community: Community): Shape {
  if (community.convex) {
    const clipped = clipByConvex(cell, community.convex)
    return clipped.length >= 3 ? [[clipped]] : []
  }
  return intersectWithShape(cell, community.shape)
}

export function generateGridLayers(
  seed: number,
  scale: number,
  realism: DemoRealism,
  { communities, outline, box }: DistrictRegions,
): DemoGridLayer[] {
  const people = createRandom(deriveSeed(seed, 'people'))
  let phoneSerial = 0
  const fakePhone = () => {
    phoneSerial += 1
    return `000-${pad(Math.floor(phoneSerial / 10000), 4)}-${pad(phoneSerial % 10000, 4)}`
  }
  const staffMember = (role: DemoStaff['role']): DemoStaff => ({ role, name: personName(people), phone: fakePhone() })

  // Department grids.
  const layerOf = (
    department: DemoGridLayer['department'],
    title: string,
    options: {
      householdsPerGrid: number
      sharedSigma: number
      ownShare: number
      ownSigma: number
      dropShare: number
    },
  ): DemoGridLayer => {
    const layerSeed = deriveSeed(seed, `grids-${department}`)
    const r = createRandom(layerSeed)
    const draw = handDrawing(department)
    const grids: DemoGrid[] = []
    for (const community of communities) {
      const households = community.points.reduce((sum, p) => sum + p.households, 0)
      const count = community.isUrban
        ? Math.max(1, Math.round((households / options.householdsPerGrid) * r.between(0.85, 1.15)))
        : r.int(1, 3)
      const seeds = Array.from({ length: count }, () => randomPointIn(r, community.shape))
      const [cMinX, cMinY, cMaxX, cMaxY] = bboxOfShape(community.shape)
      const gridCells =
        count === 1 ? [undefined] : voronoiCells(seeds, [cMinX - 50, cMinY - 50, cMaxX + 50, cMaxY + 50])
      let serial = 0
      for (const cell of gridCells) {
        const shape = cell ? clipToCommunity(cell, community) : community.shape
        if (shape.length === 0 || shapeArea(shape) < 100) continue
        serial += 1
        if (r.chance(options.dropShare)) continue
        const own = r.chance(options.ownShare)
          ? createRandom(deriveSeed(layerSeed, `${community.code}-${serial}`))
          : undefined
        grids.push(
          gridRow(
            department,
            community,
            serial,
            draw(jitterShape(shape, layerSeed, options.sharedSigma, own, options.ownSigma), community),
          ),
        )
      }
    }
    return { department, title, grids, hasHouseholds: realism === 'clean' || department !== 'urban' }
  }

  /**
   * With realism 'real', how the department drew a grid: traced on its own base map and simplified
   * with its own tolerance; one grid in 16 reaches 15–60 m across its community's edge. The draws
   * come from streams of their own, so the clean district stays byte-identical.
   */
  const drawings: Record<DemoGridLayer['department'], HandDrawing> = {
    governance: { amplitudeM: 2, toleranceM: 3 },
    party: { amplitudeM: 5, toleranceM: 8 },
    urban: { amplitudeM: 10, toleranceM: 15 },
    social: { amplitudeM: 12, toleranceM: 25 },
    emergency: { amplitudeM: 3, toleranceM: 4 },
  }
  const handDrawing = (department: DemoGridLayer['department']) => {
    if (realism === 'clean') return (shape: Shape) => shape
    const drawing = drawings[department]
    const field = displacementField(deriveSeed(seed, `base-map-${department}`), drawing.amplitudeM)
    const reach = createRandom(deriveSeed(seed, `reach-${department}`))
    return (shape: Shape, community: Community) => {
      const reachM = reach.chance(1 / 16) ? reach.between(15, 60) : 0
      return drawByHand(shape, field, drawing, community, reachM)
    }
  }

  const gridRow = (department: string, community: Community, serial: number, shape: Shape): DemoGrid => {
    const staff = [staffMember('chief')]
    if (community.isUrban) for (let i = people.int(1, 2); i > 0; i--) staff.push(staffMember('full_time'))
    else staff.push(staffMember('part_time'))
    return {
      code: `${community.code}${pad(serial, 3)}`,
      name: `${community.name}第${serial}网格`,
      communityCode: community.code,
      boundary: shapeToGeoJson(FRAME, shape),
      attributes: { chiefName: staff[0].name, source: 'demo', department },
      staff,
    }
  }

  /** 城管 draws one district-wide tessellation that ignores community boundaries. */
  const districtWideLayer = (): DemoGridLayer => {
    const layerSeed = deriveSeed(seed, 'grids-urban')
    const r = createRandom(layerSeed)
    const allPoints = communities.flatMap((c) => c.points.map((p) => ({ p, c })))
    const households = allPoints.reduce((sum, { p }) => sum + p.households, 0)
    const count = Math.round(households / 480) + Math.round(40 * scale)
    const seeds: [number, number][] = []
    const seedCommunities: Community[] = []
    while (seeds.length < count) {
      // half the seeds follow the population, half are spread evenly over the land
      const community = r.chance(0.5) ? allPoints[r.int(0, allPoints.length - 1)].c : undefined
      const p = community ? randomPointIn(r, community.shape) : randomPointIn(r, outline)
      const home = community ?? communities.find((c) => pointInShape(p, c.shape))
      if (!home) continue
      seeds.push(p)
      seedCommunities.push(home)
    }
    const serials = new Map<string, number>()
    const grids: DemoGrid[] = []
    const draw = handDrawing('urban')
    for (const [i, cell] of voronoiCells(seeds, box).entries()) {
      if (!cell) continue
      const shape = ringInsideShape(cell, outline) ? [[cell]] : intersectWithShape(cell, outline)
      if (shape.length === 0 || shapeArea(shape) < 100) continue
      const community = seedCommunities[i]
      const serial = (serials.get(community.code) ?? 0) + 1
      serials.set(community.code, serial)
      const own = r.chance(0.1) ? createRandom(deriveSeed(layerSeed, `own-${i}`)) : undefined
      grids.push(gridRow('urban', community, serial, draw(jitterShape(shape, layerSeed, 0, own, 3), community)))
    }
    // 城管's unit grids carry no household counts in real files
    return { department: 'urban', title: '城管网格（演示）', grids, hasHouseholds: realism === 'clean' }
  }

  const gridLayers: DemoGridLayer[] = [
    layerOf('party', '党建网格（演示）', {
      householdsPerGrid: 520,
      sharedSigma: 1.5,
      ownShare: 0.2,
      ownSigma: 4,
      dropShare: 0.015,
    }),
    layerOf('governance', '综治网格（演示）', {
      householdsPerGrid: 420,
      sharedSigma: 0,
      ownShare: 0.15,
      ownSigma: 2,
      dropShare: 0,
    }),
    districtWideLayer(),
    layerOf('social', '社保网格（演示）', {
      householdsPerGrid: 430,
      sharedSigma: 0,
      ownShare: 0.3,
      ownSigma: 6,
      dropShare: 0.02,
    }),
  ]
  if (realism === 'real') {
    // a fifth layer, finer than the others (about 250 households a grid in town)
    gridLayers.push(
      layerOf('emergency', '应急网格（演示）', {
        householdsPerGrid: 250,
        sharedSigma: 0,
        ownShare: 0.1,
        ownSigma: 2,
        dropShare: 0.01,
      }),
    )
    twistOneGrid(
      createRandom(deriveSeed(seed, 'bowtie')),
      gridLayers.find((l) => l.department === 'social')!,
    )
  }
  return gridLayers
}

/** One grid of the layer drawn as a bowtie: its outer ring crosses itself (a self-intersecting polygon). */
function twistOneGrid(random: Random, layer: DemoGridLayer): void {
  const candidates = layer.grids.filter(
    (g) => g.boundary.coordinates.length === 1 && g.boundary.coordinates[0].length === 1,
  )
  const grid = random.pick(candidates)
  const ring = grid.boundary.coordinates[0][0]
  const open = ring.slice(0, -1) as [number, number][]
  const twisted = twistRing(open)
  grid.boundary = { type: 'MultiPolygon', coordinates: [[[...twisted, twisted[0]]]] }
}
