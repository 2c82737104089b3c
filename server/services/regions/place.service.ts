// The place panel's sections that other capabilities own, for one region in the caller's scope:
// residents covered by 党群服务中心 (siting), party-organization coverage (party), department grids
// against the published unified grids (PostGIS overlay here), open merge issues (merge); and the
// lists behind those figures, as rows and as tables with Chinese headers for CSV and XLSX.
import type { Kysely } from 'kysely'
import { type DepartmentMatchRow, findDepartmentMatches } from '../../db/repositories/place.repository.ts'
import { findRegion, findRegions } from '../../db/repositories/regions.repository.ts'
import { findLatestSucceededRun, findPublishedRun } from '../../db/repositories/merge-runs.repository.ts'
import { type RegionScope, regionCodePrefix } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import { NotFoundError } from '../../errors.ts'
import type { PlaceFigures, PlaceList, PlaceListName, PlaceListQuery } from '../../schemas/place.schema.ts'
import { type Principal, regionPrefixOf } from '../auth/roles.ts'
import type { MergeService } from '../merge/merge.service.ts'
import type { PartyService } from '../party/party.service.ts'
import type { Table } from '../party/party-tables.ts'
import type { SitingService } from '../siting/siting.service.ts'

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
}

type Column = PlaceList['columns'][number]
const text = (key: string, header: string): Column => ({ key, header, type: 'text' })
const number = (key: string, header: string): Column => ({ key, header, type: 'number' })
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
    const { siting, party, merge } = this.capabilities
    const [centres, partyCoverage, matches, run] = await Promise.all([
      siting.coverage({ region: place.code }, place.scope),
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

  async list(
    code: string,
    list: PlaceListName,
    query: PlaceListQuery,
    principal: Principal | undefined,
  ): Promise<PlaceList> {
    const place = await this.placeOf(code, principal)
    const base = { list, code: place.code, title: titles[list] }
    if (list === 'department_grids') {
      const rows = (await this.departmentMatches(place.prefix)).filter(
        (r) => query.department === undefined || r.department === query.department,
      )
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
        rows: (await this.withCommunityNames(rows, place.scope))
          .slice(0, PLACE_LIST_LIMIT)
          .map(({ row, community }) => ({
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
      total: units[0]?.total ?? 0,
      truncated: (units[0]?.total ?? 0) > units.length,
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
