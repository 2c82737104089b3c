// Pure party-coverage helpers: joint-branch grouping, roll-ups that add up, tiers and the weak-share verdict.
import { describe, expect, it } from 'vitest'
import { type JointCandidate, distanceM, proposeJointBranches } from '../../server/services/party/joint-proposals.ts'
import { figuresOf, rollUpCoverage } from '../../server/services/party/coverage-figures.ts'
import { expectedTierFor, weakShareVerdict } from '../../server/services/party/org-tiers.ts'
import type { CoverageCellRow } from '../../server/db/repositories/party-coverage.repository.ts'
import { createRandom } from '../../data/district/random.ts'

/** A seeded sequence (mulberry32, the demo generator's), so random cases repeat exactly. */
const random = (seed: number): (() => number) => createRandom(seed).next

function candidates(n: number, seed: number): JointCandidate[] {
  const next = random(seed)
  return Array.from({ length: n }, (_, i) => ({
    code: `U${String(i).padStart(4, '0')}`,
    name: `单位${i}`,
    members: next() < 0.5 ? 1 : 2,
    regionCode: `410199${String(1 + Math.floor(next() * 3)).padStart(3, '0')}001`,
    lon: 113.6 + next() * 0.03,
    lat: 34.6 + next() * 0.03,
    siteId: next() < 0.1 ? Math.floor(next() * 5) : null,
  }))
}

/** The grouping by testing every pair of a street (the definition the indexed search must match). */
function everyPairProposals(units: JointCandidate[], maxDistanceM: number) {
  const byStreet = new Map<string, JointCandidate[]>()
  for (const u of units) byStreet.set(u.regionCode.slice(0, 9), [...(byStreet.get(u.regionCode.slice(0, 9)) ?? []), u])
  const result: string[][] = []
  for (const street of [...byStreet.keys()].sort()) {
    const list = byStreet
      .get(street)!
      .slice()
      .sort((a, b) => b.members - a.members || (a.code < b.code ? -1 : 1))
    const assigned = new Set<string>()
    for (const pass of ['same_site', 'distance'] as const)
      for (const host of list) {
        if (assigned.has(host.code)) continue
        const others = list
          .filter((u) => u !== host && !assigned.has(u.code))
          .map((u) => ({ u, d: distanceM(host, u) }))
          .filter(({ u, d }) =>
            pass === 'distance'
              ? d <= maxDistanceM
              : host.siteId !== null || u.siteId !== null
                ? host.siteId === u.siteId
                : d <= 30,
          )
          .sort((a, b) => a.d - b.d || (a.u.code < b.u.code ? -1 : 1))
        const group = [host]
        let members = host.members
        for (const { u } of others) {
          if (members >= 3) break
          group.push(u)
          members += u.members
        }
        if (members < 3) continue
        group.forEach((u) => assigned.add(u.code))
        result.push(group.map((u) => u.code))
      }
  }
  return result
}

describe('joint-branch proposals', () => {
  it('are exactly those of testing every pair, with the neighbour index (dense and sparse, several distances)', () => {
    for (const [seed, n, maxDistanceM] of [
      [11, 600, 500],
      [12, 300, 100],
      [13, 900, 1500],
      [14, 200, 40],
    ] as const) {
      const units = candidates(n, seed)
      const indexed = proposeJointBranches(units, { maxDistanceM, sameSiteM: 30, minMembers: 3 })
      expect(indexed.map((p) => p.units.map((u) => u.code))).toEqual(everyPairProposals(units, maxDistanceM))
      expect(indexed.length).toBeGreaterThan(0)
    }
  })

  it('never puts a unit in two proposals, and every proposal reaches 3 members inside one street', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const units = candidates(400, seed)
      const proposals = proposeJointBranches(units, { maxDistanceM: 500, sameSiteM: 30, minMembers: 3 })
      const codes = proposals.flatMap((p) => p.units.map((u) => u.code))
      expect(new Set(codes).size).toBe(codes.length)
      for (const p of proposals) {
        expect(p.members).toBeGreaterThanOrEqual(3)
        expect(p.members).toBeLessThanOrEqual(4)
        expect(new Set(p.units.map((u) => u.regionCode.slice(0, 9))).size).toBe(1)
        if (p.basis === 'distance')
          for (const u of p.units.slice(1)) expect(distanceM(p.units[0], u)).toBeLessThanOrEqual(500)
        else expect(p.units.every((u) => u.siteId === p.units[0].siteId)).toBe(true)
      }
    }
  })

  it('gives the same proposals whatever the input order', () => {
    const units = candidates(300, 7)
    const shuffled = units.slice().reverse()
    const a = proposeJointBranches(units).map((p) => p.units.map((u) => u.code))
    const b = proposeJointBranches(shuffled).map((p) => p.units.map((u) => u.code))
    expect(b).toEqual(a)
  })

  it('gathers units within the distance of the host only: a chain 300 m apart needs its middle unit as host', () => {
    const base = { name: '', regionCode: '410199001001', siteId: null, members: 1 }
    const units = [
      { ...base, code: 'A', lon: 113.6, lat: 34.6 },
      { ...base, code: 'B', lon: 113.6, lat: 34.6 + 300 / 111_195 },
      { ...base, code: 'C', lon: 113.6, lat: 34.6 + 600 / 111_195 },
    ]
    expect(proposeJointBranches(units, { maxDistanceM: 250, sameSiteM: 30, minMembers: 3 })).toEqual([])
    const [p] = proposeJointBranches(units, { maxDistanceM: 310, sameSiteM: 30, minMembers: 3 })
    expect(p.units.map((u) => u.code)).toEqual(['B', 'A', 'C'])
    expect(p.basis).toBe('distance')
    expect(p.location).toEqual([units[1].lon, units[1].lat])
  })
})

describe('coverage roll-up', () => {
  const cell = (regionCode: string, gridCode: string | null, units: number): CoverageCellRow => ({
    regionCode,
    gridCode,
    units,
    orgCovered: units,
    workOnly: 0,
    uncovered: 0,
    shouldEstablish: 0,
    orgsNormal: 1,
    orgsWeak: 0,
    orgsRectifying: 0,
    orgsHollow: 0,
    starSum: 3,
    starRated: 1,
    members: 10,
    residents: 100,
  })

  it('adds cells up to every level, with remainders for what a parent holds itself', () => {
    const buckets = rollUpCoverage([
      cell('410199001001', '410199001001001', 2),
      cell('410199001001', null, 1),
      cell('410199001000', null, 4),
      cell('410199000000', null, 8),
    ])
    const units = (level: string, code: string, remainder = false) =>
      buckets.find((b) => b.level === level && b.code === code && b.remainder === remainder)?.counts.units
    expect(units('district', '410199000000')).toBe(15)
    expect(units('street', '410199001000')).toBe(7)
    expect(units('street', '410199000000', true)).toBe(8)
    expect(units('community', '410199001001')).toBe(3)
    expect(units('community', '410199001000', true)).toBe(4)
    expect(units('grid', '410199001001001')).toBe(2)
    expect(units('grid', '410199001001', true)).toBe(1)
  })

  it('gives no value for a rate whose denominator is 0', () => {
    const figures = figuresOf({ ...cell('410199001001', null, 0), residents: 0 })
    expect(figures.orgCoverageRate).toEqual({ value: null, numerator: 0, denominator: 0 })
    expect(figures.membersPer100Residents.value).toBeNull()
  })
})

describe('tiers', () => {
  it('calls for a tier by members at the 2/3, 49/50 and 99/100 boundaries', () => {
    expect([2, 3, 49, 50, 99, 100].map(expectedTierFor)).toEqual([
      'none',
      'branch',
      'branch',
      'general_branch',
      'general_branch',
      'committee',
    ])
  })

  it('judges the weak share against 5–10 %', () => {
    expect([0.049, 0.05, 0.1, 0.101, null].map(weakShareVerdict)).toEqual([
      'below',
      'within',
      'within',
      'above',
      'no_data',
    ])
  })
})
