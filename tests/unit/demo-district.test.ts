// The demo district: deterministic, at real coordinates, with the sizes and the disagreements
// between departments that the product exists to find.
import {
  area,
  booleanDisjoint,
  booleanPointInPolygon,
  difference,
  distance,
  featureCollection,
  kinks,
  multiPolygon,
  point,
  polygon,
} from '@turf/turf'
import { beforeAll, describe, expect, it } from 'vitest'
import { type DemoDistrict, type DemoGrid, generateDistrict } from '../../data/district/index.ts'

let district: DemoDistrict

beforeAll(() => {
  district = generateDistrict({ seed: 20241, scale: 1 })
})

const communities = () => district.regions.filter((r) => r.level === 'community')

describe('generateDistrict', () => {
  it('makes the same district from the same seed, and another from another seed', () => {
    const again = generateDistrict({ seed: 20241, scale: 1 })
    expect(JSON.stringify(again)).toBe(JSON.stringify(district))
    const other = generateDistrict({ seed: 7, scale: 1 })
    expect(JSON.stringify(other.regions)).not.toBe(JSON.stringify(district.regions))
  })

  it('refuses a scale that is not a whole number from 1 to 100', () => {
    expect(() => generateDistrict({ seed: 1, scale: 0 })).toThrow(RangeError)
    expect(() => generateDistrict({ seed: 1, scale: 1.5 })).toThrow(RangeError)
  })

  it('has one district of 8–12 streets and 80–150 communities, urban and rural', () => {
    const levels = (level: string) => district.regions.filter((r) => r.level === level)
    expect(levels('district')).toHaveLength(1)
    expect(levels('street').length).toBeGreaterThanOrEqual(8)
    expect(levels('street').length).toBeLessThanOrEqual(12)
    expect(communities().length).toBeGreaterThanOrEqual(80)
    expect(communities().length).toBeLessThanOrEqual(150)
    expect(levels('street').some((s) => s.isUrban)).toBe(true)
    expect(levels('street').some((s) => !s.isUrban)).toBe(true)
  })

  it('gives every region a 12-digit code nested in its parent code', () => {
    const byCode = new Map(district.regions.map((r) => [r.code, r]))
    for (const region of district.regions) {
      expect(region.code).toMatch(/^\d{12}$/)
      if (region.level === 'community') expect(region.code.slice(0, 9)).toBe(region.parentCode!.slice(0, 9))
      if (region.level === 'street') expect(region.code.slice(0, 6)).toBe(region.parentCode!.slice(0, 6))
      if (region.parentCode) expect(byCode.has(region.parentCode)).toBe(true)
    }
  })

  it('lies at real coordinates in China', () => {
    const [lon, lat] = communities()[0].boundary!.coordinates[0][0][0]
    expect(lon).toBeGreaterThan(73)
    expect(lon).toBeLessThan(135)
    expect(lat).toBeGreaterThan(18)
    expect(lat).toBeLessThan(54)
  })

  it('draws four department layers of 400–900 grids each, with codes of community + 3 digits', () => {
    expect(district.gridLayers.map((l) => l.department)).toEqual(['party', 'governance', 'urban', 'social'])
    for (const layer of district.gridLayers) {
      expect(layer.grids.length, layer.department).toBeGreaterThanOrEqual(400)
      expect(layer.grids.length, layer.department).toBeLessThanOrEqual(900)
      const codes = layer.grids.map((g) => g.code)
      expect(new Set(codes).size).toBe(codes.length)
      for (const grid of layer.grids) expect(grid.code.slice(0, 12)).toBe(grid.communityCode)
    }
  })

  it('draws the departments differently: counts per community differ between layers', () => {
    const countsOf = (department: string) => {
      const counts = new Map<string, number>()
      for (const g of district.gridLayers.find((l) => l.department === department)!.grids)
        counts.set(g.communityCode, (counts.get(g.communityCode) ?? 0) + 1)
      return counts
    }
    const [party, governance, social] = [countsOf('party'), countsOf('governance'), countsOf('social')]
    const differing = communities().filter(
      (c) => party.get(c.code) !== governance.get(c.code) || social.get(c.code) !== governance.get(c.code),
    )
    expect(differing.length).toBeGreaterThan(communities().length / 3)
  })

  it('has 城管 grids that cross their community boundary', () => {
    const boundary = new Map(communities().map((c) => [c.code, c.boundary!]))
    const crossing = district.gridLayers
      .find((l) => l.department === 'urban')!
      .grids.slice(0, 150)
      .filter((grid) => {
        const outside = difference(
          featureCollection([
            multiPolygon(grid.boundary.coordinates),
            multiPolygon(boundary.get(grid.communityCode)!.coordinates),
          ]),
        )
        return outside !== null && area(outside) > 100
      })
    expect(crossing.length).toBeGreaterThan(10)
  })

  it('places at least 50,000 population points, each inside its community', () => {
    expect(district.population.length).toBeGreaterThanOrEqual(50_000)
    const boundary = new Map(communities().map((c) => [c.code, multiPolygon(c.boundary!.coordinates)]))
    for (const p of district.population.filter((_, i) => i % 500 === 0)) {
      expect(booleanPointInPolygon(point([p.lon, p.lat]), boundary.get(p.regionCode)!), `${p.lon},${p.lat}`).toBe(true)
    }
  })

  it('has about 600 party organizations whose tier matches their member count', () => {
    expect(district.partyOrgs.length).toBeGreaterThanOrEqual(450)
    expect(district.partyOrgs.length).toBeLessThanOrEqual(800)
    for (const org of district.partyOrgs) {
      if (org.tier === 'committee') expect(org.memberCount, org.name).toBeGreaterThanOrEqual(100)
      if (org.tier === 'general_branch') expect(org.memberCount, org.name).toBeGreaterThanOrEqual(50)
      if (org.tier === 'branch' || org.tier === 'joint_branch') {
        expect(org.memberCount, org.name).toBeGreaterThanOrEqual(3)
        expect(org.memberCount, org.name).toBeLessThanOrEqual(49)
      }
      expect(org.formalMembers).toBeLessThanOrEqual(org.memberCount)
      expect(org.starRating).toBeGreaterThanOrEqual(1)
      expect(org.starRating).toBeLessThanOrEqual(5)
    }
    const statuses = new Set(district.partyOrgs.map((o) => o.status))
    expect([...statuses].sort()).toEqual(['hollow', 'normal', 'rectifying', 'weak'])
  })

  it('has about 3,000 units, some with 3+ formal members and no organization (应建未建)', () => {
    expect(district.units.length).toBeGreaterThanOrEqual(2500)
    expect(district.units.length).toBeLessThanOrEqual(3500)
    const shouldEstablish = district.units.filter((u) => u.formalPartyMembers >= 3 && u.coverage === null)
    expect(shouldEstablish.length).toBeGreaterThan(20)
    const orgCodes = new Set(district.partyOrgs.map((o) => o.code))
    for (const unit of district.units)
      if (unit.coverage?.orgCode) expect(orgCodes.has(unit.coverage.orgCode)).toBe(true)
    expect(new Set(district.units.map((u) => u.kind)).size).toBe(11)
  })

  it('has about 80 service centers at four levels, leaving some communities without one', () => {
    expect(district.serviceCenters.length).toBeGreaterThanOrEqual(60)
    expect(district.serviceCenters.length).toBeLessThanOrEqual(110)
    expect(new Set(district.serviceCenters.map((c) => c.level))).toEqual(
      new Set(['district', 'street', 'community', 'station']),
    )
    const served = new Set(district.serviceCenters.filter((c) => c.level === 'community').map((c) => c.regionCode))
    expect(communities().filter((c) => !served.has(c.code)).length).toBeGreaterThan(10)
  })

  it('gives grid staff only obviously fake phone numbers', () => {
    const phones = district.gridLayers.flatMap((l) => l.grids.flatMap((g) => g.staff.map((s) => s.phone)))
    expect(phones.length).toBeGreaterThan(2000)
    for (const phone of phones) expect(phone).toMatch(/^000-\d{4}-\d{4}$/)
  })

  it('grows with --scale: four times the communities at scale 4', () => {
    const bigger = generateDistrict({ seed: 20241, scale: 4 })
    const count = bigger.regions.filter((r) => r.level === 'community').length
    expect(count).toBeGreaterThan(communities().length * 3.5)
    expect(count).toBeLessThan(communities().length * 4.5)
  })
})

describe("generateDistrict with realism 'real': as departments' files really are", () => {
  let real: DemoDistrict
  beforeAll(() => {
    real = generateDistrict({ seed: 20241, scale: 1, realism: 'real' })
  })
  const layer = (d: DemoDistrict, department: string) => d.gridLayers.find((l) => l.department === department)!

  it('leaves the clean district as it was when no realism is given', () => {
    expect(JSON.stringify(generateDistrict({ seed: 20241, scale: 1, realism: 'clean' }))).toBe(JSON.stringify(district))
    expect(JSON.stringify(generateDistrict({ seed: 20241, scale: 1, realism: 'real' }))).toBe(JSON.stringify(real))
  })

  it('has a community in two parts (an island) and a neighbour with a hole where the island lies', () => {
    const parted = (d: DemoDistrict) => d.regions.filter((r) => r.boundary && r.boundary.coordinates.length > 1)
    expect(parted(district)).toHaveLength(0)
    const [island] = parted(real)
    expect(parted(real)).toHaveLength(1)
    expect(island.boundary!.coordinates).toHaveLength(2)
    const [main, detached] = island.boundary!.coordinates.map((rings) => polygon(rings))
    expect(booleanDisjoint(main, detached)).toBe(true)
    const holed = real.regions.filter((r) => r.boundary?.coordinates.some((rings) => rings.length > 1))
    expect(holed).toHaveLength(1)
    expect(holed[0].code).not.toBe(island.code)
    // the hole is the detached part, within float noise
    const hole = polygon([holed[0].boundary!.coordinates[0][1]])
    expect(Math.abs(area(hole) - area(detached))).toBeLessThan(1)
    expect(area(detached)).toBeGreaterThan(20_000)
  })

  it('draws a self-intersecting polygon (a bowtie) in the 社保 layer', () => {
    // a true crossing: the edges cross at a point far from any vertex, not a ring touching itself
    const crossesItself = (grid: DemoGrid) => {
      const ring = grid.boundary.coordinates[0][0]
      return kinks(polygon([ring])).features.some((k) =>
        ring.every((v) => distance(k.geometry.coordinates, v, { units: 'meters' }) > 30),
      )
    }
    const twisted = layer(real, 'social').grids.filter(crossesItself)
    expect(twisted.length).toBeGreaterThanOrEqual(1)
    expect(layer(district, 'social').grids.filter(crossesItself)).toHaveLength(0)
  })

  it('has a fifth department, 应急, finer than the other four, and a layer (城管) without household counts', () => {
    expect(real.gridLayers.map((l) => l.department)).toEqual(['party', 'governance', 'urban', 'social', 'emergency'])
    const emergency = layer(real, 'emergency').grids.length
    for (const other of real.gridLayers.filter((l) => l.department !== 'emergency'))
      expect(emergency, other.department).toBeGreaterThan(other.grids.length * 1.3)
    expect(real.gridLayers.filter((l) => !l.hasHouseholds).map((l) => l.department)).toEqual(['urban'])
    expect(district.gridLayers.every((l) => l.hasHouseholds)).toBe(true)
  })

  it('has grids of the careful base layer (综治) reaching metres across their community edge', () => {
    const outsideOf = (d: DemoDistrict) => {
      const boundary = new Map(d.regions.filter((r) => r.boundary).map((r) => [r.code, r.boundary!]))
      return layer(d, 'governance')
        .grids.slice(0, 300)
        .filter((grid) => {
          const outside = difference(
            featureCollection([
              multiPolygon(grid.boundary.coordinates),
              multiPolygon(boundary.get(grid.communityCode)!.coordinates),
            ]),
          )
          return outside !== null && area(outside) > 1000
        }).length
    }
    expect(outsideOf(district)).toBe(0)
    expect(outsideOf(real)).toBeGreaterThanOrEqual(5)
  })

  it('simplifies each layer on its own: the same community edge lies metres apart in 综治 and 社保', () => {
    // from the midpoint of each community edge to the nearest edge of the layer's grids of that community
    const offsets = (d: DemoDistrict, department: string) => {
      const rings = new Map<string, number[][][]>()
      for (const grid of layer(d, department).grids)
        for (const rings_ of grid.boundary.coordinates)
          rings.set(grid.communityCode, [...(rings.get(grid.communityCode) ?? []), ...rings_.map((r) => r.map(metres))])
      const result: number[] = []
      for (const community of d.regions.filter((r) => r.boundary).slice(0, 60)) {
        const outline = community.boundary!.coordinates[0][0].map(metres)
        for (let i = 0; i + 1 < outline.length; i++) {
          const middle = [(outline[i][0] + outline[i + 1][0]) / 2, (outline[i][1] + outline[i + 1][1]) / 2]
          let nearest = Infinity
          for (const ring of rings.get(community.code) ?? [])
            for (let k = 0; k + 1 < ring.length; k++)
              nearest = Math.min(nearest, distanceToSegment(middle, ring[k], ring[k + 1]))
          result.push(nearest)
        }
      }
      return result
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]
    const [cleanGovernance, cleanSocial] = [offsets(district, 'governance'), offsets(district, 'social')]
    const [realGovernance, realSocial] = [offsets(real, 'governance'), offsets(real, 'social')]
    // clean: both layers follow the community edge exactly (a few grids jittered)
    expect(median(cleanGovernance.map((d, i) => Math.abs(d - cleanSocial[i])))).toBeLessThan(0.01)
    // real: each traced and simplified its own way, metres apart
    expect(median(realSocial)).toBeGreaterThan(2)
    expect(median(realGovernance.map((d, i) => Math.abs(d - realSocial[i])))).toBeGreaterThan(1)
  })
})

/** Lon/lat to metres east and north near the demo district (34.6°N): enough for offsets of metres. */
const metres = ([lon, lat]: number[]) => [lon * 111_320 * Math.cos((34.62 * Math.PI) / 180), lat * 110_574]

function distanceToSegment(p: number[], a: number[], b: number[]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]]
  const length2 = dx * dx + dy * dy
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)
}
