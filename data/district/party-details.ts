// What the party rules read beyond members and coverage (activity, secretaries, star history, sites
// of parks and office buildings, area-wide joint committees) and the party-service centres.
import type { ServiceCenterLevel, ServiceCenterStatus } from '../../server/db/tables.ts'
import { type Ring, type Shape, pointInShape, shapeToGeoJson } from './geometry.ts'
import { personName } from './names.ts'
import type { Random } from './random.ts'
import { type Community, DISTRICT_CODE, FRAME, type Street, lonLat, pad, randomPointIn } from './frame.ts'
import { orgStatus } from './party-orgs.ts'
import type { DemoPartyOrg, DemoServiceCenter, DemoUnit } from './types.ts'

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
export function addPartyDetails(
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
export function generateServiceCenters(
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
