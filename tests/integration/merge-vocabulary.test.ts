// The merge's words through HTTP (GET /api/merge-runs/vocabulary): department and issue kind names in
// the request's language, the same names the merge-issues legend shows — on each driver.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { MergeIssueKind } from '../../server/schemas/merge.schema.ts'
import { buildTestApp } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

const issueKinds = MergeIssueKind.anyOf.map((literal: { const: string }) => literal.const).sort()
const vocabularyIn = async (app: FastifyInstance, language?: string) => {
  const response = await app.inject({
    url: '/api/merge-runs/vocabulary',
    headers: language ? { 'accept-language': language } : {},
  })
  expect(response.statusCode, response.body).toBe(200)
  return response.json() as { departments: Record<string, string>; issueKinds: Record<string, string> }
}

describe.each(testDrivers())('merge vocabulary on %s', (driver) => {
  let database: Database
  let app: FastifyInstance

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    app = await buildTestApp(database)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('names every department and every issue kind in zh-CN when the request asks for Chinese or nothing', async () => {
    for (const language of [undefined, 'zh-CN', 'zh-CN,zh;q=0.9,en;q=0.8']) {
      const vocabulary = await vocabularyIn(app, language)
      expect(Object.keys(vocabulary.issueKinds).sort()).toEqual(issueKinds)
      expect(vocabulary.issueKinds).toMatchObject({ gap: '空白点', overlap: '重叠', crosses_boundary: '跨社区' })
      expect(vocabulary.departments).toMatchObject({ party: '党建', governance: '综治', market: '市场监管' })
      expect(Object.keys(vocabulary.departments)).toHaveLength(10)
    }
  })

  it('names them in English when Accept-Language prefers English, code for code', async () => {
    const chinese = await vocabularyIn(app, 'zh-CN')
    const english = await vocabularyIn(app, 'en-US,en;q=0.9,zh;q=0.5')
    expect(Object.keys(english.issueKinds).sort()).toEqual(Object.keys(chinese.issueKinds).sort())
    expect(Object.keys(english.departments).sort()).toEqual(Object.keys(chinese.departments).sort())
    for (const label of [...Object.values(english.issueKinds), ...Object.values(english.departments)])
      expect(label).toMatch(/^[A-Z][\x20-\x7e]+$/)
    expect(english.issueKinds).toMatchObject({ gap: 'Gap', sliver: 'Sliver', outside_region: 'Outside district' })
    expect(english.departments).toMatchObject({ party: 'Party building', governance: 'Comprehensive governance' })
  })

  it('gives the names the merge-issues layer’s legend shows, in both languages', async () => {
    const layers = (await app.inject('/api/layers')).json().layers as {
      id: string
      legend: { items?: { value: string; label: { 'zh-CN': string; en: string } }[] }
    }[]
    const legend = layers.find((layer) => layer.id === 'merge-issues')!.legend.items!
    const [chinese, english] = [await vocabularyIn(app, 'zh-CN'), await vocabularyIn(app, 'en')]
    expect(legend.map((item) => item.value).sort()).toEqual(issueKinds)
    for (const item of legend) {
      expect(item.label['zh-CN']).toBe(chinese.issueKinds[item.value])
      expect(item.label.en).toBe(english.issueKinds[item.value])
    }
  })

  it('answers 401 without a session', async () => {
    const response = await app.inject({ url: '/api/merge-runs/vocabulary', anonymous: true } as never)
    expect(response.statusCode).toBe(401)
  })
})
