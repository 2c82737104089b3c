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

/** Staged rows deleted per statement at most, and the rows of the first such statement. */
export const checkBatchSize = 1000

/**
 * The longest one staging, check or clean-up statement should hold the database: PGlite has a single
 * connection, and a read that arrives meanwhile waits for the statement to end.
 */
export const statementTargetMs = 100

/** Bounds of a statement budget, in the units of its weights. */
export interface BudgetBounds {
  initial: number
  min: number
  max: number
}

/**
 * How much work goes into the next statement so that each takes about `targetMs`: measured, not
 * guessed. After each statement the budget becomes what the measured rate would have done in
 * `targetMs`, grown at most ×2 and shrunk at most ÷4 a step, within [min, max]. A batch always takes
 * one item at least (a single huge feature is one statement however long it takes).
 */
export class StatementBudget {
  budget: number

  constructor(
    private readonly bounds: BudgetBounds,
    private readonly targetMs = statementTargetMs,
  ) {
    this.budget = bounds.initial
  }

  /** How many of the items from `from` on go into the next statement (weights by index). */
  take(weightOf: (i: number) => number, from: number, length: number): { count: number; weight: number } {
    let count = 0
    let weight = 0
    while (from + count < length) {
      const next = weightOf(from + count)
      if (count > 0 && weight + next > this.budget) break
      weight += next
      count++
    }
    return { count, weight }
  }

  /** Learns from a statement of `weight` that took `ms`. */
  record(weight: number, ms: number): void {
    const wanted = (weight / Math.max(ms, 1)) * this.targetMs
    const bounded = Math.min(this.budget * 2, Math.max(this.budget / 4, wanted))
    this.budget = Math.min(this.bounds.max, Math.max(this.bounds.min, bounded))
  }
}

/** A staged feature's weight for the budget: the bytes of its WKB hex and a row's fixed cost. */
export const stagedWeight = (geometry: string) => geometry.length + 256

/** A staged feature heavier than this (~4,000 vertices) has its area measured by a statement of its own. */
const heavyWeight = 64 * 1024

/**
 * The area on the spheroid of each staged feature heavier than heavyWeight, measured once in
 * time-bounded statements of their own (seconds for a huge polygon), for the checks to read.
 */
export async function measureHeavyAreas(
  db: Kysely<Tables>,
  runId: number,
  staged: { index: number; weight: number }[],
): Promise<void> {
  await inBatches(
    staged.filter((row) => row.weight > heavyWeight),
    (batch) =>
      imports.measureStagedAreas(
        db,
        runId,
        batch.map((row) => row.index),
      ),
    { weight: (row) => row.weight },
  )
}

/** Budget bounds for statements over staged features weighed by stagedWeight (~150 tiny polygons first). */
export const featureBudget: BudgetBounds = { initial: 64 * 1024, min: 4 * 1024, max: 16 * 1024 * 1024 }

/**
 * Runs `step` on the items in order, in batches that each take about statementTargetMs (a
 * StatementBudget over `weight`, one per item by default), yielding between batches so that requests
 * waiting meanwhile (tiles, the summary) get the database first, as the merge does. Each batch is
 * timed with the wait for the connection: when reads queue, batches shrink, and reads come first.
 */
export async function inBatches<T>(
  items: T[],
  step: (batch: T[]) => Promise<void>,
  options: { weight?: (item: T, i: number) => number; bounds?: BudgetBounds; sizes?: number[] } = {},
): Promise<void> {
  const weight = options.weight ?? (() => 1)
  const budget = new StatementBudget(options.bounds ?? featureBudget)
  for (let start = 0; start < items.length;) {
    const { count, weight: batchWeight } = budget.take((i) => weight(items[i], i), start, items.length)
    const began = performance.now()
    await step(items.slice(start, start + count))
    budget.record(batchWeight, performance.now() - began)
    options.sizes?.push(count)
    start += count
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** Rows per DELETE of staged rows: 200 first, within [50, checkBatchSize]. */
const deleteBudget: BudgetBounds = { initial: 200, min: 50, max: checkBatchSize }

/**
 * Deletes a run's staged rows a batch of indexes at a time, each DELETE time-bounded, yielding
 * between them: one DELETE of 200,000 rows (and their spatial index entries) held the embedded
 * database for tens of seconds.
 */
async function deleteStagedInBatches(db: Kysely<Tables>, runId: number, count: number): Promise<void> {
  const indexes = Array.from({ length: count }, (_, i) => i)
  await inBatches(
    indexes,
    async (batch) => {
      await imports.deleteStaged(db, runId, { from: batch[0], to: batch.at(-1)! + 1 })
    },
    { bounds: deleteBudget },
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
