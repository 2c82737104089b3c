// The place panel's sections that other capabilities own, for one region in the caller's scope:
// residents covered by 党群服务中心 (siting), party-organization coverage (party), department grids
// against the published unified grids (PostGIS overlay here), open merge issues (merge); and the
// lists behind those figures (place-lists.ts: rows, and tables with Chinese headers for CSV and XLSX).
// A published unified grid is a place too (a 15-digit code): grid-place.service.ts, built here.
import type { Kysely } from 'kysely'
import {
  type DepartmentMatchRow,
  findDepartmentMatches,
  readPlaceCoverageVersion,
} from '../../db/repositories/place.repository.ts'
import { findRegion } from '../../db/repositories/regions.repository.ts'
import { findLatestSucceededRun, findPublishedRun } from '../../db/repositories/merge-runs.repository.ts'
import { type RegionScope, regionCodePrefix } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import { NotFoundError } from '../../errors.ts'
import type { GridPlace, PlaceFigures, PlaceList, PlaceListName, PlaceListQuery } from '../../schemas/place.schema.ts'
import { type Principal, regionPrefixOf } from '../auth/roles.ts'
import type { MergeService } from '../merge/merge.service.ts'
import type { PartyService } from '../party/party.service.ts'
import type { Table } from '../../types/table.ts'
import type { Coverage, SitingService } from '../siting/siting.service.ts'
import { GridPlaceService } from './grid-place.service.ts'
import { centreFiguresOf, partyFiguresOf, summarizeMatches } from './place-figures.ts'
import {
  type Language,
  PLACE_LIST_LIMIT,
  UNCOVERED_CELL_LIMIT,
  UNCOVERED_CELL_M,
  communityNames,
  departmentList,
  issueTable,
  partyList,
  titles,
  uncoveredTable,
  unitTable,
} from './place-lists.ts'

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

  /** A published unified grid as a place, sharing this service's overlay and centre coverage. */
  private readonly grids: GridPlaceService

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly capabilities: { siting: SitingService; party: PartyService; merge: MergeService },
  ) {
    this.grids = new GridPlaceService(db, {
      party: capabilities.party,
      centreCoverage: (code, scope) => this.centreCoverage(code, scope),
      departmentMatches: (prefix) => this.departmentMatches(prefix),
      issueRun: () => this.issueRun(),
    })
  }

  /**
   * The place the caller may see of `code`: the region itself, or, for a caller scoped inside it (a
   * street official on the district), the caller's own region. Outside the scope: not found.
   */
  private async placeOf(code: string, principal: Principal | undefined) {
    const region = await findRegion(this.db, code)
    if (!region) throw new NotFoundError({ 'zh-CN': `没有区划 ${code}`, en: `No region ${code}` })
    const own = regionCodePrefix(code, region.level)
    const held = principal ? regionPrefixOf(principal.scope) : null
    if (!held || own.startsWith(held)) return { code, prefix: own, scope: { regionPrefix: held ?? undefined } }
    if (!held.startsWith(own))
      throw new NotFoundError({ 'zh-CN': `区划 ${code} 不在可查看范围内`, en: `Region ${code} is outside your scope` })
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

  /** A region's figures, its departments named in `language`. */
  async figures(code: string, principal: Principal | undefined, language: Language = 'zh-CN'): Promise<PlaceFigures> {
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
    return {
      code: place.code,
      centreCoverage: centreFiguresOf(centres.totals),
      partyCoverage: partyFiguresOf(own),
      departments: { published, layers: summarizeMatches(matches, language) },
      mergeIssues: run && issues ? { runId: run.id, total: issues.total, byKind: issues.byKind } : null,
    }
  }

  /** A published unified grid as a place (grid-place.service.ts). */
  grid(code: string, principal: Principal | undefined, language: Language = 'zh-CN'): Promise<GridPlace> {
    return this.grids.grid(code, principal, language)
  }

  async list(
    code: string,
    list: PlaceListName,
    query: PlaceListQuery,
    principal: Principal | undefined,
    language: Language = 'zh-CN',
  ): Promise<PlaceList> {
    if (code.length === 15) return this.grids.list(code, list, query, principal, language)
    const place = await this.placeOf(code, principal)
    const base = { list, code: place.code, title: titles[list] }
    if (list === 'party_orgs' || list === 'units') return partyList(this.db, base, place.prefix, query)
    if (list === 'department_grids') {
      const rows = (await this.departmentMatches(place.prefix)).filter(
        (r) => query.department === undefined || r.department === query.department,
      )
      return departmentList(this.db, base, rows, place.scope, language)
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
      const names = await communityNames(this.db, place.scope)
      const rows = found.issues.map((issue) => ({
        ...issue,
        community: issue.communityCode ? (names.get(issue.communityCode) ?? issue.communityCode) : null,
        grids: issue.gridIds.length,
      }))
      return {
        ...base,
        ...issueTable(rows, language),
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
        ...uncoveredTable(found.cells),
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

  /** A list as a table with its Chinese headers, for CSV and XLSX (departments named in `language`). */
  async table(
    code: string,
    list: PlaceListName,
    query: PlaceListQuery,
    principal: Principal | undefined,
    language: Language = 'zh-CN',
  ): Promise<Table & { code: string }> {
    const found = await this.list(code, list, query, principal, language)
    return {
      code: found.code,
      title: found.title,
      headers: found.columns.map((c) => c.header),
      rows: found.rows.map((r) => r.cells),
    }
  }
}
