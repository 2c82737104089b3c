// The demo's party organizations and the units they cover: a committee per street, an organization
// per community, offices and schools, units of every kind, and their coverage (own, joint,
// affiliated, work-only or none).
import type { CoverageMode, PartyOrgDomain, PartyOrgStatus, PartyOrgTier, UnitKind } from '../../server/db/tables.ts'
import { domainOfUnitKind } from '../../server/db/repositories/party.repository.ts'
import { businessName, personName } from './names.ts'
import type { Random } from './random.ts'
import { type Community, type Street, lonLat, pad, randomPointIn } from './frame.ts'
import type { DemoPartyOrg, DemoUnit } from './types.ts'

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

export function orgStatus(random: Random): { status: PartyOrgStatus; starRating: number } {
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

export function generatePartyOrganizations(
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
          domain: domainOfUnitKind[unit.kind],
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
        domain: domainOfUnitKind[members[0].kind],
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
