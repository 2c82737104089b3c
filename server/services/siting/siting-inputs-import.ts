// Siting inputs in: the 党群服务中心 register (centres by code, with level, status, floor area and an
// optional radius) and population points (residents and households where they live), from the CSV
// and XLSX tables offices keep (Chinese headers) or GeoJSON points, in any frame the grid import
// takes. Every row is checked before anything is stored; one fault refuses the whole file, each
// fault named by file or sheet, row (or feature) and column. Centres are upserted by code (with
// `replace`, centres not in the file are removed); population points replace the stored ones.
import type { Kysely } from 'kysely'
import type { Tables } from '../../db/tables.ts'
import { LocalizedInputError, type LocalizedText } from '../../errors.ts'
import * as repo from '../../db/repositories/siting-imports.repository.ts'
import { recordRegisterImport } from '../../db/repositories/party-imports.repository.ts'
import { type SourceCrs, describeCrs, isInChina, parseCrs } from '../imports/crs.ts'
import type { SheetRow } from '../party/party-registers.ts'
import { positionsToWgs84 } from '../imports/positions.ts'
import {
  type CentreRow,
  type PopulationRow,
  RowCells,
  type SitingInputFault,
  type SitingInputKind,
  columns,
  headerOf,
  readCentre,
  readPopulation,
  readRows,
  say,
} from './siting-input-rows.ts'

export type { SitingInputFault, SitingInputKind } from './siting-input-rows.ts'

export interface SitingInputImportResult {
  id: number
  kind: SitingInputKind
  fileName: string
  format: 'csv' | 'xlsx' | 'geojson'
  sourceCrs: string
  dryRun: boolean
  counts: {
    rows: number
    stored: number
    /** centres: new codes, changed ones, and (with `replace`) removed ones */
    added: number
    updated: number
    removed: number
    /** population points outside every community of the district: left out */
    outside: number
    residents: number
    households: number
    /** centres: the stored radius and walking areas rebuilt afterwards */
    catchmentsRebuilt: number
  }
  faults: SitingInputFault[]
}

/**
 * Imports a centre register or population points (see the file's head). A dry run stops after the
 * checks. The run is recorded in import_runs either way.
 */
export async function importSitingInputs(
  db: Kysely<Tables>,
  request: {
    kind: SitingInputKind
    file: { name: string; data: Uint8Array }
    crs?: string
    dryRun?: boolean
    /** centres: remove those not in the file */
    replace?: boolean
  },
  rebuildCatchments: () => Promise<number>,
): Promise<SitingInputImportResult> {
  const { kind, file } = request
  const crs: SourceCrs | undefined = request.crs ? parseCrs(request.crs) : { kind: 'epsg', srid: 4326 }
  if (!crs)
    throw new LocalizedInputError(
      say(
        `${file.name}：未知坐标系“${request.crs}”`,
        `${file.name}: unknown coordinate reference system "${request.crs}"`,
      ),
      [{ file: file.name, field: 'crs' }],
    )
  const read = await readRows(file)
  const faults: SitingInputFault[] = []
  const sheetFault = (sheet: string, column: string, text: LocalizedText) =>
    faults.push({ sheet, row: 1, column, message: text['zh-CN'], text })
  if (read.headers.size === 0) sheetFault(file.name, '', say('文件为空', 'the file is empty'))
  const headers = new Map([...read.headers].map(([sheet, names]) => [sheet, headerOf(kind, names)]))
  for (const [sheet, header] of headers)
    for (const column of columns[kind])
      if (column.required && !header[column.field])
        sheetFault(
          sheet,
          column.headers[0],
          say(
            `缺少列“${column.headers[0]}”（也可写作：${column.headers.slice(1).join('、')}）`,
            `missing column "${column.headers[0]}" (also read as: ${column.headers.slice(1).join(', ')})`,
          ),
        )
  const rows: (CentreRow | PopulationRow)[] = []
  if (faults.length === 0)
    for (const source of read.rows) {
      const cells = new RowCells(source, headers.get(source.sheet)!, faults)
      const row = kind === 'service_centers' ? readCentre(cells, source) : readPopulation(cells, source)
      if (row) rows.push(row)
    }
  if (faults.length === 0 && rows.length === 0) sheetFault(file.name, '', say('没有数据行', 'no data rows'))
  const rowFault = (row: { source: SheetRow }, column: string, text: LocalizedText) =>
    faults.push({ sheet: row.source.sheet, row: row.source.row, column, message: text['zh-CN'], text })
  const columnOf = (row: { source: SheetRow }, field: string) => headers.get(row.source.sheet)?.[field] ?? field

  // duplicate centre codes in the file (every row, its other cells good or not)
  if (kind === 'service_centers' && faults.every((f) => f.row !== 1)) {
    const seen = new Map<string, SheetRow>()
    for (const source of read.rows) {
      const cells = new RowCells(source, headers.get(source.sheet)!, faults)
      const code = cells.text('code')
      const first = seen.get(code)
      if (code && first)
        cells.fault(
          'code',
          say(`编码 ${code} 重复（第 ${first.row} 行已有）`, `duplicate code ${code} (row ${first.row})`),
        )
      else if (code) seen.set(code, source)
    }
  }

  // coordinates to WGS84, in China and not swapped
  const converted = await positionsToWgs84(
    db,
    crs,
    rows.map((r) => r.x),
    rows.map((r) => r.y),
  )
  const points: [number, number][] = []
  rows.forEach((row, i) => {
    const [lon, lat] = converted[i]
    points.push([lon, lat])
    if (isInChina(lon, lat)) return
    rowFault(
      row,
      columnOf(row, 'x'),
      isInChina(lat, lon)
        ? say(`经度与纬度颠倒了（${row.x}, ${row.y}）`, `longitude and latitude are swapped (${row.x}, ${row.y})`)
        : say(
            `坐标（${row.x}, ${row.y}）换算到 WGS84 后不在中国境内（坐标系 ${describeCrs(crs)}）`,
            `(${row.x}, ${row.y}) lies outside China once converted to WGS84 (frame ${describeCrs(crs)})`,
          ),
    )
  })

  // region codes given must exist; else the region the point lies in (centres: at their level)
  const given = [...new Set(rows.map((r) => r.regionCode).filter((c): c is string => !!c))]
  const stored = await repo.findRegionCodes(db, given)
  for (const row of rows)
    if (row.regionCode && !stored.has(row.regionCode))
      rowFault(row, columnOf(row, 'region_code'), say(`没有区划 ${row.regionCode}`, `no region ${row.regionCode}`))
  const levels = rows.map((r) =>
    'level' in r ? (r.level === 'district' ? 'district' : r.level === 'street' ? 'street' : 'community') : 'community',
  )
  const located = faults.length === 0 ? await repo.findRegionsAt(db, points, levels) : []

  faults.sort((a, b) => a.sheet.localeCompare(b.sheet) || a.row - b.row || a.column.localeCompare(b.column))
  const counts: SitingInputImportResult['counts'] = {
    rows: rows.length,
    stored: 0,
    added: 0,
    updated: 0,
    removed: 0,
    outside: 0,
    residents: 0,
    households: 0,
    catchmentsRebuilt: 0,
  }
  const run = {
    kind,
    fileName: file.name,
    format: read.format,
    sourceCrs: describeCrs(crs),
    dryRun: request.dryRun ?? false,
  }
  if (faults.length > 0) {
    const id = await recordRegisterImport(db, {
      ...run,
      status: 'failed',
      counts,
      report: faults,
      error: `${faults.length} faults`,
    })
    const first = faults[0]
    throw new LocalizedInputError(
      say(
        `文件 ${file.name} 被拒收：${faults.length.toLocaleString('zh-CN')} 处错误，未导入任何数据（首个：${first.sheet} 第 ${first.row} 行“${first.column}”：${first.text['zh-CN']}）`,
        `File ${file.name} refused: ${faults.length.toLocaleString('en')} faults, nothing imported (first: ${first.sheet} row ${first.row} "${first.column}": ${first.text.en})`,
      ),
      { importId: id, errors: faults },
    )
  }

  if (kind === 'service_centers') {
    const centres: repo.CentreInput[] = (rows as CentreRow[]).map(({ source: _source, x: _x, y: _y, ...row }, i) => ({
      ...row,
      regionCode: row.regionCode ?? located[i],
      lon: points[i][0],
      lat: points[i][1],
    }))
    const existing = await repo.findCentreCodes(db)
    const inFile = new Set(centres.map((c) => c.code))
    counts.added = centres.filter((c) => !existing.has(c.code)).length
    counts.updated = centres.length - counts.added
    counts.removed = request.replace ? [...existing].filter((code) => !inFile.has(code)).length : 0
    if (!run.dryRun) {
      counts.stored = await db.transaction().execute(async (trx) => {
        if (request.replace) await repo.deleteCentresExcept(trx, [...inFile])
        return repo.upsertCentres(trx, centres)
      })
      counts.catchmentsRebuilt = await rebuildCatchments()
    }
  } else {
    const population = (rows as PopulationRow[]).flatMap((row, i): repo.PopulationInput[] => {
      const regionCode = row.regionCode ?? located[i]
      if (regionCode === null) return []
      return [
        { residents: row.residents, households: row.households, regionCode, lon: points[i][0], lat: points[i][1] },
      ]
    })
    counts.outside = rows.length - population.length
    counts.residents = population.reduce((sum, p) => sum + p.residents, 0)
    counts.households = population.reduce((sum, p) => sum + p.households, 0)
    if (!run.dryRun) counts.stored = await db.transaction().execute((trx) => repo.replacePopulation(trx, population))
  }
  const id = await recordRegisterImport(db, { ...run, status: 'succeeded', counts, report: [], error: null })
  return { id, ...run, counts, faults: [] }
}
