import { ApiError } from './client.ts'
import { csrfHeaders } from '../../features/auth/session.svelte.ts'
import type { ImportReportItem, ImportResult } from './types.ts'

export type { ImportResult }

export type ImportKind = 'grids' | 'regions'

/**
 * Uploads a department's grid layer (kind grids, with its department) or a region tree (kind
 * regions, optionally replacing the demo district); a refused file comes back as a failed result
 * with the errors.
 */
export async function uploadImport(
  file: File,
  fields: { kind: ImportKind; department?: string; crs?: string; dryRun: boolean; replaceDemo?: boolean },
): Promise<ImportResult> {
  const form = new FormData()
  form.append('kind', fields.kind)
  if (fields.department) form.append('department', fields.department)
  if (fields.crs) form.append('crs', fields.crs)
  form.append('dryRun', String(fields.dryRun))
  if (fields.replaceDemo) form.append('replaceDemo', 'true')
  form.append('file', file)
  const response = await fetch('/api/imports', { method: 'POST', body: form, headers: csrfHeaders() })
  const body = await response.json().catch(() => undefined)
  if (response.ok) return body as ImportResult
  const errors = body?.details?.errors as ImportReportItem[] | undefined
  if (errors) {
    const report = (body.details.report as ImportReportItem[] | undefined) ?? errors
    return {
      id: body.details.importId,
      status: 'failed',
      dryRun: fields.dryRun,
      format: '',
      sourceCrs: null,
      encoding: null,
      counts: { features: 0, accepted: 0, repaired: 0, rejected: 0, warnings: 0 },
      layer: null,
      report,
    }
  }
  throw new ApiError(response.status, body?.error ?? 'http_error', body?.message ?? response.statusText)
}
