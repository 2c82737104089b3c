// Builds the real app over a test database, as main.ts does, minus the port.
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../server/app.ts'
import { type Config, loadConfig } from '../../server/config.ts'
import type { Database } from '../../server/db/database.ts'
import { sessionCookie } from '../../server/plugins/auth.plugin.ts'
import { webDist } from '../../server/plugins/web.plugin.ts'

/** The initial administrator of every test database (ADMIN_USERNAME / ADMIN_PASSWORD as a site sets them). */
export const testAdmin = { username: 'admin', password: 'test-admin-password' }

/** The origin app.inject sends requests to (its default Host is localhost:80). */
export const injectOrigin = 'http://localhost'

export interface Credentials {
  cookie: string
  csrfToken: string | null
  /** The Origin a browser on this site sends. */
  origin: string
}

/** Per-call options of the signed-in inject: anonymous sends no cookie, CSRF token or Origin. */
export type TestInjectOptions = InjectOptions & { anonymous?: boolean }

export interface TestApp extends FastifyInstance {
  /** The credentials inject sends by default (the administrator's, or signedIn's). */
  credentials: Credentials
}

/** Signs in through the real login route; the session cookie and CSRF token to send with requests. */
export async function signIn(
  app: FastifyInstance,
  username: string,
  password: string,
  origin = app.publicUrl ?? injectOrigin,
): Promise<Credentials & { response: LightMyRequestResponse }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { origin },
    payload: { username, password },
    anonymous: true,
  } as InjectOptions)
  const cookie = response.cookies.find((c) => c.name === sessionCookie)
  return {
    response,
    origin,
    cookie: cookie ? `${sessionCookie}=${cookie.value}` : '',
    csrfToken: response.statusCode === 200 ? (response.json() as { csrfToken: string | null }).csrfToken : null,
  }
}

/** Headers a signed-in browser on this site sends: its cookie, and on a change its Origin and CSRF token. */
export function credentialHeaders(credentials: Credentials, method = 'GET'): Record<string, string> {
  const changing = !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase())
  return {
    ...(credentials.cookie ? { cookie: credentials.cookie } : {}),
    ...(changing
      ? { origin: injectOrigin, ...(credentials.csrfToken ? { 'x-csrf-token': credentials.csrfToken } : {}) }
      : {}),
  }
}

/**
 * The real app over a test database, signed in as the administrator through the login route:
 * app.inject sends its cookie (and, on changes, Origin and CSRF token) unless a call says
 * { anonymous: true }; headers a call sets win.
 */
export async function buildTestApp(
  database: Database,
  options: {
    serveWeb?: boolean
    uploadLimitBytes?: number
    /** parse caps for imports (small ones to test them); the configured defaults otherwise */
    limits?: Partial<
      Pick<Config, 'importMaxFeatures' | 'importMaxVertices' | 'importMaxFeatureVertices' | 'importParseMs'>
    >
    config?: Partial<Config>
  } = {},
): Promise<TestApp> {
  const app = (await buildApp({
    config: loadConfig(
      {},
      {
        logLevel: 'warn',
        serveWeb: options.serveWeb ?? false,
        uploadLimitBytes: options.uploadLimitBytes ?? 10 * 1024 * 1024,
        adminUsername: testAdmin.username,
        adminPassword: testAdmin.password,
        uploadRateLimit: 1000,
        ...options.limits,
        ...options.config,
      },
    ),
    database,
  })) as TestApp
  const inject = app.inject.bind(app) as (options: InjectOptions) => Promise<LightMyRequestResponse>
  const signedIn = await signIn(app, testAdmin.username, testAdmin.password)
  if (signedIn.response.statusCode !== 200)
    throw new Error(`the test administrator could not sign in: ${signedIn.response.body}`)
  app.credentials = signedIn
  Object.assign(app, {
    inject(call: string | TestInjectOptions) {
      const { anonymous, ...options }: TestInjectOptions = typeof call === 'string' ? { url: call } : call
      if (anonymous) return inject(options)
      const headers = credentialHeaders(app.credentials, options.method ?? 'GET')
      return inject({ ...options, headers: { ...headers, ...(options.headers as Record<string, string>) } })
    },
  })
  return app
}

/** The app listening on a free loopback port, with the built web client when asked for. */
export async function serveTestApp(
  database: Database,
  options: { serveWeb?: boolean; config?: Partial<Config> } = {},
): Promise<{ app: TestApp; origin: string }> {
  if (options.serveWeb && !existsSync(path.join(webDist, 'index.html')))
    throw new Error(`The web client is not built (${webDist}): npm test runs npm run build first`)
  const app = await buildTestApp(database, options)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('the app has no TCP port')
  return { app, origin: `http://127.0.0.1:${address.port}` }
}

/** The slippy-map tile holding a WGS84 point. */
export function tileAt(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z
  const rad = (lat * Math.PI) / 180
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  }
}

/**
 * POST /api/imports (or another upload `url`) with a file and form fields, as the web page's form
 * sends them. The answer's messages in English unless `language` asks for another (zh-CN is the
 * server's default).
 */
export async function uploadFile(
  app: FastifyInstance,
  file: { name: string; data: Uint8Array | string },
  fields: Record<string, string>,
  language = 'en',
  url = '/api/imports',
) {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  form.append(
    'file',
    new Blob([typeof file.data === 'string' ? new TextEncoder().encode(file.data) : new Uint8Array(file.data)]),
    file.name,
  )
  const request = new Request(`http://localhost${url}`, { method: 'POST', body: form })
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': request.headers.get('content-type')!, 'accept-language': language },
    payload: Buffer.from(await request.arrayBuffer()),
  })
}

/**
 * An account of a role created by the administrator through the users API, signed in with its
 * one-time password changed (as a new official does on first sign-in).
 */
export async function createAccount(
  app: TestApp,
  account: { username: string; role: string; regionCode: string | null },
  password = 'a-long-enough-password',
): Promise<Credentials> {
  const created = await app.inject({ method: 'POST', url: '/api/users', payload: { ...account, password } })
  if (created.statusCode !== 201) throw new Error(`creating ${account.username}: ${created.body}`)
  const first = await signIn(app, account.username, password)
  const changed = await app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: credentialHeaders(first, 'POST'),
    payload: { currentPassword: password, newPassword: `${password}!` },
    anonymous: true,
  } as TestInjectOptions)
  if (changed.statusCode !== 204) throw new Error(`changing ${account.username}'s password: ${changed.body}`)
  const session = await signIn(app, account.username, `${password}!`)
  if (session.response.statusCode !== 200) throw new Error(`signing in ${account.username}: ${session.response.body}`)
  return session
}
