// Issue 19 item 7: import messages a Chinese office can act on — zh-CN by default and English through
// Accept-Language, feature numbers counted from 1 in the text (the report's `feature` stays the
// 0-based index the web client turns into 第 N 个要素), a refused file said to be refused, the valid
// department codes listed, and a region warning naming the region and its parent by name. The exact
// texts in both languages, on each driver.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { buildTestApp, uploadFile } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { toLonLat } from '../helpers/local-frame.ts'
import { buildMergeDistrict, communityA } from '../helpers/merge-district.ts'

type Ring = [number, number][]
const rect = (x0: number, y0: number, x1: number, y1: number): Ring =>
  [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ].map(([x, y]) => toLonLat(x, y))

const collection = (features: { properties: Record<string, unknown>; ring: Ring }[]) =>
  JSON.stringify({
    type: 'FeatureCollection',
    features: features.map((f) => ({
      type: 'Feature',
      properties: f.properties,
      geometry: { type: 'Polygon', coordinates: [f.ring] },
    })),
  })

interface Refusal {
  message: string
  details: { errors: { feature?: number; field?: string; message: string }[]; report: { message: string }[] }
}

describe.each(testDrivers())('import messages on %s', (driver) => {
  let database: Database
  let app: FastifyInstance
  let storedBefore: number

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
    app = await buildTestApp(database)
    storedBefore = (await database.db.selectFrom('grids').select('id').execute()).length
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  // feature 1 is fine, feature 2 repeats its code, feature 3 has a bad household count
  const faulty = {
    name: 'dup.geojson',
    data: collection([
      { properties: { code: 'G-1', community_code: communityA }, ring: rect(10, 10, 60, 60) },
      { properties: { code: 'G-1', community_code: communityA }, ring: rect(70, 10, 120, 60) },
      { properties: { code: 'G-3', community_code: communityA, 户数: '三百' }, ring: rect(10, 70, 60, 120) },
    ]),
  }

  it('refuses a faulty file in zh-CN by default, counting features from 1 in the text', async () => {
    const response = await uploadFile(app, faulty, { kind: 'grids', department: 'governance' }, 'zh-CN')
    expect(response.statusCode).toBe(400)
    const body = response.json() as Refusal
    expect(body.message).toBe(
      '文件 dup.geojson 被拒收，有 2 处错误，未保存任何内容：第 2 个要素字段“code”：网格编码“G-1”重复（第 1 个要素也用了它）',
    )
    expect(body.details.errors.map((e) => [e.feature, e.field, e.message])).toEqual([
      [1, 'code', '网格编码“G-1”重复（第 1 个要素也用了它）'],
      [2, '户数', '户数须为不小于 0 的整数，实际为“三百”'],
    ])
    // nothing stored
    expect((await database.db.selectFrom('grids').select('id').execute()).length).toBe(storedBefore)
  })

  it('says the same in English through Accept-Language, in the answer and in the stored report', async () => {
    const response = await uploadFile(app, faulty, { kind: 'grids', department: 'governance' }, 'en-US,en;q=0.9')
    const body = response.json() as Refusal & { details: { importId: number } }
    expect(body.message).toBe(
      '2 error(s) in dup.geojson, nothing was stored: feature 2 field "code" duplicate grid code "G-1" (also feature 1)',
    )
    expect(body.details.errors[1].message).toBe('households must be a whole number ≥ 0, got "三百"')
    const stored = await app.inject({
      url: `/api/imports/${body.details.importId}`,
      headers: { 'accept-language': 'zh-CN' },
    })
    expect((stored.json() as { report: { message: string }[] }).report.map((r) => r.message)).toEqual([
      '网格编码“G-1”重复（第 1 个要素也用了它）',
      '户数须为不小于 0 的整数，实际为“三百”',
    ])
    const english = await app.inject({
      url: `/api/imports/${body.details.importId}`,
      headers: { 'accept-language': 'en' },
    })
    expect((english.json() as { report: { message: string }[] }).report[0].message).toBe(
      'duplicate grid code "G-1" (also feature 1)',
    )
  })

  it('says a file with no features is refused, not "0/0 usable"', async () => {
    const empty = { name: 'empty.geojson', data: collection([]) }
    const zh = await uploadFile(app, empty, { kind: 'grids', department: 'governance' }, 'zh-CN')
    expect(zh.statusCode).toBe(400)
    expect(zh.json().message).toBe('文件 empty.geojson 被拒收，有 1 处错误，未保存任何内容：文件中没有任何要素')
    const en = await uploadFile(app, empty, { kind: 'grids', department: 'governance' })
    expect(en.json().message).toBe('1 error(s) in empty.geojson, nothing was stored: the file holds no features')
  })

  it('lists the valid department codes for an unknown department, in both languages', async () => {
    const zh = await uploadFile(app, faulty, { kind: 'grids', department: 'nope' }, 'zh-CN')
    expect(zh.statusCode).toBe(400)
    expect(zh.json().message).toMatch(/^未知的部门“nope”：可用的部门代码为 [a-z_]+(, [a-z_]+)+$/)
    expect(zh.json().message).toContain('governance')
    const en = await uploadFile(app, faulty, { kind: 'grids', department: 'nope' })
    expect(en.json().message).toMatch(/^Unknown department "nope": use one of [a-z_]+(, [a-z_]+)+$/)
  })

  it('names a file-level fault with the feature counted from 1', async () => {
    const bad = {
      name: 'bad.geojson',
      data: JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: {} }, { type: 'Nope' }],
      }),
    }
    const zh = await uploadFile(app, bad, { kind: 'grids', department: 'governance' }, 'zh-CN')
    expect(zh.statusCode).toBe(400)
    expect(zh.json().message).toBe('bad.geojson 第 2 个要素 字段“type”：不是 GeoJSON Feature')
    const en = await uploadFile(app, bad, { kind: 'grids', department: 'governance' })
    expect(en.json().message).toBe('bad.geojson feature 2 field "type": not a GeoJSON Feature')
  })

  it('names the region and its parent by name in a region warning', async () => {
    // 丙社区 of 测试街道 (0–400 m × 0–200 m), drawn 300–500 m: half of it outside the street
    const file = {
      name: 'regions.geojson',
      data: collection([
        {
          properties: { code: '410199001003', name: '丙社区', parent_code: '410199001000', is_urban: 'true' },
          ring: rect(300, 0, 500, 200),
        },
      ]),
    }
    const zh = await uploadFile(app, file, { kind: 'regions', dryRun: 'true' }, 'zh-CN')
    expect(zh.statusCode, zh.body).toBe(200)
    const warnings = (zh.json() as { report: { message: string }[] }).report.map((r) => r.message)
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^丙社区 \(410199001003\)：该区划有 (49\.9|50\.0|50\.1) % 的面积位于上级 测试街道 \(410199001000\) 之外$/,
        ),
        expect.stringMatching(
          /^丙社区 \(410199001003\)：与同级区划 乙社区 \(410199001002\) 重叠，重叠面积为两者中较小者的 \d+\.\d %$/,
        ),
      ]),
    )
    const en = await uploadFile(app, file, { kind: 'regions', dryRun: 'true' })
    expect((en.json() as { report: { message: string }[] }).report.map((r) => r.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^丙社区 \(410199001003\): (49\.9|50\.0|50\.1) % of the region lies outside its parent 测试街道 \(410199001000\)$/,
        ),
      ]),
    )
  })
})
