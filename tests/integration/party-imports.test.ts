// Registers in: organizations and units from CSV (UTF-8, GBK) and XLSX through POST /api/party/imports,
// on both drivers. Bad rows are named by sheet, row and column, and nothing is stored.
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import iconv from 'iconv-lite'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { buildTestApp } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { C11, C12, at, loadPartyWorld } from '../helpers/party.ts'

async function upload(app: FastifyInstance, name: string, data: Uint8Array | string, fields: Record<string, string>) {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  form.append(
    'file',
    new Blob([typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data)]),
    name,
  )
  const request = new Request('http://localhost/api/party/imports', { method: 'POST', body: form })
  return app.inject({
    method: 'POST',
    url: '/api/party/imports',
    headers: { 'content-type': request.headers.get('content-type')! },
    payload: Buffer.from(await request.arrayBuffer()),
  })
}

async function workbook(sheets: Record<string, (string | number)[][]>): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook()
  for (const [name, rows] of Object.entries(sheets)) book.addWorksheet(name).addRows(rows)
  return new Uint8Array(await book.xlsx.writeBuffer())
}

const unitHeader = [
  '单位编码',
  '单位名称',
  '单位类别',
  '从业人员数',
  '正式党员数',
  '区划代码',
  '经度',
  '纬度',
  '覆盖方式',
  '覆盖组织编码',
  '党建指导员',
]

describe.each(testDrivers())('party register imports on %s', (driver) => {
  let database: Database
  let app: FastifyInstance
  const count = async (table: 'units' | 'party_orgs') =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(database.db)).rows[0].n

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await loadPartyWorld(database.db)
    app = await buildTestApp(database)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('imports organizations from a UTF-8 CSV with a BOM and Chinese headers, parents and words resolved', async () => {
    const [lon, lat] = at(600, 600)
    const csv =
      '\uFEFF组织编码,组织名称,组织类别,所属领域,组建方式,星级,状态,党员数,正式党员数,上级组织编码,区划代码,经度,纬度,最近活动日期,是否设支部委员会\r\n' +
      `IMP-O1,"中共某某有限公司支部委员会",党支部,非公企业,单独建,4,正常,12,11,O-S1,${C11},${lon},${lat},2025-03-01,是\r\n` +
      `IMP-O2,中共某快递联合支部,联合党支部,新业态,联合建,,软弱涣散,5,5,IMP-O1,${C12},,,,\r\n`
    const response = await upload(app, '党组织.csv', csv, { kind: 'party_orgs' })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({
      format: 'csv',
      encoding: 'utf-8',
      counts: { rows: 2, rejected: 0, stored: 2 },
    })
    const { rows } = await sql<{
      code: string
      tier: string
      domain: string
      status: string
      parent: string
      activity: string | null
      committee: boolean | null
      inside: boolean
    }>`
      SELECT o.code, o.tier, o.domain, o.status, p.code AS parent, to_char(o.last_activity_on, 'YYYY-MM-DD') AS activity,
        o.has_branch_committee AS committee, ST_Covers(r.boundary, o.location) AS inside
      FROM party_orgs o JOIN party_orgs p ON p.id = o.parent_id JOIN regions r ON r.code = o.region_code
      WHERE o.code LIKE 'IMP-O%' ORDER BY o.code`.execute(database.db)
    expect(rows).toEqual([
      {
        code: 'IMP-O1',
        tier: 'branch',
        domain: 'private_enterprise',
        status: 'normal',
        parent: 'O-S1',
        activity: '2025-03-01',
        committee: true,
        inside: true,
      },
      // no coordinates: placed inside its community
      {
        code: 'IMP-O2',
        tier: 'joint_branch',
        domain: 'new_economy',
        status: 'weak',
        parent: 'IMP-O1',
        activity: null,
        committee: null,
        inside: true,
      },
    ])
  })

  it('imports units from a GBK CSV, with GCJ-02 coordinates converted and coverage rows written', async () => {
    const [lon, lat] = at(300, 700)
    // the point as Amap shows it: WGS84 → GCJ-02 shifts it some hundreds of metres
    const { wgs84ToGcj02 } = await import('../../server/services/imports/crs.ts')
    const [gx, gy] = wgs84ToGcj02(lon, lat)
    const csv = [
      unitHeader.join(','),
      `IMP-U1,某某快递网点,快递物流网点,40,3,${C11},${gx},${gy},挂靠建,O-S1,`,
      `IMP-U2,某某物业服务有限公司,物业企业,12,1,${C11},${gx},${gy},工作覆盖,,李指导`,
    ].join('\r\n')
    const response = await upload(app, '单位.csv', iconv.encode(csv, 'gbk'), { kind: 'units', crs: 'GCJ-02' })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ encoding: 'gbk', sourceCrs: 'GCJ-02', counts: { stored: 2 } })
    const { rows } = await sql<{
      code: string
      name: string
      kind: string
      mode: string
      org: string | null
      d: number
    }>`
      SELECT u.code, u.name, u.kind, c.mode, o.code AS org,
        ST_Distance(u.location::geography, ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)::geography) AS d
      FROM units u JOIN unit_coverage c ON c.unit_id = u.id LEFT JOIN party_orgs o ON o.id = c.party_org_id
      WHERE u.code LIKE 'IMP-U%' ORDER BY u.code`.execute(database.db)
    expect(rows.map((r) => [r.code, r.name, r.kind, r.mode, r.org])).toEqual([
      ['IMP-U1', '某某快递网点', 'courier_hub', 'affiliated', 'O-S1'],
      ['IMP-U2', '某某物业服务有限公司', 'property_company', 'work', null],
    ])
    for (const r of rows) expect(r.d).toBeLessThan(5)
  })

  it('imports units from every sheet of an XLSX workbook, coordinates in a Gauss-Krüger zone', async () => {
    const [lon, lat] = at(1200, 300)
    const { rows: projected } = await sql<{ x: number; y: number }>`
      SELECT ST_X(p) AS x, ST_Y(p) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326), 4547) AS p`.execute(
      database.db,
    )
    const data = await workbook({
      第一批: [
        unitHeader,
        ['IMP-X1', '甲公司', '非公企业', 30, 4, C12, projected[0].x, projected[0].y, '未覆盖', '', ''],
      ],
      第二批: [unitHeader, ['IMP-X2', '乙社会组织', '社会组织', 8, 2, C12, '', '', '', '', '']],
    })
    const response = await upload(app, '单位.xlsx', data, { kind: 'units', crs: 'EPSG:4547' })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ format: 'xlsx', counts: { rows: 2, stored: 2 } })
    const { rows } = await sql<{ d: number }>`
      SELECT ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)::geography) AS d
      FROM units WHERE code = 'IMP-X1'`.execute(database.db)
    expect(rows[0].d).toBeLessThan(0.01)
    const findings = (await app.inject('/api/party/findings?rule=should_establish&status=none')).json()
    expect(findings.rows.map((r: { code: string }) => r.code)).toContain('IMP-X1')
  })

  it('refuses a workbook with bad rows, naming sheet, row and column, and stores nothing', async () => {
    const before = {
      units: await count('units'),
      coverage: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM unit_coverage`.execute(database.db)).rows[0].n,
    }
    const [lon, lat] = at(100, 100)
    const data = await workbook({
      好数据: [unitHeader, ['IMP-Y1', '好单位', '非公企业', 10, 1, C11, lon, lat, '', '', '']],
      坏数据: [
        unitHeader,
        ['IMP-Y2', '坏单位甲', '非公企业', 10, '三', C11, lon, lat, '', '', ''],
        ['IMP-Y3', '坏单位乙', '飞船', 10, 1, '410199009009', lat, lon, '单独建', 'NO-SUCH-ORG', ''],
        ['IMP-Y1', '重复编码', '非公企业', 10, 1, C11, '', '', '', '', ''],
      ],
    })
    const response = await upload(app, '有错.xlsx', data, { kind: 'units' })
    expect(response.statusCode).toBe(400)
    const body = response.json()
    expect(body.message).toContain('未导入任何数据')
    const errors: { sheet: string; row: number; column: string; message: string }[] = body.details.errors
    const at3 = errors.filter((e) => e.row === 3).map((e) => e.column)
    expect(errors).toContainEqual(expect.objectContaining({ sheet: '坏数据', row: 2, column: '正式党员数' }))
    expect(at3).toEqual(expect.arrayContaining(['单位类别', '区划代码', '覆盖组织编码', '经度']))
    expect(errors.find((e) => e.row === 3 && e.column === '经度')!.message).toContain('颠倒')
    expect(errors).toContainEqual(expect.objectContaining({ sheet: '坏数据', row: 4, column: '单位编码' }))
    expect(errors.some((e) => e.sheet === '好数据')).toBe(false)
    expect(await count('units')).toBe(before.units)
    expect(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM unit_coverage`.execute(database.db)).rows[0].n,
    ).toBe(before.coverage)
    const run = (await app.inject(`/api/imports/${body.details.importId}`)).json()
    expect(run).toMatchObject({ kind: 'units', status: 'failed', format: 'xlsx' })
  })

  it('refuses a file without a required column, and a CSV with a blank line keeps the spreadsheet’s row numbers', async () => {
    const missing = await upload(app, 'o.csv', '组织编码,组织名称\nX,Y\n', { kind: 'party_orgs' })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().details.errors.map((e: { column: string }) => e.column)).toEqual(
      expect.arrayContaining(['组织类别', '所属领域', '党员数']),
    )
    const blank = await upload(app, 'u.csv', `${unitHeader.join(',')}\n\nIMP-Z1,丙,非公企业,1,x,${C11},,,,,\n`, {
      kind: 'units',
    })
    expect(blank.statusCode).toBe(400)
    expect(blank.json().details.errors).toEqual([
      expect.objectContaining({ sheet: 'u.csv', row: 3, column: '正式党员数' }),
    ])
  })

  it('checks everything on a dry run and stores nothing', async () => {
    const before = await count('party_orgs')
    const csv = `组织编码,组织名称,组织类别,所属领域,党员数,区划代码\nDRY-1,试运行支部,党支部,社区,9,${C11}\n`
    const response = await upload(app, 'dry.csv', csv, { kind: 'party_orgs', dryRun: 'true' })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ dryRun: true, counts: { rows: 1, rejected: 0, stored: 0 } })
    expect(await count('party_orgs')).toBe(before)
  })

  it('refuses an unknown frame and a file that is neither CSV nor XLSX', async () => {
    const frame = await upload(app, 'o.csv', '组织编码\n', { kind: 'party_orgs', crs: 'EPSG:9999999' })
    expect(frame.statusCode).toBe(400)
    expect(frame.json().message).toContain('未知坐标系')
    const other = await upload(app, 'o.txt', 'hello', { kind: 'units' })
    expect(other.statusCode).toBe(400)
    expect(other.json().message).toContain('.xlsx')
  })

  describe('secretaries and star history', () => {
    const stars = async (code: string) =>
      (
        await sql<{ year: number; star: number }>`
          SELECT s.year::int AS year, s.star_rating::int AS star FROM party_org_star_ratings s
          JOIN party_orgs o ON o.id = s.party_org_id WHERE o.code = ${code} ORDER BY s.year`.execute(database.db)
      ).rows
    const secretary = async (code: string) =>
      (
        await sql<{ name: string | null; phone: string | null }>`
          SELECT secretary_name AS name, secretary_phone AS phone FROM party_orgs WHERE code = ${code}`.execute(
          database.db,
        )
      ).rows[0]

    it('imports the secretary and star ratings by year from a GBK CSV (columns like 2024年星级); the profile masks the phone', async () => {
      const csv = [
        '组织编码,组织名称,组织类别,所属领域,党员数,区划代码,书记姓名,书记电话,2023年星级,2024年星级,2025年度星级',
        `SEC-O1,中共某某社区第一支部,党支部,社区,15,${C11},张书记,138-1234-5678,3,4,`,
        `SEC-O2,中共某某社区第二支部,党支部,社区,9,${C11},李书记,0371-12345678,,,5`,
      ].join('\r\n')
      const response = await upload(app, '党组织书记与星级.csv', iconv.encode(csv, 'gbk'), { kind: 'party_orgs' })
      expect(response.statusCode, response.body).toBe(200)
      // 2 organizations and 3 ratings
      expect(response.json()).toMatchObject({ encoding: 'gbk', counts: { rows: 2, rejected: 0, stored: 5 } })
      expect(await secretary('SEC-O1')).toEqual({ name: '张书记', phone: '138-1234-5678' })
      expect(await stars('SEC-O1')).toEqual([
        { year: 2023, star: 3 },
        { year: 2024, star: 4 },
      ])
      expect(await stars('SEC-O2')).toEqual([{ year: 2025, star: 5 }])
      const profile = (await app.inject('/api/party/orgs/SEC-O1')).json()
      expect(profile.starHistory).toEqual([
        { year: 2023, starRating: 3 },
        { year: 2024, starRating: 4 },
      ])
      expect(profile.secretary.phone).not.toContain('1234')
      // a register without the secretary columns keeps the stored secretary
      const again = await upload(
        app,
        'o.csv',
        `组织编码,组织名称,组织类别,所属领域,党员数,区划代码\nSEC-O1,中共某某社区第一支部,党支部,社区,16,${C11}\n`,
        { kind: 'party_orgs' },
      )
      expect(again.statusCode, again.body).toBe(200)
      expect(await secretary('SEC-O1')).toEqual({ name: '张书记', phone: '138-1234-5678' })
    })

    it('imports a star-history sheet (组织编码, 年度, 星级) beside the register sheet of an XLSX, replacing a year', async () => {
      const data = await workbook({
        党组织: [
          ['组织编码', '组织名称', '组织类别', '所属领域', '党员数', '区划代码'],
          ['SEC-X1', '某园区支部', '党支部', '园区楼宇', 7, C12],
        ],
        星级评定: [
          ['组织编码', '年度', '星级'],
          ['SEC-X1', 2024, 2],
          ['SEC-O1', 2024, 5],
        ],
      })
      const response = await upload(app, '星级.xlsx', data, { kind: 'party_orgs' })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.json()).toMatchObject({ counts: { rows: 3, rejected: 0, stored: 3 } })
      expect(await stars('SEC-X1')).toEqual([{ year: 2024, star: 2 }])
      expect(await stars('SEC-O1')).toEqual([
        { year: 2023, star: 3 },
        { year: 2024, star: 5 },
      ])
    })

    it('refuses bad secretary and star rows, naming sheet, row and column, and stores nothing (dry run checks the same)', async () => {
      const before = { orgs: await count('party_orgs'), stars: await stars('SEC-O1'), sec: await secretary('SEC-O1') }
      const data = await workbook({
        党组织: [
          ['组织编码', '组织名称', '组织类别', '所属领域', '党员数', '区划代码', '书记', '联系电话', '2024年星级'],
          ['SEC-B1', '好支部', '党支部', '社区', 5, C11, '王书记', '13912345678', 4],
          ['SEC-B2', '坏支部', '党支部', '社区', 5, C11, '赵书记', '12345', 6],
        ],
        星级评定: [
          ['组织编码', '年度', '星级'],
          ['SEC-O1', 2023, 0],
          ['NO-SUCH-ORG', 2024, 3],
          ['SEC-B1', 2024, 3],
        ],
      })
      for (const dryRun of ['true', 'false']) {
        const response = await upload(app, '坏星级.xlsx', data, { kind: 'party_orgs', dryRun })
        expect(response.statusCode).toBe(400)
        const errors: { sheet: string; row: number; column: string }[] = response.json().details.errors
        expect(errors).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ sheet: '党组织', row: 3, column: '联系电话' }),
            expect.objectContaining({ sheet: '党组织', row: 3, column: '2024年星级' }),
            expect.objectContaining({ sheet: '星级评定', row: 2, column: '星级' }),
            expect.objectContaining({ sheet: '星级评定', row: 3, column: '组织编码' }),
            // SEC-B1's 2024 rating is already in its 2024年星级 column
            expect.objectContaining({ sheet: '星级评定', row: 4, column: '年度' }),
          ]),
        )
        expect(errors.some((e) => e.sheet === '党组织' && e.row === 2)).toBe(false)
      }
      expect(await count('party_orgs')).toBe(before.orgs)
      expect(await stars('SEC-O1')).toEqual(before.stars)
      expect(await secretary('SEC-O1')).toEqual(before.sec)
    })
  })
})
