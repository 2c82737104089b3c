// The life of an import run, whatever it imports: recorded, parsed, its features staged and checked
// in batches (yielding to reads between them), stored or refused whole, each phase timed.
import type { Kysely } from 'kysely'
import * as imports from '../../db/repositories/imports.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { InvalidInputError, LocalizedInputError } from '../../errors.ts'
import { type SourceCrs, describeCrs } from './crs.ts'
import { ImportReport, settleCrs } from './import-checks.ts'
import { type ImportFile, type ParsedLayer, parseUpload } from './import-formats.ts'
import type { ParseLimits } from './parse-limits.ts'
import type { ImportResult, ImportTimings } from '../../schemas/imports.schema.ts'

export interface ImportRequest {
  kind: 'grids' | 'regions'
  department: string | null
  file: ImportFile
  crs?: string
  dryRun: boolean
  /** caps on what the file may parse into; the configured defaults when absent */
  limits?: ParseLimits
}

export interface ImportContext {
  runId: number
  parsed: ParsedLayer
  crs: SourceCrs
  sourceCrs: string
  report: ImportReport
}

/** What an import's checks found: how many features pass, and how to store them. */
export interface CheckedImport {
  accepted: number
  repaired: number
  /** grids that had no code and were given one in the scheme (grid imports only) */
  assigned?: number
  /** stores everything, all or nothing; called only when there is no error and no dry run */
  store: () => Promise<Pick<ImportResult, 'layer' | 'regions'>>
}

/** Features staged or checked per statement: each takes a fraction of a second, and reads get in between. */
export const checkBatchSize = 1000

/**
 * Runs `step` on the items in batches of checkBatchSize, in order, yielding between batches so
 * that requests waiting meanwhile (tiles, the summary) get the database first, as the merge does.
 */
export async function inBatches<T>(items: T[], step: (batch: T[]) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += checkBatchSize) {
    await step(items.slice(start, start + checkBatchSize))
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** Milliseconds since `start`, to a tenth. */
const msSince = (start: number) => Math.round((performance.now() - start) * 10) / 10

/** The life of an import run, whatever it imports: recorded, parsed, checked, stored or refused, each phase timed. */
export async function runImport(
  db: Kysely<Tables>,
  request: ImportRequest,
  check: (context: ImportContext) => Promise<CheckedImport>,
): Promise<ImportResult> {
  const runId = await imports.insertImportRun(db, {
    kind: request.kind,
    department: request.department,
    fileName: request.file.name,
    format: 'geojson',
    dryRun: request.dryRun,
  })
  let report: ImportReport | undefined
  let sourceCrs: string | null = null
  const timings: ImportTimings = { parseMs: null, checkMs: null, storeMs: null }
  let phase: 'parseMs' | 'checkMs' | 'storeMs' = 'parseMs'
  let phaseStart = performance.now()
  try {
    const parsed = await parseUpload(request.file, request.limits, { crsGiven: !!request.crs })
    const crs = settleCrs(request.crs, parsed.crs, parsed.features, parsed.file)
    timings.parseMs = msSince(phaseStart)
    await db.updateTable('import_runs').set({ format: parsed.format }).where('id', '=', runId).execute()
    sourceCrs = describeCrs(crs)
    report = new ImportReport(parsed.file)
    phase = 'checkMs'
    phaseStart = performance.now()
    if (parsed.features.length === 0) report.error(undefined, undefined, 'the file holds no features')
    const checked = await check({ runId, parsed, crs, sourceCrs, report })
    timings.checkMs = msSince(phaseStart)
    const errors = report.errorCount
    const counts = {
      features: parsed.features.length,
      accepted: checked.accepted,
      repaired: checked.repaired,
      rejected: parsed.features.length - checked.accepted,
      warnings: report.items.length - errors,
      ...(checked.assigned === undefined ? {} : { assigned: checked.assigned }),
    }
    phase = 'storeMs'
    phaseStart = performance.now()
    const storing = errors === 0 && !request.dryRun
    const stored = storing ? await checked.store() : { layer: null }
    if (storing) timings.storeMs = msSince(phaseStart)
    await imports.deleteStaged(db, runId)
    const status = errors === 0 ? 'succeeded' : 'failed'
    const removed = Object.fromEntries(
      Object.entries(stored.regions?.removed ?? {}).map(([k, v]) => [`removed.${k}`, v]),
    )
    await imports.finishImportRun(db, runId, {
      status,
      sourceCrs,
      counts: { ...counts, ...removed },
      report: report.items,
      error: errors > 0 ? `${errors} error(s): nothing was stored` : null,
      timings,
    })
    return {
      id: runId,
      status,
      dryRun: request.dryRun,
      format: parsed.format,
      sourceCrs,
      encoding: parsed.encoding ?? null,
      counts,
      ...stored,
      report: report.items,
      timings,
    }
  } catch (failure) {
    // the phase that failed is timed up to its failure
    timings[phase] ??= msSince(phaseStart)
    await imports.deleteStaged(db, runId)
    const message = (failure as Error).message
    const details =
      failure instanceof InvalidInputError && Array.isArray(failure.details)
        ? failure.details
        : [{ file: request.file.name }]
    const item = {
      level: 'error' as const,
      file: details[0]?.file ?? request.file.name,
      feature: details[0]?.feature,
      field: details[0]?.field,
      message,
    }
    await imports.finishImportRun(db, runId, {
      status: 'failed',
      sourceCrs,
      counts: {},
      report: [...(report?.items ?? []), item],
      error: message,
      timings,
    })
    if (failure instanceof LocalizedInputError) throw failure.withDetails({ importId: runId, errors: [item] })
    if (failure instanceof InvalidInputError) throw new InvalidInputError(message, { importId: runId, errors: [item] })
    throw failure
  }
}

/** An import with errors is refused (400) with the first error named and the whole report in the details. */
export function refuseFailed(result: ImportResult): ImportResult {
  if (result.status !== 'failed') return result
  const errors = result.report.filter((r) => r.level === 'error')
  throw new InvalidInputError(
    `${errors.length} error(s) in ${errors[0].file}, nothing was stored: ${errors[0].feature !== undefined ? `feature ${errors[0].feature} ` : ''}${errors[0].field ? `field "${errors[0].field}" ` : ''}${errors[0].message}`,
    { importId: result.id, errors, report: result.report },
  )
}
