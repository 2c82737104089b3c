// Single sign-on against a real OIDC provider: the maintained `oidc-provider` package listening on
// loopback, walked through with fetch and manual redirects as a browser would (start, the provider's
// login and consent forms, the callback), then the session's role and scope read back; and the
// refusals: a tampered state, a wrong nonce, an unknown role claim, a provider that can't be
// reached, sign-in not configured — in zh-CN and English, each audited. On each driver.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { sessionCookie } from '../../server/plugins/auth.plugin.ts'
import { oidcCookie } from '../../server/routes/auth.routes.ts'
import { usernameOfSubject } from '../../server/services/auth/oidc.service.ts'
import { type TestApp, buildTestApp } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

const street = '410199001000'
const community = '410199001001'

/** The provider's people and the claims it vouches for. */
const accounts: Record<string, Record<string, unknown>> = {
  'wang.street': { name: '王街道', role: 'street', region_code: street },
  'li.staff': { name: '李社区', role: ['staff', 'community-workers'], region_code: community },
  'zhao.visitor': { name: '赵访客' },
  'qian.mayor': { name: '钱市长', role: 'mayor' },
  'sun.street': { name: '孙街道', role: 'street', region_code: community },
}

/** A free loopback port (for the app's redirect URL, which the provider must know before the app listens). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A cookie jar of one browser: name → value, dropping expired ones. */
class Jar {
  readonly cookies = new Map<string, string>()
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()),
      )
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, pair.slice(at + 1).trim())
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

describe.each(testDrivers())('OIDC single sign-on on %s', (driver) => {
  let database: Database
  let app: TestApp
  let provider: Server
  let issuer: string
  let origin: string

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    provider = createServer()
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve))
    issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`
    const appPort = await freePort()
    origin = `http://127.0.0.1:${appPort}`
    const oidc = new Provider(issuer, {
      clients: [
        {
          client_id: 'wangge',
          client_secret: 'a-client-secret-of-the-test',
          redirect_uris: [`${origin}/api/auth/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      async findAccount(_ctx, sub) {
        if (!(sub in accounts)) return undefined
        return { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) }
      },
      claims: { openid: ['sub'], profile: ['name', 'role', 'region_code'] },
      // the profile claims in the ID token itself, where the app reads them
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['a-cookie-key-of-the-test'] },
    })
    provider.on('request', oidc.callback())
    app = await buildTestApp(database, {
      config: {
        publicUrl: origin,
        oidcIssuer: issuer,
        oidcClientId: 'wangge',
        oidcClientSecret: 'a-client-secret-of-the-test',
        oidcRedirectUrl: `${origin}/api/auth/oidc/callback`,
        oidcRoleClaim: 'role',
        oidcScopeClaim: 'region_code',
        oidcRoleMap: { 'community-workers': 'community' },
      },
    })
    await app.listen({ port: appPort, host: '127.0.0.1' })
  })

  afterAll(async () => {
    await app?.close()
    await new Promise((resolve) => provider?.close(resolve))
    await database?.close()
  })

  /**
   * A browser signing in as `login`: the app's start, the provider's login and consent forms, up to
   * the provider's redirect back to the app (not followed). The Location of that redirect, and the
   * app's cookies (the transaction).
   */
  async function throughProvider(login: string): Promise<{ callback: URL; app: Jar }> {
    const appJar = new Jar()
    const providerJar = new Jar()
    const started = await fetch(`${origin}/api/auth/oidc/start`, { redirect: 'manual' })
    expect(started.status).toBe(302)
    appJar.take(started)
    expect(appJar.cookies.has(oidcCookie)).toBe(true)
    let url = new URL(started.headers.get('location')!)
    expect(url.origin).toBe(issuer)
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('state')).toBeTruthy()
    expect(url.searchParams.get('nonce')).toBeTruthy()
    for (let hop = 0; hop < 12; hop++) {
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: providerJar.header() } })
      providerJar.take(response)
      if (response.status >= 300 && response.status < 400) {
        url = new URL(response.headers.get('location')!, url)
        if (url.origin === origin) return { callback: url, app: appJar }
        continue
      }
      const page = await response.text()
      expect(response.status, page).toBe(200)
      const prompt = /name="prompt" value="(login|consent)"/.exec(page)?.[1] ?? ''
      expect(prompt, page).not.toBe('')
      const submitted = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: providerJar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt }),
      })
      providerJar.take(submitted)
      expect(submitted.status).toBeGreaterThanOrEqual(300)
      url = new URL(submitted.headers.get('location')!, url)
    }
    throw new Error('the provider never sent the browser back')
  }

  const callback = (url: URL, jar: Jar, language = 'zh-CN') =>
    fetch(url, { redirect: 'manual', headers: { cookie: jar.header(), 'accept-language': language } })

  async function me(jar: Jar) {
    const response = await fetch(`${origin}/api/auth/me`, { headers: { cookie: jar.header() } })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  it('offers single sign-on on the login screen when configured', async () => {
    const response = await fetch(`${origin}/api/auth/providers`)
    expect(await response.json()).toEqual({ local: true, oidc: true })
  })

  it('signs a street official in through the provider, with the role and street from the claims', async () => {
    const { callback: url, app: jar } = await throughProvider('wang.street')
    expect(url.pathname).toBe('/api/auth/oidc/callback')
    expect(url.searchParams.get('code')).toBeTruthy()
    const answered = await callback(url, jar)
    expect(answered.status, await answered.clone().text()).toBe(302)
    expect(answered.headers.get('location')).toBe('/')
    const cookie = answered.headers.getSetCookie().find((c) => c.startsWith(`${sessionCookie}=`))!
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    jar.take(answered)
    expect(jar.cookies.has(oidcCookie)).toBe(false)
    const who = await me(jar)
    expect(who.status).toBe(200)
    expect(who.body).toMatchObject({
      kind: 'user',
      username: usernameOfSubject('wang.street'),
      displayName: '王街道',
      role: 'street',
      scope: { regionCode: street },
      mustChangePassword: false,
    })
    // the session reads as any local one does: the street's own regions only
    const regions = await fetch(`${origin}/api/regions`, { headers: { cookie: jar.header() } })
    expect(regions.status).toBe(200)
    // the audit log names who signed in
    const audit = await app.inject({ url: '/api/audit?action=login-oidc' })
    const entries = (audit.json() as { entries: { actor: string; details: { status?: number } }[] }).entries
    expect(entries.some((e) => e.actor === usernameOfSubject('wang.street') && e.details.status === 302)).toBe(true)
  })

  it('maps a listed provider value to a role (OIDC_ROLE_MAP), and no role claim to viewer', async () => {
    const worker = await throughProvider('li.staff')
    const answered = await callback(worker.callback, worker.app)
    expect(answered.status).toBe(302)
    worker.app.take(answered)
    expect((await me(worker.app)).body).toMatchObject({ role: 'community', scope: { regionCode: community } })

    const visitor = await throughProvider('zhao.visitor')
    const visited = await callback(visitor.callback, visitor.app)
    expect(visited.status).toBe(302)
    visitor.app.take(visited)
    expect((await me(visitor.app)).body).toMatchObject({ role: 'viewer', scope: { regionCode: null } })
  })

  it('refuses a tampered state with 400, and signs nobody in', async () => {
    const { callback: url, app: jar } = await throughProvider('wang.street')
    url.searchParams.set('state', `${url.searchParams.get('state')}x`)
    const answered = await callback(url, jar)
    expect(answered.status).toBe(400)
    expect(await answered.json()).toEqual({
      error: 'oidc_state',
      message: '统一身份登录已失效或被篡改（state 不符），请重新登录',
    })
    expect(answered.headers.getSetCookie().some((c) => c.startsWith(`${sessionCookie}=`))).toBe(false)

    // and a callback with no transaction at all (another browser, or the cookie expired)
    const { callback: again } = await throughProvider('wang.street')
    const bare = await fetch(again, { redirect: 'manual', headers: { 'accept-language': 'en' } })
    expect(bare.status).toBe(400)
    expect((await bare.json()).message).toBe(
      'The single sign-on attempt expired or was tampered with (state mismatch); sign in again',
    )
  })

  it('refuses an ID token whose nonce is not the one this sign-in sent (401)', async () => {
    const first = await throughProvider('wang.street')
    const second = await throughProvider('wang.street')
    // the second sign-in's code and state, but the first one's nonce
    const transaction = (raw: string) => JSON.parse(Buffer.from(raw, 'base64url').toString()) as { nonce: string }
    const mixed = {
      ...JSON.parse(Buffer.from(second.app.cookies.get(oidcCookie)!, 'base64url').toString()),
      nonce: transaction(first.app.cookies.get(oidcCookie)!).nonce,
    }
    second.app.cookies.set(oidcCookie, Buffer.from(JSON.stringify(mixed)).toString('base64url'))
    const answered = await callback(second.callback, second.app, 'en')
    expect(answered.status).toBe(401)
    expect(await answered.json()).toEqual({
      error: 'oidc_rejected',
      message: "The identity provider's answer failed verification (code, signature or nonce); sign in again",
    })
  })

  it('refuses a role claim it does not know (403) and a role whose region is of the wrong level', async () => {
    const mayor = await throughProvider('qian.mayor')
    const refused = await callback(mayor.callback, mayor.app)
    expect(refused.status).toBe(403)
    expect((await refused.json()).message).toBe(
      '统一身份中的角色未被本系统识别：请管理员配置 OIDC_ROLE_MAP（可用角色 admin、street、community、viewer）',
    )
    const wrong = await throughProvider('sun.street')
    const scoped = await callback(wrong.callback, wrong.app, 'en')
    expect(scoped.status).toBe(403)
    expect((await scoped.json()).error).toBe('oidc_scope')
    const { users } = (await app.inject({ url: '/api/users' })).json() as { users: { username: string }[] }
    expect(users.map((u) => u.username)).not.toContain(usernameOfSubject('qian.mayor'))
    // each refusal is in the audit log too
    const audit = await app.inject({ url: '/api/audit?action=login-oidc' })
    const statuses = (audit.json() as { entries: { details: { status?: number } }[] }).entries.map(
      (e) => e.details.status,
    )
    expect(statuses).toContain(403)
  })

  it('answers a browser with a page, not JSON, when sign-in is refused', async () => {
    const { callback: url, app: jar } = await throughProvider('qian.mayor')
    const answered = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(), accept: 'text/html' } })
    expect(answered.status).toBe(403)
    expect(answered.headers.get('content-type')).toMatch(/text\/html/)
    const page = await answered.text()
    expect(page).toContain('统一身份中的角色未被本系统识别')
    expect(page).toContain('<a href="/">返回登录页</a>')
  })
})

describe.each(testDrivers())('OIDC sign-in when the provider is away or not configured, on %s', (driver) => {
  let database: Database
  let unreachable: TestApp
  let plain: TestApp

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    const closed = await freePort()
    unreachable = await buildTestApp(database, {
      config: {
        oidcIssuer: `http://127.0.0.1:${closed}/realms/gov`,
        oidcClientId: 'wangge',
        oidcRedirectUrl: 'http://localhost/api/auth/oidc/callback',
      },
    })
    plain = await buildTestApp(database)
  })

  afterAll(async () => {
    await unreachable?.close()
    await plain?.close()
    await database?.close()
  })

  it('answers 503 with a clear message when the provider cannot be reached', async () => {
    const zh = await unreachable.inject({ url: '/api/auth/oidc/start', anonymous: true } as never)
    expect(zh.statusCode).toBe(503)
    expect(zh.json()).toEqual({
      error: 'oidc_unreachable',
      message: '暂时无法连接单位统一身份认证服务，请稍后再试或使用本地账号登录',
    })
    const en = await unreachable.inject({
      url: '/api/auth/oidc/start',
      headers: { 'accept-language': 'en' },
      anonymous: true,
    } as never)
    expect(en.json().message).toBe(
      'The identity provider cannot be reached; try again later or sign in with a local account',
    )
    // the local sign-in still works meanwhile
    expect((await unreachable.inject({ url: '/api/auth/me' })).statusCode).toBe(200)
  })

  it('offers no single sign-on and answers 404 when none is configured', async () => {
    expect((await plain.inject({ url: '/api/auth/providers', anonymous: true } as never)).json()).toEqual({
      local: true,
      oidc: false,
    })
    const start = await plain.inject({ url: '/api/auth/oidc/start', anonymous: true } as never)
    expect(start.statusCode).toBe(404)
    expect(start.json().message).toBe('本站未配置单位统一身份登录（OIDC）')
    const back = await plain.inject({ url: '/api/auth/oidc/callback?code=x&state=y', anonymous: true } as never)
    expect(back.statusCode).toBe(404)
  })
})
