// The figures a region row carries, by the name the choropleth switcher and the figures card use.
// Pure: the value of a figure on a coverage row (null: no data, e.g. a rate of no units).
import type { PartyCoverage } from '../../lib/api/types.ts'
import type { ClassMethod } from './class-breaks.ts'
import { locale } from '../../lib/i18n/locale.ts'

export type CoverageRow = PartyCoverage['rows'][number]

export const figureNames = [
  'orgCoverageRate',
  'workCoverageRate',
  'shouldEstablish',
  'uncovered',
  'orgsNormal',
  'orgsWeak',
  'orgsRectifying',
  'orgsHollow',
  'averageStarRating',
  'membersPer100Residents',
] as const
export type FigureName = (typeof figureNames)[number]

/** Rates are shares (0–1), shown as percentages. */
export const isRate = (figure: FigureName) => figure === 'orgCoverageRate' || figure === 'workCoverageRate'

export function figureValue(row: CoverageRow, figure: FigureName): number | null {
  const f = row.figures
  switch (figure) {
    case 'orgCoverageRate':
      return f.orgCoverageRate.value
    case 'workCoverageRate':
      return f.workCoverageRate.value
    case 'shouldEstablish':
      return f.shouldEstablish
    case 'uncovered':
      return f.uncovered
    case 'orgsNormal':
      return f.orgsByStatus.normal
    case 'orgsWeak':
      return f.orgsByStatus.weak
    case 'orgsRectifying':
      return f.orgsByStatus.rectifying
    case 'orgsHollow':
      return f.orgsByStatus.hollow
    case 'averageStarRating':
      return f.averageStarRating.value
    case 'membersPer100Residents':
      return f.membersPer100Residents.value
  }
}

/** A figure as people read it: rates in %, counts with thousands separators, others to 2 decimals. */
export function formatFigure(value: number | null, figure: FigureName): string {
  if (value === null) return '—'
  if (isRate(figure)) return `${(value * 100).toLocaleString(locale, { maximumFractionDigits: 1 })}%`
  return value.toLocaleString(locale, { maximumFractionDigits: 2 })
}

/** What the choropleth shows: a figure ('' = none) per street, community or grid, classed so. */
export interface ChoroplethSettings {
  figure: FigureName | ''
  level: 'street' | 'community' | 'grid'
  method: ClassMethod
  classes: number
}
