// The grids of a place on both drivers: figures per layer that add up against the lists behind them,
// a grid of 520 households in an urban community flagged, lists exported as CSV and XLSX with Chinese
// headers (a street's export holds that street only, and is audited), and born scoped.
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import type { RegionGridFigures, RegionGridList } from '../../server/schemas/regions.schema.ts'
import { parseCsvRows } from '../../server/services/imports/import-formats.ts'
import { type TestApp, buildTestApp, credentialHeaders, signIn } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

describe.each(testDrivers())('the grids of a place on %s', (driver) => {
  let database: Database
  let app: TestApp
  let district: string
  let streets: { code: string; name: string }[]
  let flagged: { id: number; code: string }

  beforeAll(async () => {
    database = await openTestDatabase(driver)
    app = await buildTestApp(database)
    const db = database.db
    district = (await sql<{ code: string }>`SELECT code FROM regions WHERE level = 'district'`.execute(db)).rows[0].code
    streets = (
      await sql<{
        code: string
        name: string
      }>`SELECT code, name FROM regions WHERE level = 'street' ORDER BY code`.execute(db)
    ).rows
    // a governance grid of 520 households in an urban community that sets no norm of its own (300–500)
    flagged = (
      await sql<{ id: number; code: string }>`
        UPDATE grids SET households = 520 WHERE id = (
          SELECT g.id FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active AND l.department = 'governance'
          JOIN regions c ON c.code = g.community_code AND c.is_urban AND c.households_min IS NULL
          JOIN regions s ON s.code = c.parent_code AND s.households_min IS NULL
          WHERE left(g.community_code, 9) = ${streets[0].code.slice(0, 9)}
          ORDER BY g.id LIMIT 1)
        RETURNING id::int, code`.execute(db)
    ).rows[0]
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  const figuresOf = async (code: string, headers: Record<string, string> = {}) => {
    const response = await app.inject({ url: `/api/regions/${code}/grid-figures`, headers })
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as RegionGridFigures
  }
  const listOf = async (code: string, query: string, headers: Record<string, string> = {}) => {
    const response = await app.inject({ url: `/api/regions/${code}/grids?${query}`, headers })
    expect(response.statusCode, response.body).toBe(200)
    return (response.json() as RegionGridList).grids
  }

  it('flags a grid of 520 households in an urban community (norm 300–500)', async () => {
    const outside = await listOf(streets[0].code, 'list=outside_norm&layer=governance')
    const grid = outside.find((g) => g.id === flagged.id)
    expect(grid).toMatchObject({ code: flagged.code, households: 520, normMin: 300, normMax: 500, outsideNorm: true })
  })

  it('gives figures per layer that add up against the lists behind them', async () => {
    const figures = await figuresOf(streets[0].code)
    expect(figures.layers.map((l) => l.layer)).toContain('governance')
    for (const layer of figures.layers) {
      const all = await listOf(streets[0].code, `layer=${layer.layer}`)
      expect(layer.grids).toBe(all.length)
      expect(layer.households).toBe(all.reduce((s, g) => s + (g.households ?? 0), 0))
      expect(layer.histogram.reduce((s, b) => s + b.grids, 0)).toBe(all.filter((g) => g.households !== null).length)
      expect(layer.outsideNorm).toBe((await listOf(streets[0].code, `layer=${layer.layer}&list=outside_norm`)).length)
      expect(layer.withoutChief).toBe((await listOf(streets[0].code, `layer=${layer.layer}&list=without_chief`)).length)
      expect(layer.understaffed).toBe((await listOf(streets[0].code, `layer=${layer.layer}&list=understaffed`)).length)
      for (const grid of all) expect(grid.communityCode?.startsWith(streets[0].code.slice(0, 9))).toBe(true)
    }
    // the district's grids are its streets' grids
    const whole = await figuresOf(district)
    const governance = (f: RegionGridFigures) => f.layers.find((l) => l.layer === 'governance')!.grids
    let sum = 0
    for (const street of streets) sum += governance(await figuresOf(street.code))
    expect(governance(whole)).toBe(sum)
  })

  it('exports a street’s list as CSV (UTF-8 with BOM, Chinese headers) holding that street only, and audits it', async () => {
    const list = await listOf(streets[0].code, 'list=all&layer=governance')
    const response = await app.inject({ url: `/api/regions/${streets[0].code}/grids.csv?list=all&layer=governance` })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.headers['content-type']).toMatch(/text\/csv/)
    const bytes = response.rawPayload
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const [headers, ...rows] = parseCsvRows(bytes.toString('utf8').replace(/^\uFEFF/, ''))
    expect(headers.slice(0, 5)).toEqual(['图层', '网格编码', '网格名称', '街道', '社区'])
    const data = rows.filter((r) => r.length > 1)
    expect(data).toHaveLength(list.length)
    for (const row of data) expect(row[3]).toBe(streets[0].name)
    const audit = (await app.inject('/api/audit?limit=5')).json() as { entries: { action: string; entity: string }[] }
    expect(audit.entries.some((e) => e.action === 'export' && e.entity === 'region-grids')).toBe(true)
  })

  it('names each grid’s layer in the export (zh-CN, English by Accept-Language), its code in a column of its own', async () => {
    const exported = async (language: string) => {
      const response = await app.inject({
        url: `/api/regions/${streets[0].code}/grids.csv?list=all`,
        headers: { 'accept-language': language },
      })
      expect(response.statusCode, response.body).toBe(200)
      const [headers, ...rows] = parseCsvRows(response.rawPayload.toString('utf8').replace(/^\uFEFF/, ''))
      const data = rows.filter((r) => r.length > 1)
      return { headers, layers: data.map((r) => [r[0], r[headers.length - 1]]) }
    }
    const chinese = await exported('zh-CN')
    const english = await exported('en-US,en;q=0.9,zh;q=0.5')
    expect(chinese.headers.at(-1)).toBe('图层编码')
    const layers = new Map(chinese.layers.map(([name, code]) => [code, name]))
    expect(layers.get('urban')).toBe('城管')
    expect(layers.get('governance')).toBe('综治')
    expect(layers.get('party')).toBe('党建')
    const inEnglish = new Map(english.layers.map(([name, code]) => [code, name]))
    expect(inEnglish.get('urban')).toBe('Urban management')
    expect(inEnglish.get('governance')).toBe('Comprehensive governance')
    expect(inEnglish.get('party')).toBe('Party building')
    // no cell a user reads as the layer is a code
    for (const [name, code] of [...chinese.layers, ...english.layers]) expect(name).not.toBe(code)
    expect(english.layers.map(([, code]) => code)).toEqual(chinese.layers.map(([, code]) => code))
  })

  it('exports the grids outside the norm as XLSX with Chinese headers, read back', async () => {
    const list = await listOf(streets[0].code, 'list=outside_norm')
    const response = await app.inject({ url: `/api/regions/${streets[0].code}/grids.xlsx?list=outside_norm` })
    expect(response.statusCode, response.body).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer)
    const sheet = workbook.worksheets[0]
    expect(sheet.name).toBe('户数超出标准的网格')
    expect(sheet.getRow(1).getCell(2).value).toBe('网格编码')
    expect(sheet.rowCount - 1).toBe(list.length)
    const codes = Array.from({ length: list.length }, (_, i) => String(sheet.getRow(i + 2).getCell(2).value))
    expect(codes).toContain(flagged.code)
  })

  it('shows a street official their own street only', async () => {
    const username = `grids-${driver}`
    const created = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username, role: 'street', regionCode: streets[0].code, password: 'street-password-1' },
    })
    expect(created.statusCode, created.body).toBe(201)
    const first = await signIn(app, username, 'street-password-1')
    await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: credentialHeaders(first, 'POST'),
      payload: { currentPassword: 'street-password-1', newPassword: 'street-password-2' },
      anonymous: true,
    } as never)
    const official = await signIn(app, username, 'street-password-2')
    const headers = { cookie: official.cookie }
    const other = await app.inject({ url: `/api/regions/${streets[1].code}/grids.csv`, headers })
    expect(other.statusCode).toBe(404)
    // the whole district, as they see it, is their street
    const wide = await listOf(district, 'list=all', headers)
    expect(wide.length).toBeGreaterThan(0)
    for (const grid of wide) expect(grid.communityCode?.startsWith(streets[0].code.slice(0, 9))).toBe(true)
    expect(wide.length).toBe((await listOf(streets[0].code, 'list=all')).length)
  })

  it('refuses an unknown list, naming the field, and an unknown region', async () => {
    const bad = await app.inject({ url: `/api/regions/${streets[0].code}/grids?list=bogus` })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toMatch(/list/)
    expect((await app.inject({ url: '/api/regions/999999999999/grid-figures' })).statusCode).toBe(404)
  })

  it('says a region is not found in the language asked for (zh-CN by default)', async () => {
    for (const url of ['/api/regions/999999999999', '/api/regions/999999999999/grids']) {
      const zh = await app.inject({ url, headers: { 'accept-language': 'zh-CN' } })
      expect(zh.statusCode).toBe(404)
      expect(zh.json().message).toBe('没有编码为 999999999999 的区划')
      const en = await app.inject({ url, headers: { 'accept-language': 'en' } })
      expect(en.json().message).toBe('No region has the code 999999999999')
    }
  })
})
