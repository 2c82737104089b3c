// PartyService: the rules of party-organization coverage over the database. Each rule is a method;
// its definition is in its doc comment and in README.md beside this file. Every method takes the
// caller's scope (a region-code prefix) and never returns rows outside it. Rule texts and filters,
// profiles and the register import live beside it (party-rule-texts.ts, party-profiles.ts,
// party-register-import.ts).
import type { ChangeRecorder } from '../events/events.service.ts'
import type { Kysely } from 'kysely'
import type { Tables } from '../../db/tables.ts'
import { NotFoundError } from '../../errors.ts'
import {
  type PartyFilter,
  type PartyScope,
  countNewEconomyByStreet,
  countOrgStatusByStreet,
  findHollowSuspects,
  findJointCandidates,
  findShouldEstablish,
  findTierMismatches,
} from '../../db/repositories/party.repository.ts'
import { findJointCommittees } from '../../db/repositories/party-committees.repository.ts'
import {
  type CoverageGridAssignment,
  countCoverageCells,
  findCoverageGridAssignment,
  findCoverageRegions,
  findPublishedGrids,
  readCoverageGridVersion,
} from '../../db/repositories/party-coverage.repository.ts'
import type {
  JointCommitteeList,
  PartyCoverage,
  PartyFindings,
  PartyFindingsQuery,
} from '../../schemas/party.schema.ts'
import { narrowScope } from '../auth/roles.ts'
import { coverageDefinitions, figuresOf, rollUpCoverage } from './coverage-figures.ts'
import { defaultJointProposalOptions, proposeJointBranches } from './joint-proposals.ts'
import { expectedTierFor, tierThresholds, weakShareVerdict, weakShareGuideline } from './org-tiers.ts'
import { type Cell, type Table } from './party-tables.ts'
import type { RegisterKind } from './party-registers.ts'
import { findingColumns, coverageColumns } from './party-columns.ts'
import { FINDINGS_EXPORT_LIMIT, checkFindingsFilters, ruleTexts } from './party-rule-texts.ts'
import { bboxOfPoint, getOrgProfile, getUnitProfile, pointOf } from './party-profiles.ts'
import { type RegisterImportResult, importRegister } from './party-register-import.ts'

export { FINDINGS_EXPORT_LIMIT, ruleTexts } from './party-rule-texts.ts'
export type { RegisterImportResult } from './party-register-import.ts'

/** The narrower of the scope's prefix and a requested region's (shared by every scoped service). */
export { narrowScope }

export class PartyService {
  constructor(
    private readonly db: Kysely<Tables>,
    /** told of every stored register import (ratings and statuses arrive with the organizations' register) */
    private readonly events?: ChangeRecorder,
  ) {}

  /** Rows → published grid per scope prefix, for one version of the grids and the rows' places. */
  private gridAssignments: { version: string; byPrefix: Map<string, Promise<CoverageGridAssignment>> } = {
    version: '',
    byPrefix: new Map(),
  }

  /**
   * The grid assignment of the coverage figures, computed once per version (readCoverageGridVersion:
   * the published runs and the data versions of units, organizations, grids and population points) and scope prefix.
   */
  private async gridAssignment(scope: PartyScope): Promise<CoverageGridAssignment> {
    const version = await readCoverageGridVersion(this.db)
    if (this.gridAssignments.version !== version) this.gridAssignments = { version, byPrefix: new Map() }
    const key = scope.regionPrefix ?? ''
    let assignment = this.gridAssignments.byPrefix.get(key)
    if (!assignment) {
      assignment = findCoverageGridAssignment(this.db, scope)
      this.gridAssignments.byPrefix.set(key, assignment)
      // a failed read is not kept
      assignment.catch(() => this.gridAssignments.byPrefix.delete(key))
    }
    return assignment
  }

  /**
   * Figures per district, street, community and published unified grid under `region` (default:
   * everything in scope). Every row's figures are sums of the same cells (a region code and a grid),
   * so a parent's numerators are the sums of its children's, remainder rows included.
   */
  async getCoverage(query: { region?: string }, scope: PartyScope = {}): Promise<PartyCoverage> {
    const narrowed = narrowScope(scope, query.region)
    if (!narrowed)
      throw new NotFoundError({
        'zh-CN': `区划 ${query.region} 不在可查看范围内`,
        en: `Region ${query.region} is outside your scope`,
      })
    const [cells, regions, grids] = await Promise.all([
      this.gridAssignment(narrowed).then((assignment) => countCoverageCells(this.db, narrowed, assignment)),
      findCoverageRegions(this.db, narrowed),
      findPublishedGrids(this.db, narrowed),
    ])
    const region = query.region ? regions.find((r) => r.code === query.region) : undefined
    if (query.region && !region)
      throw new NotFoundError({ 'zh-CN': `没有区划 ${query.region}`, en: `No region ${query.region}` })
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
    checkFindingsFilters(query)
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

  /** An organization's profile (party-profiles.ts): the secretary's phone always masked, the name unless `personalData`. */
  getOrgProfile(
    code: string,
    scope: PartyScope = {},
    personalData: (regionCode: string | null) => boolean = () => false,
  ) {
    return getOrgProfile(this.db, code, scope, personalData)
  }

  /** A unit's profile (party-profiles.ts), its covering organization's secretary masked as in getOrgProfile. */
  getUnitProfile(
    code: string,
    scope: PartyScope = {},
    personalData: (regionCode: string | null) => boolean = () => false,
  ) {
    return getUnitProfile(this.db, code, scope, personalData)
  }

  /** Registers in (party-register-import.ts): organizations or units from CSV (UTF-8 or GBK) or XLSX, checked whole. */
  importRegister(
    request: { kind: RegisterKind; file: { name: string; data: Uint8Array }; crs?: string; dryRun?: boolean },
    scope: PartyScope = {},
  ): Promise<RegisterImportResult> {
    return importRegister(this.db, this.events, request, scope)
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

const levelRank = { city: -1, district: 0, street: 1, community: 2, grid: 3 } as const

export { weakShareGuideline }
