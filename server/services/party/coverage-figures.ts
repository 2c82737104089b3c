// Coverage figures per level: cells (a region code and a grid) added up to grids, communities, streets
// and districts. Pure: every level's numbers are sums of the same cells, so they add up by construction.
import type { CoverageCellRow } from '../../db/repositories/party-coverage.repository.ts'

export type CoverageLevel = 'district' | 'street' | 'community' | 'grid'

/** The counts of one cell, without its place: what every level adds up. */
export type CoverageCounts = Omit<CoverageCellRow, 'regionCode' | 'gridCode'>

export interface Ratio {
  /** numerator / denominator (× 100 for per-100 figures); null when the denominator is 0 */
  value: number | null
  numerator: number
  denominator: number
}

export interface CoverageFigures {
  orgCoverageRate: Ratio
  workCoverageRate: Ratio
  shouldEstablish: number
  uncovered: number
  orgsByStatus: { normal: number; weak: number; rectifying: number; hollow: number }
  averageStarRating: Ratio
  membersPer100Residents: Ratio
}

export interface CoverageBucket {
  level: CoverageLevel
  /** the region's or grid's code; for a remainder bucket, the parent's code */
  code: string
  /** the parent bucket's code (null for a district) */
  parentCode: string | null
  /**
   * true for what is recorded on the parent itself and in none of its children: a street's own
   * organizations (街道本级) at community level, a community's rows outside its grids (未入格) at grid level
   */
  remainder: boolean
  counts: CoverageCounts
}

const zero = (): CoverageCounts => ({
  units: 0,
  orgCovered: 0,
  workOnly: 0,
  uncovered: 0,
  shouldEstablish: 0,
  orgsNormal: 0,
  orgsWeak: 0,
  orgsRectifying: 0,
  orgsHollow: 0,
  starSum: 0,
  starRated: 0,
  members: 0,
  residents: 0,
})

const countKeys = Object.keys(zero()) as (keyof CoverageCounts)[]

/** The district, street and community codes a region code lies under (null below its own level). */
function pathOf(regionCode: string): { district: string; street: string | null; community: string | null } {
  const district = `${regionCode.slice(0, 6)}000000`
  if (regionCode.endsWith('000000')) return { district, street: null, community: null }
  const street = `${regionCode.slice(0, 9)}000`
  if (regionCode.endsWith('000')) return { district, street, community: null }
  return { district, street, community: regionCode }
}

/** Adds the cells up at every level; remainder buckets hold what a parent has and no child does. */
export function rollUpCoverage(cells: readonly CoverageCellRow[]): CoverageBucket[] {
  const buckets = new Map<string, CoverageBucket>()
  const add = (
    level: CoverageLevel,
    code: string,
    parentCode: string | null,
    remainder: boolean,
    cell: CoverageCellRow,
  ) => {
    const key = `${level}|${code}|${remainder}`
    let bucket = buckets.get(key)
    if (!bucket) buckets.set(key, (bucket = { level, code, parentCode, remainder, counts: zero() }))
    for (const k of countKeys) bucket.counts[k] += cell[k]
  }
  for (const cell of cells) {
    const { district, street, community } = pathOf(cell.regionCode)
    add('district', district, null, false, cell)
    if (!street) {
      add('street', district, district, true, cell)
      continue
    }
    add('street', street, district, false, cell)
    if (!community) {
      add('community', street, street, true, cell)
      continue
    }
    add('community', community, street, false, cell)
    if (cell.gridCode) add('grid', cell.gridCode, community, false, cell)
    else add('grid', community, community, true, cell)
  }
  const order: Record<CoverageLevel, number> = { district: 0, street: 1, community: 2, grid: 3 }
  return [...buckets.values()].sort(
    (a, b) =>
      order[a.level] - order[b.level] || a.code.localeCompare(b.code) || Number(a.remainder) - Number(b.remainder),
  )
}

const ratio = (numerator: number, denominator: number, scale = 1): Ratio => ({
  value: denominator === 0 ? null : Math.round((numerator / denominator) * scale * 10_000) / 10_000,
  numerator,
  denominator,
})

/** The figures of one bucket; what each counts is in `coverageDefinitions`. */
export function figuresOf(c: CoverageCounts): CoverageFigures {
  return {
    orgCoverageRate: ratio(c.orgCovered, c.units),
    workCoverageRate: ratio(c.orgCovered + c.workOnly, c.units),
    shouldEstablish: c.shouldEstablish,
    uncovered: c.uncovered,
    orgsByStatus: { normal: c.orgsNormal, weak: c.orgsWeak, rectifying: c.orgsRectifying, hollow: c.orgsHollow },
    averageStarRating: ratio(c.starSum, c.starRated),
    membersPer100Residents: ratio(c.members, c.residents, 100),
  }
}

type Text = { 'zh-CN': string; en: string }

/** What each figure counts, in both languages: the legend and the header read these. */
export const coverageDefinitions: Record<
  keyof CoverageFigures,
  { counts: Text; numerator?: Text; denominator?: Text }
> = {
  orgCoverageRate: {
    counts: {
      'zh-CN': '组织覆盖率：由党组织覆盖（单独建、联合建、挂靠建）的单位占全部单位的比例',
      en: 'Organization coverage: share of units covered by a party organization (own, joint or affiliated)',
    },
    numerator: { 'zh-CN': '组织覆盖的单位数', en: 'units covered by an organization' },
    denominator: { 'zh-CN': '单位总数', en: 'units' },
  },
  workCoverageRate: {
    counts: {
      'zh-CN': '工作覆盖率：有组织覆盖或仅有党建指导员工作覆盖的单位占全部单位的比例（含组织覆盖）',
      en: 'Work coverage: share of units covered by an organization or, without one, by a party-building instructor (includes organization coverage)',
    },
    numerator: { 'zh-CN': '组织覆盖与仅工作覆盖的单位数', en: 'units with organization or work-only coverage' },
    denominator: { 'zh-CN': '单位总数', en: 'units' },
  },
  shouldEstablish: {
    counts: {
      'zh-CN':
        '应建未建：正式党员3人以上、但没有单独建立党组织的单位（含仅联合建、挂靠建、工作覆盖或未覆盖者）。与地图上的“未覆盖”不同：“未覆盖”是没有任何覆盖记录的单位，不论党员人数',
      en: 'Should establish (应建未建): units with 3 or more formal party members and no organization of their own (including those covered only jointly, by affiliation, by work coverage, or not at all). Unlike the map’s “uncovered”, which counts units with no coverage record of any kind, whatever their members',
    },
  },
  uncovered: {
    counts: {
      'zh-CN': '未覆盖：既无党组织覆盖也无工作覆盖的单位（不论党员人数；其中正式党员3人以上者也计入应建未建）',
      en: 'Uncovered (未覆盖): units with neither organization nor work coverage, whatever their members (those with 3 or more formal members also count as should-establish)',
    },
  },
  orgsByStatus: {
    counts: {
      'zh-CN': '党组织按状态计数：正常、软弱涣散、整顿中、空壳',
      en: 'Organizations by status: normal, weak and lax, under rectification, hollow',
    },
  },
  averageStarRating: {
    counts: { 'zh-CN': '平均星级：已评星党组织的星级平均值', en: 'Average star rating of the rated organizations' },
    numerator: { 'zh-CN': '星级之和', en: 'sum of stars' },
    denominator: { 'zh-CN': '已评星的党组织数', en: 'rated organizations' },
  },
  membersPer100Residents: {
    counts: {
      'zh-CN': '每百名居民党员数：党员数（只计没有下级组织的党组织，避免重复）÷ 常住人口 × 100',
      en: 'Party members per 100 residents: members of organizations with no sub-organizations (so no member counts twice) ÷ residents × 100',
    },
    numerator: { 'zh-CN': '党员数', en: 'party members' },
    denominator: { 'zh-CN': '居民数（人口点）', en: 'residents (population points)' },
  },
}
