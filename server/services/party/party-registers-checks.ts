// Registers in, the checks: rows of cells (party-registers.ts) read into organization, star-rating and
// unit records, every bad cell a fault naming sheet, row and column; the words as offices write them,
// whole numbers, duplicate codes, region codes, phones, and points in China.
import type { StoredOrg, StoredUnit } from '../../db/repositories/party-imports.repository.ts'
import { isInChina } from '../imports/crs.ts'
import { isRegionCode } from '../../db/region-codes.ts'
import { coverageWords, domainWords, kindWords, statusWords, tierWords } from './party-columns.ts'
import type { LocalizedText } from '../../errors.ts'
import {
  type RegisterFault,
  type RegisterKind,
  type SheetRow,
  registerColumns,
  registerFault,
} from './party-registers.ts'

const reverse = (words: Record<string, string>) =>
  Object.fromEntries(Object.entries(words).flatMap(([key, word]) => [[word, key] as const, [key, key] as const]))
const tierOf = reverse(Object.fromEntries(Object.entries(tierWords).filter(([tier]) => tier !== 'none')))
const domainOf = reverse(domainWords)
const statusOf = reverse(statusWords)
const kindOf = reverse(kindWords)
const coverageOf = reverse(coverageWords)
const establishmentOf = reverse({ own: '单独建', joint: '联合建', affiliated: '挂靠建' })

/** An organization as a row of the register reads: the stored fields, its place in the file, its point as written. */
export interface OrgRecord extends Omit<StoredOrg, 'lon' | 'lat' | 'secretaryName' | 'secretaryPhone'> {
  sheet: string
  row: number
  x: number | null
  y: number | null
  /** undefined: the file has no such column (the stored value stays) */
  secretaryName: string | null | undefined
  secretaryPhone: string | null | undefined
  /** star ratings by year from columns like 2024年星级 */
  starHistory: { year: number; starRating: number }[]
}

/** A star rating of one year from a star-history sheet (组织编码, 年度, 星级). */
export interface StarRecord {
  sheet: string
  row: number
  code: string
  year: number
  starRating: number
}

/** A unit as a row of the register reads: the stored fields, its place in the file, its point as written. */
export interface UnitRecord extends Omit<StoredUnit, 'lon' | 'lat'> {
  sheet: string
  row: number
  x: number | null
  y: number | null
}

/** A row's cells by field name, with faults for what cannot be read. */
class RowReader {
  constructor(
    private readonly row: SheetRow,
    private readonly headerOf: Record<string, string | undefined>,
    private readonly faults: RegisterFault[],
  ) {}

  fault(field: string, text: LocalizedText) {
    this.faults.push(
      registerFault({ sheet: this.row.sheet, row: this.row.row, column: this.headerOf[field] ?? field }, text),
    )
  }

  has(field: string): boolean {
    return this.headerOf[field] !== undefined
  }

  text(field: string): string {
    const header = this.headerOf[field]
    return header ? (this.row.cells[header] ?? '') : ''
  }

  required(field: string): string {
    const value = this.text(field)
    if (!value) this.fault(field, { 'zh-CN': '必填', en: 'Required' })
    return value
  }

  word(field: string, words: Record<string, string>, fallback?: string): string {
    const raw = this.text(field)
    if (!raw && fallback) return fallback
    if (!raw) {
      this.fault(field, { 'zh-CN': '必填', en: 'Required' })
      return ''
    }
    const value = words[raw]
    if (!value) {
      const allowed = [...new Set(Object.keys(words).filter((k) => [...k].some((ch) => ch.charCodeAt(0) > 127)))].join(
        '、',
      )
      this.fault(field, {
        'zh-CN': `无法识别“${raw}”，应为 ${allowed}`,
        en: `Unknown value "${raw}"; expected ${allowed}`,
      })
    }
    return value ?? ''
  }

  integer(
    field: string,
    options: { required?: boolean; min?: number; max?: number; fallback?: number },
  ): number | null {
    const raw = this.text(field)
    if (!raw) {
      if (options.required) this.fault(field, { 'zh-CN': '必填', en: 'Required' })
      return options.fallback ?? null
    }
    const value = Number(raw)
    if (!Number.isInteger(value)) {
      this.fault(field, { 'zh-CN': `“${raw}”不是整数`, en: `"${raw}" is not a whole number` })
      return null
    }
    if ((options.min !== undefined && value < options.min) || (options.max !== undefined && value > options.max)) {
      this.fault(field, {
        'zh-CN': `${value} 超出范围 ${options.min ?? ''}–${options.max ?? ''}`,
        en: `${value} is out of the range ${options.min ?? ''}–${options.max ?? ''}`,
      })
      return null
    }
    return value
  }

  number(field: string): number | null {
    const raw = this.text(field)
    if (!raw) return null
    const value = Number(raw)
    if (!Number.isFinite(value)) {
      this.fault(field, { 'zh-CN': `“${raw}”不是数字`, en: `"${raw}" is not a number` })
      return null
    }
    return value
  }

  regionCode(): string | null {
    const raw = this.text('region_code')
    if (!raw) return null
    if (!isRegionCode(raw)) {
      this.fault('region_code', { 'zh-CN': `“${raw}”不是12位区划代码`, en: `"${raw}" is not a 12-digit region code` })
      return null
    }
    return raw
  }
}

function headerMap(kind: RegisterKind, headers: string[]): Record<string, string | undefined> {
  return Object.fromEntries(
    registerColumns[kind].map((c) => [
      c.field,
      headers.find((h) => c.headers.some((x) => x.toLowerCase() === h.toLowerCase())),
    ]),
  )
}

/** Checks the file's headers: every required column present. */
export function checkHeaders(kind: RegisterKind, headers: Map<string, string[]>): RegisterFault[] {
  const faults: RegisterFault[] = []
  if (headers.size === 0)
    faults.push(registerFault({ sheet: '', row: 1, column: '' }, { 'zh-CN': '文件为空', en: 'The file is empty' }))
  for (const [sheet, names] of headers) {
    if (kind === 'party_orgs' && isStarSheet(names)) continue
    const map = headerMap(kind, names)
    for (const column of registerColumns[kind])
      if (column.required && !map[column.field])
        faults.push(
          registerFault(
            { sheet, row: 1, column: column.headers[0] },
            { 'zh-CN': `缺少列“${column.headers[0]}”`, en: `Missing column "${column.headers[0]}"` },
          ),
        )
  }
  return faults
}

/** Reads organization rows; faults for every bad cell. */
export function readOrgRecords(rows: SheetRow[], headers: Map<string, string[]>, faults: RegisterFault[]): OrgRecord[] {
  const maps = new Map([...headers].map(([sheet, names]) => [sheet, headerMap('party_orgs', names)]))
  const starColumns = new Map([...headers].map(([sheet, names]) => [sheet, starYearColumns(names)]))
  const seen = new Map<string, SheetRow>()
  return rows
    .filter((row) => !isStarSheet(headers.get(row.sheet)!))
    .map((row) => {
      const r = new RowReader(row, maps.get(row.sheet)!, faults)
      const code = r.required('code')
      const first = seen.get(code)
      if (code && first)
        r.fault('code', { 'zh-CN': `编码重复（第 ${first.row} 行已有）`, en: `Duplicate code (row ${first.row})` })
      else seen.set(code, row)
      const memberCount = r.integer('member_count', { required: true, min: 0, max: 1_000_000 }) ?? 0
      const formalMembers = r.integer('formal_members', { min: 0, fallback: memberCount }) ?? memberCount
      if (formalMembers > memberCount)
        r.fault('formal_members', { 'zh-CN': '正式党员数大于党员数', en: 'More formal members than members' })
      const committee = r.text('has_branch_committee')
      let hasBranchCommittee: boolean | null = null
      if (committee) {
        if (/^(是|有|true|1|yes)$/i.test(committee)) hasBranchCommittee = true
        else if (/^(否|无|false|0|no)$/i.test(committee)) hasBranchCommittee = false
        else
          r.fault('has_branch_committee', {
            'zh-CN': `“${committee}”应为 是 或 否`,
            en: `"${committee}" should be 是 (yes) or 否 (no)`,
          })
      }
      const activity = r.text('last_activity_on')
      if (activity && !/^\d{4}-\d{2}-\d{2}$/.test(activity))
        r.fault('last_activity_on', {
          'zh-CN': `“${activity}”不是日期（YYYY-MM-DD）`,
          en: `"${activity}" is not a date (YYYY-MM-DD)`,
        })
      return {
        sheet: row.sheet,
        row: row.row,
        code,
        name: r.required('name'),
        tier: r.word('tier', tierOf),
        domain: r.word('domain', domainOf),
        establishment: r.word('establishment', establishmentOf, 'own'),
        starRating: r.integer('star_rating', { min: 1, max: 5 }),
        status: r.word('status', statusOf, 'normal'),
        memberCount,
        formalMembers,
        parentCode: r.text('parent_code') || null,
        regionCode: r.regionCode(),
        x: r.number('x'),
        y: r.number('y'),
        lastActivityOn: activity || null,
        hasBranchCommittee,
        secretaryName: r.has('secretary_name') ? r.text('secretary_name') || null : undefined,
        secretaryPhone: r.has('secretary_phone') ? phoneOf(r) : undefined,
        starHistory: starColumns.get(row.sheet)!.flatMap(({ header, year }) => {
          const raw = row.cells[header] ?? ''
          if (!raw) return []
          const value = Number(raw)
          if (!Number.isInteger(value) || value < 1 || value > 5) {
            faults.push(
              registerFault(
                { sheet: row.sheet, row: row.row, column: header },
                { 'zh-CN': `“${raw}”应为 1–5 星`, en: `"${raw}" should be a rating of 1–5 stars` },
              ),
            )
            return []
          }
          return [{ year, starRating: value }]
        }),
      }
    })
}

/** Columns of star ratings by year: 2024年星级, 2024年度星级, 2024星级, star_2024. */
function starYearColumns(names: string[]): { header: string; year: number }[] {
  return names.flatMap((header) => {
    const match = /^(\d{4})\s*年?度?\s*星级$/.exec(header) ?? /^star_(\d{4})$/i.exec(header)
    const year = match ? Number(match[1]) : NaN
    return year >= 1949 && year <= 2100 ? [{ header, year }] : []
  })
}

const starSheetColumns = {
  code: ['组织编码', '党组织编码', 'code'],
  year: ['年度', '年份', '评定年度', 'year'],
  star_rating: ['星级', '评定星级', 'star_rating'],
}

/** A star-history sheet: organization code, year and rating, and no organization name (not a register sheet). */
export function isStarSheet(names: string[]): boolean {
  const has = (aliases: string[]) => names.some((n) => aliases.some((a) => a.toLowerCase() === n.toLowerCase()))
  return has(starSheetColumns.code) && has(starSheetColumns.year) && !has(registerColumns.party_orgs[1].headers)
}

/** A secretary's phone: a mobile (11 digits from 1) or a landline with its area code, separators allowed. */
function phoneOf(r: RowReader): string | null {
  const raw = r.text('secretary_phone')
  if (!raw) return null
  const digits = raw.replace(/[\s-]/g, '')
  if (/^1[3-9]\d{9}$/.test(digits) || /^0\d{9,11}$/.test(digits) || /^\d{7,8}$/.test(digits)) return raw
  r.fault('secretary_phone', { 'zh-CN': `“${raw}”不是电话号码`, en: `"${raw}" is not a phone number` })
  return null
}

/**
 * Reads the star-history sheets of an organizations' register: one rating per organization and year
 * (组织编码, 年度, 星级 1–5); the same organization and year twice, here or in a year column, is a fault.
 */
export function readStarRecords(
  rows: SheetRow[],
  headers: Map<string, string[]>,
  orgs: OrgRecord[],
  faults: RegisterFault[],
): StarRecord[] {
  const seen = new Map<string, string>()
  for (const o of orgs) for (const s of o.starHistory) seen.set(`${o.code}|${s.year}`, `${o.sheet} 第 ${o.row} 行`)
  const records: StarRecord[] = []
  for (const row of rows) {
    const names = headers.get(row.sheet)!
    if (!isStarSheet(names)) continue
    const headerOf = Object.fromEntries(
      Object.entries(starSheetColumns).map(([field, aliases]) => [
        field,
        names.find((n) => aliases.some((a) => a.toLowerCase() === n.toLowerCase())),
      ]),
    )
    const r = new RowReader(row, headerOf, faults)
    const code = r.required('code')
    const year = r.integer('year', { required: true, min: 1949, max: 2100 })
    const starRating = r.integer('star_rating', { required: true, min: 1, max: 5 })
    if (!code || year === null || starRating === null) continue
    const key = `${code}|${year}`
    const first = seen.get(key)
    if (first)
      r.fault('year', {
        'zh-CN': `${code} ${year} 年的星级重复（${first}已有）`,
        en: `${code} has two star ratings for ${year} (${first} has one)`,
      })
    else seen.set(key, `${row.sheet} 第 ${row.row} 行`)
    records.push({ sheet: row.sheet, row: row.row, code, year, starRating })
  }
  return records
}

/** Reads unit rows; faults for every bad cell. */
export function readUnitRecords(
  rows: SheetRow[],
  headers: Map<string, string[]>,
  faults: RegisterFault[],
): UnitRecord[] {
  const maps = new Map([...headers].map(([sheet, names]) => [sheet, headerMap('units', names)]))
  const seen = new Map<string, SheetRow>()
  return rows.map((row) => {
    const r = new RowReader(row, maps.get(row.sheet)!, faults)
    const code = r.required('code')
    const first = seen.get(code)
    if (code && first)
      r.fault('code', { 'zh-CN': `编码重复（第 ${first.row} 行已有）`, en: `Duplicate code (row ${first.row})` })
    else seen.set(code, row)
    const coverage = r.word('coverage', coverageOf, 'none')
    const orgCode = r.text('org_code') || null
    if (['own', 'joint', 'affiliated'].includes(coverage) && !orgCode)
      r.fault('org_code', {
        'zh-CN': '组织覆盖须填写覆盖组织编码',
        en: 'Organization coverage needs the organization code',
      })
    if ((coverage === 'work' || coverage === 'none') && orgCode)
      r.fault('org_code', {
        'zh-CN': '工作覆盖或未覆盖的单位不应填写覆盖组织',
        en: 'Work-only or uncovered units have no organization',
      })
    return {
      sheet: row.sheet,
      row: row.row,
      code,
      name: r.required('name'),
      kind: r.word('kind', kindOf),
      employees: r.integer('employees', { min: 0, max: 10_000_000, fallback: 0 }) ?? 0,
      formalPartyMembers: r.integer('formal_party_members', { required: true, min: 0, max: 1_000_000 }) ?? 0,
      regionCode: r.regionCode(),
      x: r.number('x'),
      y: r.number('y'),
      coverage,
      orgCode,
      instructorName: r.text('instructor_name') || null,
    }
  })
}

/** Faults for a converted point: outside China, or lon/lat swapped. */
export function checkPoint(lon: number, lat: number): LocalizedText | undefined {
  if (isInChina(lon, lat)) return undefined
  if (isInChina(lat, lon)) return { 'zh-CN': '经纬度可能颠倒', en: 'Longitude and latitude look swapped' }
  return { 'zh-CN': `(${lon}, ${lat}) 不在中国境内`, en: `(${lon}, ${lat}) lies outside China` }
}
