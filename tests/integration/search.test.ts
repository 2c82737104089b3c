// Search over the demo district on both drivers: by name, code, pinyin initials and grid chief,
// grouped by kind, and born scoped — a street official finds their own street's things only.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import type { SearchResult } from '../../server/schemas/search.schema.ts'
import { initialsOf } from '../../server/services/search/search.service.ts'
import { type TestApp, buildTestApp, credentialHeaders, signIn } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

const search = async (app: FastifyInstance, q: string, headers: Record<string, string> = {}) => {
  const response = await app.inject({ url: `/api/search?q=${encodeURIComponent(q)}`, headers })
  expect(response.statusCode, response.body).toBe(200)
  return response.json() as SearchResult
}
const hitsOf = (result: SearchResult, kind: string) => result.groups.find((g) => g.kind === kind)?.hits ?? []

describe.each(testDrivers())('search on %s', (driver) => {
  let database: Database
  let app: TestApp
  let streets: { code: string; name: string }[]

  beforeAll(async () => {
    database = await openTestDatabase(driver)
    app = await buildTestApp(database)
    streets = (
      await sql<{
        code: string
        name: string
      }>`SELECT code, name FROM regions WHERE level = 'street' ORDER BY code`.execute(database.db)
    ).rows
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('finds a street by its name, by its code and by the pinyin initials of its name', async () => {
    const street = streets[0]
    for (const q of [street.name.slice(0, 2), street.code, initialsOf(street.name.slice(0, 2))]) {
      const regions = hitsOf(await search(app, q), 'region')
      expect(
        regions.map((h) => h.code),
        q,
      ).toContain(street.code)
    }
    const byInitials = hitsOf(await search(app, initialsOf(street.name)), 'region').find((h) => h.code === street.code)
    expect(byInitials?.matched).toBe('initials')
    expect(byInitials?.bbox).toHaveLength(4)
  })

  it('groups the results by kind in a fixed order, each with its total', async () => {
    const result = await search(app, streets[0].name.slice(0, 2))
    const order = ['region', 'unifiedGrid', 'grid', 'serviceCenter', 'partyOrg', 'unit']
    const kinds = result.groups.map((g) => g.kind)
    expect(kinds).toEqual([...kinds].sort((a, b) => order.indexOf(a) - order.indexOf(b)))
    for (const group of result.groups) expect(group.total).toBeGreaterThanOrEqual(group.hits.length)
    expect(result.groups.some((g) => g.kind === 'grid')).toBe(true)
  })

  it('finds a department grid by its grid chief (网格长)', async () => {
    const { rows } = await sql<{ chief: string; code: string }>`
      SELECT s.name AS chief, g.code FROM grid_staff s JOIN grids g ON g.id = s.grid_id
      JOIN grid_layers l ON l.id = g.layer_id AND l.is_active WHERE s.role = 'chief' ORDER BY s.id LIMIT 1`.execute(
      database.db,
    )
    const grids = hitsOf(await search(app, rows[0].chief), 'grid')
    const hit = grids.find((h) => h.code === rows[0].code)
    expect(hit?.matched).toBe('chief')
    expect(hit?.chiefName).toBe(rows[0].chief)
  })

  it('finds a grid by a place-name fragment: its street and community names', async () => {
    const { rows } = await sql<{ street: string; community: string }>`
      SELECT s.name AS street, c.name AS community FROM grids g JOIN regions c ON c.code = g.community_code
      JOIN regions s ON s.code = c.parent_code ORDER BY g.id LIMIT 1`.execute(database.db)
    const grids = hitsOf(await search(app, `${rows[0].street} ${rows[0].community}`), 'grid')
    expect(grids.length).toBeGreaterThan(0)
    for (const hit of grids) expect(hit.place).toContain(rows[0].community)
  })

  it('shows a street official only what lies in their street', async () => {
    const [own, other] = streets
    const created = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: `street-${driver}`, role: 'street', regionCode: own.code, password: 'street-password-1' },
    })
    expect(created.statusCode, created.body).toBe(201)
    const first = await signIn(app, `street-${driver}`, 'street-password-1')
    const changed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: credentialHeaders(first, 'POST'),
      payload: { currentPassword: 'street-password-1', newPassword: 'street-password-2' },
      anonymous: true,
    } as never)
    expect(changed.statusCode, changed.body).toBe(204)
    const official = await signIn(app, `street-${driver}`, 'street-password-2')
    const headers = { cookie: official.cookie }
    const prefix = own.code.slice(0, 9)
    expect(hitsOf(await search(app, other.name, headers), 'region').map((h) => h.code)).not.toContain(other.code)
    expect(
      hitsOf(await search(app, other.name, { cookie: app.credentials.cookie }), 'region').map((h) => h.code),
    ).toContain(other.code)
    const mine = await search(app, own.name.slice(0, 2), headers)
    expect(hitsOf(mine, 'region').map((h) => h.code)).toContain(own.code)
    for (const group of mine.groups) for (const hit of group.hits) expect(hit.regionCode?.startsWith(prefix)).toBe(true)
  })

  it('refuses an empty or overlong query, naming the field', async () => {
    for (const q of ['', 'x'.repeat(51)]) {
      const response = await app.inject({ url: `/api/search?q=${q}` })
      expect(response.statusCode).toBe(400)
      expect(response.body).toMatch(/q/)
    }
  })
})

describe('pinyin initials', () => {
  it('are the first letters of the Chinese characters, other characters kept', () => {
    expect(initialsOf('泉桥街道')).toBe('qqjd')
    expect(initialsOf('泉桥社区第012网格')).toBe('qqsqd012wg')
  })
})
