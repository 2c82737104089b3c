// Importing a department's grid layer or a region tree: read the file, settle its frame, check every
// feature before anything is stored (the dry run stops there), then store it in one transaction.
// Errors reject the import (400, naming the file, feature and field, with the whole report);
// warnings (repairs, norms) don't.
import { findLayerCommunities } from '../../db/repositories/data-changes.repository.ts'
import type { ChangeRecorder } from '../events/events.service.ts'
import type { Kysely } from 'kysely'
import * as demo from '../../db/repositories/demo.repository.ts'
import * as imports from '../../db/repositories/imports.repository.ts'
import { type HouseholdNorm, findHouseholdNorms } from '../../db/repositories/regions.repository.ts'
import type { RegionLevel, Tables } from '../../db/tables.ts'
import { refreshStatistics } from '../../db/statistics.ts'
import { InvalidInputError, LocalizedInputError, NotFoundError } from '../../errors.ts'
import { type SourceCrs, describeCrs } from './crs.ts'
import {
  ImportReport,
  field,
  judgeGeometry,
  prepareGeometry,
  readUniqueCode,
  settleCrs,
  textOf,
} from './import-checks.ts'
import { type ImportFile, type ParsedFeature, type ParsedLayer, parseUpload } from './import-formats.ts'
import type { ParseLimits } from './parse-limits.ts'
import {
  codePrefixLength,
  decideUrban,
  isRegionCode,
  levelNames,
  levelOfCode,
  parentCodeOf,
  parentLevelOf,
  parseLevel,
} from '../regions/region-codes.ts'
import type { ImportResult, ImportTimings } from '../../schemas/imports.schema.ts'

export type { ImportResult }

/** The share of a grid's area that may lie outside the district (boundaries drawn apart) before a warning. */
export const gridOutsideTolerance = 0.01

/** The share of a region's area that may lie outside its parent, or overlap a sibling, before a warning. */
export const regionShapeTolerance = 0.01

const gridFields = {
  code: ['code', 'grid_code', 'gridcode', '网格编码', '网格代码', 'wgbm'],
  name: ['name', 'grid_name', '网格名称', 'wgmc'],
  communityCode: ['community_code', 'communitycode', 'community', '社区编码', '所属社区编码', 'sqbm'],
  households: ['households', '户数', 'hs'],
  /** the department's own identifier, kept beside the code in the scheme */
  sourceId: ['objectid', 'fid', 'id', 'gid', 'ogc_fid', '编号', '原编号', '网格编号', '要素编号', 'bh'],
} as const

/** A grid code in the scheme: the 12-digit code of its community and a 3-digit serial. */
const schemeCode = /^(\d{12})(\d{3})$/

const regionFields = {
  code: ['code', '区划代码', '统计用区划代码', 'qhdm'],
  name: ['name', '名称', '区划名称', 'qhmc'],
  level: ['level', '级别', '层级'],
  parentCode: ['parent_code', 'parentcode', 'parent', '上级代码', '上级区划代码', 'sjdm'],
  isUrban: ['is_urban', 'isurban', 'urban'],
  urbanRuralCode: ['urban_rural_code', 'urbanrural', '城乡分类代码', 'cxfldm'],
  householdsMin: ['households_min', 'householdsmin', 'min_households', '户数下限', '网格户数下限'],
  householdsMax: ['households_max', 'householdsmax', 'max_households', '户数上限', '网格户数上限'],
} as const

const gridCodeRule = {
  noun: 'grid code',
  fields: 'code / 网格编码',
  problem: (code: string) => {
    if (code.length > 40) return 'is longer than 40 characters'
    // twelve digits or more mean a code in the scheme: it must be one
    const scheme = schemeCode.exec(code)
    if (/^\d{12,}$/.test(code) && !(scheme && levelOfCode(scheme[1]) === 'community'))
      return 'is malformed: a code in the scheme is the 12-digit code of its community and a 3-digit serial'
    return undefined
  },
}
const regionCodeRule = {
  noun: 'region code',
  fields: 'code / 区划代码',
  problem: (code: string) => (isRegionCode(code) ? undefined : 'is not 12 digits (统计用区划代码)'),
}

interface ImportRequest {
  kind: 'grids' | 'regions'
  department: string | null
  file: ImportFile
  crs?: string
  dryRun: boolean
  /** caps on what the file may parse into; the configured defaults when absent */
  limits?: ParseLimits
}

interface ImportContext {
  runId: number
  parsed: ParsedLayer
  crs: SourceCrs
  sourceCrs: string
  report: ImportReport
}

/** What an import's checks found: how many features pass, and how to store them. */
interface CheckedImport {
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
async function inBatches<T>(items: T[], step: (batch: T[]) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += checkBatchSize) {
    await step(items.slice(start, start + checkBatchSize))
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** Milliseconds since `start`, to a tenth. */
const msSince = (start: number) => Math.round((performance.now() - start) * 10) / 10

/** The life of an import run, whatever it imports: recorded, parsed, checked, stored or refused, each phase timed. */
async function runImport(
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

async function importGridLayer(
  db: Kysely<Tables>,
  request: { file: ImportFile; department: string; crs?: string; dryRun: boolean; limits?: ParseLimits },
): Promise<ImportResult> {
  const department = await db
    .selectFrom('departments')
    .select(['code', 'name'])
    .where('code', '=', request.department)
    .executeTakeFirst()
  if (!department) {
    const known = await db.selectFrom('departments').select('code').orderBy('code').execute()
    throw new InvalidInputError(
      `Unknown department "${request.department}": use one of ${known.map((d) => d.code).join(', ')}`,
      [{ field: 'department' }],
    )
  }
  const result = await runImport(
    db,
    { ...request, kind: 'grids' },
    async ({ runId, parsed, crs, sourceCrs, report }) => {
      const candidates: (imports.GridInsert & imports.StagedRow)[] = []
      const seenCodes = new Map<string, number>()
      for (const feature of parsed.features) {
        // a grid without a code gets one in the scheme once its community is known
        const givenCode = textOf(field(feature.properties, gridFields.code))
        const codeText = givenCode ? readUniqueCode(feature, gridFields.code, seenCodes, report, gridCodeRule) : null
        if (codeText === undefined) continue
        const prepared = prepareGeometry(feature, crs)
        if ('error' in prepared) {
          report.error(feature.index, 'geometry', prepared.error)
          continue
        }
        const households = field(feature.properties, gridFields.households)
        const householdCount =
          households && households.value !== '' && households.value !== null ? Number(households.value) : null
        if (householdCount !== null && (!Number.isInteger(householdCount) || householdCount < 0)) {
          report.error(
            feature.index,
            households!.key,
            `households must be a whole number ≥ 0, got "${String(households!.value)}"`,
          )
          continue
        }
        candidates.push({
          index: feature.index,
          ...prepared,
          communityCode: textOf(field(feature.properties, gridFields.communityCode)) || null,
          code: codeText ?? '',
          name: textOf(field(feature.properties, gridFields.name)) || codeText || '',
          households: householdCount,
          attributes: feature.properties,
          sourceId: textOf(field(feature.properties, gridFields.sourceId)).slice(0, 100) || null,
        })
      }

      // staged and checked in batches as joins, letting reads through between batches
      await inBatches(candidates, async (batch) => {
        await imports.stageGeometries(db, runId, batch)
        // the geometry lives on in the staged row: the file's copy is no longer needed
        for (const candidate of batch) candidate.geometry = ''
      })
      const checks: (imports.GeometryCheck & imports.GridPlacement)[] = []
      await inBatches(candidates, async (batch) => {
        checks.push(...(await imports.checkStagedGrids(db, runId, batch[0].index, batch.at(-1)!.index + 1)))
      })
      const communityOf = (i: number) => candidates[i].communityCode ?? checks[i].containingCommunity
      const norms = await findHouseholdNorms(db, [
        ...new Set(checks.map((_, i) => communityOf(i)).filter((c): c is string => c !== null)),
      ])
      const accepted: imports.GridInsert[] = []
      let repaired = 0
      for (const [i, check] of checks.entries()) {
        const { geometry: _geometry, srid: _srid, ...candidate } = candidates[i]
        const community = communityOf(i)
        if (!judgeGeometry(check, report, sourceCrs, 'grid')) continue
        if (!check.valid) repaired += 1
        if (!check.communityKnown) {
          report.error(check.index, 'community_code', `unknown community code "${candidate.communityCode}"`)
          continue
        }
        if (check.outsideShare >= 1)
          report.warn(
            check.index,
            'geometry',
            `the grid lies wholly outside the stored districts${candidate.communityCode ? '' : ': it belongs to no community'}`,
          )
        else if (check.outsideShare > gridOutsideTolerance)
          report.warn(
            check.index,
            'geometry',
            `${(check.outsideShare * 100).toFixed(1)} % of the grid lies outside the district`,
          )
        const norm = community ? norms.get(community) : null
        if (
          norm &&
          candidate.households !== null &&
          (candidate.households < norm.min || candidate.households > norm.max)
        ) {
          report.warn(
            check.index,
            'households',
            `${candidate.households} households: outside the ${describeNorm(norm, community!)}`,
          )
        }
        if (!candidate.code && !community) {
          report.error(
            check.index,
            'code',
            'no grid code (field code / 网格编码), and the grid lies in no community to assign one from',
          )
          continue
        }
        accepted.push({ ...candidate, communityCode: community })
      }
      const assigned = await assignGridCodes(db, request.department, accepted, report)
      return {
        accepted: accepted.length,
        repaired,
        assigned,
        // all or nothing: a failure here rolls the whole layer back
        store: async () => {
          const stored = await db.transaction().execute((trx) =>
            imports.insertGridLayerVersion(
              trx,
              {
                department: request.department,
                title: `${department.name}网格（${parsed.file}）`,
                importRunId: runId,
                sourceCrs,
              },
              accepted,
            ),
          )
          await refreshStatistics(db, ['grid_layers', 'grids'])
          return { layer: { department: request.department, version: stored.version } }
        },
      }
    },
  )
  return refuseFailed(result)
}

/**
 * Imports a region tree (街道/乡镇, 社区/村 and above): upserted by code, parents first. With
 * `replaceDemo` the generated demo district and every row that refers to it are deleted in the same
 * transaction first.
 */
async function importRegionTree(
  db: Kysely<Tables>,
  request: { file: ImportFile; crs?: string; dryRun: boolean; replaceDemo: boolean; limits?: ParseLimits },
): Promise<ImportResult> {
  const result = await runImport(
    db,
    { ...request, kind: 'regions', department: null },
    async ({ runId, parsed, crs, sourceCrs, report }) => {
      // regions about to be deleted neither count as known parents nor as neighbours to compare with
      const leavingOut = request.replaceDemo ? await demo.findDemoRegionCodes(db) : []
      if (request.replaceDemo && leavingOut.length === 0)
        report.warn(undefined, 'replaceDemo', 'no demo district is loaded: nothing to replace')
      const candidates: (imports.RegionUpsert & { parentField: string; parentGiven: boolean })[] = []
      const levels = new Map<string, RegionLevel>()
      const seenCodes = new Map<string, number>()
      for (const feature of parsed.features) {
        const codeText = readUniqueCode(feature, regionFields.code, seenCodes, report, regionCodeRule)
        if (codeText === undefined) continue
        const level = levelOfCode(codeText)
        levels.set(codeText, level)
        const name = textOf(field(feature.properties, regionFields.name))
        if (!name) {
          report.error(feature.index, 'name', 'no name (field name / 名称)')
          continue
        }
        if (name.length > 100) {
          report.error(
            feature.index,
            field(feature.properties, regionFields.name)!.key,
            'the name is longer than 100 characters',
          )
          continue
        }
        const levelField = field(feature.properties, regionFields.level)
        const levelText = textOf(levelField)
        const given = levelText ? parseLevel(levelText) : undefined
        if (levelText && !given) {
          report.error(
            feature.index,
            levelField!.key,
            `unknown level "${levelText}": use city/district/street/community or 市/区县/街道/乡镇/社区/村`,
          )
          continue
        }
        if (given && given.level !== level) {
          report.error(
            feature.index,
            levelField!.key,
            `level "${levelText}" contradicts the code ${codeText}, which names a ${level} (${levelNames[level]})`,
          )
          continue
        }
        const parentField = field(feature.properties, regionFields.parentCode)
        const parentText = textOf(parentField)
        if (parentText && !isRegionCode(parentText)) {
          report.error(feature.index, parentField!.key, `parent code "${parentText.slice(0, 20)}" is not 12 digits`)
          continue
        }
        const urbanField = field(feature.properties, regionFields.isUrban)
        const urbanRuralField = field(feature.properties, regionFields.urbanRuralCode)
        const isUrban = decideUrban({
          flag: textOf(urbanField),
          urbanRuralCode: textOf(urbanRuralField),
          levelWord: given?.isUrban,
          name,
        })
        if (isUrban === undefined) {
          report.error(
            feature.index,
            (urbanField ?? urbanRuralField)!.key,
            `unreadable urban/rural value "${textOf(urbanField) || textOf(urbanRuralField)}": use is_urban true/false or a 城乡分类代码 1xx/2xx`,
          )
          continue
        }
        const householdsNorm = readHouseholdNorm(feature, report)
        if (householdsNorm === undefined) continue
        const prepared = prepareGeometry(feature, crs)
        if ('error' in prepared) {
          report.error(feature.index, 'geometry', prepared.error)
          continue
        }
        candidates.push({
          index: feature.index,
          ...prepared,
          code: codeText,
          name,
          level,
          parentCode: parentText || parentCodeOf(codeText, level),
          parentField: parentField?.key ?? 'parent_code',
          parentGiven: !!parentText,
          isUrban,
          householdsMin: householdsNorm?.min ?? null,
          householdsMax: householdsNorm?.max ?? null,
        })
      }

      // the parent: in the file, else stored (and not about to be deleted), of the level above
      const parentCodes = [
        ...new Set(candidates.map((c) => c.parentCode).filter((p): p is string => !!p && !levels.has(p))),
      ]
      const stored = await imports.findRegionLevels(db, parentCodes, leavingOut)
      const placed: typeof candidates = []
      for (const candidate of candidates) {
        const parentLevel = candidate.parentCode
          ? (levels.get(candidate.parentCode) ?? stored.get(candidate.parentCode))
          : undefined
        const expected = parentLevelOf[candidate.level]
        const where = candidate.parentGiven
          ? `parent ${candidate.parentCode}`
          : `parent ${candidate.parentCode} (read off the code)`
        if (candidate.parentCode && !parentLevel) {
          // a district may stand without its city; any other region needs its parent
          if (candidate.level === 'district' && !candidate.parentGiven) {
            placed.push({ ...candidate, parentCode: null })
            continue
          }
          report.error(candidate.index, candidate.parentField, `${where} is neither in the file nor stored`)
          continue
        }
        if (candidate.parentCode && parentLevel !== expected) {
          report.error(
            candidate.index,
            candidate.parentField,
            expected
              ? `${where} is a ${parentLevel} (${levelNames[parentLevel!]}): the parent of a ${candidate.level} must be a ${expected} (${levelNames[expected]})`
              : `${where}: a city has no parent region in the tree`,
          )
          continue
        }
        const parentPrefix = candidate.parentCode ? candidate.parentCode.slice(0, codePrefixLength[parentLevel!]) : ''
        if (!candidate.code.startsWith(parentPrefix))
          report.warn(
            candidate.index,
            candidate.parentField,
            `the code ${candidate.code} does not begin with its parent's prefix ${parentPrefix}`,
          )
        placed.push(candidate)
      }

      await inBatches(placed, (batch) =>
        imports.stageGeometries(
          db,
          runId,
          batch.map(({ index, geometry, srid }) => ({ index, geometry, srid })),
        ),
      )
      const checks: imports.GeometryCheck[] = []
      await inBatches(placed, async (batch) => {
        checks.push(...(await imports.checkStagedGeometries(db, runId, batch[0].index, batch.at(-1)!.index + 1)))
      })
      const accepted: imports.RegionUpsert[] = []
      let repaired = 0
      for (const [i, check] of checks.entries()) {
        if (!judgeGeometry(check, report, sourceCrs, 'region')) continue
        if (!check.valid) repaired += 1
        const { parentField: _parentField, parentGiven: _parentGiven, ...row } = placed[i]
        accepted.push(row)
      }
      const findings =
        accepted.length > 0
          ? await imports.checkRegionShapes(
              db,
              accepted.map(({ index, code, parentCode, geometry, srid }) => ({
                index,
                code,
                parentCode,
                geometry,
                srid,
              })),
              leavingOut,
              regionShapeTolerance,
            )
          : []
      const regionAt = new Map(accepted.map((r) => [r.index, r]))
      for (const finding of findings) {
        // the region itself is named, not only its parent or sibling
        const region = regionAt.get(finding.index)
        const named = region ? `${region.name} (${region.code}): ` : ''
        report.warn(
          finding.index,
          'geometry',
          finding.kind === 'outside_parent'
            ? `${named}${(finding.share * 100).toFixed(1)} % of the region lies outside its parent ${finding.other}`
            : `${named}overlaps its sibling ${finding.other} by ${(finding.share * 100).toFixed(1)} % of the smaller one's area`,
        )
      }
      return {
        accepted: accepted.length,
        repaired,
        // all or nothing: the demo goes and the tree comes in one transaction
        store: async () => {
          const removed = await db.transaction().execute(async (trx) => {
            const gone = request.replaceDemo ? await demo.deleteDemoDistrict(trx) : {}
            await imports.upsertRegions(trx, accepted)
            return gone
          })
          await refreshStatistics(db, request.replaceDemo ? demo.districtTables : ['regions'])
          return {
            layer: null,
            regions: { stored: accepted.length, replacedDemo: Object.keys(removed).length > 0, removed },
          }
        },
      }
    },
  )
  return refuseFailed(result)
}

/**
 * Codes in the scheme for the accepted grids that have none, by the community each lies in (as its
 * file says, else where it mostly lies): the code the department's active layer gave the same own
 * identifier if it is free, else the community's code and the next serial after every serial in
 * use (in the file or the active layer). Reported as one warning; a serial beyond 999 is an error.
 * Returns how many were assigned.
 */
async function assignGridCodes(
  db: Kysely<Tables>,
  department: string,
  grids: imports.GridInsert[],
  report: ImportReport,
): Promise<number> {
  const missing = grids.filter((g) => !g.code)
  if (missing.length === 0) return 0
  const active = await imports.findActiveGridCodes(db, department)
  const taken = new Set(grids.filter((g) => g.code).map((g) => g.code))
  const lastSerial = new Map<string, number>()
  for (const code of [...taken, ...active.map((a) => a.code)]) {
    const scheme = schemeCode.exec(code)
    if (scheme) lastSerial.set(scheme[1], Math.max(lastSerial.get(scheme[1]) ?? 0, Number(scheme[2])))
  }
  const before = new Map(active.filter((a) => a.sourceId !== null).map((a) => [a.sourceId!, a.code]))
  let assigned = 0
  for (const grid of missing) {
    const community = grid.communityCode!
    const kept = grid.sourceId !== null ? before.get(grid.sourceId) : undefined
    if (kept && kept.startsWith(community) && !taken.has(kept)) grid.code = kept
    else {
      const serial = (lastSerial.get(community) ?? 0) + 1
      if (serial > 999) {
        report.error(grid.index, 'code', `community ${community} has no grid serial left (001–999) to assign`)
        continue
      }
      lastSerial.set(community, serial)
      grid.code = `${community}${String(serial).padStart(3, '0')}`
    }
    taken.add(grid.code)
    grid.name ||= grid.code
    assigned += 1
  }
  report.warn(
    undefined,
    'code',
    `${assigned.toLocaleString('en-US')} grid(s) had no code: each was given its community's code and a serial (the department's own identifier is kept as source_id)`,
  )
  return assigned
}

/** "300–500 norm of an urban community (the default)", "100–200 norm set by street 东村镇 (410188002000)". */
function describeNorm(norm: HouseholdNorm, community: string): string {
  if (!norm.setBy) return `${norm.min}–${norm.max} norm of an urban community (the default)`
  const by = norm.setBy.code === community ? 'its community' : norm.setBy.level
  return `${norm.min}–${norm.max} norm set by ${by} ${norm.setBy.name} (${norm.setBy.code})`
}

/**
 * A region's own households-per-grid norm: both bounds or neither (null), whole numbers, the minimum
 * not above the maximum. Undefined when it is wrong (the fault is reported).
 */
function readHouseholdNorm(
  feature: ParsedFeature,
  report: ImportReport,
): { min: number; max: number } | null | undefined {
  const bounds = (['householdsMin', 'householdsMax'] as const).map((name) => {
    const found = field(feature.properties, regionFields[name])
    const text = textOf(found)
    return { key: found?.key ?? regionFields[name][0], text, value: text === '' ? null : Number(text) }
  })
  const [min, max] = bounds
  for (const bound of bounds) {
    if (bound.value !== null && (!Number.isInteger(bound.value) || bound.value < 0)) {
      report.error(
        feature.index,
        bound.key,
        `households per grid must be a whole number ≥ 0, got "${bound.text.slice(0, 20)}"`,
      )
      return undefined
    }
  }
  if ((min.value === null) !== (max.value === null)) {
    const [given, missing] = min.value === null ? [max, min] : [min, max]
    report.error(
      feature.index,
      given.key,
      `a household norm needs both bounds: ${given.key} is given, ${missing.key} is not`,
    )
    return undefined
  }
  if (min.value === null || max.value === null) return null
  if (min.value > max.value || max.value === 0) {
    report.error(
      feature.index,
      min.key,
      `the household norm ${min.value}–${max.value} is empty: ${min.key} must not exceed ${max.key}, and ${max.key} must be at least 1`,
    )
    return undefined
  }
  return { min: min.value, max: max.value }
}

/** An import with errors is refused (400) with the first error named and the whole report in the details. */
function refuseFailed(result: ImportResult): ImportResult {
  if (result.status !== 'failed') return result
  const errors = result.report.filter((r) => r.level === 'error')
  throw new InvalidInputError(
    `${errors.length} error(s) in ${errors[0].file}, nothing was stored: ${errors[0].feature !== undefined ? `feature ${errors[0].feature} ` : ''}${errors[0].field ? `field "${errors[0].field}" ` : ''}${errors[0].message}`,
    { importId: result.id, errors, report: result.report },
  )
}

async function getImport(db: Kysely<Tables>, id: number) {
  const run = await imports.findImportRun(db, id)
  if (!run) throw new NotFoundError(`No import has the id ${id}`)
  return run
}

/** Imports of department grid layers and of the region tree: checked, reported, stored or refused whole. */
export class ImportService {
  constructor(
    private readonly db: Kysely<Tables>,
    /** told of every stored import (the data version, caches, open pages) */
    private readonly events?: ChangeRecorder,
  ) {}

  async importGridLayer(request: Parameters<typeof importGridLayer>[1]): Promise<ImportResult> {
    const result = await importGridLayer(this.db, request)
    if (result.layer && this.events) {
      const { department, version } = result.layer
      await this.events.recordChange({
        kind: 'import',
        layers: [`grids-${department}`],
        regions: await findLayerCommunities(this.db, department, version),
        details: { importId: result.id, department, version },
      })
    }
    return result
  }

  async importRegionTree(request: Parameters<typeof importRegionTree>[1]): Promise<ImportResult> {
    const result = await importRegionTree(this.db, request)
    if (result.regions && this.events)
      // the region tree underlies every layer: a district-wide change
      await this.events.recordChange({
        kind: 'region-import',
        layers: result.regions.replacedDemo ? ['*'] : ['regions-district', 'regions-street', 'regions-community'],
        regions: [],
        details: { importId: result.id, stored: result.regions.stored, replacedDemo: result.regions.replacedDemo },
      })
    return result
  }

  getImport(id: number) {
    return getImport(this.db, id)
  }
}
