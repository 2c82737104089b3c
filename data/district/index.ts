// generateDistrict: a fictional district (青禾区) at real coordinates on the outskirts of an inland
// city, deterministic for a seed. Communities tile the district (clipped Voronoi cells); streets are
// groups of communities; four departments draw their grids independently, so their boundaries
// genuinely disagree (different splits, jittered shared edges, deleted grids, a district-wide
// tessellation that ignores community boundaries). With realism 'real' it looks like the files
// departments really send (see hand-drawn.ts): each layer traced and simplified on its own, grids
// reaching across community edges, a finer fifth layer (应急), an island community, a bowtie, and a
// layer without household counts.
import type {
  CoverageMode,
  PartyOrgDomain,
  PartyOrgStatus,
  PartyOrgTier,
  ServiceCenterLevel,
  ServiceCenterStatus,
  UnitKind,
} from '../../server/db/tables.ts'
import {
  type Frame,
  type Ring,
  type Shape,
  bboxOfShape,
  centroidOf,
  clipByConvex,
  intersectWithShape,
  pointInShape,
  ringInsideShape,
  shapeArea,
  shapeToGeoJson,
  toLonLat,
  voronoiCells,
} from './geometry.ts'
import {
  type HandDrawing,
  displacementField,
  drawByHand,
  distanceToOutline,
  regularPolygon,
  twistRing,
} from './hand-drawn.ts'
import { businessName, createPlaceNamer, personName } from './names.ts'
import { type Random, createRandom, deriveSeed } from './random.ts'
import type {
  DemoDistrict,
  DemoGrid,
  DemoGridLayer,
  DemoPartyOrg,
  DemoRegion,
  DemoServiceCenter,
  DemoStaff,
  DemoUnit,
} from './types.ts'

export type * from './types.ts'

/**
 * 'clean': the departments' grids share the exact community edges (jittered a little); 'real': as
 * departments' files really are (hand-drawn.ts), the demo's default at start.
 */
export type DemoRealism = 'clean' | 'real'

export interface GenerateOptions {
  seed: number
  scale: number
  /** 'clean' when absent */
  realism?: DemoRealism
}

/** 41 01 99: a province and city prefix with a county number no real county uses. */
export const DISTRICT_CODE = '410199000000'
const FRAME: Frame = { lon0: 113.58, lat0: 34.62 }

interface Community {
  code: string
  name: string
  streetIndex: number
  isUrban: boolean
  shape: Shape
  /** the convex Voronoi cell when the community is that cell unclipped (fast convex clipping) */
  convex: Ring | undefined
  center: [number, number]
  points: { x: number; y: number; residents: number; households: number }[]
}

interface Street {
  index: number
  code: string
  name: string
  isUrban: boolean
  seed: [number, number]
  communities: Community[]
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')

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

function randomPointIn(random: Random, shape: Shape): [number, number] {
  const [minX, minY, maxX, maxY] = bboxOfShape(shape)
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const p: [number, number] = [random.between(minX, maxX), random.between(minY, maxY)]
    if (pointInShape(p, shape)) return p
  }
  return centroidOf(shape)
}

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

export function generateDistrict({ seed, scale, realism = 'clean' }: GenerateOptions): DemoDistrict {
  if (!Number.isInteger(scale) || scale < 1 || scale > 100)
    throw new RangeError(`scale must be an integer from 1 to 100, got ${scale}`)
  const random = createRandom(deriveSeed(seed, 'district'))
  const placeName = createPlaceNamer(createRandom(deriveSeed(seed, 'names')))
  const people = createRandom(deriveSeed(seed, 'people'))
  let phoneSerial = 0
  const fakePhone = () => {
    phoneSerial += 1
    return `000-${pad(Math.floor(phoneSerial / 10000), 4)}-${pad(phoneSerial % 10000, 4)}`
  }
  const staffMember = (role: DemoStaff['role']): DemoStaff => ({ role, name: personName(people), phone: fakePhone() })

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

  const { partyOrgs, units } = generatePartyOrganizations(
    createRandom(deriveSeed(seed, 'party')),
    usedStreets,
    communities,
  )
  // its own random stream, so that the organizations and units above stay as they were
  addPartyDetails(createRandom(deriveSeed(seed, 'party-details')), usedStreets, communities, partyOrgs, units)
  const serviceCenters = generateServiceCenters(
    createRandom(deriveSeed(seed, 'centers')),
    usedStreets,
    communities,
    outline,
  )
  return { seed, scale, regions, gridLayers, population, partyOrgs, units, serviceCenters }
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

const lonLat = (p: readonly number[]) => {
  const [lon, lat] = toLonLat(FRAME, p, 6)
  return { lon, lat }
}

function tierFor(members: number): PartyOrgTier {
  if (members >= 100) return 'committee'
  if (members >= 50) return 'general_branch'
  return 'branch'
}

const tierWord: Record<PartyOrgTier, string> = {
  committee: '委员会',
  general_branch: '总支部委员会',
  branch: '支部委员会',
  joint_branch: '联合支部委员会',
  temporary_branch: '临时支部委员会',
}

function orgStatus(random: Random): { status: PartyOrgStatus; starRating: number } {
  const status = random.weighted<PartyOrgStatus>([
    ['normal', 90],
    ['weak', 6],
    ['rectifying', 2],
    ['hollow', 2],
  ])
  const starRating =
    status === 'normal'
      ? random.weighted([
          [2, 10],
          [3, 40],
          [4, 35],
          [5, 15],
        ])
      : random.int(1, 2)
  return { status, starRating }
}

const unitKinds: readonly (readonly [UnitKind, number])[] = [
  ['private_enterprise', 40],
  ['social_org', 10],
  ['cooperative', 8],
  ['industry_association', 3],
  ['courier_hub', 8],
  ['ecommerce', 7],
  ['industrial_park', 2],
  ['office_building', 5],
  ['market', 6],
  ['property_company', 9],
  ['mobile_member_cluster', 2],
]

const unitNoun: Record<UnitKind, string> = {
  private_enterprise: '有限公司',
  social_org: '社会服务中心',
  cooperative: '专业合作社',
  industry_association: '行业协会',
  courier_hub: '快递网点',
  ecommerce: '电子商务有限公司',
  industrial_park: '产业园',
  office_building: '商务大厦',
  market: '商贸市场',
  property_company: '物业服务有限公司',
  mobile_member_cluster: '流动党员服务站',
}

const domainOfUnit: Record<UnitKind, PartyOrgDomain> = {
  private_enterprise: 'private_enterprise',
  social_org: 'social_org',
  cooperative: 'rural',
  industry_association: 'social_org',
  courier_hub: 'new_economy',
  ecommerce: 'new_economy',
  industrial_park: 'park_building',
  office_building: 'park_building',
  market: 'private_enterprise',
  property_company: 'private_enterprise',
  mobile_member_cluster: 'mobile_members',
}

function generatePartyOrganizations(
  random: Random,
  streets: Street[],
  communities: Community[],
): { partyOrgs: DemoPartyOrg[]; units: DemoUnit[] } {
  const partyOrgs: DemoPartyOrg[] = []
  let orgSerial = 0
  const addOrg = (org: Omit<DemoPartyOrg, 'code' | 'status' | 'starRating' | 'formalMembers'>): DemoPartyOrg => {
    const full: DemoPartyOrg = {
      ...org,
      code: `DZ${pad(++orgSerial, 6)}`,
      ...orgStatus(random),
      formalMembers: org.memberCount - Math.min(org.memberCount - 1, random.int(0, Math.ceil(org.memberCount * 0.08))),
    }
    partyOrgs.push(full)
    return full
  }
  const streetCommittee = new Map<number, DemoPartyOrg>()
  for (const street of streets) {
    const [x, y] = street.communities[0].center
    streetCommittee.set(
      street.index,
      addOrg({
        name: `中共${street.name}${street.isUrban ? '工作' : ''}委员会`,
        parentCode: null,
        tier: 'committee',
        domain: street.isUrban ? 'community' : 'rural',
        establishment: 'own',
        memberCount: random.int(180, 900),
        regionCode: street.code,
        ...lonLat([x + 40, y + 40]),
      }),
    )
  }
  const communityOrg = new Map<string, DemoPartyOrg>()
  for (const community of communities) {
    const members = community.isUrban ? random.int(25, 160) : random.int(15, 70)
    const tier = tierFor(members)
    communityOrg.set(
      community.code,
      addOrg({
        name: `中共${community.name}${tierWord[tier]}`,
        parentCode: streetCommittee.get(community.streetIndex)!.code,
        tier,
        domain: community.isUrban ? 'community' : 'rural',
        establishment: 'own',
        memberCount: members,
        regionCode: community.code,
        ...lonLat(community.center),
      }),
    )
  }
  // Offices, schools, hospitals and state enterprises: organizations without a unit to cover.
  const institutions: [PartyOrgDomain, string][] = [
    ['government', '机关'],
    ['institution', '中学'],
    ['institution', '卫生院'],
    ['state_enterprise', '供水公司'],
  ]
  for (let i = 0; i < Math.round(communities.length * 0.2); i++) {
    const community = random.pick(communities)
    const [domain, noun] = random.pick(institutions)
    const members = random.weighted([
      [random.int(3, 45), 80],
      [random.int(50, 99), 15],
      [random.int(100, 220), 5],
    ])
    const tier = tierFor(members)
    const [x, y] = randomPointIn(random, community.shape)
    addOrg({
      name: `中共${community.name}${noun}${tierWord[tier]}`,
      parentCode: streetCommittee.get(community.streetIndex)!.code,
      tier,
      domain,
      establishment: 'own',
      memberCount: members,
      regionCode: community.code,
      ...lonLat([x, y]),
    })
  }
  // Units to be covered.
  const units: DemoUnit[] = []
  const unitCount = Math.round(communities.length * 27)
  const urban = communities.filter((c) => c.isUrban)
  for (let i = 0; i < unitCount; i++) {
    const kind = random.weighted(unitKinds)
    const community =
      kind === 'cooperative'
        ? random.pick(
            communities.filter((c) => !c.isUrban).length ? communities.filter((c) => !c.isUrban) : communities,
          )
        : random.chance(0.85) && urban.length
          ? random.pick(urban)
          : random.pick(communities)
    const employees =
      kind === 'industrial_park' || kind === 'office_building'
        ? random.int(200, 3000)
        : Math.round(3 + 200 * random.next() ** 3)
    const formal = random.chance(0.13)
      ? random.chance(0.9)
        ? random.int(3, 30)
        : random.int(50, 140)
      : random.weighted([
          [0, 55],
          [1, 25],
          [2, 20],
        ])
    const [x, y] = randomPointIn(random, community.shape)
    units.push({
      code: `DW${pad(i + 1, 6)}`,
      name: `${community.name.slice(0, 2)}${businessName(random)}${unitNoun[kind]}`,
      kind,
      employees,
      formalPartyMembers: formal,
      regionCode: community.code,
      ...lonLat([x, y]),
      coverage: null,
    })
  }
  // Coverage: own organizations for most units with 3+ members (the rest are 应建未建); joint
  // branches for small neighbours; affiliated, work-only, or nothing for the others.
  const joinCandidates = new Map<string, DemoUnit[]>()
  for (const unit of units) {
    const community = communities.find((c) => c.code === unit.regionCode)!
    const parent = streetCommittee.get(community.streetIndex)!.code
    if (unit.formalPartyMembers >= 3) {
      if (random.chance(0.86)) {
        const members = unit.formalPartyMembers + random.int(0, 3)
        const tier = tierFor(members)
        const org = addOrg({
          name: `中共${unit.name}${tierWord[tier]}`,
          parentCode: parent,
          tier,
          domain: domainOfUnit[unit.kind],
          establishment: 'own',
          memberCount: members,
          regionCode: unit.regionCode,
          lon: unit.lon,
          lat: unit.lat,
        })
        unit.coverage = { mode: 'own', orgCode: org.code, instructorName: null }
      }
      continue
    }
    const mode = random.weighted<CoverageMode | 'none'>([
      ['joint', 18],
      ['affiliated', 12],
      ['work', 30],
      ['none', 40],
    ])
    if (mode === 'joint') joinCandidates.set(unit.regionCode, [...(joinCandidates.get(unit.regionCode) ?? []), unit])
    else if (mode === 'affiliated')
      unit.coverage = { mode, orgCode: communityOrg.get(unit.regionCode)!.code, instructorName: null }
    else if (mode === 'work') unit.coverage = { mode, orgCode: null, instructorName: personName(random) }
  }
  for (const [regionCode, group] of joinCandidates) {
    const community = communities.find((c) => c.code === regionCode)!
    for (let start = 0; start < group.length; start += 6) {
      const members = group.slice(start, start + 6)
      const memberCount = Math.max(3, members.reduce((sum, u) => sum + u.formalPartyMembers, 0) + random.int(0, 2))
      const temporary = random.chance(0.05)
      const org = addOrg({
        name: `中共${community.name}${temporary ? '项目' : '非公企业'}${tierWord[temporary ? 'temporary_branch' : 'joint_branch']}`,
        parentCode: streetCommittee.get(community.streetIndex)!.code,
        tier: temporary ? 'temporary_branch' : 'joint_branch',
        domain: domainOfUnit[members[0].kind],
        establishment: 'joint',
        memberCount,
        regionCode,
        lon: members[0].lon,
        lat: members[0].lat,
      })
      for (const unit of members) unit.coverage = { mode: 'joint', orgCode: org.code, instructorName: null }
    }
  }
  return { partyOrgs, units }
}

/** The day the demo's activity dates and star years are counted back from (fixed: deterministic). */
export const DEMO_REFERENCE_DAY = '2026-06-30'

const toFrame = (lon: number, lat: number): [number, number] => [
  (lon - FRAME.lon0) * 111_320 * Math.cos((FRAME.lat0 * Math.PI) / 180),
  (lat - FRAME.lat0) * 110_574,
]

/**
 * What the party rules read beyond members and coverage: each organization's last activity (recent
 * for most; over a year ago for hollow ones and some weak ones), secretary with a fake phone, and
 * star ratings for the four years up to the current one; the outlines of parks and office buildings
 * with small uncovered units moved into them (the joint-branch proposals' "same site"); and one
 * area-wide joint committee (大党委) per street spanning 3–4 neighbouring communities.
 */
function addPartyDetails(
  random: Random,
  streets: Street[],
  communities: Community[],
  partyOrgs: DemoPartyOrg[],
  units: DemoUnit[],
): void {
  const reference = Date.parse(`${DEMO_REFERENCE_DAY}T00:00:00Z`)
  const daysBefore = (days: number) => new Date(reference - days * 86_400_000).toISOString().slice(0, 10)
  let phoneSerial = 0
  const details = (org: DemoPartyOrg) => {
    const stale = org.status === 'hollow' || (org.status === 'weak' && random.chance(0.4))
    org.lastActivityOn = random.chance(0.04) ? null : daysBefore(stale ? random.int(380, 900) : random.int(3, 170))
    org.secretaryName = personName(random)
    phoneSerial += 1
    org.secretaryPhone = `000-9${pad(Math.floor(phoneSerial / 10000), 3)}-${pad(phoneSerial % 10000, 4)}`
    const year = Number(DEMO_REFERENCE_DAY.slice(0, 4)) - 1
    const history = [org.starRating]
    for (let i = 0; i < 3; i++) history.unshift(Math.min(5, Math.max(1, history[0] + random.int(-1, 1))))
    org.starHistory = history.map((starRating, i) => ({ year: year - 3 + i, starRating }))
  }
  partyOrgs.forEach(details)

  // Sites: a square outline around each park (160–260 m) and office building (50–80 m).
  const byCode = new Map(communities.map((c) => [c.code, c]))
  const small = units.filter(
    (u) => u.formalPartyMembers >= 1 && u.formalPartyMembers <= 2 && (!u.coverage || u.coverage.mode === 'work'),
  )
  for (const site of units) {
    if (site.kind !== 'industrial_park' && site.kind !== 'office_building') continue
    const community = byCode.get(site.regionCode)!
    const half = (site.kind === 'industrial_park' ? random.int(160, 260) : random.int(50, 80)) / 2
    const [cx, cy] = toFrame(site.lon, site.lat)
    const ring: Ring = [
      [cx - half, cy - half],
      [cx + half, cy - half],
      [cx + half, cy + half],
      [cx - half, cy + half],
    ]
    if (!ring.every((p) => pointInShape(p, community.shape))) continue
    site.footprint = shapeToGeoJson(FRAME, [[ring]])
    // tenants: up to three small units of the same community move into the site
    const tenants = small.filter((u) => u.regionCode === site.regionCode && u !== site).slice(0, random.int(1, 3))
    for (const tenant of tenants) {
      const x = cx + (random.next() - 0.5) * half * 1.6
      const y = cy + (random.next() - 0.5) * half * 1.6
      if (!pointInShape([x, y], community.shape)) continue
      Object.assign(tenant, lonLat([x, y]))
      small.splice(small.indexOf(tenant), 1)
    }
  }

  // Area-wide joint committees: per street, a community and its nearest neighbours in that street.
  let serial = partyOrgs.reduce((max, o) => Math.max(max, Number(o.code.slice(2))), 0)
  for (const street of streets) {
    if (street.communities.length < 3) continue
    const first = random.pick(street.communities)
    const near = [...street.communities]
      .sort(
        (a, b) =>
          Math.hypot(a.center[0] - first.center[0], a.center[1] - first.center[1]) -
          Math.hypot(b.center[0] - first.center[0], b.center[1] - first.center[1]),
      )
      .slice(0, Math.min(street.communities.length, random.int(3, 4)))
    const org: DemoPartyOrg = {
      code: `DZ${pad(++serial, 6)}`,
      name: `中共${street.name}${first.name}片区联合委员会`,
      parentCode: partyOrgs.find((o) => o.regionCode === street.code && o.tier === 'committee')?.code ?? null,
      tier: 'committee',
      domain: street.isUrban ? 'community' : 'rural',
      establishment: 'joint',
      ...orgStatus(random),
      memberCount: random.int(100, 180),
      formalMembers: 0,
      regionCode: street.code,
      ...lonLat(first.center),
      regionCodes: near.map((c) => c.code).sort(),
    }
    org.formalMembers = org.memberCount - random.int(0, 6)
    details(org)
    partyOrgs.push(org)
  }
}

function generateServiceCenters(
  random: Random,
  streets: Street[],
  communities: Community[],
  outline: Shape,
): DemoServiceCenter[] {
  const centers: DemoServiceCenter[] = []
  const status = () =>
    random.weighted<ServiceCenterStatus>([
      ['in_use', 85],
      ['new', 5],
      ['rebuilt', 5],
      ['planned', 5],
    ])
  const add = (
    level: ServiceCenterLevel,
    name: string,
    regionCode: string,
    p: readonly number[],
    floor: [number, number],
  ) =>
    centers.push({
      code: `FW${pad(centers.length + 1, 5)}`,
      name,
      level,
      status: level === 'district' ? 'in_use' : status(),
      floorAreaM2: Math.round(random.between(...floor)),
      radiusM: null,
      regionCode,
      ...lonLat(p),
    })
  const central = communities.reduce((best, c) => (Math.hypot(...c.center) < Math.hypot(...best.center) ? c : best))
  add('district', '青禾区党群服务中心', DISTRICT_CODE, central.center, [3000, 5000])
  for (const street of streets) {
    const [x, y] = street.communities[0].center
    add('street', `${street.name}党群服务中心`, street.code, [x - 60, y + 30], [800, 2000])
  }
  for (const community of communities) {
    if (random.chance(community.isUrban ? 0.68 : 0.4)) {
      add(
        'community',
        `${community.name}党群服务${community.isUrban ? '中心' : '站'}`,
        community.code,
        randomPointIn(random, community.shape),
        [200, 800],
      )
    }
  }
  const urban = communities.filter((c) => c.isUrban)
  const stations = ['小区党群服务站', '楼宇党群服务站', '园区党群服务站', '商圈党群服务站']
  for (let i = 0; i < Math.round(communities.length * 0.14); i++) {
    const community = random.pick(urban.length ? urban : communities)
    add(
      'station',
      `${community.name}${random.pick(stations)}`,
      community.code,
      randomPointIn(random, community.shape),
      [50, 200],
    )
  }
  void outline
  return centers
}
