// The siting inputs' tables read into checked rows: the columns each kind carries (the headers they
// may be written under, Chinese first), the words a centre's level and status are written in, and
// one row's cells read with faults named by sheet, row and column. Files come in as CSV or XLSX
// sheets (the party registers' reader) or GeoJSON points (point-features.ts).
import type { CentreInput } from '../../db/repositories/siting-imports.repository.ts'
import type { ServiceCenterLevel, ServiceCenterStatus } from '../../db/tables.ts'
import { LocalizedInputError, type LocalizedText } from '../../errors.ts'
import { RegisterFileError, type SheetRow, readRegister } from '../party/party-registers.ts'
import { readPointFeatures } from './point-features.ts'

export type SitingInputKind = 'service_centers' | 'population'

/** A fault in a row: where (sheet or file, row as the spreadsheet numbers it, or feature), what. */
export interface SitingInputFault {
  sheet: string
  row: number
  column: string
  /** the zh-CN text (kept in the run's report); `text` has both languages */
  message: string
  text: LocalizedText
}

export interface Column {
  field: string
  headers: string[]
  required?: boolean
}

/** The columns of each table: the field, the headers it may carry (Chinese first), required or not. */
export const columns: Record<SitingInputKind, Column[]> = {
  service_centers: [
    { field: 'code', headers: ['中心编码', '编码', '服务中心编码', 'code'], required: true },
    { field: 'name', headers: ['中心名称', '名称', '服务中心名称', 'name'], required: true },
    { field: 'level', headers: ['级别', '层级', '中心级别', 'level'], required: true },
    { field: 'status', headers: ['状态', '建设状态', 'status'] },
    { field: 'floor_area_m2', headers: ['面积', '建筑面积', '使用面积', '面积（平方米）', 'floor_area_m2'] },
    { field: 'radius_m', headers: ['服务半径', '服务半径（米）', 'radius_m'] },
    { field: 'region_code', headers: ['区划代码', '所在区划代码', 'region_code'] },
    { field: 'x', headers: ['经度', 'X', 'lon', 'x'], required: true },
    { field: 'y', headers: ['纬度', 'Y', 'lat', 'y'], required: true },
  ],
  population: [
    { field: 'residents', headers: ['常住人口', '人口', '居民人数', '人数', 'residents'], required: true },
    { field: 'households', headers: ['户数', '住户数', 'households'] },
    { field: 'region_code', headers: ['区划代码', '社区编码', '所在社区编码', 'region_code'] },
    { field: 'x', headers: ['经度', 'X', 'lon', 'x'], required: true },
    { field: 'y', headers: ['纬度', 'Y', 'lat', 'y'], required: true },
  ],
}

/** Words a centre's level and status are written in, to their codes. */
const levelWords: Record<string, ServiceCenterLevel> = {
  区级: 'district',
  区县级: 'district',
  县级: 'district',
  district: 'district',
  街道级: 'street',
  乡镇级: 'street',
  '街道·乡镇级': 'street',
  街道: 'street',
  乡镇: 'street',
  street: 'street',
  社区级: 'community',
  村级: 'community',
  '社区·村级': 'community',
  社区: 'community',
  村: 'community',
  community: 'community',
  站点: 'station',
  党群服务站: 'station',
  小区: 'station',
  楼宇: 'station',
  园区: 'station',
  station: 'station',
}
const statusWords: Record<string, ServiceCenterStatus> = {
  在用: 'in_use',
  运行: 'in_use',
  in_use: 'in_use',
  新建: 'new',
  new: 'new',
  改建: 'rebuilt',
  改扩建: 'rebuilt',
  rebuilt: 'rebuilt',
  规划: 'planned',
  拟建: 'planned',
  planned: 'planned',
}

export const say = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en })

/** The rows of a table or the points of a GeoJSON file, with the file's format. */
export async function readRows(file: { name: string; data: Uint8Array }) {
  if (/\.(geo)?json$/i.test(file.name)) return { format: 'geojson' as const, ...readPointFeatures(file) }
  if (!/\.(csv|xlsx)$/i.test(file.name))
    throw new LocalizedInputError(
      say(`${file.name}：请上传 .csv、.xlsx 或 .geojson 文件`, `${file.name}: upload a .csv, .xlsx or .geojson file`),
      [{ file: file.name }],
    )
  try {
    const read = await readRegister(file)
    return { format: read.format, rows: read.rows, headers: read.headers }
  } catch (error) {
    // a workbook that cannot be read, in the register reader's words
    if (error instanceof RegisterFileError) throw new LocalizedInputError(error.text, [{ file: file.name }])
    throw error
  }
}

/** One row's cells by field, with the faults found on the way. */
export class RowCells {
  constructor(
    private readonly row: SheetRow,
    private readonly header: Record<string, string | undefined>,
    private readonly faults: SitingInputFault[],
  ) {}

  fault(field: string, text: LocalizedText) {
    const column = this.header[field] ?? field
    this.faults.push({ sheet: this.row.sheet, row: this.row.row, column, message: text['zh-CN'], text })
  }

  text(field: string): string {
    const column = this.header[field]
    return column ? (this.row.cells[column] ?? '').trim() : ''
  }

  required(field: string): string {
    const value = this.text(field)
    if (!value) this.fault(field, say('不能为空', 'must not be empty'))
    return value
  }

  number(field: string, range: { min: number; max: number; integer?: boolean; required?: boolean }): number | null {
    const raw = this.text(field).replace(/,/g, '')
    if (!raw) {
      if (range.required) this.fault(field, say('不能为空', 'must not be empty'))
      return null
    }
    const value = Number(raw)
    if (!Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
      this.fault(
        field,
        range.integer
          ? say(`“${raw}”不是整数`, `"${raw}" is not a whole number`)
          : say(`“${raw}”不是数字`, `"${raw}" is not a number`),
      )
      return null
    }
    if (value < range.min || value > range.max) {
      this.fault(
        field,
        say(
          `${value} 超出范围 ${range.min.toLocaleString('zh-CN')}–${range.max.toLocaleString('zh-CN')}`,
          `${value} is out of range ${range.min.toLocaleString('en')}–${range.max.toLocaleString('en')}`,
        ),
      )
      return null
    }
    return value
  }

  word<T extends string>(field: string, words: Record<string, T>, fallback?: T): T | null {
    const raw = this.text(field)
    if (!raw) {
      if (fallback === undefined) this.fault(field, say('不能为空', 'must not be empty'))
      return fallback ?? null
    }
    const found = words[raw] ?? words[raw.toLowerCase()]
    if (!found) {
      const known = [...new Set(Object.keys(words).filter((w) => /[\u4e00-\u9fff]/u.test(w)))].join('、')
      this.fault(field, say(`无法识别“${raw}”（可填：${known}）`, `"${raw}" is not recognised (one of: ${known})`))
    }
    return found ?? null
  }
}

/** The header each field is found under in a sheet (case-insensitive), or undefined. */
export function headerOf(kind: SitingInputKind, names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(
    columns[kind].map((c) => [
      c.field,
      names.find((h) => c.headers.some((alias) => alias.toLowerCase() === h.trim().toLowerCase())),
    ]),
  )
}

/** A centre as a row gives it: the stored centre's fields, its position still in the file's frame. */
export interface CentreRow extends Omit<CentreInput, 'lon' | 'lat'> {
  source: SheetRow
  x: number
  y: number
}

export interface PopulationRow {
  source: SheetRow
  residents: number
  households: number
  regionCode: string | null
  x: number
  y: number
}

export function readCentre(cells: RowCells, source: SheetRow): CentreRow | undefined {
  const row = {
    source,
    code: cells.required('code'),
    name: cells.required('name'),
    level: cells.word('level', levelWords),
    status: cells.word('status', statusWords, 'in_use'),
    floorAreaM2: cells.number('floor_area_m2', { min: 0, max: 1_000_000 }),
    radiusM: cells.number('radius_m', { min: 1, max: 50_000 }),
    regionCode: cells.text('region_code') || null,
    x: cells.number('x', { min: -1e8, max: 1e8, required: true }),
    y: cells.number('y', { min: -1e8, max: 1e8, required: true }),
  }
  if (!row.code || !row.name || !row.level || !row.status || row.x === null || row.y === null) return undefined
  return { ...row, level: row.level, status: row.status, x: row.x, y: row.y }
}

export function readPopulation(cells: RowCells, source: SheetRow): PopulationRow | undefined {
  const residents = cells.number('residents', { min: 0, max: 1_000_000, integer: true, required: true })
  const households = cells.number('households', { min: 0, max: 1_000_000, integer: true }) ?? 0
  const x = cells.number('x', { min: -1e8, max: 1e8, required: true })
  const y = cells.number('y', { min: -1e8, max: 1e8, required: true })
  if (residents === null || x === null || y === null) return undefined
  return { source, residents, households, regionCode: cells.text('region_code') || null, x, y }
}
