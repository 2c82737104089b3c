// Registers in: party organizations and units from the CSV and XLSX files offices keep (Chinese
// headers), read into rows of cells by sheet (this file) and then into checked records
// (party-registers-checks.ts). Every row is checked before anything is stored; a fault names
// the sheet, the row as the spreadsheet numbers it (the header is row 1) and the column.
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import type { LocalizedText } from '../../errors.ts'
import { parseCsvRows } from '../imports/import-formats-csv.ts'

export type RegisterKind = 'party_orgs' | 'units'

export interface RegisterFault {
  sheet: string
  /** the spreadsheet's row number: the header is row 1, the first record row 2 */
  row: number
  column: string
  /** what is wrong, in zh-CN (as stored); `text` has it in both languages for the response */
  message: string
  text?: LocalizedText
}

/** A fault at a place in the file, said in both languages. */
export const registerFault = (where: Omit<RegisterFault, 'message' | 'text'>, text: LocalizedText): RegisterFault => ({
  ...where,
  message: text['zh-CN'],
  text,
})

export interface SheetRow {
  sheet: string
  row: number
  cells: Record<string, string>
}

/** The columns of each register: the field, the headers it may carry (Chinese first), required or not. */
export const registerColumns: Record<RegisterKind, { field: string; headers: string[]; required?: boolean }[]> = {
  party_orgs: [
    { field: 'code', headers: ['组织编码', '党组织编码', 'code'], required: true },
    { field: 'name', headers: ['组织名称', '党组织名称', 'name'], required: true },
    { field: 'tier', headers: ['组织类别', '组织类型', 'tier'], required: true },
    { field: 'domain', headers: ['所属领域', '领域', 'domain'], required: true },
    { field: 'establishment', headers: ['组建方式', '建立方式', 'establishment'] },
    { field: 'star_rating', headers: ['星级', 'star_rating'] },
    { field: 'status', headers: ['状态', '组织状态', 'status'] },
    { field: 'member_count', headers: ['党员数', 'member_count'], required: true },
    { field: 'formal_members', headers: ['正式党员数', 'formal_members'] },
    { field: 'parent_code', headers: ['上级组织编码', 'parent_code'] },
    { field: 'region_code', headers: ['区划代码', '社区编码', '所在社区编码', 'region_code'] },
    { field: 'x', headers: ['经度', 'X', 'lon', 'x'] },
    { field: 'y', headers: ['纬度', 'Y', 'lat', 'y'] },
    { field: 'last_activity_on', headers: ['最近活动日期', 'last_activity_on'] },
    { field: 'has_branch_committee', headers: ['是否设支部委员会', '设支委会', 'has_branch_committee'] },
    { field: 'secretary_name', headers: ['书记姓名', '书记', '党组织书记', 'secretary_name'] },
    { field: 'secretary_phone', headers: ['书记电话', '书记联系电话', '联系电话', 'secretary_phone'] },
  ],
  units: [
    { field: 'code', headers: ['单位编码', '统一社会信用代码', 'code'], required: true },
    { field: 'name', headers: ['单位名称', 'name'], required: true },
    { field: 'kind', headers: ['单位类别', '单位类型', 'kind'], required: true },
    { field: 'employees', headers: ['从业人员数', '职工人数', 'employees'] },
    { field: 'formal_party_members', headers: ['正式党员数', '党员数', 'formal_party_members'], required: true },
    { field: 'region_code', headers: ['区划代码', '社区编码', '所在社区编码', 'region_code'] },
    { field: 'x', headers: ['经度', 'X', 'lon', 'x'] },
    { field: 'y', headers: ['纬度', 'Y', 'lat', 'y'] },
    { field: 'coverage', headers: ['覆盖方式', 'coverage'] },
    { field: 'org_code', headers: ['覆盖组织编码', '所属党组织编码', 'org_code'] },
    { field: 'instructor_name', headers: ['党建指导员', 'instructor_name'] },
  ],
}

/** Reads a CSV (UTF-8, with or without BOM, or GBK) or an XLSX workbook (every sheet) into rows. */
export async function readRegister(file: {
  name: string
  data: Uint8Array
}): Promise<{ format: 'csv' | 'xlsx'; encoding: string | null; rows: SheetRow[]; headers: Map<string, string[]> }> {
  const lower = file.name.toLowerCase()
  const headers = new Map<string, string[]>()
  const rows: SheetRow[] = []
  const addSheet = (sheet: string, table: string[][]) => {
    const [header, ...records] = table
    if (!header) return
    const names = header.map((h) => h.trim())
    headers.set(sheet, names)
    records.forEach((cells, i) => {
      if (cells.every((c) => c.trim() === '')) return
      rows.push({ sheet, row: i + 2, cells: Object.fromEntries(names.map((h, j) => [h, (cells[j] ?? '').trim()])) })
    })
  }
  if (lower.endsWith('.csv')) {
    const bytes = Buffer.from(file.data)
    let text: string
    let encoding = 'utf-8'
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
    } catch {
      text = iconv.decode(bytes, 'gbk')
      encoding = 'gbk'
    }
    // blank lines are dropped by the CSV reader: count rows on the raw lines instead
    addSheet(file.name, csvRowsKeepingBlankLines(text))
    return { format: 'csv', encoding, rows, headers }
  }
  if (lower.endsWith('.xlsx')) {
    const workbook = new ExcelJS.Workbook()
    try {
      await workbook.xlsx.load(Buffer.from(file.data) as unknown as ArrayBuffer)
    } catch (error) {
      throw new RegisterFileError({
        'zh-CN': `${file.name}：不是可读的 XLSX 工作簿`,
        en: `${file.name}: not a readable XLSX workbook (${(error as Error).message})`,
      })
    }
    for (const sheet of workbook.worksheets) {
      const table: string[][] = []
      sheet.eachRow({ includeEmpty: true }, (row, number) => {
        const values: string[] = []
        for (let c = 1; c <= row.cellCount; c++) values.push(cellText(row.getCell(c).value))
        table[number - 1] = values
      })
      for (let i = 0; i < table.length; i++) table[i] ??= []
      addSheet(sheet.name, table)
    }
    return { format: 'xlsx', encoding: null, rows, headers }
  }
  throw new RegisterFileError({
    'zh-CN': `${file.name}：请上传 .csv 或 .xlsx 文件`,
    en: `${file.name}: upload a .csv or .xlsx file`,
  })
}

/** A file that cannot be read as a register at all (its format). */
export class RegisterFileError extends Error {
  constructor(readonly text: LocalizedText) {
    super(text['zh-CN'])
  }
}

function csvRowsKeepingBlankLines(text: string): string[][] {
  // parseCsvRows skips empty lines; mark them so row numbers stay those a spreadsheet shows
  const marked = text.replace(/\r\n?/g, '\n').replace(/(^|\n)(?=\n)/g, '$1\u0000')
  return parseCsvRows(marked).map((row) => row.map((field) => field.replaceAll('\u0000', '')))
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('')
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue)
    if ('text' in value) return String(value.text)
    return ''
  }
  return String(value)
}
