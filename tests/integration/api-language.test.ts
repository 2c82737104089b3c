// Every message the API sends a person is in the request's language only: zh-CN by default, English
// through Accept-Language: en — never the two glued together ("中文 / English"), never English to a
// Chinese request. The exact texts of the refusals an outside QA pass found English-only or glued:
// an unknown import, layer, route; a zoom out of range; a schema refusal (naming the field); and the
// not-found and bad-input answers of party, place, siting, print and wall tours. On each driver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, buildTestApp, uploadFile } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

/** Han characters: a Chinese text has them, an English one none. */
const han = /[\u4e00-\u9fff]/

describe.each(testDrivers())('messages in the request’s language on %s', (driver) => {
  let database: Database
  let app: TestApp

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    app = await buildTestApp(database)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  const step = { region: null, layers: [], panel: null, dwellSeconds: 20 }

  /** The same request asked in zh-CN (no header: the default) and in English. */
  async function both(request: { method?: 'GET' | 'POST'; url: string; payload?: object }) {
    const ask = (language?: string) =>
      app.inject({
        method: request.method ?? 'GET',
        url: request.url,
        payload: request.payload,
        headers: language ? { 'accept-language': language } : {},
      })
    const [zh, en] = [await ask(), await ask('en-US,en;q=0.9')]
    expect(zh.statusCode, zh.body).toBe(en.statusCode)
    const [zhMessage, enMessage] = [zh.json().message as string, en.json().message as string]
    // one language each: the zh-CN text has no English sentence glued on, the English one no Chinese
    expect(zhMessage).toMatch(han)
    expect(zhMessage).not.toMatch(/ \/ [a-z]|; [a-z]+ [a-z]+/i)
    expect(enMessage).not.toMatch(han)
    return { status: zh.statusCode, zh: zhMessage, en: enMessage, zhBody: zh.json(), enBody: en.json() }
  }

  it('says an unknown import id in Chinese, English on Accept-Language: en', async () => {
    expect(await both({ url: '/api/imports/987654321' })).toMatchObject({
      status: 404,
      zh: '没有编号为 987654321 的导入',
      en: 'No import has the id 987654321',
    })
  })

  it('says an unknown tile layer and a zoom out of range in both languages', async () => {
    expect(await both({ url: '/tiles/no-such-layer/3/1/1.mvt' })).toMatchObject({
      status: 404,
      zh: '没有图层“no-such-layer”（GET /api/layers 列出全部图层）',
      en: 'Unknown layer "no-such-layer"; GET /api/layers lists the layers',
    })
    expect(await both({ url: '/tiles/unified-grids/23/0/0.mvt' })).toMatchObject({
      status: 400,
      zh: '缩放级别 23 超出范围：z 须为 0–22',
      en: 'Zoom 23 is out of range: z must be 0–22',
    })
    expect(await both({ url: '/tiles/unified-grids/3/8/0.mvt' })).toMatchObject({
      status: 400,
      zh: '瓦片列号 8 在缩放级别 3 下超出范围：x 须为 0–7',
    })
    expect(await both({ url: '/api/layers/unified-grids/features?bbox=1,2,3' })).toMatchObject({
      status: 400,
      zh: 'bbox 须为四个数“西,南,东,北”，收到“1,2,3”',
      en: 'bbox must be four numbers "west,south,east,north", got "1,2,3"',
    })
  })

  it('says a schema refusal as a sentence naming the field, in the request’s language', async () => {
    const limit = await both({ url: '/api/layers/unified-grids/features?bbox=1,2,3,4&limit=0' })
    expect(limit).toMatchObject({
      status: 400,
      zh: '请求有误：查询参数字段“limit”须不小于 1',
      en: 'Invalid query: field "limit" must be at least 1',
      zhBody: { error: 'invalid_request', details: [{ field: 'querystring.limit', message: expect.any(String) }] },
    })
    // a union of literal values says them all, once
    const objective = await both({
      method: 'POST',
      url: '/api/siting-scenarios',
      payload: { region: '410102000000', objective: 'magic' },
    })
    expect(objective).toMatchObject({
      status: 400,
      zh: '请求有误：请求体字段“objective”须为 "max_covering"、"set_covering" 之一',
      en: 'Invalid body: field "objective" must be one of "max_covering", "set_covering"',
    })
    // a field the body may not have, and one it must have
    expect(await both({ method: 'POST', url: '/api/merge-runs', payload: { colour: 'red' } })).toMatchObject({
      status: 400,
      zh: '请求有误：请求体字段“colour”不是可接受的字段',
      en: 'Invalid body: field "colour" is not an accepted field',
    })
    expect(await both({ method: 'POST', url: '/api/wall-tours', payload: { steps: [step] } })).toMatchObject({
      status: 400,
      zh: '请求有误：请求体字段“name”不能缺少',
      en: 'Invalid body: field "name" is required',
    })
    expect(
      await both({ method: 'POST', url: '/api/siting-scenarios', payload: { region: '410102000000', k: 'three' } }),
    ).toMatchObject({
      status: 400,
      zh: '请求有误：请求体字段“k”须为数字',
      en: 'Invalid body: field "k" must be a number',
    })
  })

  it('says a body that is not JSON in both languages', async () => {
    const post = (language: string) =>
      app.inject({
        method: 'POST',
        url: '/api/merge-runs',
        payload: '{"strategy":',
        headers: { 'content-type': 'application/json', 'accept-language': language },
      })
    const [zh, en] = [await post('zh-CN'), await post('en')]
    expect([zh.statusCode, zh.json().message]).toEqual([400, '请求体不是有效的 JSON'])
    expect([en.statusCode, en.json().message]).toEqual([400, 'The body is not valid JSON'])
  })

  it('says an unknown route in both languages', async () => {
    expect(await both({ url: '/api/no-such-thing?x=1' })).toMatchObject({
      status: 404,
      zh: '没有这个接口：GET /api/no-such-thing',
      en: 'No route for GET /api/no-such-thing',
    })
  })

  it('says party, place, siting, print and wall-tour refusals in one language each', async () => {
    expect(await both({ url: '/api/party/orgs/NO-SUCH-ORG' })).toMatchObject({
      status: 404,
      zh: '没有党组织 NO-SUCH-ORG',
      en: 'No organization NO-SUCH-ORG',
    })
    expect(await both({ url: '/api/party/findings?rule=should_establish&street=410102' })).toMatchObject({
      status: 400,
    })
    expect(await both({ url: '/api/regions/999999999999/place-figures' })).toMatchObject({
      status: 404,
      zh: '没有区划 999999999999',
      en: 'No region 999999999999',
    })
    expect(await both({ url: '/api/siting-scenarios/999999' })).toMatchObject({
      status: 404,
      zh: '选址方案 999999 不存在',
      en: 'Siting scenario 999999 not found',
    })
    expect(
      await both({
        method: 'POST',
        url: '/api/siting-scenarios',
        payload: { region: '4101', objective: 'max_covering', k: 3 },
      }),
    ).toMatchObject({
      status: 400,
      zh: '区划编码必须是 12 位数字（字段 region）',
      en: 'Region must be a 12-digit code (field region)',
    })
    expect(await both({ url: '/api/service-maps/grid/NO-SUCH-GRID.pdf' })).toMatchObject({
      status: 404,
      zh: '没有已发布的全科网格 NO-SUCH-GRID',
      en: 'No published unified grid has the code NO-SUCH-GRID',
    })
    expect(await both({ url: '/api/wall-tours/999999' })).toMatchObject({
      status: 404,
      zh: '没有编号为 999999 的巡游',
      en: 'No wall tour has the id 999999',
    })
    expect(await both({ method: 'POST', url: '/api/wall-tours', payload: { name: ' ', steps: [step] } })).toMatchObject(
      {
        status: 400,
        zh: '巡游名称不能为空',
        en: 'The tour needs a name',
      },
    )
  })

  it('refuses a party register in the request’s language, each fault too, and stores nothing', async () => {
    const count = async () => (await database.db.selectFrom('units').select('code').execute()).length
    const before = await count()
    const register = {
      name: '单位.csv',
      data: '单位编码,单位名称,单位类别,职工人数,党员数,区划代码\nU-1,某单位,非公企业,十,1,410102001001\n',
    }
    const [zh, en] = [
      await uploadFile(app, register, { kind: 'units' }, 'zh-CN', '/api/party/imports'),
      await uploadFile(app, register, { kind: 'units' }, 'en', '/api/party/imports'),
    ]
    expect(zh.statusCode, zh.body).toBe(400)
    expect(en.statusCode).toBe(400)
    expect(zh.json().message).toMatch(/^单位\.csv：\d+ 处错误，未导入任何数据（首个：/)
    expect(en.json().message).toMatch(/^单位\.csv: \d+ fault\(s\), nothing was imported \(first: /)
    const zhFaults: { message: string }[] = zh.json().details.errors
    const enFaults: { message: string }[] = en.json().details.errors
    expect(zhFaults.length).toBeGreaterThan(0)
    expect(enFaults.map((f) => f.message)).toHaveLength(zhFaults.length)
    for (const fault of zhFaults) expect(fault.message).not.toMatch(/ \/ [a-z]/i)
    for (const fault of enFaults) expect(fault.message.replace(/“[^”]*”|"[^"]*"/g, '')).not.toMatch(han)
    expect(await count()).toBe(before)

    const kind = await uploadFile(app, register, { kind: 'members' }, 'en', '/api/party/imports')
    expect(kind.json().message).toBe('kind must be party_orgs or units')
    const frame = await uploadFile(app, register, { kind: 'units', crs: 'EPSG:9999999' }, 'en', '/api/party/imports')
    expect(frame.json().message).toBe('Unknown coordinate reference system "EPSG:9999999" (field crs)')
    const other = await uploadFile(app, { name: 'a.txt', data: 'x' }, { kind: 'units' }, 'zh-CN', '/api/party/imports')
    expect(other.json().message).toBe('a.txt：请上传 .csv 或 .xlsx 文件')
  })
})
