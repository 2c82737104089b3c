// Figures a region and a published unified grid show alike: the party coverage of one row of the
// party figures, centre coverage, and the department grids summed per department.
import type { DepartmentMatchRow } from '../../db/repositories/place.repository.ts'
import type { PartyCoverage } from '../../schemas/party.schema.ts'
import type { CentreCoverage, PlaceFigures } from '../../schemas/place.schema.ts'
import type { CoverageFigures } from '../siting/siting.service.ts'
import { departmentName } from '../merge/merge-vocabulary.ts'
import { type Language, round } from './place-lists.ts'

/** A department grid is well matched when this share of its area lies in one unified grid. */
const WELL_MATCHED = 0.9

/** The party coverage of one place, from its row of the party figures (null: no row, nothing to show). */
export function partyFiguresOf(row: PartyCoverage['rows'][number] | undefined): PlaceFigures['partyCoverage'] {
  if (!row) return null
  const { orgCoverageRate, workCoverageRate, shouldEstablish, uncovered, orgsByStatus } = row.figures
  return {
    units: orgCoverageRate.denominator,
    orgCoverageRate,
    workCoverageRate,
    shouldEstablish,
    uncovered,
    orgsByStatus,
  }
}

/** Residents covered by 党群服务中心 in one place (nothing when the coverage has no figures for it). */
export function centreFiguresOf(figures: CoverageFigures | undefined): CentreCoverage {
  return {
    residents: figures?.residents ?? 0,
    covered: figures?.covered ?? 0,
    uncovered: figures?.uncovered ?? 0,
    coveredMoreThanOnce: figures?.coveredMoreThanOnce ?? 0,
    coveredShare: figures?.coveredShare ?? 0,
  }
}

/** Per department (named in `language`): grids, area, the area share matching one unified grid, mean IoU, well matched. */
export function summarizeMatches(
  rows: readonly DepartmentMatchRow[],
  language: Language,
): PlaceFigures['departments']['layers'] {
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
      name: departmentName(department, language, own[0].departmentName),
      grids: own.length,
      areaKm2: round(area / 1e6, 3),
      matchedShare: area > 0 ? Math.min(1, round(matched / area, 4)) : 0,
      meanIou: Math.min(1, round(own.reduce((sum, r) => sum + r.iou, 0) / own.length, 4)),
      wellMatched: own.filter((r) => r.share >= WELL_MATCHED).length,
    }
  })
}
