// Uploading 党群服务中心 registers and population points (POST /api/imports, kind centers or
// population): CSV/XLSX tables or GeoJSON points, a dry run first; a refused file comes back with
// every fault named by sheet, row and column.
import { ApiError, request } from '../../lib/api/client.ts'

export type SitingInputKind = 'centers' | 'population'

export interface SitingInputsImport {
  id: number
  kind: 'service_centers' | 'population'
  fileName: string
  sourceCrs: string
  dryRun: boolean
  counts: {
    rows: number
    stored: number
    added: number
    updated: number
    removed: number
    outside: number
    residents: number
    households: number
    catchmentsRebuilt: number
  }
}

export interface SitingInputFault {
  sheet: string
  row: number
  column: string
  message: string
}

export async function uploadSitingInputs(
  file: File,
  fields: { kind: SitingInputKind; crs?: string; dryRun: boolean; replace?: boolean },
): Promise<SitingInputsImport> {
  const form = new FormData()
  form.append('kind', fields.kind)
  if (fields.crs) form.append('crs', fields.crs)
  if (fields.replace) form.append('replace', 'true')
  form.append('dryRun', String(fields.dryRun))
  form.append('file', file)
  return request<SitingInputsImport>('POST', '/api/imports', { form })
}

/** A refusal's faults (sheet, row, column, message), or none when the API gave no list. */
export function faultsOf(failure: unknown): SitingInputFault[] {
  if (!(failure instanceof ApiError)) return []
  const errors = (failure.details as { errors?: unknown } | undefined)?.errors
  return Array.isArray(errors) ? (errors as SitingInputFault[]) : []
}
