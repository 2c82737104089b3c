// Findings and figures as tables with Chinese headers, written as CSV (UTF-8 with a BOM, so Excel
// opens it as UTF-8) or XLSX (exceljs).
import ExcelJS from 'exceljs'
import type { Cell, Table } from '../../types/table.ts'

export type { Cell, Table }

/** A cell a spreadsheet would read as a formula is written as text (a leading apostrophe). */
function safeText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

function csvField(value: Cell): string {
  if (value === null) return ''
  if (typeof value === 'boolean') return value ? '是' : '否'
  const text = typeof value === 'number' ? String(value) : safeText(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function writeCsv(table: Table): Buffer {
  const lines = [table.headers, ...table.rows].map((row) => row.map(csvField).join(','))
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8')
}

export async function writeXlsx(table: Table): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = '网格治理一张图'
  const sheet = workbook.addWorksheet(table.title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31))
  sheet.addRow(table.headers).font = { bold: true }
  for (const row of table.rows)
    sheet.addRow(row.map((v) => (typeof v === 'boolean' ? (v ? '是' : '否') : typeof v === 'string' ? safeText(v) : v)))
  sheet.views = [{ state: 'frozen', ySplit: 1 }]
  sheet.columns.forEach((column, i) => {
    const widest = Math.max(...[table.headers[i], ...table.rows.map((r) => r[i])].map((v) => String(v ?? '').length))
    column.width = Math.min(60, Math.max(8, widest * 2 + 2))
  })
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
