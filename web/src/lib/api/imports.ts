import { ApiError, request } from './client.ts'
import type { ImportReportItem, ImportResult } from './types.ts'

export type { ImportResult }

export type ImportKind = 'grids' | 'regions'

interface RefusedImport {
  importId: ImportResult['id']
  errors?: ImportReportItem[]
  report?: ImportReportItem[]
}

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
  try {
    return await request<ImportResult>('POST', '/api/imports', { form })
  } catch (failure) {
    // a refused file: the server names its errors (and the whole report) in the error's details
    const details = failure instanceof ApiError ? (failure.details as RefusedImport | undefined) : undefined
    if (!details?.errors) throw failure
    return {
      id: details.importId,
      status: 'failed',
      dryRun: fields.dryRun,
      format: '',
      sourceCrs: null,
      encoding: null,
      counts: { features: 0, accepted: 0, repaired: 0, rejected: 0, warnings: 0 },
      layer: null,
      report: details.report ?? details.errors,
    }
  }
}
