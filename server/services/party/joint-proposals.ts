// Joint-branch proposals (联合党支部): a deterministic greedy grouping of small uncovered units. Pure.

export interface JointCandidate {
  code: string
  name: string
  members: number
  regionCode: string
  lon: number
  lat: number
  /** a park or building whose footprint holds the unit (or the unit's own footprint); null when none */
  siteId: number | null
}

export interface JointProposalOptions {
  /** the most a member unit may lie from the host unit, metres */
  maxDistanceM: number
  /** points this close to the host without a footprint count as the same building, metres */
  sameSiteM: number
  /** formal members a branch needs */
  minMembers: number
}

export const defaultJointProposalOptions: JointProposalOptions = { maxDistanceM: 500, sameSiteM: 30, minMembers: 3 }

export interface JointProposal<C extends JointCandidate = JointCandidate> {
  /** the street all members lie in (12-digit code) */
  streetCode: string
  /** 'same_site': one building or park (or co-located points); 'distance': within maxDistanceM of the host */
  basis: 'same_site' | 'distance'
  /** the host unit first (the one with most members), then the others by distance from it */
  units: (C & { distanceM: number })[]
  members: number
  /** the proposed branch's location: the host unit's */
  location: [number, number]
  bbox: [number, number, number, number]
}

const EARTH_RADIUS_M = 6_371_008.8

/** Metres between two WGS84 points (equirectangular: well within 0.1 % at a few kilometres). */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180
  const x = (b.lon - a.lon) * rad * Math.cos(((a.lat + b.lat) / 2) * rad)
  const y = (b.lat - a.lat) * rad
  return Math.hypot(x, y) * EARTH_RADIUS_M
}

const byHostOrder = (a: JointCandidate, b: JointCandidate) =>
  b.members - a.members || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)

/**
 * Groups units, street by street, into proposals whose members add up to `minMembers`:
 *
 * 1. Same site first. Hosts are taken in order (most members, then code); a host gathers the
 *    unassigned units of its street on the same site — inside the same footprint, or, when neither
 *    has a footprint, within `sameSiteM` — nearest first, until the members reach `minMembers`.
 * 2. Then distance: the units left are grouped the same way, gathering units within `maxDistanceM`
 *    of the host.
 *
 * A host that cannot reach `minMembers` forms nothing (its units stay free for later hosts). Each
 * unit is in at most one proposal; the result depends only on the input set, not its order.
 */
export function proposeJointBranches<C extends JointCandidate>(
  candidates: readonly C[],
  options: JointProposalOptions = defaultJointProposalOptions,
): JointProposal<C>[] {
  const byStreet = new Map<string, C[]>()
  for (const unit of candidates) {
    const street = `${unit.regionCode.slice(0, 9)}000`
    const list = byStreet.get(street)
    if (list) list.push(unit)
    else byStreet.set(street, [unit])
  }
  const proposals: JointProposal<C>[] = []
  for (const street of [...byStreet.keys()].sort()) {
    const units = byStreet.get(street)!.slice().sort(byHostOrder)
    const assigned = new Set<string>()
    const sameSite = (host: C, other: C, d: number) =>
      host.siteId !== null || other.siteId !== null ? host.siteId === other.siteId : d <= options.sameSiteM
    const near = (_host: C, _other: C, d: number) => d <= options.maxDistanceM
    const neighbours = neighbourIndex(units, Math.max(options.maxDistanceM, options.sameSiteM))
    for (const [basis, fits] of [
      ['same_site', sameSite],
      ['distance', near],
    ] as const) {
      for (const host of units) {
        if (assigned.has(host.code)) continue
        const others: { unit: C; d: number }[] = []
        for (const unit of basis === 'same_site' && host.siteId !== null
          ? neighbours.onSite(host.siteId)
          : neighbours.around(host)) {
          if (unit === host || assigned.has(unit.code)) continue
          const d = distanceM(host, unit)
          if (fits(host, unit, d)) others.push({ unit, d })
        }
        others.sort((a, b) => a.d - b.d || (a.unit.code < b.unit.code ? -1 : 1))
        const group = [{ ...host, distanceM: 0 }]
        let members = host.members
        for (const { unit, d } of others) {
          if (members >= options.minMembers) break
          group.push({ ...unit, distanceM: d })
          members += unit.members
        }
        if (members < options.minMembers) continue
        for (const u of group) assigned.add(u.code)
        proposals.push({
          streetCode: street,
          basis,
          units: group,
          members,
          location: [host.lon, host.lat],
          bbox: [
            Math.min(...group.map((u) => u.lon)),
            Math.min(...group.map((u) => u.lat)),
            Math.max(...group.map((u) => u.lon)),
            Math.max(...group.map((u) => u.lat)),
          ],
        })
      }
    }
  }
  return proposals
}

/**
 * Where to look for a host's partners without testing every unit of its street (quadratic at city
 * scale): square cells `cellM` wide, and the units of each site. A unit within `cellM` of the host is
 * always in the 3 × 3 cells around the host's: x is scaled by the cosine of the street's largest
 * latitude, never more than distanceM's own scale, so no x gap is overstated. The callers still test
 * the exact distance, so the proposals are exactly those of testing every pair.
 */
function neighbourIndex<C extends JointCandidate>(units: readonly C[], cellM: number) {
  const rad = Math.PI / 180
  const maxLat = Math.max(...units.map((u) => Math.abs(u.lat)))
  const scaleX = (Math.cos(Math.min(89.9, maxLat + 0.01) * rad) * rad * EARTH_RADIUS_M) / cellM
  const scaleY = (rad * EARTH_RADIUS_M) / cellM
  const cellOf = (u: C) => [Math.floor(u.lon * scaleX), Math.floor(u.lat * scaleY)] as const
  const cells = new Map<string, C[]>()
  const sites = new Map<number, C[]>()
  for (const unit of units) {
    const [i, j] = cellOf(unit)
    const key = `${i},${j}`
    const cell = cells.get(key)
    if (cell) cell.push(unit)
    else cells.set(key, [unit])
    if (unit.siteId !== null) {
      const site = sites.get(unit.siteId)
      if (site) site.push(unit)
      else sites.set(unit.siteId, [unit])
    }
  }
  return {
    onSite: (siteId: number): readonly C[] => sites.get(siteId) ?? [],
    *around(host: C): Generator<C> {
      const [i, j] = cellOf(host)
      for (let di = -1; di <= 1; di++) for (let dj = -1; dj <= 1; dj++) yield* cells.get(`${i + di},${j + dj}`) ?? []
    },
  }
}
