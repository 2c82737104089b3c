// Files the routes hand out (exports, printed maps): one way to name them and to send a table as
// CSV (UTF-8 with BOM) or XLSX with Chinese headers.
import type { FastifyReply } from 'fastify'
import { type Table, writeCsv, writeXlsx } from '../services/party/party-tables.ts'

export const contentTypes = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  geojson: 'application/geo+json; charset=utf-8',
  pdf: 'application/pdf',
} as const

/** Marks the answer as a download named `file` (Chinese names survive: RFC 6266's filename*). */
export function attachment(reply: FastifyReply, file: string, type: keyof typeof contentTypes): FastifyReply {
  return reply
    .type(contentTypes[type])
    .header(
      'content-disposition',
      `attachment; filename="${encodeURIComponent(file)}"; filename*=UTF-8''${encodeURIComponent(file)}`,
    )
}

export async function sendTable(reply: FastifyReply, table: Table, name: string, format: 'csv' | 'xlsx') {
  const download = attachment(reply, `${name}.${format}`, format)
  return download.send(format === 'csv' ? writeCsv(table) : await writeXlsx(table))
}
