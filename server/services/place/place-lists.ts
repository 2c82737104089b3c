// The lists behind a place's figures (of a region or of a published unified grid) as tables: their
// Chinese titles, columns and cells, for the panel and for CSV and XLSX. The organizations, units and
// department grids read the same way for a region and a grid; the rest is shaped here from rows the
// place services read.
import type { Kysely } from 'kysely'
import { type DepartmentMatchRow, findPlaceOrgs, findPlaceUnits } from '../../db/repositories/place.repository.ts'
import { findRegions } from '../../db/repositories/regions.repository.ts'
import type { RegionScope } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import type { LocalizedText } from '../../errors.ts'
import type { PlaceList, PlaceListName, PlaceListQuery } from '../../schemas/place.schema.ts'
import { departmentName, mergeWordsOf } from '../merge/merge-vocabulary.ts'
import { wordsOf } from '../party/party-vocabulary.ts'

/** Uncovered residents are added up in cells of this many metres, at most this many cells listed. */
export const UNCOVERED_CELL_M = 250
export const UNCOVERED_CELL_LIMIT = 500
/** At most this many rows in any other list (and its export). */
export const PLACE_LIST_LIMIT = 1000

const coverageModes = wordsOf('coverageModes')
const issueKindNames = mergeWordsOf('issueKinds')

/** The language a list's department names are in (the request's: zh-CN, or English by Accept-Language). */
export type Language = keyof LocalizedText

export const titles: Record<PlaceListName, string> = {
  merge_issues: '多网合一问题',
  uncovered_residents: '未覆盖居民',
  should_establish: '应建未建单位',
  department_grids: '部门网格与全科网格匹配',
  party_orgs: '党组织',
  units: '单位',
}

/** the party's words (party-vocabulary.ts), as the party's own exports write them */
const orgStatuses = wordsOf('statuses')
const orgTiers = wordsOf('tiers')
const unitCoverages: Record<string, string> = { org: '组织覆盖', work: '组织覆盖或工作覆盖', none: '未覆盖' }

type Column = PlaceList['columns'][number]
type Bbox = PlaceList['rows'][number]['bbox']
/** What every list starts from: which list, of which place, under which title. */
export type ListBase = Pick<PlaceList, 'list' | 'code' | 'title'>

const text = (key: string, header: string): Column => ({ key, header, type: 'text' })
const number = (key: string, header: string): Column => ({ key, header, type: 'number' })
const share = (key: string, header: string): Column => ({ key, header, type: 'share' })

export const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits

/** A list of units: the same columns wherever units are listed (应建未建, units by coverage). */
interface UnitListRow {
  code: string
  name: string
  streetName: string | null
  communityName: string | null
  members: number
  coverage: string
  orgName: string | null
  bbox: Bbox
}
export const unitTable = (units: UnitListRow[]): Pick<PlaceList, 'columns' | 'rows'> => ({
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

/** A merge issue as listed: its community already named, and how many grids it involves. */
export interface IssueListRow {
  kind: string
  community: string | null
  department: string | null
  areaM2: number
  grids: number
  note: string | null
  bbox: Bbox
}
/** Merge issues: the same columns for a region's and a grid's (the department by name, its code last). */
export const issueTable = (issues: IssueListRow[], language: Language): Pick<PlaceList, 'columns' | 'rows'> => ({
  columns: [
    text('kind', '问题类型'),
    text('community', '社区'),
    text('department', '部门'),
    number('areaM2', '面积（平方米）'),
    number('grids', '涉及网格数'),
    text('note', '说明'),
    text('departmentCode', '部门编码'),
  ],
  rows: issues.map((issue) => ({
    cells: [
      issueKindNames[issue.kind] ?? issue.kind,
      issue.community,
      issue.department === null ? null : departmentName(issue.department, language),
      Math.round(issue.areaM2),
      issue.grids,
      issue.note,
      issue.department,
    ],
    bbox: issue.bbox,
  })),
})

/** Cells of residents no centre covers. */
export const uncoveredTable = (
  cells: { lon: number; lat: number; residents: number; households: number; points: number; bbox: Bbox }[],
): Pick<PlaceList, 'columns' | 'rows'> => ({
  columns: [
    number('lon', '经度'),
    number('lat', '纬度'),
    number('residents', '未覆盖居民数'),
    number('households', '户数'),
    number('points', '人口点数'),
  ],
  rows: cells.map((c) => ({
    cells: [c.lon, c.lat, Math.round(c.residents), Math.round(c.households), c.points],
    bbox: c.bbox,
  })),
})

/** The names of the communities in the scope, by code. */
export async function communityNames(db: Kysely<Tables>, scope: RegionScope): Promise<Map<string, string>> {
  const regions = await findRegions(db, { level: 'community' }, scope)
  return new Map(regions.map((r) => [r.code, r.name]))
}

/**
 * Department grids against their best-matching unified grid, each with its community's name and its
 * department's (in `language`; the department's code in a column of its own, last).
 */
export async function departmentList(
  db: Kysely<Tables>,
  base: ListBase,
  rows: DepartmentMatchRow[],
  scope: RegionScope,
  language: Language,
): Promise<PlaceList> {
  const names = await communityNames(db, scope)
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
      text('departmentCode', '部门编码'),
    ],
    rows: rows.slice(0, PLACE_LIST_LIMIT).map((row) => ({
      cells: [
        departmentName(row.department, language, row.departmentName),
        row.code,
        row.name,
        row.communityCode ? (names.get(row.communityCode) ?? row.communityCode) : null,
        Math.round(row.areaM2),
        row.unifiedCode,
        round(row.share, 4),
        round(row.iou, 4),
        row.department,
      ],
      bbox: row.bbox,
    })),
    total: rows.length,
    truncated: rows.length > PLACE_LIST_LIMIT,
  }
}

/**
 * The organizations of a place (of one status) or its units (by coverage): the items behind the party
 * figures, of the regions under `prefix`, or of one unified grid (`grid`).
 */
export async function partyList(
  db: Kysely<Tables>,
  base: ListBase,
  prefix: string,
  query: PlaceListQuery,
  grid?: string,
): Promise<PlaceList> {
  if (base.list === 'party_orgs') {
    const orgs = await findPlaceOrgs(db, { prefix, status: query.status, grid, limit: PLACE_LIST_LIMIT })
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
  const units = await findPlaceUnits(db, { prefix, coverage: query.coverage, grid, limit: PLACE_LIST_LIMIT })
  const total = units[0]?.total ?? 0
  return {
    ...base,
    title: query.coverage ? `${base.title}（${unitCoverages[query.coverage]}）` : base.title,
    ...unitTable(units),
    total,
    truncated: total > units.length,
  }
}
