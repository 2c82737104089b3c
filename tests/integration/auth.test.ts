// Who gets in: signing in and out, roles against every state-changing route, the access table
// covering every route, cross-site requests refused with nothing changed, security headers,
// TileJSON from PUBLIC_URL, personal data masked by role, wall tokens, rate limits, and the audit
// log of imports and publishes — on each driver.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'
import type { Database } from '../../server/db/database.ts'
import { accessTable } from '../../server/services/auth/access.ts'
import { AuthService } from '../../server/services/auth/auth.service.ts'
import { maskPersonal, maskSql } from '../../server/db/mask.ts'
import {
  type Credentials,
  type TestApp,
  buildTestApp,
  credentialHeaders,
  injectOrigin,
  signIn,
  testAdmin,
  tileAt,
  uploadFile,
} from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { toLonLat } from '../helpers/local-frame.ts'
import { buildMergeDistrict, communityA } from '../helpers/merge-district.ts'
import { decodeTile } from '../helpers/mvt.ts'

const password = 'a-long-enough-password'

/** An account of a role, created by the administrator, signed in with its password changed. */
async function accountOf(app: TestApp, username: string, role: string, regionCode: string | null) {
  const created = await app.inject({
    method: 'POST',
    url: '/api/users',
    payload: { username, role, regionCode, password },
  })
  expect(created.statusCode, created.body).toBe(201)
  const first = await signIn(app, username, password)
  const changed = await app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: credentialHeaders(first, 'POST'),
    payload: { currentPassword: password, newPassword: `${password}!` },
    anonymous: true,
  } as never)
  expect(changed.statusCode, changed.body).toBe(204)
  return signIn(app, username, `${password}!`)
}

const as = (credentials: Credentials | undefined, method: string, url: string, payload?: unknown) => ({
  method: method as 'GET',
  url,
  anonymous: true,
  headers: credentials ? credentialHeaders(credentials, method) : {},
  ...(payload !== undefined ? { payload: payload as object } : {}),
})

async function waitForRun(app: FastifyInstance, id: number) {
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    const run = (await app.inject(`/api/merge-runs/${id}`)).json()
    if (run.status === 'succeeded' || run.status === 'failed') return run
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`merge run ${id} did not finish within 90 s`)
}

describe.each(testDrivers())('signing in and guarding routes on %s', (driver) => {
  let database: Database
  let app: TestApp
  let street: string
  let otherStreet: string
  let viewer: Credentials
  let streetOfficial: Credentials
  let communityWorker: Credentials

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'demo')
    app = await buildTestApp(database, { config: { loginRateLimit: 100 } })
    const streets = await database.db
      .selectFrom('regions')
      .select('code')
      .where('level', '=', 'street')
      .orderBy('code')
      .execute()
    ;[street, otherStreet] = streets.map((s) => s.code)
    const community = await database.db
      .selectFrom('regions')
      .select('code')
      .where('parent_code', '=', street)
      .orderBy('code')
      .executeTakeFirstOrThrow()
    viewer = await accountOf(app, 'viewer1', 'viewer', null)
    streetOfficial = await accountOf(app, 'street1', 'street', street)
    communityWorker = await accountOf(app, 'community1', 'community', community.code)
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('signs in, says who is signed in with a CSRF token, and signs out', async () => {
    const session = await signIn(app, testAdmin.username, testAdmin.password)
    expect(session.response.statusCode).toBe(200)
    const cookie = session.response.cookies.find((c) => c.name === 'wg_session')!
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' })
    expect(cookie.secure).toBeFalsy()
    const me = await app.inject(as(session, 'GET', '/api/auth/me'))
    expect(me.json()).toMatchObject({ kind: 'user', username: 'admin', role: 'admin', scope: { regionCode: null } })
    expect(me.json().csrfToken).toBe(session.csrfToken)
    expect((await app.inject(as(session, 'POST', '/api/auth/logout'))).statusCode).toBe(204)
    expect((await app.inject(as(session, 'GET', '/api/auth/me'))).statusCode).toBe(401)
    expect((await app.inject(as(session, 'GET', '/api/summary'))).statusCode).toBe(401)
  })

  it('refuses a wrong password with 401 and a message in Chinese, or English when asked', async () => {
    const wrong = await signIn(app, 'viewer1', 'not-the-password')
    expect(wrong.response.statusCode).toBe(401)
    expect(wrong.response.json()).toEqual({ error: 'bad_credentials', message: '用户名或密码错误' })
    expect(wrong.cookie).toBe('')
    const english = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      anonymous: true,
      headers: { origin: injectOrigin, 'accept-language': 'en' },
      payload: { username: 'nobody', password: 'whatever-it-is' },
    } as never)
    expect(english.json().message).toBe('Wrong username or password')
  })

  it('answers 401 to every non-public route without a session', async () => {
    for (const key of Object.keys(accessTable)) {
      const [method, pattern] = key.split(' ')
      if (accessTable[key].access === 'public') continue
      const url = pattern
        .replace(/:[a-z]+/gi, '1')
        .replace('1.json', 'grids-party.json')
        .replace('1.mvt', '1.mvt')
      const response = await app.inject({
        method: method as 'GET',
        url,
        anonymous: true,
        headers: { origin: injectOrigin },
      } as never)
      expect(response.statusCode, key).toBe(401)
      expect(response.json().message).toBe('请先登录')
    }
  })

  it('answers 403 to a viewer, a street official and a community worker on every administrator route', async () => {
    const adminRoutes = Object.entries(accessTable).filter(([, entry]) => entry.access === 'admin')
    expect(adminRoutes.length).toBeGreaterThanOrEqual(10)
    for (const account of [viewer, streetOfficial, communityWorker])
      for (const [key] of adminRoutes) {
        const [method, pattern] = key.split(' ')
        const response = await app.inject(
          as(
            account,
            method,
            pattern.replace(/:[a-z]+/gi, '1'),
            method === 'GET' || method === 'DELETE' ? undefined : {},
          ),
        )
        expect(response.statusCode, `${key}`).toBe(403)
        expect(response.json().error).toBe('forbidden')
      }
    // and they read
    for (const account of [viewer, streetOfficial, communityWorker])
      expect((await app.inject(as(account, 'GET', '/api/summary'))).statusCode).toBe(200)
  })

  it('lists every registered route in the access table, and refuses to register one that is not', async () => {
    for (const key of Object.keys(accessTable)) {
      const [method, url] = key.split(' ')
      expect(app.hasRoute({ method: method as 'GET', url }), key).toBe(true)
    }
    // not yet ready: routes may still be added
    const fresh = await buildApp({ config: loadConfig({}, { logLevel: 'silent', serveWeb: false }), database })
    try {
      expect(() => fresh.get('/api/not-in-the-table', async () => 'x')).toThrow(/access table/)
      expect(() => fresh.post('/api/regions', async () => 'x')).toThrow(/POST \/api\/regions has no entry/)
    } finally {
      await fresh.close()
    }
  })

  it('refuses a cross-site publish, a cross-site multipart import and a text/plain publish, changing nothing', async () => {
    const before = await database.db
      .selectFrom('grids')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const published = await database.db.selectFrom('merge_runs').select('id').where('is_published', '=', true).execute()
    const headers = credentialHeaders(app.credentials, 'POST')

    const crossSite = await app.inject({
      method: 'POST',
      url: '/api/merge-runs/1/publish',
      anonymous: true,
      headers: { ...headers, origin: 'https://evil.example' },
    } as never)
    expect(crossSite.statusCode).toBe(403)
    expect(crossSite.json()).toMatchObject({ error: 'cross_site', message: expect.stringContaining('跨站') })

    const noOrigin = await app.inject({
      method: 'POST',
      url: '/api/merge-runs',
      anonymous: true,
      headers: { cookie: headers.cookie, 'x-csrf-token': headers['x-csrf-token'] },
      payload: {},
    } as never)
    expect(noOrigin.statusCode).toBe(403)

    const form = new FormData()
    form.append('department', 'health')
    form.append('file', new Blob(['{"type":"FeatureCollection","features":[]}']), 'grids.geojson')
    const request = new Request('http://localhost/api/imports', { method: 'POST', body: form })
    const multipart = await app.inject({
      method: 'POST',
      url: '/api/imports',
      anonymous: true,
      headers: { ...headers, origin: 'http://evil.example', 'content-type': request.headers.get('content-type')! },
      payload: Buffer.from(await request.arrayBuffer()),
    } as never)
    expect(multipart.statusCode).toBe(403)

    const noToken = await app.inject({
      method: 'POST',
      url: '/api/merge-runs',
      anonymous: true,
      headers: { cookie: headers.cookie, origin: injectOrigin },
      payload: {},
    } as never)
    expect(noToken.statusCode).toBe(403)
    expect(noToken.json().error).toBe('csrf_token')

    const textPlain = await app.inject({
      method: 'POST',
      url: '/api/merge-runs/1/publish',
      anonymous: true,
      headers: { ...headers, 'content-type': 'text/plain' },
      payload: 'x',
    } as never)
    expect(textPlain.statusCode).toBe(415)
    expect(textPlain.json().error).toBe('unsupported_media_type')

    const after = await database.db
      .selectFrom('grids')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
    expect(await database.db.selectFrom('merge_runs').select('id').where('is_published', '=', true).execute()).toEqual(
      published,
    )
    expect(await database.db.selectFrom('merge_runs').select('id').execute()).toHaveLength(0)
    expect(
      await database.db.selectFrom('import_runs').select('id').where('file_name', '=', 'grids.geojson').execute(),
    ).toHaveLength(0)
  })

  it('sends a content security policy, nosniff, frame-ancestors none and a same-origin referrer policy', async () => {
    const response = await app.inject('/api/summary')
    const csp = String(response.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("worker-src 'self' blob:")
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['referrer-policy']).toBe('same-origin')
  })

  it('masks phone numbers and names in tiles whatever the role', async () => {
    const grid = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(ST_PointOnSurface(g.boundary)) AS lon, ST_Y(ST_PointOnSurface(g.boundary)) AS lat
      FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active AND l.department = 'governance'
      JOIN grid_staff s ON s.grid_id = g.id AND s.role = 'chief' LIMIT 1`.execute(database.db)
    const { z, x, y } = tileAt(grid.rows[0].lon, grid.rows[0].lat, 14)
    const tile = await app.inject(`/tiles/grids-governance/${z}/${x}/${y}.mvt`)
    const features = decodeTile(tile.rawPayload)['grids-governance']
    const withChief = features.filter((f) => f.properties.chiefPhone)
    expect(withChief.length).toBeGreaterThan(0)
    for (const feature of withChief) {
      expect(feature.properties.chiefPhone).toMatch(/^\d{3}\*{4,}\d{4}$/)
      expect(String(feature.properties.chiefName)).toContain('*')
    }
  })

  it('shows phone numbers to an administrator, to a street official in their street (all they see), and to a viewer never', async () => {
    const district = await database.db
      .selectFrom('regions')
      .select(sql<string>`ST_Extent(boundary)::text`.as('box'))
      .executeTakeFirstOrThrow()
    const [w, s, e, n] = district.box.match(/-?[0-9.]+/g)!.map(Number)
    const url = `/api/layers/grids-governance/features?bbox=${w},${s},${e},${n}&limit=10000`
    const phonesOf = async (credentials: Credentials | undefined) =>
      ((await app.inject(as(credentials, 'GET', url))).json().features as { properties: Record<string, string> }[])
        .filter((f) => f.properties.chiefPhone)
        .map((f) => ({
          community: f.properties.communityCode,
          phone: f.properties.chiefPhone,
          name: f.properties.chiefName,
        }))
    const admin = await phonesOf(app.credentials)
    expect(admin.length).toBeGreaterThan(0)
    expect(admin.every((f) => /^[0-9+ -]+$/.test(f.phone) && !f.name.includes('*'))).toBe(true)
    const viewed = await phonesOf(viewer)
    expect(viewed.length).toBe(admin.length)
    expect(
      viewed.every(
        (f) =>
          f.phone ===
          maskPersonal(admin.find((a) => a.community === f.community && maskPersonal(a.phone) === f.phone)!.phone),
      ),
    ).toBe(true)
    expect(viewed.every((f) => f.phone.includes('*') && f.name.includes('*'))).toBe(true)
    const official = await phonesOf(streetOfficial)
    const prefix = street.slice(0, 9)
    const inside = official.filter((f) => f.community?.startsWith(prefix))
    const outside = official.filter((f) => !f.community?.startsWith(prefix))
    expect(inside.length).toBeGreaterThan(0)
    expect(inside.every((f) => !f.phone.includes('*'))).toBe(true)
    // other streets' grids are not even read: the official's features are their street's (scope.test.ts)
    expect(outside).toEqual([])
    expect(otherStreet).not.toBe(street)
  })

  it('masks in SQL exactly as in TypeScript, for lengths 1 to 20', async () => {
    for (let length = 1; length <= 20; length++) {
      const value = '13812345678901234567890'.slice(0, length)
      const { rows } = await sql<{ masked: string }>`SELECT ${maskSql(sql`${value}::text`)} AS masked`.execute(
        database.db,
      )
      expect(rows[0].masked, `length ${length}`).toBe(maskPersonal(value))
    }
  })

  it('builds TileJSON URLs from PUBLIC_URL even when the Host header is forged, and marks cookies Secure', async () => {
    const configured = await buildTestApp(database, { config: { publicUrl: 'https://grid.example.gov.cn' } })
    try {
      const tilejson = await configured.inject({ url: '/tiles/grids-party.json', headers: { host: 'evil.example' } })
      expect(tilejson.statusCode).toBe(200)
      expect(tilejson.json().tiles[0]).toBe('https://grid.example.gov.cn/tiles/grids-party/{z}/{x}/{y}.mvt')
      const session = await signIn(configured, testAdmin.username, testAdmin.password)
      expect(session.response.cookies.find((c) => c.name === 'wg_session')!.secure).toBe(true)
      // the request's own origin is no longer accepted once PUBLIC_URL is set
      const local = await signIn(configured, testAdmin.username, testAdmin.password, injectOrigin)
      expect(local.response.statusCode).toBe(403)
    } finally {
      await configured.close()
    }
  })

  it('lets a wall token read but not change, and stops it the moment it is revoked', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/wall-tokens', payload: { label: '指挥中心大屏' } })
    expect(created.statusCode).toBe(201)
    const { id, token } = created.json()
    const me = await app.inject({ url: `/api/auth/me?wall=${token}`, anonymous: true } as never)
    expect(me.json()).toMatchObject({ kind: 'wall', role: 'viewer', csrfToken: null })
    // the print buttons' rights, from the access table: a wall token may print a service map
    expect(me.json().actions).toEqual(['print-grid-map', 'print-community-map'])
    const wallCookie = me.cookies.find((c) => c.name === 'wg_wall')!
    expect(wallCookie.httpOnly).toBe(true)
    const headers = { cookie: `wg_wall=${wallCookie.value}`, origin: injectOrigin }
    expect((await app.inject({ url: '/api/summary', anonymous: true, headers } as never)).statusCode).toBe(200)
    const change = await app.inject({
      method: 'POST',
      url: '/api/merge-runs',
      anonymous: true,
      headers,
      payload: {},
    } as never)
    expect(change.statusCode).toBe(403)
    expect((await app.inject({ method: 'DELETE', url: `/api/wall-tokens/${id}` })).statusCode).toBe(200)
    expect((await app.inject({ url: '/api/summary', anonymous: true, headers } as never)).statusCode).toBe(401)
    expect((await app.inject({ url: `/api/auth/me?wall=${token}`, anonymous: true } as never)).statusCode).toBe(401)
  })

  it('ends the sessions of a deactivated account at once', async () => {
    const users = (await app.inject('/api/users')).json().users as { id: number; username: string }[]
    const target = users.find((u) => u.username === 'community1')!
    const off = await app.inject({ method: 'PATCH', url: `/api/users/${target.id}`, payload: { isActive: false } })
    expect(off.statusCode).toBe(200)
    expect((await app.inject(as(communityWorker, 'GET', '/api/summary'))).statusCode).toBe(401)
    expect((await signIn(app, 'community1', `${password}!`)).response.statusCode).toBe(401)
  })

  // Each principal is read from the short cache first (a tile answered moments before), so these
  // show that the change empties the cache rather than waiting for it to expire.
  describe('a cached principal ends the moment its right does', () => {
    const tile = '/tiles/unified-grids/13/6000/3000.mvt'
    const read = (credentials: Credentials | { cookie: string }) =>
      app.inject({ url: tile, anonymous: true, headers: { cookie: credentials.cookie } } as never)
    const userId = async (username: string) =>
      ((await app.inject('/api/users')).json().users as { id: number; username: string }[]).find(
        (u) => u.username === username,
      )!.id

    it('on signing out', async () => {
      const reader = await accountOf(app, 'evict-logout', 'viewer', null)
      expect((await read(reader)).statusCode).toBe(204)
      expect((await read(reader)).statusCode).toBe(204)
      expect((await app.inject(as(reader, 'POST', '/api/auth/logout'))).statusCode).toBe(204)
      const after = await read(reader)
      expect(after.statusCode).toBe(401)
      expect(after.json()).toEqual({ error: 'unauthenticated', message: '请先登录' })
    })

    it('on deactivation, a change of role or region, and a password reset by an administrator', async () => {
      for (const [username, change] of [
        ['evict-off', { isActive: false }],
        ['evict-role', { role: 'street', regionCode: street }],
        ['evict-region', { regionCode: otherStreet }],
        ['evict-password', { password: 'another-long-password' }],
      ] as const) {
        const role = username === 'evict-region' ? 'street' : 'viewer'
        const account = await accountOf(app, username, role, role === 'street' ? street : null)
        expect((await read(account)).statusCode, username).toBe(204)
        const id = await userId(username)
        const patched = await app.inject({ method: 'PATCH', url: `/api/users/${id}`, payload: change })
        expect(patched.statusCode, patched.body).toBe(200)
        expect((await read(account)).statusCode, username).toBe(401)
      }
    })

    it('on changing one’s own password: the other sessions end, this one stays', async () => {
      const here = await accountOf(app, 'evict-own', 'viewer', null)
      const elsewhere = await signIn(app, 'evict-own', `${password}!`)
      expect((await read(here)).statusCode).toBe(204)
      expect((await read(elsewhere)).statusCode).toBe(204)
      const changed = await app.inject({
        ...as(here, 'POST', '/api/auth/password'),
        payload: { currentPassword: `${password}!`, newPassword: `${password}!!` },
      })
      expect(changed.statusCode, changed.body).toBe(204)
      expect((await read(elsewhere)).statusCode).toBe(401)
      expect((await read(here)).statusCode).toBe(204)
    })

    it('on revoking a wall token', async () => {
      const created = await app.inject({ method: 'POST', url: '/api/wall-tokens', payload: { label: '缓存测试' } })
      const { id, token } = created.json()
      const me = await app.inject({ url: `/api/auth/me?wall=${token}`, anonymous: true } as never)
      const wall = { cookie: `wg_wall=${me.cookies.find((c) => c.name === 'wg_wall')!.value}` }
      expect((await read(wall)).statusCode).toBe(204)
      expect((await app.inject({ method: 'DELETE', url: `/api/wall-tokens/${id}` })).statusCode).toBe(200)
      expect((await read(wall)).statusCode).toBe(401)
    })

    it('and a session signed out while its lookup was in flight is not cached as alive', async () => {
      const auth = new AuthService(database.db, app.auth.settings)
      const session = (await auth.login('viewer1', `${password}!`))!
      for (let i = 0; i < 5; i++) {
        const fresh = (await auth.login('viewer1', `${password}!`))!
        const inFlight = auth.principalOfSession(fresh.token)
        await auth.logout(fresh.token)
        await inFlight
        expect(await auth.principalOfSession(fresh.token)).toBeUndefined()
      }
      // a flood of made-up tokens is answered (and bounded), and leaves real sessions alone
      const madeUp = await Promise.all(Array.from({ length: 50 }, (_, i) => auth.principalOfSession(`made-up-${i}`)))
      expect(madeUp.every((p) => p === undefined)).toBe(true)
      expect(await auth.principalOfSession(session.token)).toMatchObject({ username: 'viewer1', role: 'viewer' })
    })
  })

  it('refuses a street account without a street code, naming the field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'nostreet', role: 'street', password },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toContain('regionCode')
  })

  it('limits sign-in attempts with 429 and a message in Chinese', async () => {
    const limited = await buildTestApp(database, { config: { loginRateLimit: 4 } })
    try {
      // the helper's own sign-in was the first of four
      const statuses: number[] = []
      for (let i = 0; i < 4; i++)
        statuses.push((await signIn(limited, 'street1', 'wrong-password')).response.statusCode)
      expect(statuses).toEqual([401, 401, 401, 429])
      const refused = await signIn(limited, 'street1', `${password}!`)
      expect(refused.response.statusCode).toBe(429)
      expect(refused.response.json().message).toBe('请求过于频繁，请稍后再试')
    } finally {
      await limited.close()
    }
  })

  it('limits uploads per account with 429', async () => {
    const limited = await buildTestApp(database, { config: { uploadRateLimit: 2 } })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 3; i++)
        statuses.push(
          (await uploadFile(limited, { name: 'bad.geojson', data: '{' }, { department: 'health' })).statusCode,
        )
      expect(statuses).toEqual([400, 400, 429])
    } finally {
      await limited.close()
    }
  })
})

describe.each(testDrivers())('the initial administrator on %s', (driver) => {
  let database: Database
  let app: FastifyInstance

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('gets a one-time password that must be changed before anything else', async () => {
    const service = new AuthService(database.db, { sessionHours: 1, adminUsername: 'root', adminPassword: undefined })
    const created = await service.ensureInitialAdmin()
    expect(created?.oneTimePassword).toMatch(/^[A-Za-z0-9]{16}$/)
    expect(await service.ensureInitialAdmin()).toBeUndefined()
    app = await buildApp({ config: loadConfig({}, { logLevel: 'silent', serveWeb: false }), database })
    const session = await signIn(app, 'root', created!.oneTimePassword!)
    expect(session.response.json()).toMatchObject({ username: 'root', role: 'admin', mustChangePassword: true })
    // nothing to offer before the one-time password is changed
    expect(session.response.json().actions).toEqual([])
    const blocked = await app.inject({ url: '/api/regions', headers: credentialHeaders(session) })
    expect(blocked.statusCode).toBe(403)
    expect(blocked.json().error).toBe('password_change_required')
    const changed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: credentialHeaders(session, 'POST'),
      payload: { currentPassword: created!.oneTimePassword, newPassword: 'now-my-own-password' },
    })
    expect(changed.statusCode).toBe(204)
    expect((await app.inject({ url: '/api/regions', headers: credentialHeaders(session) })).statusCode).toBe(200)
    expect((await signIn(app, 'root', created!.oneTimePassword!)).response.statusCode).toBe(401)
  })
})

describe.each(testDrivers())('the audit log on %s', (driver) => {
  let database: Database
  let app: TestApp

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
    app = await buildTestApp(database)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('records an import and a publish with who, the status and the counts before and after', async () => {
    const ring = (points: [number, number][]) => [...points, points[0]].map(([x, y]) => toLonLat(x, y))
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: 'H-A', households: 400 },
          geometry: {
            type: 'Polygon',
            coordinates: [
              ring([
                [0, 0],
                [200, 0],
                [200, 200],
                [0, 200],
              ]),
            ],
          },
        },
      ],
    })
    const imported = await uploadFile(
      app,
      { name: 'health.geojson', data: body },
      { kind: 'grids', department: 'health' },
    )
    expect(imported.statusCode, imported.body).toBe(200)
    const started = (
      await app.inject({ method: 'POST', url: '/api/merge-runs', payload: { snapToleranceM: 0.2 } })
    ).json()
    expect((await waitForRun(app, started.id)).status).toBe('succeeded')
    expect((await app.inject({ method: 'POST', url: `/api/merge-runs/${started.id}/publish` })).statusCode).toBe(200)

    const log = await app.inject('/api/audit?limit=10')
    expect(log.statusCode).toBe(200)
    const entries = log.json().entries as {
      actor: string
      action: string
      entity: string
      entityId: string
      details: { status: number; before: Record<string, number | null>; after: Record<string, number | null> }
    }[]
    const importEntry = entries.find((e) => e.action === 'import')!
    expect(importEntry).toMatchObject({ actor: 'admin', entity: 'import', entityId: String(imported.json().id) })
    const { status, before, after } = importEntry.details
    expect(status).toBe(200)
    expect(before.gridLayers).toBe(4)
    expect(after.gridLayers).toBe(5)
    expect(after.grids).toBe(before.grids! + 1)
    const publishEntry = entries.find((e) => e.action === 'publish')!
    expect(publishEntry).toMatchObject({ actor: 'admin', entity: 'merge-run', entityId: String(started.id) })
    expect(publishEntry.details).toMatchObject({
      status: 200,
      before: { publishedRun: null, unifiedGrids: 0 },
      after: { publishedRun: started.id },
    })
    expect(publishEntry.details.after.unifiedGrids).toBeGreaterThan(0)
    expect(publishEntry.details.after.grids).toBe(after.grids)
    const filtered = (await app.inject(`/api/audit?entity=merge-run&entityId=${started.id}`)).json()
    expect(filtered.entries.map((e: { action: string }) => e.action).sort()).toEqual(['publish', 'start'])
    expect(communityA).toHaveLength(12)
  }, 150_000)
})
