// The printable service map on each driver: a published unified grid's A3 PDF opened with pdf.js
// and its text read back (Chinese embedded as text in an embedded font, nothing rasterized), its
// chief's number whole for an administrator and masked for a viewer, a community's grids as one
// PDF with a page each, a street official of another street refused, and each export audited.
import { sql } from 'kysely'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, buildTestApp, credentialHeaders, signIn } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { buildMergeDistrict, communityA } from '../helpers/merge-district.ts'

/** Every page's text, as a reader (or a search in a PDF viewer) sees it. */
async function pdfText(data: Buffer): Promise<{ pages: string[]; bytes: string }> {
  const document = await getDocument({ data: new Uint8Array(data), disableFontFace: true, useSystemFonts: false })
    .promise
  const pages: string[] = []
  for (let i = 1; i <= document.numPages; i++) {
    const content = await (await document.getPage(i)).getTextContent()
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''))
  }
  await document.destroy()
  return { pages, bytes: data.toString('latin1') }
}

const password = 'a-long-enough-password'

describe.each(testDrivers())('service maps on %s', (driver) => {
  let database: Database
  let app: TestApp
  let grid: { id: number; code: string }
  let gridsInA: number

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
    app = await buildTestApp(database)
    const merges = app.services.merge
    const run = await merges.createRun({ snapToleranceM: 0.2 })
    expect((await merges.executeRun(run)).status).toBe('succeeded')
    await merges.publishRun(run)
    const { rows } = await sql<{ id: number; code: string }>`
      SELECT id::int, code FROM unified_grids WHERE merge_run_id = ${run} AND community_code = ${communityA}
      ORDER BY code`.execute(database.db)
    grid = rows[0]
    gridsInA = rows.length
    // its people, on the department grids it was made of; an organization inside it
    const source = await sql<{ gridId: number }>`
      SELECT grid_id::int AS "gridId" FROM unified_grid_sources WHERE unified_grid_id = ${grid.id}
      ORDER BY share DESC LIMIT 1`.execute(database.db)
    await sql`INSERT INTO grid_staff (grid_id, role, name, phone) VALUES
      (${source.rows[0].gridId}, 'chief', '张网格', '13812345678'),
      (${source.rows[0].gridId}, 'full_time', '李专职', '13987654321')`.execute(database.db)
    await sql`INSERT INTO party_orgs (code, name, tier, domain, establishment, member_count, formal_members, region_code,
                                      secretary_name, secretary_phone, location)
      SELECT 'SM-1', '示意第一党支部', 'branch', 'community', 'own', 12, 11, ${communityA}, '王书记', '13700001111',
             ST_PointOnSurface(boundary)
      FROM unified_grids WHERE id = ${grid.id}`.execute(database.db)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('prints a grid as an A3 page whose Chinese text reads back, with its people and organization', async () => {
    const response = await app.inject(`/api/service-maps/grid/${grid.code}.pdf`)
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200)
    expect(response.headers['content-type']).toBe('application/pdf')
    const { pages, bytes } = await pdfText(response.rawPayload)
    expect(pages).toHaveLength(1)
    const text = pages[0]
    for (const expected of [
      '全科网格服务示意图',
      grid.code,
      '网格长',
      '张网格',
      '13812345678',
      '李专职',
      '示意第一党支部',
      '书记：王书记',
      '13700001111',
    ])
      expect(text).toContain(expected)
    // the font is embedded (a subset), and the page holds no image: text and vectors only
    expect(bytes).toMatch(/\/FontFile[23]/)
    expect(bytes).not.toMatch(/\/Subtype\s*\/Image/)
    // A3 landscape
    expect(bytes).toMatch(/\/MediaBox \[0 0 1190\.55 841\.89\]/)
  })

  it('masks names and numbers for a viewer', async () => {
    await app.inject({ method: 'POST', url: '/api/users', payload: { username: 'viewer1', role: 'viewer', password } })
    const first = await signIn(app, 'viewer1', password)
    await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: credentialHeaders(first, 'POST'),
      payload: { currentPassword: password, newPassword: `${password}!` },
      anonymous: true,
    } as never)
    const viewer = await signIn(app, 'viewer1', `${password}!`)
    const response = await app.inject({
      url: `/api/service-maps/grid/${grid.code}.pdf`,
      headers: credentialHeaders(viewer),
      anonymous: true,
    } as never)
    expect(response.statusCode).toBe(200)
    const [text] = (await pdfText(response.rawPayload)).pages
    expect(text).not.toContain('13812345678')
    expect(text).not.toContain('张网格')
    expect(text).toContain('138****5678')
    expect(text).not.toContain('王书记')
    expect(text).not.toContain('13700001111')
    expect(text).toContain('137****1111')
  })

  it('prints a community as one PDF, a page per grid, and refuses what is not there', async () => {
    const response = await app.inject(`/api/service-maps/community/${communityA}.pdf`)
    expect(response.statusCode).toBe(200)
    const { pages } = await pdfText(response.rawPayload)
    expect(pages).toHaveLength(gridsInA)
    expect(pages.every((p) => p.includes('全科网格服务示意图'))).toBe(true)
    const missing = await app.inject('/api/service-maps/grid/NO-SUCH-GRID.pdf')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().message).toContain('NO-SUCH-GRID')
    const audit = (await app.inject('/api/audit?entity=service-map&limit=10')).json().entries
    expect(audit.length).toBeGreaterThanOrEqual(2)
  })

  it('prints nothing of another street for a street official', async () => {
    // a second street beside the test district's one
    const street = '410199002000'
    await sql`INSERT INTO regions (code, name, level, parent_code, is_urban, boundary)
      SELECT ${street}, '别的街道', 'street', parent_code, is_urban, boundary FROM regions
      WHERE code = ${`${communityA.slice(0, 9)}000`}`.execute(database.db)
    await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'street-other', role: 'street', regionCode: street, password },
    })
    const first = await signIn(app, 'street-other', password)
    await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: credentialHeaders(first, 'POST'),
      payload: { currentPassword: password, newPassword: `${password}!` },
      anonymous: true,
    } as never)
    const official = await signIn(app, 'street-other', `${password}!`)
    const response = await app.inject({
      url: `/api/service-maps/grid/${grid.code}.pdf`,
      headers: credentialHeaders(official),
      anonymous: true,
    } as never)
    expect(response.statusCode).toBe(404)
  })
})
