// A published unified grid (a 15-digit code) as a place: its figures (GET /api/unified-grids/:code)
// and its lists (its department grids, the merge issues touching it, its organizations and units).
// PlaceService builds it and hands it what both kinds of place share: the department overlay and the
// run whose issues are shown.
import type { Kysely } from 'kysely'
import type { DepartmentMatchRow, UnifiedGridPlaceRow } from '../../db/repositories/place.repository.ts'
import { findGridIssues, findUnifiedGridPlace } from '../../db/repositories/place.repository.ts'
import { findHouseholdNorms } from '../../db/repositories/regions.repository.ts'
import { findGridStaff } from '../../db/repositories/service-maps.repository.ts'
import { maskPersonal } from '../../db/mask.ts'
import type { RegionScope } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import { LocalizedInputError, NotFoundError } from '../../errors.ts'
import type { GridPlace, PlaceList, PlaceListName, PlaceListQuery } from '../../schemas/place.schema.ts'
import { type Principal, maySeePersonalData, regionPrefixOf } from '../auth/roles.ts'
import type { PartyService } from '../party/party.service.ts'
import type { Coverage } from '../siting/siting.service.ts'
import { centreFiguresOf, partyFiguresOf, summarizeMatches } from './place-figures.ts'
import { type Language, PLACE_LIST_LIMIT, departmentList, issueTable, partyList, round, titles } from './place-lists.ts'

/** The lists a unified grid has (the others are of regions: cells of uncovered residents, 应建未建 by region). */
const gridLists: readonly PlaceListName[] = ['department_grids', 'merge_issues', 'party_orgs', 'units']
/** Full-time workers (专职网格员) a grid should have at least: one a grid. */
const FULL_TIME_NORM = 1

/** What a grid shares with the regions' places (PlaceService keeps them). */
export interface GridPlaceSources {
  party: PartyService
  /** the centre coverage of a region (and its grids) */
  centreCoverage(code: string, scope: RegionScope): Promise<Coverage>
  /** the department grids of communities under a prefix against the published unified grids */
  departmentMatches(prefix: string): Promise<DepartmentMatchRow[]>
  /** the run whose merge issues a place shows: the published one, else the latest that succeeded */
  issueRun(): Promise<{ id: number } | undefined>
}

export class GridPlaceService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly sources: GridPlaceSources,
  ) {}

  /** A published unified grid the caller may see (its community in their scope), else not found. */
  private async gridOf(code: string, principal: Principal | undefined): Promise<UnifiedGridPlaceRow> {
    const held = principal ? regionPrefixOf(principal.scope) : null
    const grid = await findUnifiedGridPlace(this.db, code, held)
    if (!grid)
      throw new NotFoundError({
        'zh-CN': `没有已发布的全科网格 ${code}，或不在可查看范围内`,
        en: `No published unified grid ${code} in your scope`,
      })
    return grid
  }

  /**
   * A published unified grid as a place: where it lies, households against its community's norm, its
   * 网格长 and workers (of the department grids it was made of) against the norm, the population points
   * and centre coverage inside it, the party organizations and units in it (as the coverage figures
   * assign them), the department grids whose best match it is (IoU), and the merge issues touching it.
   */
  async grid(code: string, principal: Principal | undefined, language: Language): Promise<GridPlace> {
    const grid = await this.gridOf(code, principal)
    const held = principal ? regionPrefixOf(principal.scope) : null
    const scope: RegionScope = { regionPrefix: held ?? undefined }
    const { party } = this.sources
    const [norms, staff, centres, partyCoverage, matches, run] = await Promise.all([
      findHouseholdNorms(this.db, [grid.communityCode]),
      findGridStaff(this.db, grid.id),
      this.sources.centreCoverage(grid.communityCode, scope),
      party.getCoverage({ region: grid.communityCode }, scope),
      this.sources.departmentMatches(grid.communityCode),
      this.sources.issueRun(),
    ])
    const norm = norms.get(grid.communityCode) ?? null
    const issues = run ? await findGridIssues(this.db, run.id, grid.id) : []
    const byKind: Record<string, number> = {}
    for (const issue of issues) byKind[issue.kind] = (byKind[issue.kind] ?? 0) + 1
    const chief = staff.find((p) => p.role === 'chief')?.name ?? null
    const count = (role: string) => staff.filter((p) => p.role === role).length
    const fullTime = count('full_time')
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
      centreCoverage: centreFiguresOf(centres.unifiedGrids.find((g) => g.code === grid.code)),
      partyCoverage: partyFiguresOf(
        partyCoverage.rows.find((r) => r.level === 'grid' && r.code === grid.code && !r.remainder),
      ),
      departments: {
        published: true,
        layers: summarizeMatches(
          matches.filter((m) => m.unifiedCode === grid.code),
          language,
        ),
      },
      mergeIssues: run ? { runId: run.id, total: issues.length, byKind } : null,
    }
  }

  /** The lists of a unified grid: its department grids, the merge issues touching it, its organizations and units. */
  async list(
    code: string,
    list: PlaceListName,
    query: PlaceListQuery,
    principal: Principal | undefined,
    language: Language,
  ): Promise<PlaceList> {
    if (!gridLists.includes(list))
      throw new LocalizedInputError(
        {
          'zh-CN': `全科网格没有列表 ${list}（字段 list，可选 ${gridLists.join('、')}）`,
          en: `A unified grid has no list ${list} (field list: one of ${gridLists.join(', ')})`,
        },
        [{ field: 'list' }],
      )
    const grid = await this.gridOf(code, principal)
    const held = principal ? regionPrefixOf(principal.scope) : null
    const scope: RegionScope = { regionPrefix: held ?? undefined }
    const base = { list, code: grid.code, title: titles[list] }
    if (list === 'party_orgs' || list === 'units') return partyList(this.db, base, grid.communityCode, query, grid.code)
    if (list === 'department_grids') {
      const rows = (await this.sources.departmentMatches(grid.communityCode)).filter(
        (r) => r.unifiedCode === grid.code && (query.department === undefined || r.department === query.department),
      )
      return departmentList(this.db, base, rows, scope, language)
    }
    const run = await this.sources.issueRun()
    const issues = (run ? await findGridIssues(this.db, run.id, grid.id) : []).filter(
      (i) => query.kind === undefined || i.kind === query.kind,
    )
    return {
      ...base,
      ...issueTable(
        issues.slice(0, PLACE_LIST_LIMIT).map((issue) => ({ ...issue, community: grid.communityName })),
        language,
      ),
      total: issues.length,
      truncated: issues.length > PLACE_LIST_LIMIT,
    }
  }
}
