// A table with Chinese headers, as findings, figures and lists are exported (CSV, XLSX: see
// services/party/party-tables.ts): kept on the ground floor, so that any capability can hand one over.

export type Cell = string | number | boolean | null

export interface Table {
  /** the sheet's name (Excel allows 31 characters, no []:*?/\) */
  title: string
  headers: string[]
  rows: Cell[][]
}
