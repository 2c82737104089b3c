// Importing a department's grid layer: read the file, settle its frame, check every feature before
// anything is stored (the dry run stops there), then store it as a new version in one transaction.
// Errors reject the import and name the file, feature and field; warnings (repairs, norms) don't.
import type { Geometry, Position } from 'geojson'
import type { Kysely } from 'kysely'
import * as imports from '../db/repositories/imports.repository.ts'
import type { Tables } from '../db/tables.ts'
import { InvalidInputError, NotFoundError } from '../errors.ts'
import { type SourceCrs, bd09ToWgs84, describeCrs, gcj02ToWgs84, isInChina, parseCrs } from './crs.ts'
import { type ImportFile, type ParsedFeature, parseUpload } from './import-formats.ts'
import type { ImportReportItem, ImportResult } from '../schemas/imports.schema.ts'

export type { ImportResult }
type ReportItem = ImportReportItem

/** Households norm of an urban grid (DOMAIN.md). */
export const householdNorm = { min: 300, max: 500 }

const fieldNames = {
  code: ['code', 'grid_code', 'gridcode', '网格编码', '网格代码', 'wgbm'],
  name: ['name', 'grid_name', '网格名称', 'wgmc'],
  communityCode: ['community_code', 'communitycode', 'community', '社区编码', '所属社区编码', 'sqbm'],
  households: ['households', '户数', 'hs'],
} as const

function field(properties: Record<string, unknown>, names: readonly string[]): { key: string; value: unknown } | undefined {
  const key = Object.keys(properties).find((k) => names.includes(k.trim().toLowerCase()))
  return key === undefined ? undefined : { key, value: properties[key] }
}

function positionsOf(geometry: Geometry): Position[] {
  if (geometry.type === 'Polygon') return geometry.coordinates.flat()
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat(2)
  return []
}

function mapPositions(geometry: Geometry, f: (p: Position) => Position): Geometry {
  if (geometry.type === 'Polygon') return { type: 'Polygon', coordinates: geometry.coordinates.map((r) => r.map(f)) }
  if (geometry.type === 'MultiPolygon') return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((p) => p.map((r) => r.map(f))) }
  return geometry
}

const isWellFormedPolygon = (geometry: Geometry | null): geometry is Geometry =>
  !!geometry && (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') &&
  positionsOf(geometry).every((p) => Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1])) &&
  positionsOf(geometry).length >= 4

/** The frame: what the request says, else what the file says, else WGS84 when the numbers are degrees. */
function settleCrs(requested: string | undefined, declared: SourceCrs | undefined, features: ParsedFeature[], file: string): SourceCrs {
  if (requested) {
    const crs = parseCrs(requested)
    if (!crs) throw new InvalidInputError(`${file}: unknown coordinate reference system "${requested}": use EPSG:4326, EPSG:4490, EPSG:4513–4554, EPSG:3857, GCJ-02 or BD-09`, [{ file, field: 'crs' }])
    return crs
  }
  if (declared) return declared
  const sample = features.find((f) => f.geometry && positionsOf(f.geometry).length > 0)
  const first = sample ? positionsOf(sample.geometry!)[0] : undefined
  // beyond ±180 in either number the data is projected (a swapped pair stays within ±180 and is
  // reported per feature)
  if (first && (Math.abs(first[0]) > 180 || Math.abs(first[1]) > 180)) {
    throw new InvalidInputError(`${file}: the coordinates are projected (e.g. ${first[0]}, ${first[1]}) but the file names no frame: say which (e.g. crs=EPSG:4547)`, [{ file, field: 'crs' }])
  }
  return { kind: 'epsg', srid: 4326 }
}

export async function importGridLayer(db: Kysely<Tables>, request: { file: ImportFile; department: string; crs?: string; dryRun: boolean }): Promise<ImportResult> {
  const department = await db.selectFrom('departments').select(['code', 'name']).where('code', '=', request.department).executeTakeFirst()
  if (!department) throw new InvalidInputError(`Unknown department "${request.department}"`, [{ field: 'department' }])
  const runId = await imports.insertImportRun(db, { department: request.department, fileName: request.file.name, format: 'geojson', dryRun: request.dryRun })
  const report: ReportItem[] = []
  let sourceCrs: string | null = null
  try {
    const parsed = await parseUpload(request.file)
    await db.updateTable('import_runs').set({ format: parsed.format }).where('id', '=', runId).execute()
    const crs = settleCrs(request.crs, parsed.crs, parsed.features, parsed.file)
    sourceCrs = describeCrs(crs)
    const error = (feature: number | undefined, fieldName: string | undefined, message: string) => report.push({ level: 'error', file: parsed.file, feature, field: fieldName, message })
    const warn = (feature: number | undefined, fieldName: string | undefined, message: string) => report.push({ level: 'warning', file: parsed.file, feature, field: fieldName, message })
    if (parsed.features.length === 0) error(undefined, undefined, 'the file holds no features')

    const candidates: (imports.GridInsert & { codeField: string })[] = []
    const seenCodes = new Map<string, number>()
    for (const feature of parsed.features) {
      const code = field(feature.properties, fieldNames.code)
      const codeText = code && code.value !== null && code.value !== undefined ? String(code.value).trim() : ''
      if (!codeText) { error(feature.index, 'code', 'no grid code (field code / 网格编码)'); continue }
      if (codeText.length > 40) { error(feature.index, code!.key, `grid code "${codeText.slice(0, 20)}…" is longer than 40 characters`); continue }
      if (seenCodes.has(codeText)) { error(feature.index, code!.key, `duplicate grid code "${codeText}" (also feature ${seenCodes.get(codeText)})`); continue }
      seenCodes.set(codeText, feature.index)
      if (!isWellFormedPolygon(feature.geometry)) { error(feature.index, 'geometry', 'not a polygon (Polygon or MultiPolygon with numeric coordinates)'); continue }
      let geometry = feature.geometry
      if (crs.kind !== 'epsg' || crs.srid === 4326 || crs.srid === 4490) {
        const positions = positionsOf(geometry)
        const outside = positions.filter(([x, y]) => !isInChina(x, y))
        if (outside.length > 0) {
          const swapped = positions.every(([x, y]) => isInChina(y, x))
          error(feature.index, 'geometry', swapped
            ? `longitude and latitude are swapped (first point ${positions[0][0]}, ${positions[0][1]})`
            : `coordinates outside China (e.g. ${outside[0][0]}, ${outside[0][1]})`)
          continue
        }
        if (crs.kind === 'gcj02') geometry = mapPositions(geometry, ([x, y]) => gcj02ToWgs84(x, y))
        if (crs.kind === 'bd09') geometry = mapPositions(geometry, ([x, y]) => bd09ToWgs84(x, y))
      }
      const households = field(feature.properties, fieldNames.households)
      const householdCount = households && households.value !== '' && households.value !== null ? Number(households.value) : null
      if (householdCount !== null && (!Number.isInteger(householdCount) || householdCount < 0)) { error(feature.index, households!.key, `households must be a whole number ≥ 0, got "${String(households!.value)}"`); continue }
      const name = field(feature.properties, fieldNames.name)
      const community = field(feature.properties, fieldNames.communityCode)
      candidates.push({
        index: feature.index,
        geometry: JSON.stringify(geometry),
        srid: crs.kind === 'epsg' ? (crs.srid === 4490 ? 4326 : crs.srid) : 4326,
        communityCode: community && community.value ? String(community.value).trim() : null,
        code: codeText,
        codeField: code!.key,
        name: name && name.value ? String(name.value) : codeText,
        households: householdCount,
        attributes: feature.properties,
      })
    }

    const checks = candidates.length > 0 ? await imports.checkGeometries(db, candidates) : []
    const accepted: imports.GridInsert[] = []
    let repaired = 0
    for (const [i, check] of checks.entries()) {
      const candidate = candidates[i]
      if (check.empty || check.areaM2 <= 0) { error(check.index, 'geometry', 'empty or zero-area polygon'); continue }
      if (!isInChina(check.west, check.south) || !isInChina(check.east, check.north)) { error(check.index, 'geometry', `after conversion from ${sourceCrs} the grid lies outside China: is the frame right?`); continue }
      if (!check.valid) { repaired += 1; warn(check.index, 'geometry', `invalid geometry (${check.reason}): repaired with ST_MakeValid`) }
      if (!check.communityKnown) { error(check.index, 'community_code', `unknown community code "${candidate.communityCode}"`); continue }
      if (!check.inDistrict) warn(check.index, 'geometry', 'the grid lies outside the district')
      if (candidate.households !== null && (candidate.households < householdNorm.min || candidate.households > householdNorm.max)) {
        warn(check.index, 'households', `${candidate.households} households: outside the ${householdNorm.min}–${householdNorm.max} norm of an urban grid`)
      }
      const { codeField: _codeField, ...row } = candidate
      accepted.push({ ...row, communityCode: candidate.communityCode ?? check.containingCommunity })
    }

    const errors = report.filter((r) => r.level === 'error').length
    const counts = { features: parsed.features.length, accepted: accepted.length, repaired, rejected: parsed.features.length - accepted.length, warnings: report.length - errors }
    let layer: ImportResult['layer'] = null
    if (errors === 0 && !request.dryRun) {
      // all or nothing: a failure here rolls the whole layer back
      const stored = await db.transaction().execute((trx) =>
        imports.insertGridLayerVersion(trx, { department: request.department, title: `${department.name}网格（${parsed.file}）`, importRunId: runId, sourceCrs: sourceCrs ?? "EPSG:4326" }, accepted))
      layer = { department: request.department, version: stored.version }
    }
    const status = errors === 0 ? 'succeeded' : 'failed'
    await imports.finishImportRun(db, runId, { status, sourceCrs, counts, report, error: errors > 0 ? `${errors} error(s): nothing was stored` : null })
    return { id: runId, status, dryRun: request.dryRun, format: parsed.format, sourceCrs, encoding: parsed.encoding ?? null, counts, layer, report }
  } catch (failure) {
    const message = (failure as Error).message
    const details = failure instanceof InvalidInputError && Array.isArray(failure.details) ? failure.details : [{ file: request.file.name }]
    const item = { level: 'error' as const, file: details[0]?.file ?? request.file.name, feature: details[0]?.feature, field: details[0]?.field, message }
    await imports.finishImportRun(db, runId, { status: 'failed', sourceCrs, counts: {}, report: [...report, item], error: message })
    if (failure instanceof InvalidInputError) throw new InvalidInputError(message, { importId: runId, errors: [item] })
    throw failure
  }
}

export async function getImport(db: Kysely<Tables>, id: number) {
  const run = await imports.findImportRun(db, id)
  if (!run) throw new NotFoundError(`No import has the id ${id}`)
  return run
}
