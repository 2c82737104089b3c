// The district's regions: its outline, streets (seeds, urban near the centre), communities (clipped
// Voronoi cells), their codes and names, an island community (realism 'real'), and the population
// points each community holds.
import {
  type Ring,
  type Shape,
  bboxOfShape,
  centroidOf,
  intersectWithShape,
  pointInShape,
  ringInsideShape,
  shapeArea,
  shapeToGeoJson,
  toLonLat,
  voronoiCells,
} from './geometry.ts'
import { distanceToOutline, regularPolygon } from './hand-drawn.ts'
import { createPlaceNamer } from './names.ts'
import { type Random, createRandom, deriveSeed } from './random.ts'
import { type Community, DISTRICT_CODE, FRAME, type Street, pad, randomPointIn } from './frame.ts'
import type { DemoDistrict, DemoRealism, DemoRegion } from './types.ts'

export interface DistrictRegions {
  outline: Shape
  box: [number, number, number, number]
  usedStreets: Street[]
  communities: Community[]
  regions: DemoRegion[]
  population: DemoDistrict['population']
}

function districtOutline(random: Random, radius: number): Ring {
  const [p1, p2, p3] = [random.between(0, 6.28), random.between(0, 6.28), random.between(0, 6.28)]
  const ring: Ring = []
  for (let i = 0; i < 96; i++) {
    const t = (i / 96) * 2 * Math.PI
    const r = radius * (1 + 0.12 * Math.sin(3 * t + p1) + 0.07 * Math.sin(5 * t + p2) + 0.03 * Math.sin(11 * t + p3))
    ring.push([1.2 * r * Math.cos(t), 0.85 * r * Math.sin(t)])
  }
  return ring
}

export function generateRegions(seed: number, scale: number, realism: DemoRealism): DistrictRegions {
  const random = createRandom(deriveSeed(seed, 'district'))
  const placeName = createPlaceNamer(createRandom(deriveSeed(seed, 'names')))

  const radius = 9_000 * Math.sqrt(scale)
  const outline: Shape = [[districtOutline(random, radius)]]
  const [minX, minY, maxX, maxY] = bboxOfShape(outline)
  const box: [number, number, number, number] = [minX - 100, minY - 100, maxX + 100, maxY + 100]

  // Streets: seeds, urban near the centre.
  const streetCount = Math.round(10 * Math.sqrt(scale) * Math.sqrt(scale))
  const streets: Street[] = Array.from({ length: streetCount }, (_, index) => {
    const seedPoint = randomPointIn(random, outline)
    const isUrban = Math.hypot(seedPoint[0], seedPoint[1] / 0.85) < radius * 0.55
    return { index, code: '', name: '', isUrban, seed: seedPoint, communities: [] }
  })

  // Communities: Voronoi cells of seeds, denser in town, clipped to the district outline.
  const communityCount = Math.round(110 * scale)
  const communitySeeds: [number, number][] = []
  while (communitySeeds.length < communityCount) {
    const p = randomPointIn(random, outline)
    const urbanness = Math.max(0, 1 - Math.hypot(p[0], p[1] / 0.85) / (radius * 0.75))
    if (random.chance(0.25 + 0.75 * urbanness)) communitySeeds.push(p)
  }
  const cells = voronoiCells(communitySeeds, box)
  const communities: Community[] = []
  for (const [i, cell] of cells.entries()) {
    if (!cell) continue
    const inside = ringInsideShape(cell, outline)
    const shape = inside ? [[cell]] : intersectWithShape(cell, outline)
    if (shape.length === 0 || shapeArea(shape) < 10_000) continue
    let nearest = streets[0]
    for (const street of streets) {
      if (
        Math.hypot(street.seed[0] - communitySeeds[i][0], street.seed[1] - communitySeeds[i][1]) <
        Math.hypot(nearest.seed[0] - communitySeeds[i][0], nearest.seed[1] - communitySeeds[i][1])
      )
        nearest = street
    }
    const community: Community = {
      code: '',
      name: '',
      streetIndex: nearest.index,
      isUrban: nearest.isUrban,
      shape,
      convex: inside ? cell : undefined,
      center: centroidOf(shape),
      points: [],
    }
    nearest.communities.push(community)
    communities.push(community)
  }

  if (realism === 'real') makeIsland(createRandom(deriveSeed(seed, 'island')), communities)

  // Codes and names: 街道 001–099, 镇 100–199; 居委会 001–199, 村委会 200–399.
  const usedStreets = streets.filter((s) => s.communities.length > 0)
  const byPosition = (a: { center?: [number, number]; seed?: [number, number] }, b: typeof a) => {
    const [pa, pb] = [a.center ?? a.seed!, b.center ?? b.seed!]
    return pb[1] - pa[1] || pa[0] - pb[0]
  }
  let [urbanSerial, townSerial] = [0, 99]
  for (const street of [...usedStreets].sort((a, b) => Number(b.isUrban) - Number(a.isUrban) || byPosition(a, b))) {
    street.code = `410199${pad(street.isUrban ? ++urbanSerial : ++townSerial, 3)}000`
    street.name = placeName() + (street.isUrban ? '街道' : '镇')
    let [residentsCommittee, villageCommittee] = [0, 199]
    for (const community of street.communities.sort(byPosition)) {
      community.code = `${street.code.slice(0, 9)}${pad(community.isUrban ? ++residentsCommittee : ++villageCommittee, 3)}`
      community.name = placeName() + (community.isUrban ? '社区' : '村')
    }
  }
  const regions: DemoRegion[] = [
    { code: DISTRICT_CODE, name: '青禾区', level: 'district', parentCode: null, isUrban: true },
    ...usedStreets.map((s): DemoRegion => ({
      code: s.code,
      name: s.name,
      level: 'street',
      parentCode: DISTRICT_CODE,
      isUrban: s.isUrban,
    })),
    ...communities.map((c): DemoRegion => ({
      code: c.code,
      name: c.name,
      level: 'community',
      parentCode: usedStreets.find((s) => s.index === c.streetIndex)!.code,
      isUrban: c.isUrban,
      boundary: shapeToGeoJson(FRAME, c.shape),
    })),
  ]
  regions.sort((a, b) => a.code.localeCompare(b.code))
  communities.sort((a, b) => a.code.localeCompare(b.code))

  // Population: building points, dense and large in town, small houses in villages.
  const populationRandom = createRandom(deriveSeed(seed, 'population'))
  const weights = communities.map((c) => shapeArea(c.shape) * (c.isUrban ? 7 : 1))
  const totalWeight = weights.reduce((a, b) => a + b, 0)
  const pointTarget = 52_000 * scale
  for (const [i, community] of communities.entries()) {
    const count = Math.max(5, Math.round((pointTarget * weights[i]) / totalWeight))
    for (let k = 0; k < count; k++) {
      const [x, y] = randomPointIn(populationRandom, community.shape)
      const residents = community.isUrban
        ? Math.round(4 + 40 * populationRandom.next() ** 1.6)
        : populationRandom.int(1, 7)
      community.points.push({ x, y, residents, households: Math.max(1, Math.round(residents / 2.6)) })
    }
  }
  const population = communities.flatMap((c) =>
    c.points.map((p) => {
      const [lon, lat] = toLonLat(FRAME, [p.x, p.y], 6)
      return { regionCode: c.code, residents: p.residents, households: p.households, lon, lat }
    }),
  )
  return { outline, box, usedStreets, communities, regions, population }
}

/**
 * An island community: a piece of land (a hexagon of 100–150 m) inside a large community belongs to
 * its nearest neighbour, which is then in two parts; the large one has a hole where it lies.
 */
function makeIsland(random: Random, communities: Community[]): void {
  const candidates = communities.filter((c) => c.convex).sort((a, b) => shapeArea(b.shape) - shapeArea(a.shape))
  for (const host of candidates.slice(0, 10)) {
    const piece = regularPolygon(host.center, random.between(100, 150), 6, random)
    if (!piece.every((p) => pointInShape(p, host.shape) && distanceToOutline(p, host.shape) > 150)) continue
    const owner = communities
      .filter((c) => c !== host)
      .reduce((best, c) =>
        Math.hypot(c.center[0] - host.center[0], c.center[1] - host.center[1]) <
        Math.hypot(best.center[0] - host.center[0], best.center[1] - host.center[1])
          ? c
          : best,
      )
    host.shape = [[host.shape[0][0], [...piece].reverse()]]
    host.convex = undefined
    owner.shape = [...owner.shape, [piece]]
    owner.convex = undefined
    return
  }
  throw new Error('no community is large enough to hold an island of another')
}
