// Registers in: organizations or units from CSV/XLSX, checked whole, stored in one transaction.
import type { Kysely } from 'kysely'
import type { ChangeRecorder } from '../events/events.service.ts'
import type { Tables } from '../../db/tables.ts'
import { LocalizedInputError, type LocalizedText } from '../../errors.ts'
import type { PartyScope } from '../../db/repositories/party.repository.ts'
import { describeCrs, parseCrs } from '../imports/crs.ts'
import { positionsToWgs84 } from '../imports/positions.ts'
import {
  findRegionPoints,
  findStoredOrgCodes,
  findStoredOrgRegions,
  findStoredRegionCodes,
  recordRegisterImport,
  upsertOrgs,
  upsertStarRatings,
  upsertUnits,
} from '../../db/repositories/party-imports.repository.ts'
import {
  type RegisterFault,
  type RegisterKind,
  RegisterFileError,
  readRegister,
  registerFault,
} from './party-registers.ts'
import {
  type OrgRecord,
  checkHeaders,
  checkPoint,
  readOrgRecords,
  readStarRecords,
  readUnitRecords,
} from './party-registers-checks.ts'

export interface RegisterImportResult {
  id: number
  kind: RegisterKind
  fileName: string
  format: 'csv' | 'xlsx'
  encoding: string | null
  sourceCrs: string | null
  dryRun: boolean
  counts: { rows: number; rejected: number; stored: number }
  faults: RegisterFault[]
}

/**
 * Registers in: organizations (kind party_orgs) or units (kind units) from CSV (UTF-8 or GBK) or
 * XLSX (every sheet). Every row is checked before anything is stored — required columns, words
 * (组织类别, 所属领域, 单位类别, 覆盖方式 …), whole numbers, duplicate codes, region codes that exist,
 * parents and covering organizations in the file or stored, coordinates in China after conversion
 * from `crs` (default WGS84), else the community's point; one fault refuses the whole file with
 * every fault named by sheet, row and column. A dry run stops after the checks. Rows are upserted
 * by code in one transaction; the run is recorded in import_runs either way.
 */
export async function importRegister(
  db: Kysely<Tables>,
  events: ChangeRecorder | undefined,
  request: { kind: RegisterKind; file: { name: string; data: Uint8Array }; crs?: string; dryRun?: boolean },
  scope: PartyScope = {},
): Promise<RegisterImportResult> {
  const crs = request.crs ? parseCrs(request.crs) : { kind: 'epsg' as const, srid: 4326 }
  if (!crs)
    throw new LocalizedInputError(
      { 'zh-CN': `未知坐标系“${request.crs}”`, en: `Unknown coordinate reference system "${request.crs}" (field crs)` },
      [{ field: 'crs' }],
    )
  let read: Awaited<ReturnType<typeof readRegister>>
  try {
    read = await readRegister(request.file)
  } catch (error) {
    if (error instanceof RegisterFileError) throw new LocalizedInputError(error.text, [{ file: request.file.name }])
    throw error
  }
  const faults = checkHeaders(request.kind, read.headers)
  const headersOk = faults.length === 0
  const records =
    faults.length > 0
      ? []
      : request.kind === 'party_orgs'
        ? readOrgRecords(read.rows, read.headers, faults)
        : readUnitRecords(read.rows, read.headers, faults)
  // star ratings by year from star-history sheets (organizations' register only)
  const stars =
    headersOk && request.kind === 'party_orgs'
      ? readStarRecords(read.rows, read.headers, records as OrgRecord[], faults)
      : []
  if (faults.length === 0 && records.length === 0 && stars.length === 0)
    faults.push(
      registerFault({ sheet: request.file.name, row: 2, column: '' }, { 'zh-CN': '没有数据行', en: 'No records' }),
    )
  const fault = (r: { sheet: string; row: number }, column: string, text: LocalizedText) =>
    faults.push(registerFault({ sheet: r.sheet, row: r.row, column }, text))

  // regions exist and lie in the caller's scope
  const regionCodes = [...new Set(records.map((r) => r.regionCode).filter((c): c is string => !!c))]
  const storedRegions = await findStoredRegionCodes(db, regionCodes)
  for (const r of records) {
    if (!r.regionCode) continue
    if (!storedRegions.has(r.regionCode))
      fault(r, '区划代码', { 'zh-CN': `没有区划 ${r.regionCode}`, en: `No region ${r.regionCode}` })
    else if (scope.regionPrefix && !r.regionCode.startsWith(scope.regionPrefix))
      fault(r, '区划代码', { 'zh-CN': `${r.regionCode} 不在可管理范围内`, en: `${r.regionCode} is outside your scope` })
  }
  if (scope.regionPrefix)
    for (const r of records)
      if (!r.regionCode)
        fault(r, '区划代码', { 'zh-CN': '须填写区划代码', en: 'A region code is required in a scoped account' })

  // references: parents (organizations) or covering organizations (units), in the file or stored
  const referenced =
    request.kind === 'party_orgs'
      ? records.map((r) => ('parentCode' in r ? r.parentCode : null))
      : records.map((r) => ('orgCode' in r ? r.orgCode : null))
  const inFile = new Set(request.kind === 'party_orgs' ? records.map((r) => r.code) : [])
  const storedOrgs = await findStoredOrgCodes(db, [...new Set(referenced.filter((c): c is string => !!c))])
  records.forEach((r, i) => {
    const code = referenced[i]
    if (code && !inFile.has(code) && !storedOrgs.has(code))
      fault(r, request.kind === 'party_orgs' ? '上级组织编码' : '覆盖组织编码', {
        'zh-CN': `没有党组织 ${code}`,
        en: `No party organization ${code}`,
      })
  })

  // star-history rows: their organization in the file, or stored and in the caller's scope
  const storedStarOrgs = await findStoredOrgRegions(db, [
    ...new Set(stars.map((s) => s.code).filter((code) => !inFile.has(code))),
  ])
  for (const s of stars) {
    if (inFile.has(s.code)) continue
    const region = storedStarOrgs.get(s.code)
    if (region === undefined)
      fault(s, '组织编码', { 'zh-CN': `没有党组织 ${s.code}`, en: `No party organization ${s.code}` })
    else if (scope.regionPrefix && !region?.startsWith(scope.regionPrefix))
      fault(s, '组织编码', { 'zh-CN': `${s.code} 不在可管理范围内`, en: `${s.code} is outside your scope` })
  }

  // coordinates: converted to WGS84, checked; else the community's point
  const withXy = records.filter((r) => r.x !== null || r.y !== null)
  for (const r of withXy)
    if (r.x === null || r.y === null)
      fault(r, r.x === null ? '经度' : '纬度', { 'zh-CN': '经纬度须成对填写', en: 'Give both coordinates' })
  const complete = withXy.filter((r) => r.x !== null && r.y !== null)
  const converted = await positionsToWgs84(
    db,
    crs,
    complete.map((r) => r.x!),
    complete.map((r) => r.y!),
  )
  const points = new Map<(typeof records)[number], [number, number]>()
  complete.forEach((r, i) => {
    const problem = checkPoint(...converted[i])
    if (problem) fault(r, '经度', problem)
    else points.set(r, converted[i])
  })
  const fallbacks = await findRegionPoints(db, [
    ...new Set(records.filter((r) => r.x === null && r.y === null && r.regionCode).map((r) => r.regionCode!)),
  ])
  for (const r of records) {
    if (r.x !== null || r.y !== null) continue
    const p = r.regionCode ? fallbacks.get(r.regionCode) : undefined
    if (p) points.set(r, p)
    else if (!r.regionCode)
      fault(r, '经度', { 'zh-CN': '没有坐标也没有区划代码', en: 'Neither coordinates nor a region code' })
  }

  faults.sort((a, b) => a.sheet.localeCompare(b.sheet) || a.row - b.row || a.column.localeCompare(b.column))
  const counts = {
    rows: records.length + stars.length,
    rejected: new Set(faults.map((f) => `${f.sheet}|${f.row}`)).size,
    stored: 0,
  }
  const run = {
    kind: request.kind,
    fileName: request.file.name,
    format: read.format,
    sourceCrs: describeCrs(crs),
    dryRun: request.dryRun ?? false,
  }
  if (faults.length) {
    const id = await recordRegisterImport(db, {
      ...run,
      status: 'failed',
      counts,
      report: faults,
      error: `${faults.length} faults`,
    })
    const [first] = faults
    throw new LocalizedInputError(
      {
        'zh-CN': `${request.file.name}：${faults.length.toLocaleString('zh-CN')} 处错误，未导入任何数据（首个：${first.sheet} 第 ${first.row.toLocaleString('zh-CN')} 行 ${first.column}：${first.message}）`,
        en: `${request.file.name}: ${faults.length.toLocaleString('en-US')} fault(s), nothing was imported (first: ${first.sheet} row ${first.row.toLocaleString('en-US')} ${first.column}: ${first.text?.en ?? first.message})`,
      },
      { importId: id, errors: faults },
    )
  }
  if (!run.dryRun)
    await db.transaction().execute(async (trx) => {
      counts.stored =
        request.kind === 'party_orgs'
          ? await upsertOrgs(
              trx,
              (records as ReturnType<typeof readOrgRecords>).map((r) => ({
                ...r,
                lon: points.get(r)![0],
                lat: points.get(r)![1],
              })),
            )
          : await upsertUnits(
              trx,
              (records as ReturnType<typeof readUnitRecords>).map((r) => ({
                ...r,
                lon: points.get(r)![0],
                lat: points.get(r)![1],
              })),
            )
      if (request.kind === 'party_orgs') {
        const ratings = [
          ...(records as OrgRecord[]).flatMap((r) => r.starHistory.map((s) => ({ code: r.code, ...s }))),
          ...stars,
        ]
        counts.stored += await upsertStarRatings(trx, ratings)
      }
    })
  const id = await recordRegisterImport(db, { ...run, status: 'succeeded', counts, report: [], error: null })
  if (!run.dryRun)
    await events?.recordChange({
      kind: 'party-import',
      layers: request.kind === 'party_orgs' ? ['party-orgs'] : ['units'],
      regions: [
        ...records.map((r) => r.regionCode).filter((code): code is string => code !== null),
        ...[...storedStarOrgs.values()].filter((code): code is string => !!code),
      ],
      details: { importId: id, kind: request.kind, stored: counts.stored },
    })
  return { id, ...run, encoding: read.encoding, counts, faults: [] }
}
