// The place panel's sections that other capabilities own, for one region in the caller's scope:
// residents covered by 党群服务中心 (siting), party-organization coverage (party), department grids
// against the published unified grids (PostGIS overlay here), open merge issues (merge); and the
// lists behind those figures, as rows and as tables with Chinese headers for CSV and XLSX. A published
// unified grid is a place too (a 15-digit code): its figures (GET /api/unified-grids/:code) and lists.
import type { Kysely } from 'kysely'
import {
  type DepartmentMatchRow,
  type UnifiedGridPlaceRow,
  findDepartmentMatches,
  findGridIssues,
  findPlaceOrgs,
  findPlaceUnits,
  findUnifiedGridPlace,
  readPlaceCoverageVersion,
} from '../../db/repositories/place.repository.ts'
import { findHouseholdNorms, findRegion, findRegions } from '../../db/repositories/regions.repository.ts'
import { findGridStaff } from '../../db/repositories/service-maps.repository.ts'
import { maskPersonal } from '../../db/mask.ts'
import { findLatestSucceededRun, findPublishedRun } from '../../db/repositories/merge-runs.repository.ts'
import { type RegionScope, regionCodePrefix } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import { InvalidInputError, NotFoundError } from '../../errors.ts'
import type { GridPlace, PlaceFigures, PlaceList, PlaceListName, PlaceListQuery } from '../../schemas/place.schema.ts'
import { type Principal, maySeePersonalData, regionPrefixOf } from '../auth/roles.ts'
import type { MergeService } from '../merge/merge.service.ts'
import type { PartyService } from '../party/party.service.ts'
import type { Table } from '../party/party-tables.ts'
import type { Coverage, SitingService } from '../siting/siting.service.ts'

/** Uncovered residents are added up in cells of this many metres, at most this many cells listed. */
export const UNCOVERED_CELL_M = 250
export const UNCOVERED_CELL_LIMIT = 500
/** At most this many rows in any other list (and its export). */
export const PLACE_LIST_LIMIT = 1000
/** A department grid is well matched when this share of its area lies in one unified grid. */
const WELL_MATCHED = 0.9

const issueKinds: Record<string, string> = {
  gap: '空白点',
  overlap: '重叠',
  sliver: '碎片',
  crosses_boundary: '跨社区',
  outside_region: '超出辖区',
  invalid_input: '无效图形',
}

const coverageModes: Record<string, string> = {
  own: '单独建',
  joint: '联合建',
  affiliated: '挂靠建',
  work: '工作覆盖',
  none: '未覆盖',
}

const titles: Record<PlaceListName, string> = {
  merge_issues: '多网合一问题',
  uncovered_residents: '未覆盖居民',
  should_establish: '应建未建单位',
  department_grids: '部门网格与全科网格匹配',
  party_orgs: '党组织',
  units: '单位',
}

const orgStatuses: Record<string, string> = { normal: '正常', weak: '软弱涣散', rectifying: '整顿中', hollow: '空壳' }
const orgTiers: Record<string, string> = {
  committee: '党委',
  general_branch: '党总支',
  branch: '党支部',
  joint_branch: '联合党支部',
  temporary_branch: '临时党支部',
}
const unitCoverages: Record<string, string> = { org: '组织覆盖', work: '组织覆盖或工作覆盖', none: '未覆盖' }
/** The lists a unified grid has (the others are of regions: cells of uncovered residents, 应建未建 by region). */
const gridLists: readonly PlaceListName[] = ['department_grids', 'merge_issues', 'party_orgs', 'units']
/** Full-time workers (专职网格员) a grid should have at least: one a grid. */
const FULL_TIME_NORM = 1

type Column = PlaceList['columns'][number]
const text = (key: string, header: string): Column => ({ key, header, type: 'text' })
const number = (key: string, header: string): Column => ({ key, header, type: 'number' })

/** A list of units: the same columns wherever units are listed (应建未建, units by coverage). */
interface UnitListRow {
  code: string
  name: string
  streetName: string | null
  communityName: string | null
  members: number
  coverage: string
  orgName: string | null
  bbox: PlaceList['rows'][number]['bbox']
}
const unitTable = (units: UnitListRow[]): Pick<PlaceList, 'columns' | 'rows'> => ({
  columns: [
    text('code', '单位编码'),
    text('name', '单位名称'),
    text('street', '街道'),
    text('community', '社区'),
    number('members', '正式党员数'),
    text('coverage', '覆盖方式'),
    text('org', '覆盖党组织'),
  ],
  rows: units.map((u) => ({
    cells: [
      u.code,
      u.name,
      u.streetName,
      u.communityName,
      u.members,
      coverageModes[u.coverage] ?? u.coverage,
      u.orgName,
    ],
    bbox: u.bbox,
  })),
})
const share = (key: string, header: string): Column => ({ key, header, type: 'share' })

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits

export class PlaceService {
  /**
   * The department-vs-unified overlay of the whole district, keyed by `${data version}|${published run}`:
   * computed once (seconds on Postgres, minutes on PGlite), each place's figures filter it by prefix.
   */
  private readonly matches = new Map<string, Promise<DepartmentMatchRow[]>>()
  private version = 0
  /** overlays computed (not served from the cache), for tests and the bench */
  overlays = 0
  /**
   * Centre coverage per place and scope, for one version of what it reads (readPlaceCoverageVersion:
   * the population points, the centres, the published unified grids, the regions): computing it costs
   * seconds on PGlite, the version check a millisecond.
   */
  private coverages: { version: string; byPlace: Map<string, Promise<Coverage>> } = { version: '', byPlace: new Map() }
  /** centre coverages computed (not served from the cache), for tests and the bench */
  centreCoverages = 0

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly capabilities: { siting: SitingService; party: PartyService; merge: MergeService },
  ) {}

  /**
   * The place the caller may see of `code`: the region itself, or, for a caller scoped inside it (a
   * street official on the district), the caller's own region. Outside the scope: not found.
   */
  private async placeOf(code: string, principal: Principal | undefined) {
    const region = await findRegion(this.db, code)
    if (!region) throw new NotFoundError(`没有区划 ${code} / no region ${code}`)
    const own = regionCodePrefix(code, region.level)
    const held = principal ? regionPrefixOf(principal.scope) : null
    if (!held || own.startsWith(held)) return { code, prefix: own, scope: { regionPrefix: held ?? undefined } }
    if (!held.startsWith(own))
      throw new NotFoundError(`区划 ${code} 不在可查看范围内 / region ${code} is outside your scope`)
    return { code: held.padEnd(12, '0'), prefix: held, scope: { regionPrefix: held } as RegionScope }
  }

  /** The centre coverage of a region (and its streets, communities and grids), kept per data version. */
  private async centreCoverage(code: string, scope: RegionScope): Promise<Coverage> {
    const version = await readPlaceCoverageVersion(this.db)
    if (this.coverages.version !== version) this.coverages = { version, byPlace: new Map() }
    const key = `${code}|${scope.regionPrefix ?? ''}`
    let coverage = this.coverages.byPlace.get(key)
    if (!coverage) {
      this.centreCoverages += 1
      const computed = (coverage = this.capabilities.siting.coverage({ region: code }, scope))
      const byPlace = this.coverages.byPlace
      byPlace.set(key, computed)
      // a failed computation is not kept
      computed.catch(() => byPlace.get(key) === computed && byPlace.delete(key))
    }
    return coverage
  }

  /** A published unified grid the caller may see (its community in their scope), else not found. */
  private async gridOf(code: string, principal: Principal | undefined): Promise<UnifiedGridPlaceRow> {
    const held = principal ? regionPrefixOf(principal.scope) : null
    const grid = await findUnifiedGridPlace(this.db, code, held)
    if (!grid)
      throw new NotFoundError(
        `没有已发布的全科网格 ${code}，或不在可查看范围内 / no published unified grid ${code} in your scope`,
      )
    return grid
  }

  private async issueRun() {
    return (await findPublishedRun(this.db)) ?? (await findLatestSucceededRun(this.db))
  }

  /** The department grids of communities under `prefix` against the published unified grids. */
  async departmentMatches(prefix: string): Promise<DepartmentMatchRow[]> {
    const run = await findPublishedRun(this.db)
    const key = `${this.version}|${run?.id ?? '-'}`
    let all = this.matches.get(key)
    if (!all) {
      this.matches.clear()
      this.overlays += 1
      all = findDepartmentMatches(this.db, '')
      this.matches.set(key, all)
      // a failed overlay is not kept: the next call computes it again
      const failed = all
      failed.catch(() => this.matches.get(key) === failed && this.matches.delete(key))
    }
    return (await all).filter((r) => r.communityCode !== null && r.communityCode.startsWith(prefix))
  }

  /**
   * Data changed (the event bus says so): the overlay is dropped when the change touched what it reads
   * (department or unified grids, the regions, or everything), not for a party or siting change.
   */
  invalidate(version: number, layers: readonly string[] = ['*']): void {
    if (!layers.some((l) => l === '*' || l === 'unified-grids' || l.startsWith('grids-') || l.startsWith('regions-')))
      return
    this.version = Math.max(this.version + 1, version)
    this.matches.clear()
  }

  async figures(code: string, principal: Principal | undefined): Promise<PlaceFigures> {
    const place = await this.placeOf(code, principal)
    const { party, merge } = this.capabilities
    const [centres, partyCoverage, matches, run] = await Promise.all([
      this.centreCoverage(place.code, place.scope),
      party.getCoverage({ region: place.code }, place.scope),
      this.departmentMatches(place.prefix),
      this.issueRun(),
    ])
    const own = partyCoverage.rows.find((r) => r.code === place.code && !r.remainder)
    const issues = run ? await merge.listIssues(run.id, { region: place.code, limit: 1 }, place.scope) : undefined
    const published = (await findPublishedRun(this.db)) !== undefined
    const { residents, covered, uncovered, coveredMoreThanOnce, coveredShare } = centres.totals
    return {
      code: place.code,
      centreCoverage: { residents, covered, uncovered, coveredMoreThanOnce, coveredShare },
      partyCoverage: own
        ? {
            units: own.figures.orgCoverageRate.denominator,
            orgCoverageRate: own.figures.orgCoverageRate,
            workCoverageRate: own.figures.workCoverageRate,
            shouldEstablish: own.figures.shouldEstablish,
            uncovered: own.figures.uncovered,
            orgsByStatus: own.figures.orgsByStatus,
          }
        : null,
      departments: { published, layers: summarizeMatches(matches) },
      mergeIssues: run && issues ? { runId: run.id, total: issues.total, byKind: issues.byKind } : null,
    }
  }

  /**
   * A published unified grid as a place: where it lies, households against its community's norm, its
   * 网格长 and workers (of the department grids it was made of) against the norm, the population points
   * and centre coverage inside it, the party organizations and units in it (as the coverage figures
   * assign them), the department grids whose best match it is (IoU), and the merge issues touching it.
   */
  async grid(code: string, principal: Principal | undefined): Promise<GridPlace> {
    const grid = await this.gridOf(code, principal)
    const held = principal ? regionPrefixOf(principal.scope) : null
    const scope: RegionScope = { regionPrefix: held ?? undefined }
    const { party } = this.capabilities
    const [norms, staff, centres, partyCoverage, matches, run] = await Promise.all([
      findHouseholdNorms(this.db, [grid.communityCode]),
      findGridStaff(this.db, grid.id),
      this.centreCoverage(grid.communityCode, scope),
      party.getCoverage({ region: grid.communityCode }, scope),
      this.departmentMatches(grid.communityCode),
      this.issueRun(),
    ])
    const norm = norms.get(grid.communityCode) ?? null
    const issues = run ? await findGridIssues(this.db, run.id, grid.id) : []
    const byKind: Record<string, number> = {}
    for (const issue of issues) byKind[issue.kind] = (byKind[issue.kind] ?? 0) + 1
    const chief = staff.find((p) => p.role === 'chief')?.name ?? null
    const count = (role: string) => staff.filter((p) => p.role === role).length
    const fullTime = count('full_time')
    const coverage = centres.unifiedGrids.find((g) => g.code === grid.code)
    const own = partyCoverage.rows.find((r) => r.level === 'grid' && r.code === grid.code && !r.remainder)
    return {
      code: grid.code,
      name: `${grid.communityName}第${grid.code.slice(-3)}网格`,
      community: { code: grid.communityCode, name: grid.communityName },
      street: { code: grid.streetCode, name: grid.streetName },
      bbox: grid.bbox,
      geometry: JSON.parse(grid.geojson),
      areaKm2: round(grid.areaM2 / 1e6, 4),
      households: {
        count: grid.households,
        normMin: norm?.min ?? null,
        normMax: norm?.max ?? null,
        outsideNorm: !!norm && (grid.households < norm.min || grid.households > norm.max),
      },
      staff: {
        chief: chief === null || maySeePersonalData(principal, grid.communityCode) ? chief : maskPersonal(chief),
        chiefs: count('chief'),
        fullTime,
        partTime: count('part_time'),
        instructors: count('instructor'),
        fullTimeNorm: FULL_TIME_NORM,
        understaffed: fullTime < FULL_TIME_NORM,
      },
      population: { points: grid.points, residents: grid.pointResidents, households: grid.pointHouseholds },
      centreCoverage: {
        residents: coverage?.residents ?? 0,
        covered: coverage?.covered ?? 0,
        uncovered: coverage?.uncovered ?? 0,
        coveredMoreThanOnce: coverage?.coveredMoreThanOnce ?? 0,
        coveredShare: coverage?.coveredShare ?? 0,
      },
      partyCoverage: own
        ? {
            units: own.figures.orgCoverageRate.denominator,
            orgCoverageRate: own.figures.orgCoverageRate,
            workCoverageRate: own.figures.workCoverageRate,
            shouldEstablish: own.figures.shouldEstablish,
            uncovered: own.figures.uncovered,
            orgsByStatus: own.figures.orgsByStatus,
          }
        : null,
      departments: { published: true, layers: summarizeMatches(matches.filter((m) => m.unifiedCode === grid.code)) },
      mergeIssues: run ? { runId: run.id, total: issues.length, byKind } : null,
    }
  }

  async list(
    code: string,
    list: PlaceListName,
    query: PlaceListQuery,
    principal: Principal | undefined,
  ): Promise<PlaceList> {
    if (code.length === 15) return this.gridList(code, list, query, principal)
    const place = await this.placeOf(code, principal)
    const base = { list, code: place.code, title: titles[list] }
    if (list === 'party_orgs' || list === 'units') return this.partyList(base, place.prefix, query)
    if (list === 'department_grids') {
      const rows = (await this.departmentMatches(place.prefix)).filter(
        (r) => query.department === undefined || r.department === query.department,
      )
      return this.departmentList(base, rows, place.scope)
    }
    if (list === 'merge_issues') {
      const run = await this.issueRun()
      const found = run
        ? await this.capabilities.merge.listIssues(
            run.id,
            { region: place.code, kind: query.kind, limit: PLACE_LIST_LIMIT },
            place.scope,
          )
        : { total: 0, issues: [] }
      const names = await this.communityNames(place.scope)
      return {
        ...base,
        columns: [
          text('kind', '问题类型'),
          text('community', '社区'),
          text('department', '部门'),
          number('areaM2', '面积（平方米）'),
          number('grids', '涉及网格数'),
          text('note', '说明'),
        ],
        rows: found.issues.map((issue) => ({
          cells: [
            issueKinds[issue.kind] ?? issue.kind,
            issue.communityCode ? (names.get(issue.communityCode) ?? issue.communityCode) : null,
            issue.department,
            Math.round(issue.areaM2),
            issue.gridIds.length,
            issue.note,
          ],
          bbox: issue.bbox,
        })),
        total: found.total,
        truncated: found.total > found.issues.length,
      }
    }
    if (list === 'uncovered_residents') {
      const found = await this.capabilities.siting.uncoveredCells(
        { region: place.code, cellM: UNCOVERED_CELL_M, limit: UNCOVERED_CELL_LIMIT },
        place.scope,
      )
      return {
        ...base,
        title: `${base.title}（${UNCOVERED_CELL_M}米格）`,
        columns: [
          number('lon', '经度'),
          number('lat', '纬度'),
          number('residents', '未覆盖居民数'),
          number('households', '户数'),
          number('points', '人口点数'),
        ],
        rows: found.cells.map((c) => ({
          cells: [c.lon, c.lat, Math.round(c.residents), Math.round(c.households), c.points],
          bbox: c.bbox,
        })),
        total: found.cellCount,
        truncated: found.truncated,
      }
    }
    const units = await this.capabilities.party.findShouldEstablish({
      regionPrefix: place.prefix,
      limit: PLACE_LIST_LIMIT,
      offset: 0,
    })
    return {
      ...base,
      ...unitTable(units),
      total: units[0]?.total ?? 0,
      truncated: (units[0]?.total ?? 0) > units.length,
    }
  }

  private async departmentList(
    base: Pick<PlaceList, 'list' | 'code' | 'title'>,
    rows: DepartmentMatchRow[],
    scope: RegionScope,
  ): Promise<PlaceList> {
    return {
      ...base,
      columns: [
        text('department', '部门'),
        text('code', '网格编码'),
        text('name', '网格名称'),
        text('community', '社区'),
        number('areaM2', '面积（平方米）'),
        text('unifiedCode', '最匹配的全科网格'),
        share('share', '落在该全科网格内的面积占比'),
        share('iou', '交并比（IoU）'),
      ],
      rows: (await this.withCommunityNames(rows, scope)).slice(0, PLACE_LIST_LIMIT).map(({ row, community }) => ({
        cells: [
          row.departmentName,
          row.code,
          row.name,
          community,
          Math.round(row.areaM2),
          row.unifiedCode,
          round(row.share, 4),
          round(row.iou, 4),
        ],
        bbox: row.bbox,
      })),
      total: rows.length,
      truncated: rows.length > PLACE_LIST_LIMIT,
    }
  }

  /** The organizations of a place (of one status) or its units (by coverage): the items behind the party figures. */
  private async partyList(
    base: Pick<PlaceList, 'list' | 'code' | 'title'>,
    prefix: string,
    query: PlaceListQuery,
    grid?: string,
  ): Promise<PlaceList> {
    if (base.list === 'party_orgs') {
      const orgs = await findPlaceOrgs(this.db, { prefix, status: query.status, grid, limit: PLACE_LIST_LIMIT })
      const total = orgs[0]?.total ?? 0
      return {
        ...base,
        title: query.status ? `${base.title}（${orgStatuses[query.status]}）` : base.title,
        columns: [
          text('code', '党组织编码'),
          text('name', '党组织名称'),
          text('tier', '层级'),
          text('status', '状态'),
          number('memberCount', '党员数'),
          number('stars', '星级'),
          text('street', '街道'),
          text('community', '社区'),
        ],
        rows: orgs.map((o) => ({
          cells: [
            o.code,
            o.name,
            orgTiers[o.tier] ?? o.tier,
            orgStatuses[o.status] ?? o.status,
            o.memberCount,
            o.starRating,
            o.streetName,
            o.communityName,
          ],
          bbox: o.bbox,
        })),
        total,
        truncated: total > orgs.length,
      }
    }
    const units = await findPlaceUnits(this.db, { prefix, coverage: query.coverage, grid, limit: PLACE_LIST_LIMIT })
    const total = units[0]?.total ?? 0
    return {
      ...base,
      title: query.coverage ? `${base.title}（${unitCoverages[query.coverage]}）` : base.title,
      ...unitTable(units),
      total,
      truncated: total > units.length,
    }
  }

  /** The lists of a unified grid: its department grids, the merge issues touching it, its organizations and units. */
  private async gridList(
    code: string,
    list: PlaceListName,
    query: PlaceListQuery,
    principal: Principal | undefined,
  ): Promise<PlaceList> {
    if (!gridLists.includes(list))
      throw new InvalidInputError(
        `全科网格没有列表 ${list}（字段 list，可选 ${gridLists.join('、')}） / a unified grid has no list ${list} (field list: one of ${gridLists.join(', ')})`,
        [{ field: 'list' }],
      )
    const grid = await this.gridOf(code, principal)
    const held = principal ? regionPrefixOf(principal.scope) : null
    const scope: RegionScope = { regionPrefix: held ?? undefined }
    const base = { list, code: grid.code, title: titles[list] }
    if (list === 'party_orgs' || list === 'units') return this.partyList(base, grid.communityCode, query, grid.code)
    if (list === 'department_grids') {
      const rows = (await this.departmentMatches(grid.communityCode)).filter(
        (r) => r.unifiedCode === grid.code && (query.department === undefined || r.department === query.department),
      )
      return this.departmentList(base, rows, scope)
    }
    const run = await this.issueRun()
    const issues = (run ? await findGridIssues(this.db, run.id, grid.id) : []).filter(
      (i) => query.kind === undefined || i.kind === query.kind,
    )
    return {
      ...base,
      columns: [
        text('kind', '问题类型'),
        text('community', '社区'),
        text('department', '部门'),
        number('areaM2', '面积（平方米）'),
        number('grids', '涉及网格数'),
        text('note', '说明'),
      ],
      rows: issues.slice(0, PLACE_LIST_LIMIT).map((issue) => ({
        cells: [
          issueKinds[issue.kind] ?? issue.kind,
          grid.communityName,
          issue.department,
          Math.round(issue.areaM2),
          issue.grids,
          issue.note,
        ],
        bbox: issue.bbox,
      })),
      total: issues.length,
      truncated: issues.length > PLACE_LIST_LIMIT,
    }
  }

  /** A list as a table with its Chinese headers, for CSV and XLSX. */
  async table(
    code: string,
    list: PlaceListName,
    query: PlaceListQuery,
    principal: Principal | undefined,
  ): Promise<Table & { code: string }> {
    const found = await this.list(code, list, query, principal)
    return {
      code: found.code,
      title: found.title,
      headers: found.columns.map((c) => c.header),
      rows: found.rows.map((r) => r.cells),
    }
  }

  private async communityNames(scope: RegionScope): Promise<Map<string, string>> {
    const regions = await findRegions(this.db, { level: 'community' }, scope)
    return new Map(regions.map((r) => [r.code, r.name]))
  }

  private async withCommunityNames(rows: DepartmentMatchRow[], scope: RegionScope) {
    const names = await this.communityNames(scope)
    return rows.map((row) => ({
      row,
      community: row.communityCode ? (names.get(row.communityCode) ?? row.communityCode) : null,
    }))
  }
}

/** Per department: grids, area, the area share matching one unified grid, mean IoU, well matched. */
export function summarizeMatches(rows: readonly DepartmentMatchRow[]): PlaceFigures['departments']['layers'] {
  const byDepartment = new Map<string, DepartmentMatchRow[]>()
  for (const row of rows) {
    const own = byDepartment.get(row.department)
    if (own) own.push(row)
    else byDepartment.set(row.department, [row])
  }
  return [...byDepartment.entries()].map(([department, own]) => {
    const area = own.reduce((sum, r) => sum + r.areaM2, 0)
    const matched = own.reduce((sum, r) => sum + r.areaM2 * r.share, 0)
    return {
      department,
      name: own[0].departmentName,
      grids: own.length,
      areaKm2: round(area / 1e6, 3),
      matchedShare: area > 0 ? Math.min(1, round(matched / area, 4)) : 0,
      meanIou: Math.min(1, round(own.reduce((sum, r) => sum + r.iou, 0) / own.length, 4)),
      wellMatched: own.filter((r) => r.share >= WELL_MATCHED).length,
    }
  })
}
