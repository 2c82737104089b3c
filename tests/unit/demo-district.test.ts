// The demo district: deterministic, at real coordinates, with the sizes and the disagreements
// between departments that the product exists to find.
import { area, booleanPointInPolygon, difference, featureCollection, multiPolygon, point } from '@turf/turf'
import { beforeAll, describe, expect, it } from 'vitest'
import { type DemoDistrict, generateDistrict } from '../../data/district/index.ts'

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
