// What a list shows, whatever it lists: its title, columns, rows (each zoomed to by its bbox) and its
// export. One list component (ItemList.svelte) shows any of these: the grids behind a grid figure, and
// the merge issues, uncovered residents, 应建未建 units and department grids behind a place figure.
import { fetchGridList, fetchPlaceList, gridExportUrl, placeExportUrl } from '../../lib/api/regions.ts'
import type { PlaceListName, PlaceListQuery, RegionGridsQuery } from '../../lib/api/types.ts'
import { t } from '../../lib/i18n/index.ts'

export type Cell = string | number | boolean | null

export interface ListColumn {
  key: string
  label: string
  type: 'text' | 'number' | 'share'
}

export interface ListRow {
  cells: Cell[]
  bbox: [number, number, number, number] | null
  /** shown in red (a grid outside the norm) */
  flagged?: boolean
}

export interface ListSource {
  /** what the list is of, for comparing two sources */
  key: string
  title: string
  load: (signal: AbortSignal) => Promise<{ columns: ListColumn[]; rows: ListRow[]; total: number; truncated: boolean }>
  exportUrl: (format: 'csv' | 'xlsx') => string
}

const gridColumns = ['code', 'name', 'communityName', 'households', 'chiefName'] as const

/** The grids behind a grid figure. */
export function gridSource(code: string, query: RegionGridsQuery, title: string): ListSource {
  return {
    key: `grids:${code}:${JSON.stringify(query)}`,
    title,
    load: async (signal) => {
      const { grids } = await fetchGridList(code, query, signal)
      return {
        columns: gridColumns.map((key) => ({
          key,
          label: t.figures.columns[key],
          type: key === 'households' ? 'number' : 'text',
        })),
        rows: grids.map((g) => ({
          cells: gridColumns.map((key) => g[key] ?? null),
          bbox: g.bbox,
          flagged: g.outsideNorm,
        })),
        total: grids.length,
        truncated: false,
      }
    },
    exportUrl: (format) => gridExportUrl(code, query, format),
  }
}

/** Columns the exports carry for machines (a department's code beside its name): not shown in the panel. */
const machineColumns = new Set(['departmentCode'])

/** The items behind a place figure: merge issues, uncovered residents, 应建未建 units, department grids. */
export function placeListSource(code: string, list: PlaceListName, query: PlaceListQuery, title: string): ListSource {
  return {
    key: `${list}:${code}:${JSON.stringify(query)}`,
    title,
    load: async (signal) => {
      const found = await fetchPlaceList(code, list, query, signal)
      const shown = found.columns.flatMap((c, i) => (machineColumns.has(c.key) ? [] : [i]))
      return {
        columns: shown
          .map((i) => found.columns[i])
          .map((c) => ({
            key: c.key,
            label: t.placeFigures.columns[c.key] ?? c.header,
            type: c.type,
          })),
        rows: found.rows.map((row) => ({ ...row, cells: shown.map((i) => row.cells[i]) })),
        total: found.total,
        truncated: found.truncated,
      }
    },
    exportUrl: (format) => placeExportUrl(code, list, query, format),
  }
}
