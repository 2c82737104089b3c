// The region tree and each region's figures, in the caller's scope.
import type { Kysely } from 'kysely'
import {
  type RegionGridRow,
  findHouseholdNorms,
  findRegion,
  findRegionFigures,
  findRegionGrids,
  findRegions,
} from '../../db/repositories/regions.repository.ts'
import { type RegionScope, regionCodePrefix } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import { NotFoundError } from '../../errors.ts'
import type {
  RegionDetail,
  RegionGrid,
  RegionGridFigures,
  RegionGridList,
  RegionGridsQuery,
  RegionList,
  RegionQuery,
} from '../../schemas/regions.schema.ts'
import { maskPersonal } from '../../db/mask.ts'
import { type Principal, maySeePersonalData, regionPrefixOf } from '../auth/roles.ts'
import type { Table } from '../../types/table.ts'
import type { LocalizedText } from '../../errors.ts'
import { departmentName } from '../merge/merge-vocabulary.ts'

/** Grids by households in steps of this many, the last bin open-ended. */
const HISTOGRAM_STEP = 100
const HISTOGRAM_BINS = 9

/** What a list names, and whether a grid is on it. */
const lists: Record<NonNullable<RegionGridsQuery['list']>, (grid: RegionGrid) => boolean> = {
  all: () => true,
  outside_norm: (g) => g.outsideNorm,
  without_chief: (g) => g.fullTimeWorkers !== null && g.chiefName === null,
  // fewer workers than the norm: every grid has at least one full-time 网格员 (专职网格员)
  understaffed: (g) => g.fullTimeWorkers !== null && g.fullTimeWorkers < 1,
}

const listTitles: Record<NonNullable<RegionGridsQuery['list']>, string> = {
  all: '网格',
  outside_norm: '户数超出标准的网格',
  without_chief: '无网格长的网格',
  understaffed: '无专职网格员的网格',
}

export class RegionService {
  constructor(private readonly db: Kysely<Tables>) {}

  async listRegions(query: RegionQuery, scope: RegionScope = {}): Promise<RegionList> {
    return { regions: await findRegions(this.db, query, scope) }
  }

  /**
   * The grids of a region as the caller may see them: the region's code prefix narrowed to the
   * caller's scope, each grid with its household norm and whether it lies outside it.
   */
  private async gridsOf(code: string, principal: Principal | undefined): Promise<RegionGrid[]> {
    const region = await findRegion(this.db, code)
    if (!region) throw new NotFoundError({ 'zh-CN': `没有编码为 ${code} 的区划`, en: `No region has the code ${code}` })
    const own = regionCodePrefix(code, region.level)
    const scope = principal ? regionPrefixOf(principal.scope) : null
    let prefix = own
    if (scope && scope.startsWith(own)) prefix = scope
    else if (scope && !own.startsWith(scope))
      throw new NotFoundError({ 'zh-CN': `区划 ${code} 不在可查看范围内`, en: `No region ${code} in your scope` })
    const rows = await findRegionGrids(this.db, prefix)
    const norms = await findHouseholdNorms(this.db, [
      ...new Set(rows.flatMap((r) => (r.communityCode ? [r.communityCode] : []))),
    ])
    return rows.map((row: RegionGridRow) => {
      const norm = row.communityCode ? norms.get(row.communityCode) : null
      const outsideNorm = !!norm && row.households !== null && (row.households < norm.min || row.households > norm.max)
      const chiefName =
        row.chiefName === null || maySeePersonalData(principal, row.communityCode)
          ? row.chiefName
          : maskPersonal(row.chiefName)
      return { ...row, chiefName, normMin: norm?.min ?? null, normMax: norm?.max ?? null, outsideNorm }
    })
  }

  /** Per layer: grids, households, outside the norm, without a chief, understaffed, and a histogram. */
  async describeGrids(code: string, principal: Principal | undefined): Promise<RegionGridFigures> {
    const grids = await this.gridsOf(code, principal)
    const layers = [...new Set(grids.map((g) => g.layer))].sort((a, b) =>
      a === 'unified' ? -1 : b === 'unified' ? 1 : a.localeCompare(b),
    )
    return {
      code,
      layers: layers.map((layer) => {
        const own = grids.filter((g) => g.layer === layer)
        const staffed = layer !== 'unified'
        return {
          layer,
          grids: own.length,
          households: own.reduce((sum, g) => sum + (g.households ?? 0), 0),
          outsideNorm: own.filter(lists.outside_norm).length,
          withoutChief: staffed ? own.filter(lists.without_chief).length : null,
          understaffed: staffed ? own.filter(lists.understaffed).length : null,
          histogram: Array.from({ length: HISTOGRAM_BINS }, (_, i) => {
            const from = i * HISTOGRAM_STEP
            const to = i === HISTOGRAM_BINS - 1 ? null : from + HISTOGRAM_STEP
            const count = own.filter(
              (g) => g.households !== null && g.households >= from && (to === null || g.households < to),
            ).length
            return { from, to, grids: count }
          }),
        }
      }),
    }
  }

  async listGrids(code: string, query: RegionGridsQuery, principal: Principal | undefined): Promise<RegionGridList> {
    const keep = lists[query.list ?? 'all']
    const grids = (await this.gridsOf(code, principal)).filter(
      (g) => (query.layer === undefined || g.layer === query.layer) && keep(g),
    )
    return { grids }
  }

  /**
   * A list as a table with Chinese headers, for CSV and XLSX: each grid's layer by name (a department's
   * in `language`), its code (`unified` or the department's) in a column of its own, last.
   */
  async tableOfGrids(
    code: string,
    query: RegionGridsQuery,
    principal: Principal | undefined,
    language: keyof LocalizedText = 'zh-CN',
  ): Promise<Table> {
    const { grids } = await this.listGrids(code, query, principal)
    const unified = language === 'en' ? 'Unified grid' : '全科网格'
    return {
      title: listTitles[query.list ?? 'all'],
      headers: [
        '图层',
        '网格编码',
        '网格名称',
        '街道',
        '社区',
        '户数',
        '户数标准下限',
        '户数标准上限',
        '超出标准',
        '网格长',
        '专职网格员',
        '图层编码',
      ],
      rows: grids.map((g) => [
        g.layer === 'unified' ? unified : departmentName(g.layer, language),
        g.code,
        g.name,
        g.streetName,
        g.communityName,
        g.households,
        g.normMin,
        g.normMax,
        g.outsideNorm,
        g.chiefName,
        g.fullTimeWorkers,
        g.layer,
      ]),
    }
  }

  /** A region outside the scope is not found (404, as if it did not exist). Its figures are its own rows: in the scope. */
  async describeRegion(code: string, scope: RegionScope = {}): Promise<RegionDetail> {
    const region = await findRegion(this.db, code, scope)
    if (!region) throw new NotFoundError({ 'zh-CN': `没有编码为 ${code} 的区划`, en: `No region has the code ${code}` })
    const { children, areaKm2, grids, ...figures } = await findRegionFigures(this.db, code, region.level)
    return { ...region, children, areaKm2, figures: { ...figures, grids } }
  }
}
