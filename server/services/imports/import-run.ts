// The life of an import run, whatever it imports: recorded, parsed, its features staged and checked
// in batches (yielding to reads between them), stored or refused whole, each phase timed.
import type { Kysely } from 'kysely'
import * as imports from '../../db/repositories/imports.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { InvalidInputError, LocalizedInputError, type LocalizedText } from '../../errors.ts'
import { type SourceCrs, describeCrs } from './crs.ts'
import { ImportReport, type StoredReportItem, settleCrs } from './import-checks.ts'
import { featureNo, say } from './messages.ts'
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
export async function inBatches<T>(
  items: T[],
  step: (batch: T[]) => Promise<void>,
  size = checkBatchSize,
): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await step(items.slice(start, start + size))
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/**
 * Deletes a run's staged rows a batch of indexes at a time, yielding between batches: one DELETE of
 * 200,000 rows (and their spatial index entries) held the embedded database for tens of seconds.
 */
async function deleteStagedInBatches(db: Kysely<Tables>, runId: number, count: number): Promise<void> {
  const indexes = Array.from({ length: Math.ceil(count / checkBatchSize) }, (_, i) => i * checkBatchSize)
  await inBatches(
    indexes,
    async ([from]) => {
      await imports.deleteStaged(db, runId, { from, to: from + checkBatchSize })
    },
    1,
  )
  // anything left (none when the file's indexes are 0…count-1)
  await imports.deleteStaged(db, runId)
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
    if (parsed.features.length === 0)
      report.error(undefined, undefined, say('文件中没有任何要素', 'the file holds no features'))
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
    await deleteStagedInBatches(db, runId, parsed.features.length)
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
    const item: StoredReportItem = {
      level: 'error' as const,
      file: details[0]?.file ?? request.file.name,
      feature: details[0]?.feature,
      field: details[0]?.field,
      message,
      ...(failure instanceof LocalizedInputError ? { text: failure.text } : {}),
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
  const errors = result.report.filter((r) => r.level === 'error') as StoredReportItem[]
  const first = errors[0]
  const where: LocalizedText = first.feature !== undefined ? featureNo(first.feature) : say('', '')
  const text = first.text ?? say(first.message, first.message)
  throw new LocalizedInputError(
    say(
      `文件 ${first.file} 被拒收，有 ${errors.length.toLocaleString('zh-CN')} 处错误，未保存任何内容：${where['zh-CN']}${first.field ? `字段“${first.field}”` : ''}${where['zh-CN'] || first.field ? '：' : ''}${text['zh-CN']}`,
      `${errors.length.toLocaleString('en-US')} error(s) in ${first.file}, nothing was stored: ${where.en ? `${where.en} ` : ''}${first.field ? `field "${first.field}" ` : ''}${text.en}`,
    ),
    { importId: result.id, errors, report: result.report },
  )
}
