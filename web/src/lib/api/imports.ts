import { ApiError } from './client.ts'
import type { ImportReportItem, ImportResult } from './types.ts'

export type { ImportResult }

/** Uploads a grid layer; a refused file comes back as a failed result with the errors. */
export async function uploadGridLayer(file: File, fields: { department: string; crs?: string; dryRun: boolean }): Promise<ImportResult> {
  const form = new FormData()
  form.append('kind', 'grids')
  form.append('department', fields.department)
  if (fields.crs) form.append('crs', fields.crs)
  form.append('dryRun', String(fields.dryRun))
  form.append('file', file)
  const response = await fetch('/api/imports', { method: 'POST', body: form })
  const body = await response.json().catch(() => undefined)
  if (response.ok) return body as ImportResult
  const errors = body?.details?.errors as ImportReportItem[] | undefined
  if (errors) {
    return { id: body.details.importId, status: 'failed', dryRun: fields.dryRun, format: '', sourceCrs: null, encoding: null, counts: { features: 0, accepted: 0, repaired: 0, rejected: 0, warnings: 0 }, layer: null, report: errors }
  }
  throw new ApiError(response.status, body?.error ?? 'http_error', body?.message ?? response.statusText)
}
