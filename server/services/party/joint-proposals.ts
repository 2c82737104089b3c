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
const metresPerDegree = (Math.PI / 180) * EARTH_RADIUS_M

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
    const taken = new Uint8Array(units.length)
    // partners within maxDistanceM; co-located points without a footprint (within sameSiteM); each site's units
    const near = neighbourIndex(units, options.maxDistanceM, () => true)
    const close = neighbourIndex(units, options.sameSiteM, (u) => u.siteId === null)
    const sites = new Map<number, number[]>()
    units.forEach((u, i) => {
      if (u.siteId === null) return
      const site = sites.get(u.siteId)
      if (site) site.push(i)
      else sites.set(u.siteId, [i])
    })
    // every unit brings at least one member: a host needs at most (minMembers − its members) partners,
    // the nearest ones, so only that many are kept (not every neighbour sorted)
    const allPositive = units.every((u) => u.members >= 1)
    for (const basis of ['same_site', 'distance'] as const) {
      for (let h = 0; h < units.length; h++) {
        if (taken[h]) continue
        const host = units[h]
        const pool =
          basis === 'distance'
            ? near.around(host)
            : host.siteId !== null
              ? (sites.get(host.siteId) ?? [])
              : close.around(host)
        const limit = basis === 'distance' ? options.maxDistanceM : options.sameSiteM
        const keep = allPositive ? Math.max(0, options.minMembers - host.members) : Infinity
        const best: { i: number; d: number }[] = []
        const consider = (i: number) => {
          if (i === h || taken[i]) return
          const unit = units[i]
          // a cheap lower bound first (north–south gap), then the exact distance
          if (Math.abs(unit.lat - host.lat) * metresPerDegree > limit && (basis === 'distance' || host.siteId === null))
            return
          const d = distanceM(host, unit)
          if ((basis === 'distance' || host.siteId === null) && d > limit) return
          if (best.length >= keep && !closer(d, i, best[best.length - 1])) return
          let at = best.length
          while (at > 0 && closer(d, i, best[at - 1])) at--
          best.splice(at, 0, { i, d })
          if (best.length > keep) best.pop()
        }
        if (Array.isArray(pool)) for (const i of pool) consider(i)
        else for (const cell of pool.cells) for (let k = 0; k < cell.length; k++) consider(cell[k])
        const group = [{ ...host, distanceM: 0 }]
        const members = [h]
        let count = host.members
        for (const { i, d } of best) {
          if (count >= options.minMembers) break
          group.push({ ...units[i], distanceM: d })
          members.push(i)
          count += units[i].members
        }
        if (count < options.minMembers) continue
        for (const i of members) taken[i] = 1
        proposals.push({
          streetCode: street,
          basis,
          units: group,
          members: count,
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
    function closer(d: number, i: number, than: { i: number; d: number }) {
      return d < than.d || (d === than.d && units[i].code < units[than.i].code)
    }
  }
  return proposals
}

/**
 * Where to look for a host's partners without testing every unit of its street (quadratic at city
 * scale): square cells `cellM` wide holding the indices of the units that pass `admit`. A unit within
 * `cellM` of the host is always in the 3 × 3 cells around the host's: x is scaled by the cosine of the
 * street's largest latitude, never more than distanceM's own scale, so no x gap is overstated. The
 * callers still test the exact distance, so the proposals are exactly those of testing every pair.
 */
function neighbourIndex<C extends JointCandidate>(units: readonly C[], cellM: number, admit: (unit: C) => boolean) {
  const rad = Math.PI / 180
  const maxLat = Math.max(...units.map((u) => Math.abs(u.lat)))
  const scaleX = (Math.cos(Math.min(89.9, maxLat + 0.01) * rad) * rad * EARTH_RADIUS_M) / Math.max(cellM, 1e-3)
  const scaleY = (rad * EARTH_RADIUS_M) / Math.max(cellM, 1e-3)
  const cellOf = (u: C) => [Math.floor(u.lon * scaleX), Math.floor(u.lat * scaleY)] as const
  const cells = new Map<string, number[]>()
  units.forEach((unit, index) => {
    if (!admit(unit)) return
    const [i, j] = cellOf(unit)
    const key = `${i},${j}`
    const cell = cells.get(key)
    if (cell) cell.push(index)
    else cells.set(key, [index])
  })
  return {
    /** the 3 × 3 cells around the host's (only those holding units) */
    around(host: C): { cells: number[][] } {
      const [i, j] = cellOf(host)
      const around: number[][] = []
      for (let di = -1; di <= 1; di++)
        for (let dj = -1; dj <= 1; dj++) {
          const cell = cells.get(`${i + di},${j + dj}`)
          if (cell) around.push(cell)
        }
      return { cells: around }
    },
  }
}
