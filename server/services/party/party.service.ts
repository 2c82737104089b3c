// PartyService: the rules of party-organization coverage over the database. Each rule is a method;
// its definition is in its doc comment and in README.md beside this file. Every method takes the
// caller's scope (a region-code prefix) and never returns rows outside it.
import type { ChangeRecorder } from '../events/events.service.ts'
import type { Kysely } from 'kysely'
import type { Tables } from '../../db/tables.ts'
import { NotFoundError, InvalidInputError } from '../../errors.ts'
import {
  type PartyFilter,
  type PartyScope,
  countNewEconomyByStreet,
  countOrgStatusByStreet,
  findHollowSuspects,
  findJointCandidates,
  findJointCommittees,
  findOrgProfile,
  findShouldEstablish,
  findUnitProfile,
  findTierMismatches,
} from '../../db/repositories/party.repository.ts'
import {
  countCoverageCells,
  findCoverageRegions,
  findPublishedGrids,
} from '../../db/repositories/party-coverage.repository.ts'
import type {
  JointCommitteeList,
  PartyCoverage,
  PartyFindings,
  PartyFindingsQuery,
  PartyOrgProfile,
  PartyRule,
  UnitProfile,
} from '../../schemas/party.schema.ts'
import { maskPersonal } from '../../db/mask.ts'
import { levelOfCode } from '../regions/region-codes.ts'
import { narrowScope } from '../auth/roles.ts'
import { coverageDefinitions, figuresOf, rollUpCoverage } from './coverage-figures.ts'
import { defaultJointProposalOptions, proposeJointBranches } from './joint-proposals.ts'
import { expectedTierFor, tierThresholds, weakShareVerdict, weakShareGuideline } from './org-tiers.ts'
import { type Cell, type Table } from './party-tables.ts'
import { describeCrs, parseCrs } from '../imports/crs.ts'
import {
  findRegionPoints,
  findStoredOrgCodes,
  findStoredRegionCodes,
  recordRegisterImport,
  transformPoints,
  upsertOrgs,
  upsertUnits,
} from '../../db/repositories/party-imports.repository.ts'
import {
  type RegisterFault,
  type RegisterKind,
  RegisterFileError,
  checkHeaders,
  checkPoint,
  readOrgRecords,
  readRegister,
  readUnitRecords,
  toWgs84,
} from './party-registers.ts'
import { findingColumns, coverageColumns } from './party-columns.ts'

type Text = { 'zh-CN': string; en: string }

/** The most rows one findings request or export returns. */
export const FINDINGS_EXPORT_LIMIT = 100_000

export const ruleTexts: Record<PartyRule, { title: Text; description: Text }> = {
  should_establish: {
    title: { 'zh-CN': '应建未建', en: 'Should establish' },
    description: {
      'zh-CN': '正式党员3人以上、没有单独建立党组织（覆盖方式不是“单独建”）的单位',
      en: 'Units with 3 or more formal party members and no organization of their own (coverage mode other than “own”)',
    },
  },
  joint_proposals: {
    title: { 'zh-CN': '联合党支部建议', en: 'Joint-branch proposals' },
    description: {
      'zh-CN':
        '正式党员1–2人、无组织覆盖的单位，在同一街道内先按同一楼宇/园区、再按距离（默认500米）组合，党员合计3人以上；每个单位至多进入一个建议',
      en: 'Units with 1–2 formal members and no organization coverage, grouped inside one street by same building or park first, then by distance (500 m by default), with 3 or more members in all; each unit in at most one proposal',
    },
  },
  tier_mismatch: {
    title: { 'zh-CN': '组织层级与党员数不符', en: 'Tier mismatches' },
    description: {
      'zh-CN': '党支部3–49人，党总支50人以上，党委100人以上；党员7人以上的支部设支部委员会，不足7人不设',
      en: 'A branch has 3–49 members, a general branch 50+, a committee 100+; a branch with 7+ members elects a branch committee, one with fewer does not',
    },
  },
  weak_share: {
    title: { 'zh-CN': '软弱涣散占比', en: 'Weak-and-lax share' },
    description: {
      'zh-CN': '每个区县、街道中软弱涣散与整顿中的党组织占全部党组织的比例，对照5%–10%的整顿指引',
      en: 'Share of organizations flagged weak or under rectification per district and street, against the 5–10 % rectification guideline',
    },
  },
  hollow_suspects: {
    title: { 'zh-CN': '疑似空壳支部', en: 'Hollow-branch suspects' },
    description: {
      'zh-CN':
        '没有党员的党组织，或有党员但最近一次有记录的活动早于设定月数（默认12个月）的党组织；未记录活动日期的不据此判断',
      en: 'Organizations with no members, or with members and a last recorded activity older than the set months (12 by default); an organization with no activity date recorded is not judged on it',
    },
  },
  new_economy: {
    title: { 'zh-CN': '新业态新就业群体覆盖', en: 'New-economy coverage' },
    description: {
      'zh-CN': '每个街道的快递物流网点（快递员、外卖骑手、网约车和货车司机的站点）按覆盖方式计数，以及新业态领域党组织',
      en: 'Per street: courier hubs (stations of couriers, riders and drivers) by coverage, and organizations of the new-economy domain',
    },
  },
}

/** The filters each rule understands; any other given filter is refused, not silently ignored. */
const filtersOf: Record<PartyRule, readonly ('street' | 'community' | 'domain' | 'status')[]> = {
  should_establish: ['street', 'community', 'domain', 'status'],
  joint_proposals: ['street', 'community'],
  tier_mismatch: ['street', 'community', 'domain', 'status'],
  weak_share: ['street', 'domain'],
  hollow_suspects: ['street', 'community', 'domain', 'status'],
  new_economy: ['street'],
}
const unitStatuses = ['own', 'joint', 'affiliated', 'work', 'none']
const orgStatuses = ['normal', 'weak', 'rectifying', 'hollow']

/** The narrower of the scope's prefix and a requested region's (shared by every scoped service). */
export { narrowScope }

const pointOf = (lon: number | null, lat: number | null): [number, number] | null =>
  lon === null || lat === null ? null : [lon, lat]
const bboxOfPoint = (p: [number, number] | null): [number, number, number, number] | null =>
  p ? [p[0], p[1], p[0], p[1]] : null

export class PartyService {
  constructor(
    private readonly db: Kysely<Tables>,
    /** told of every stored register import (ratings and statuses arrive with the organizations' register) */
    private readonly events?: ChangeRecorder,
  ) {}

  /**
   * Figures per district, street, community and published unified grid under `region` (default:
   * everything in scope). Every row's figures are sums of the same cells (a region code and a grid),
   * so a parent's numerators are the sums of its children's, remainder rows included.
   */
  async getCoverage(query: { region?: string }, scope: PartyScope = {}): Promise<PartyCoverage> {
    const narrowed = narrowScope(scope, query.region)
    if (!narrowed)
      throw new NotFoundError(`区划 ${query.region} 不在可查看范围内 / region ${query.region} is outside your scope`)
    const [cells, regions, grids] = await Promise.all([
      countCoverageCells(this.db, narrowed),
      findCoverageRegions(this.db, narrowed),
      findPublishedGrids(this.db, narrowed),
    ])
    const region = query.region ? regions.find((r) => r.code === query.region) : undefined
    if (query.region && !region) throw new NotFoundError(`没有区划 ${query.region} / no region ${query.region}`)
    const regionByCode = new Map(regions.map((r) => [r.code, r]))
    const gridByCode = new Map(grids.map((g) => [g.code, g]))
    const rows = rollUpCoverage(cells)
      // the requested region and the levels below it, not its ancestors
      .filter((b) => !query.region || levelRank[b.level] >= levelRank[region!.level as keyof typeof levelRank])
      .map((b) => {
        const place = b.level === 'grid' && !b.remainder ? gridByCode.get(b.code) : undefined
        const named = regionByCode.get(b.code)
        const name = b.remainder
          ? `${named?.name ?? b.code}${b.level === 'grid' ? '（未入格）' : b.level === 'community' ? '（街道本级）' : '（区县本级）'}`
          : b.level === 'grid'
            ? b.code
            : (named?.name ?? b.code)
        return {
          level: b.level,
          code: b.code,
          name,
          parentCode: b.parentCode,
          remainder: b.remainder,
          bbox: place?.bbox ?? named?.bbox ?? null,
          figures: figuresOf(b.counts),
        }
      })
    return {
      region: region ? { code: region.code, name: region.name, level: region.level } : null,
      definitions: coverageDefinitions,
      rows,
    }
  }

  /** The coverage figures as a table (one row per region or grid, Chinese headers). */
  async coverageTable(query: { region?: string }, scope: PartyScope = {}): Promise<Table> {
    const coverage = await this.getCoverage(query, scope)
    return {
      title: '党组织覆盖情况',
      headers: coverageColumns.map((c) => c.header),
      rows: coverage.rows.map((row) => coverageColumns.map((c) => c.value(row))),
    }
  }

  /**
   * One rule's findings, filtered and paged; each row also as the export writes it (headers and
   * cells from party-columns.ts: the web's lists and the files share one set of labels).
   */
  async getFindings(query: PartyFindingsQuery, scope: PartyScope = {}): Promise<PartyFindings> {
    const findings = await this.findFindings(query, scope)
    const columns = findingColumns[findings.rule] as { header: string; value: (row: never) => Cell }[]
    return {
      ...findings,
      headers: columns.map((c) => c.header),
      cells: (findings.rows as never[]).map((row) => columns.map((c) => c.value(row))),
    } as PartyFindings
  }

  private async findFindings(
    query: PartyFindingsQuery,
    scope: PartyScope,
  ): Promise<DistributiveOmit<PartyFindings, 'headers' | 'cells'>> {
    this.checkFilters(query)
    const filter: PartyFilter & { limit: number; offset: number } = {
      regionPrefix: scope.regionPrefix,
      street: query.street,
      community: query.community,
      domain: query.domain,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    }
    const head = { ...ruleTexts[query.rule], limit: query.limit, offset: query.offset }
    switch (query.rule) {
      case 'should_establish': {
        const rows = await this.findShouldEstablish(filter)
        return { rule: query.rule, ...head, total: rows[0]?.total ?? 0, rows: rows.map(({ total: _, ...r }) => r) }
      }
      case 'joint_proposals': {
        const all = await this.proposeJointBranches(filter, query.maxDistanceM)
        return {
          rule: query.rule,
          ...head,
          total: all.length,
          rows: all.slice(query.offset, query.offset + query.limit),
        }
      }
      case 'tier_mismatch': {
        const rows = await this.findTierMismatches(filter)
        return { rule: query.rule, ...head, total: rows[0]?.total ?? 0, rows: rows.map(({ total: _, ...r }) => r) }
      }
      case 'weak_share': {
        const all = await this.findWeakShare(filter)
        return {
          rule: query.rule,
          ...head,
          total: all.length,
          rows: all.slice(query.offset, query.offset + query.limit),
        }
      }
      case 'hollow_suspects': {
        const rows = await this.findHollowSuspects(filter, query.inactiveMonths)
        return { rule: query.rule, ...head, total: rows[0]?.total ?? 0, rows: rows.map(({ total: _, ...r }) => r) }
      }
      case 'new_economy': {
        const all = await this.findNewEconomy(filter)
        return {
          rule: query.rule,
          ...head,
          total: all.length,
          rows: all.slice(query.offset, query.offset + query.limit),
        }
      }
    }
  }

  /** One rule's findings as a table with Chinese headers (every row, up to FINDINGS_EXPORT_LIMIT). */
  async findingsTable(query: PartyFindingsQuery, scope: PartyScope = {}): Promise<Table> {
    const findings = await this.getFindings({ ...query, limit: FINDINGS_EXPORT_LIMIT, offset: 0 }, scope)
    return { title: findings.title['zh-CN'], headers: findings.headers, rows: findings.cells }
  }

  /**
   * 应建未建: units with 3 or more formal party members (正式党员) and no organization of their
   * own — their coverage mode is not 'own' (单独建). A unit covered only through a joint branch
   * (联合建), attached to another organization (挂靠建), by a party-building instructor alone
   * (工作覆盖), or not at all (no coverage row) counts; each row says which.
   */
  async findShouldEstablish(filter: PartyFilter & { limit: number; offset: number }) {
    const rows = await findShouldEstablish(this.db, filter)
    return rows.map(({ lon, lat, ...row }) => {
      const point = pointOf(lon, lat)
      return { ...row, point, bbox: bboxOfPoint(point) }
    })
  }

  /**
   * Joint-branch proposals (联合党支部): units with 1–2 formal members and no organization coverage
   * (none, or work coverage only) grouped inside one street, same building or park first (a unit
   * footprint holding them, or points within 30 m), then within `maxDistanceM` (default 500 m) of the
   * host unit, until their members add up to 3. The host is the unit with most members (then the
   * lowest code), taken in that order; the proposed branch sits at the host. Each unit is in at most
   * one proposal (see joint-proposals.ts).
   */
  async proposeJointBranches(filter: PartyFilter, maxDistanceM = defaultJointProposalOptions.maxDistanceM) {
    const candidates = await findJointCandidates(this.db, { regionPrefix: filter.regionPrefix })
    const inStreet = filter.street
      ? candidates.filter((c) => c.regionCode.startsWith(filter.street!.slice(0, 9)))
      : candidates
    const proposals = proposeJointBranches(inStreet, { ...defaultJointProposalOptions, maxDistanceM })
    const serials = new Map<string, number>()
    return proposals
      .map((p) => {
        const serial = (serials.get(p.streetCode) ?? 0) + 1
        serials.set(p.streetCode, serial)
        const host = p.units[0]
        return {
          id: `${p.streetCode}-${String(serial).padStart(3, '0')}`,
          basis: p.basis,
          members: p.members,
          hostCode: host.code,
          hostName: host.name,
          units: p.units.map((u) => ({
            code: u.code,
            name: u.name,
            kind: u.kind,
            members: u.members,
            coverage: u.coverage,
            regionCode: u.regionCode,
            distanceM: Math.round(u.distanceM * 10) / 10,
            point: [u.lon, u.lat] as [number, number],
          })),
          regionCode: host.regionCode,
          streetCode: p.streetCode,
          streetName: null as string | null,
          communityName: null as string | null,
          point: p.location,
          bbox: p.bbox,
        }
      })
      .filter((p) => !filter.community || p.units.some((u) => u.regionCode === filter.community))
  }

  /**
   * Tier check: the tier a member count calls for — a branch (党支部, also 联合/临时) 3–49 members, a
   * general branch (党总支) 50–99, a committee (党委) 100 or more, none below 3 — against the
   * recorded tier; and for branches, a branch committee (支部委员会) from 7 members and none below 7,
   * where the register records whether one exists. Counts are all members (正式 and 预备).
   */
  async findTierMismatches(filter: PartyFilter & { limit: number; offset: number }) {
    const rows = await findTierMismatches(this.db, filter, tierThresholds)
    return rows.map(({ lon, lat, ...row }) => {
      const point = pointOf(lon, lat)
      const expectedTier = expectedTierFor(row.members)
      const isBranch = ['branch', 'joint_branch', 'temporary_branch'].includes(row.tier)
      const required = row.members >= tierThresholds.branchCommitteeMin
      const branchCommittee: 'ok' | 'missing' | 'not_allowed' | 'unknown' =
        !isBranch || row.hasBranchCommittee === null
          ? 'unknown'
          : row.hasBranchCommittee === required
            ? 'ok'
            : required
              ? 'missing'
              : 'not_allowed'
      return {
        ...row,
        expectedTier,
        tierMatches: (isBranch ? 'branch' : row.tier) === expectedTier,
        branchCommittee,
        point,
        bbox: bboxOfPoint(point),
      }
    })
  }

  /**
   * 软弱涣散 share: per district and per street, organizations flagged weak (软弱涣散) or under
   * rectification (整顿中) over all organizations recorded there, against the 5–10 % guideline
   * (below 5 %: possibly not all identified; above 10 %: more than the usual rectification share).
   * A district's count includes its streets' and its own.
   */
  async findWeakShare(filter: PartyFilter) {
    const [counts, regions] = await Promise.all([
      countOrgStatusByStreet(this.db, filter),
      findCoverageRegions(this.db, { regionPrefix: filter.regionPrefix }),
    ])
    const regionByCode = new Map(regions.map((r) => [r.code, r]))
    const rows = new Map<string, { organizations: number; weak: number; rectifying: number }>()
    const add = (code: string, c: { organizations: number; weak: number; rectifying: number }) => {
      const row = rows.get(code) ?? { organizations: 0, weak: 0, rectifying: 0 }
      rows.set(code, {
        organizations: row.organizations + c.organizations,
        weak: row.weak + c.weak,
        rectifying: row.rectifying + c.rectifying,
      })
    }
    for (const c of counts) {
      const district = `${c.regionCode.slice(0, 6)}000000`
      if (!filter.street) add(district, c)
      if (c.regionCode !== district) add(c.regionCode, c)
    }
    return [...rows.entries()]
      .sort(([a], [b]) =>
        a.endsWith('000000') === b.endsWith('000000') ? a.localeCompare(b) : a.endsWith('000000') ? -1 : 1,
      )
      .map(([code, c]) => {
        const region = regionByCode.get(code)
        const level: 'district' | 'street' = code.endsWith('000000') ? 'district' : 'street'
        const numerator = c.weak + c.rectifying
        const value = c.organizations ? Math.round((numerator / c.organizations) * 10_000) / 10_000 : null
        const bbox = region?.bbox ?? null
        return {
          level,
          code,
          name: region?.name ?? code,
          ...c,
          share: { value, numerator, denominator: c.organizations },
          verdict: weakShareVerdict(value),
          regionCode: code,
          streetCode: level === 'street' ? code : null,
          streetName: level === 'street' ? (region?.name ?? null) : null,
          communityName: null,
          point: bbox ? ([(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2] as [number, number]) : null,
          bbox,
        }
      })
  }

  /**
   * Hollow-branch suspects (疑似空壳): organizations with no members, or with members whose last
   * recorded activity (party_orgs.last_activity_on) is older than `inactiveMonths` (default 12).
   * An organization without a recorded activity date is judged on members alone.
   */
  async findHollowSuspects(
    filter: PartyFilter & { limit: number; offset: number },
    inactiveMonths = 12,
    today?: string,
  ) {
    const day = today ?? new Date().toISOString().slice(0, 10)
    const rows = await findHollowSuspects(this.db, filter, inactiveMonths, day)
    return rows.map(({ lon, lat, noMembers, noActivity, ...row }) => {
      const point = pointOf(lon, lat)
      const reasons: ('no_members' | 'no_activity')[] = []
      if (noMembers) reasons.push('no_members')
      if (noActivity) reasons.push('no_activity')
      return { ...row, reasons, point, bbox: bboxOfPoint(point) }
    })
  }

  /**
   * 新业态 coverage per street: units of kind courier_hub (快递物流网点: the stations of couriers,
   * riders and drivers) by coverage — organization (own/joint/affiliated), work only, none — with
   * their workers (employees), and the organizations of domain new_economy (industry committees,
   * hub and station branches) with their members.
   */
  async findNewEconomy(filter: PartyFilter) {
    const rows = await countNewEconomyByStreet(this.db, filter)
    return rows.map(({ lon, lat, ...row }) => ({
      ...row,
      orgCoverageRate: {
        value: row.hubs ? Math.round((row.hubsOrgCovered / row.hubs) * 10_000) / 10_000 : null,
        numerator: row.hubsOrgCovered,
        denominator: row.hubs,
      },
      point: pointOf(lon, lat),
    }))
  }

  /**
   * Area-wide joint committees (大党委/联合党委/大工委): organizations recorded as spanning several
   * regions (party_org_regions); the area is the union of those regions' boundaries, with the
   * organizations and units recorded in them.
   */
  async listJointCommittees(scope: PartyScope = {}): Promise<JointCommitteeList> {
    const rows = await findJointCommittees(this.db, scope)
    return { committees: rows.map((r) => ({ ...r, area: r.area ? (JSON.parse(r.area) as unknown) : null })) }
  }

  /**
   * An organization's profile: tier (and the tier its members call for), members, secretary, parent,
   * star history, the units it covers and the regions it spans. The secretary's phone is always
   * masked; the name too unless `personalData` says the caller may see it (maySeePersonalData).
   * Outside the scope it does not exist (NotFoundError).
   */
  async getOrgProfile(
    code: string,
    scope: PartyScope = {},
    personalData: (regionCode: string | null) => boolean = () => false,
  ): Promise<PartyOrgProfile> {
    const row = await findOrgProfile(this.db, code, scope)
    if (!row) throw new NotFoundError(`没有党组织 ${code} / no organization ${code}`)
    const { lon, lat, secretaryName, secretaryPhone, parentCode, parentName, ...rest } = row
    const point = pointOf(lon, lat)
    return {
      ...rest,
      establishment: rest.establishment as PartyOrgProfile['establishment'],
      expectedTier: expectedTierFor(row.members),
      secretary: {
        name: personalData(row.regionCode) ? secretaryName : maskPersonal(secretaryName),
        phone: maskPersonal(secretaryPhone),
      },
      parent: parentCode ? { code: parentCode, name: parentName ?? parentCode } : null,
      point,
      bbox: bboxOfPoint(point),
    }
  }

  /**
   * A unit's profile: kind, employees, formal members, coverage, 应建未建 (the one SQL definition) and
   * the organization covering it with its secretary (masked as in getOrgProfile).
   */
  async getUnitProfile(
    code: string,
    scope: PartyScope = {},
    personalData: (regionCode: string | null) => boolean = () => false,
  ): Promise<UnitProfile> {
    const row = await findUnitProfile(this.db, code, scope)
    if (!row) throw new NotFoundError(`没有单位 ${code} / no unit ${code}`)
    const {
      lon,
      lat,
      orgCode,
      orgName,
      orgTier,
      orgStatus,
      orgStarRating,
      orgSecretaryName,
      orgSecretaryPhone,
      orgRegionCode,
      ...rest
    } = row
    const point = pointOf(lon, lat)
    return {
      ...rest,
      coveringOrg:
        orgCode && orgTier && orgStatus
          ? {
              code: orgCode,
              name: orgName ?? orgCode,
              tier: orgTier,
              status: orgStatus,
              starRating: orgStarRating,
              secretary: {
                name: personalData(orgRegionCode) ? orgSecretaryName : maskPersonal(orgSecretaryName),
                phone: maskPersonal(orgSecretaryPhone),
              },
            }
          : null,
      point,
      bbox: bboxOfPoint(point),
    }
  }

  /**
   * Registers in: organizations (kind party_orgs) or units (kind units) from CSV (UTF-8 or GBK) or
   * XLSX (every sheet). Every row is checked before anything is stored — required columns, words
   * (组织类别, 所属领域, 单位类别, 覆盖方式 …), whole numbers, duplicate codes, region codes that exist,
   * parents and covering organizations in the file or stored, coordinates in China after conversion
   * from `crs` (default WGS84), else the community's point; one fault refuses the whole file with
   * every fault named by sheet, row and column. A dry run stops after the checks. Rows are upserted
   * by code in one transaction; the run is recorded in import_runs either way.
   */
  async importRegister(
    request: { kind: RegisterKind; file: { name: string; data: Uint8Array }; crs?: string; dryRun?: boolean },
    scope: PartyScope = {},
  ): Promise<RegisterImportResult> {
    const crs = request.crs ? parseCrs(request.crs) : { kind: 'epsg' as const, srid: 4326 }
    if (!crs)
      throw new InvalidInputError(`未知坐标系“${request.crs}” / unknown coordinate reference system`, [
        { field: 'crs' },
      ])
    let read: Awaited<ReturnType<typeof readRegister>>
    try {
      read = await readRegister(request.file)
    } catch (error) {
      if (error instanceof RegisterFileError) throw new InvalidInputError(error.message, [{ file: request.file.name }])
      throw error
    }
    const faults = checkHeaders(request.kind, read.headers)
    const records =
      faults.length > 0
        ? []
        : request.kind === 'party_orgs'
          ? readOrgRecords(read.rows, read.headers, faults)
          : readUnitRecords(read.rows, read.headers, faults)
    if (faults.length === 0 && records.length === 0)
      faults.push({ sheet: request.file.name, row: 2, column: '', message: '没有数据行 / no records' })
    const fault = (r: { sheet: string; row: number }, column: string, message: string) =>
      faults.push({ sheet: r.sheet, row: r.row, column, message })

    // regions exist and lie in the caller's scope
    const regionCodes = [...new Set(records.map((r) => r.regionCode).filter((c): c is string => !!c))]
    const storedRegions = await findStoredRegionCodes(this.db, regionCodes)
    for (const r of records) {
      if (!r.regionCode) continue
      if (!storedRegions.has(r.regionCode)) fault(r, '区划代码', `没有区划 ${r.regionCode} / no such region`)
      else if (scope.regionPrefix && !r.regionCode.startsWith(scope.regionPrefix))
        fault(r, '区划代码', `${r.regionCode} 不在可管理范围内 / outside your scope`)
    }
    if (scope.regionPrefix)
      for (const r of records)
        if (!r.regionCode) fault(r, '区划代码', '须填写区划代码 / a region code is required in a scoped account')

    // references: parents (organizations) or covering organizations (units), in the file or stored
    const referenced =
      request.kind === 'party_orgs'
        ? records.map((r) => ('parentCode' in r ? r.parentCode : null))
        : records.map((r) => ('orgCode' in r ? r.orgCode : null))
    const inFile = new Set(request.kind === 'party_orgs' ? records.map((r) => r.code) : [])
    const storedOrgs = await findStoredOrgCodes(this.db, [...new Set(referenced.filter((c): c is string => !!c))])
    records.forEach((r, i) => {
      const code = referenced[i]
      if (code && !inFile.has(code) && !storedOrgs.has(code))
        fault(
          r,
          request.kind === 'party_orgs' ? '上级组织编码' : '覆盖组织编码',
          `没有党组织 ${code} / no such organization`,
        )
    })

    // coordinates: converted to WGS84, checked; else the community's point
    const withXy = records.filter((r) => r.x !== null || r.y !== null)
    for (const r of withXy)
      if (r.x === null || r.y === null)
        fault(r, r.x === null ? '经度' : '纬度', '经纬度须成对填写 / give both coordinates')
    const complete = withXy.filter((r) => r.x !== null && r.y !== null)
    const converted =
      crs.kind === 'epsg' && crs.srid !== 4326 && crs.srid !== 4490
        ? await transformPoints(
            this.db,
            crs.srid,
            complete.map((r) => r.x!),
            complete.map((r) => r.y!),
          )
        : complete.map((r) => toWgs84(crs, r.x!, r.y!))
    const points = new Map<(typeof records)[number], [number, number]>()
    complete.forEach((r, i) => {
      const problem = checkPoint(...converted[i])
      if (problem) fault(r, '经度', problem)
      else points.set(r, converted[i])
    })
    const fallbacks = await findRegionPoints(this.db, [
      ...new Set(records.filter((r) => r.x === null && r.y === null && r.regionCode).map((r) => r.regionCode!)),
    ])
    for (const r of records) {
      if (r.x !== null || r.y !== null) continue
      const p = r.regionCode ? fallbacks.get(r.regionCode) : undefined
      if (p) points.set(r, p)
      else if (!r.regionCode) fault(r, '经度', '没有坐标也没有区划代码 / neither coordinates nor a region code')
    }

    faults.sort((a, b) => a.sheet.localeCompare(b.sheet) || a.row - b.row || a.column.localeCompare(b.column))
    const counts = { rows: records.length, rejected: new Set(faults.map((f) => `${f.sheet}|${f.row}`)).size, stored: 0 }
    const run = {
      kind: request.kind,
      fileName: request.file.name,
      format: read.format,
      sourceCrs: describeCrs(crs),
      dryRun: request.dryRun ?? false,
    }
    if (faults.length) {
      const id = await recordRegisterImport(this.db, {
        ...run,
        status: 'failed',
        counts,
        report: faults,
        error: `${faults.length} faults`,
      })
      throw new InvalidInputError(
        `${request.file.name}：${faults.length} 处错误，未导入任何数据（首个：${faults[0].sheet} 第 ${faults[0].row} 行 ${faults[0].column}：${faults[0].message}）`,
        { importId: id, errors: faults },
      )
    }
    if (!run.dryRun)
      await this.db.transaction().execute(async (trx) => {
        counts.stored =
          request.kind === 'party_orgs'
            ? await upsertOrgs(
                trx,
                (records as ReturnType<typeof readOrgRecords>).map((r) => ({
                  ...r,
                  lon: points.get(r)![0],
                  lat: points.get(r)![1],
                })),
              )
            : await upsertUnits(
                trx,
                (records as ReturnType<typeof readUnitRecords>).map((r) => ({
                  ...r,
                  lon: points.get(r)![0],
                  lat: points.get(r)![1],
                })),
              )
      })
    const id = await recordRegisterImport(this.db, { ...run, status: 'succeeded', counts, report: [], error: null })
    if (!run.dryRun)
      await this.events?.recordChange({
        kind: 'party-import',
        layers: request.kind === 'party_orgs' ? ['party-orgs'] : ['units'],
        regions: records.map((r) => r.regionCode).filter((code): code is string => code !== null),
        details: { importId: id, kind: request.kind, stored: counts.stored },
      })
    return { id, ...run, encoding: read.encoding, counts, faults: [] }
  }

  private checkFilters(query: PartyFindingsQuery) {
    const allowed = filtersOf[query.rule]
    for (const key of ['street', 'community', 'domain', 'status'] as const) {
      if (query[key] !== undefined && !allowed.includes(key))
        throw new InvalidInputError(
          `规则 ${query.rule} 不支持按 ${key} 筛选 / rule ${query.rule} cannot be filtered by ${key}`,
          [{ field: key }],
        )
    }
    if (query.street && levelOfCode(query.street) !== 'street')
      throw new InvalidInputError(`${query.street} 不是街道编码 / ${query.street} is not a street code`, [
        { field: 'street' },
      ])
    if (query.community && levelOfCode(query.community) !== 'community')
      throw new InvalidInputError(`${query.community} 不是社区编码 / ${query.community} is not a community code`, [
        { field: 'community' },
      ])
    if (query.status) {
      const valid = query.rule === 'should_establish' ? unitStatuses : orgStatuses
      if (!valid.includes(query.status))
        throw new InvalidInputError(
          `规则 ${query.rule} 的状态须为 ${valid.join('、')} / status for ${query.rule} must be one of ${valid.join(', ')}`,
          [{ field: 'status' }],
        )
    }
  }
}

export interface RegisterImportResult {
  id: number
  kind: RegisterKind
  fileName: string
  format: 'csv' | 'xlsx'
  encoding: string | null
  sourceCrs: string | null
  dryRun: boolean
  counts: { rows: number; rejected: number; stored: number }
  faults: RegisterFault[]
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

const levelRank = { city: -1, district: 0, street: 1, community: 2, grid: 3 } as const

export { weakShareGuideline }
