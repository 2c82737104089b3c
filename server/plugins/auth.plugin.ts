// Who is asking, and may they? One access table (services/auth/access.ts) guards every route:
// an app with a route missing from it does not start. Every request is resolved to a principal
// (session cookie or wall token), checked against the table (401/403), and, when it changes state,
// checked for a same-site Origin and the session's CSRF token; text/plain bodies are refused (415).
// Routes whose entry names an audit action are recorded with the counts they touched. Security
// headers (helmet) and rate limits on sign-in and uploads are set here too.
// The guard is cheap on reads (a cached tile is answered thousands of times a second): each route
// gets its access entry once, when it is registered, as a route hook; the audit hook is attached only
// to routes with an audit entry; the security headers are computed once by helmet and copied onto
// every answer; the principal comes from the AuthService's short cache without a query.
import type { IncomingMessage, ServerResponse } from 'node:http'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, onSendHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import type { Config } from '../config.ts'
import type { Database } from '../db/database.ts'
import { type AccessEntry, accessEntryOf, refusalFor, stateChangingMethods } from '../services/auth/access.ts'
import { AuditService } from '../services/auth/audit.service.ts'
import { AuthService } from '../services/auth/auth.service.ts'
import { type AuthMessage, messageFor } from '../services/auth/messages.ts'
import { type OidcSettings, OidcService } from '../services/auth/oidc.service.ts'
import type { Principal } from '../services/auth/roles.ts'

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService
    audit: AuditService
    /** single sign-on through the site's OIDC provider (enabled when OIDC_ISSUER is set) */
    oidc: OidcService
    /** PUBLIC_URL's origin: absolute URLs the server hands out start with it, never with the request's Host. */
    publicUrl: string | undefined
  }
  interface FastifyRequest {
    principal: Principal | undefined
    /** The session token from the cookie, when the principal signed in with one. */
    sessionToken: string | undefined
  }
}

export const sessionCookie = 'wg_session'
export const wallCookie = 'wg_wall'

export type AuthConfig = Pick<
  Config,
  'publicUrl' | 'sessionHours' | 'adminUsername' | 'adminPassword' | 'loginRateLimit' | 'uploadRateLimit'
> &
  Partial<Pick<Config, 'basemapTiles' | 'basemapStyle'>> &
  Partial<OidcSettings>

export interface AuthPluginOptions {
  config: AuthConfig
  database: Database
}

const statusOf = { unauthenticated: 401, forbidden: 403, password_change_required: 403 } as const

export function refuse(request: FastifyRequest, reply: FastifyReply, status: number, key: AuthMessage) {
  return reply.status(status).send({ error: key, message: messageFor(key, request.headers['accept-language']) })
}

/** The origin the request claims to come from: Origin, or failing that Referer's origin. */
function claimedOrigin(request: FastifyRequest): string | undefined {
  const raw = request.headers.origin ?? request.headers.referer
  if (!raw || raw === 'null') return undefined
  try {
    return new URL(raw).origin
  } catch {
    return undefined
  }
}

/** This site's origin: PUBLIC_URL when configured, else the origin the request was sent to. */
function ownOrigin(request: FastifyRequest, publicUrl: string | undefined): string | undefined {
  if (publicUrl) return publicUrl
  try {
    return new URL(`${request.protocol}://${request.host}`).origin
  } catch {
    return undefined
  }
}

export default fp<AuthPluginOptions>(async function authPlugin(app: FastifyInstance, { config, database }) {
  const auth = new AuthService(database.db, {
    sessionHours: config.sessionHours,
    adminUsername: config.adminUsername,
    adminPassword: config.adminPassword,
  })
  const audit = new AuditService(database.db)
  app.decorate('auth', auth)
  app.decorate('audit', audit)
  app.decorate(
    'oidc',
    new OidcService(
      {
        oidcIssuer: config.oidcIssuer,
        oidcClientId: config.oidcClientId,
        oidcClientSecret: config.oidcClientSecret,
        oidcRedirectUrl: config.oidcRedirectUrl,
        oidcRoleClaim: config.oidcRoleClaim ?? 'role',
        oidcScopeClaim: config.oidcScopeClaim ?? 'region_code',
        oidcRoleMap: config.oidcRoleMap ?? {},
      },
      auth,
    ),
  )
  app.decorate('publicUrl', config.publicUrl)
  app.decorateRequest('principal', undefined)
  app.decorateRequest('sessionToken', undefined)

  const created = await auth.ensureInitialAdmin()
  if (created?.oneTimePassword)
    app.log.warn(
      `初始管理员 "${created.username}" 已创建，一次性密码 / initial administrator created, one-time password: ${created.oneTimePassword} (首次登录后须修改 / change it at first sign-in)`,
    )

  await app.register(cookie)
  const https = config.publicUrl?.startsWith('https:') ?? false
  // a configured basemap is the one host outside this server the page may reach
  const basemap = config.basemapTiles
    ? [new URL(config.basemapTiles.replace(/[{}]/g, '')).origin]
    : config.basemapStyle
      ? [new URL(config.basemapStyle).origin]
      : []
  const securityHeaders = helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // 'unsafe-inline': Swagger UI at /docs sets inline styles (seen in Chromium: blocked without it)
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...basemap],
        fontSrc: ["'self'", 'data:'],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", ...basemap],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: https ? { maxAge: 15552000 } : false,
  })
  // every answer, a route's or not (404s too)
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders)
    done()
  })

  // a cross-site form can post text/plain without a preflight: no route reads it
  app.removeContentTypeParser('text/plain')

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (request) => ({
      statusCode: 429,
      code: 'rate_limited',
      error: 'rate_limited',
      message: messageFor('rate_limited', request.headers['accept-language']),
    }),
  })
  const minute = 60_000
  const loginPerAddress = app.rateLimit({
    max: config.loginRateLimit,
    timeWindow: minute,
    keyGenerator: (r) => `ip:${r.ip}`,
  })
  const loginPerUsername = app.rateLimit({
    max: config.loginRateLimit,
    timeWindow: minute,
    keyGenerator: (r) => `user:${String((r.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase()}`,
  })
  const uploadsPerAccount = app.rateLimit({
    max: config.uploadRateLimit,
    timeWindow: minute,
    keyGenerator: (r) => `upload:${r.principal?.kind}:${r.principal?.id}`,
  })
  const rateLimited: Record<string, ((...args: never[]) => unknown)[]> = {
    'POST /api/auth/login': [loginPerAddress, loginPerUsername],
    'GET /api/auth/oidc/callback': [loginPerAddress],
    'POST /api/imports': [uploadsPerAccount],
  }

  /** Who may call a route, checked before anything else of the route runs. */
  const guardOf =
    (entryOf: (method: string) => AccessEntry): onRequestHookHandler =>
    async (request, reply) => {
      const entry = entryOf(request.method)
      const changing = stateChangingMethods.has(request.method)
      if (changing) {
        const origin = ownOrigin(request, config.publicUrl)
        if (!origin || claimedOrigin(request) !== origin) return refuse(request, reply, 403, 'cross_site')
      }

      const sessionToken = request.cookies[sessionCookie]
      const wallToken = request.cookies[wallCookie]
      if (sessionToken) {
        request.principal = await auth.principalOfSession(sessionToken)
        if (request.principal) request.sessionToken = sessionToken
      }
      if (!request.principal && wallToken) request.principal = await auth.principalOfWallToken(wallToken)

      const refusal = refusalFor(entry.access, request.principal)
      if (refusal) return refuse(request, reply, statusOf[refusal], refusal)

      if (changing && entry.access !== 'public') {
        const sent = request.headers['x-csrf-token']
        if (!request.sessionToken || sent !== auth.csrfTokenOf(request.sessionToken))
          return refuse(request, reply, 403, 'csrf_token')
      }
      if (/^text\/plain\b/i.test(request.headers['content-type'] ?? ''))
        return refuse(request, reply, 415, 'unsupported_media_type')

      if (entry.audit && auditsCounts(entry)) auditBefore.set(request, await audit.counts())
    }

  // Recorded before the answer leaves, so a client that reads the audit log next finds the entry.
  const auditBefore = new WeakMap<FastifyRequest, Record<string, unknown>>()
  const recorderOf =
    (entryOf: (method: string) => AccessEntry): onSendHookHandler =>
    async (request, reply, payload) => {
      const entry = entryOf(request.method)
      if (!entry.audit) return payload
      let entityId = (request.params as { id?: string | number } | undefined)?.id
      if (entityId === undefined && typeof payload === 'string' && reply.statusCode < 300) {
        try {
          entityId = (JSON.parse(payload) as { id?: number }).id
        } catch {
          // not JSON: no id to record
        }
      }
      const body = request.body as { username?: unknown; dryRun?: unknown } | undefined
      const before = auditBefore.get(request)
      await audit.record({
        actor: request.principal ?? (typeof body?.username === 'string' ? body.username : undefined),
        action: entry.audit.action,
        entity: entry.audit.entity,
        entityId: entityId ?? null,
        status: reply.statusCode,
        ...(before ? { before, after: await audit.counts() } : {}),
      })
      return payload
    }

  const asList = <T>(hooks: T | T[] | undefined): T[] => (hooks ? (Array.isArray(hooks) ? hooks : [hooks]) : [])

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const entries = new Map<string, AccessEntry>()
    for (const method of methods) {
      const entry = accessEntryOf(method, route.url)
      if (!entry)
        throw new Error(
          `${method} ${route.url} has no entry in the access table (server/services/auth/access.ts): say who may call it`,
        )
      entries.set(method, entry)
      const limits = rateLimited[`${method} ${route.url}`]
      if (limits) route.preHandler = [...(limits as never[]), ...asList(route.preHandler)]
    }
    // a HEAD route Fastify adds for a GET is registered with the GET's hooks: HEAD shares GET's entry
    const entryOf = (method: string) => entries.get(method) ?? accessEntryOf(method, route.url)!
    route.onRequest = [guardOf(entryOf), ...asList(route.onRequest)]
    if ([...entries.values()].some((entry) => entry.audit))
      route.onSend = [...asList(route.onSend), recorderOf(entryOf)]
  })
})

/** The headers helmet sets with these options, computed once instead of on every request. */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader(name: string, value: string | number) {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()]
    },
  }
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error
  })
  return headers
}

/** Changes to the map's data record the counts they touched before and after. */
const auditsCounts = (entry: AccessEntry) => entry.audit?.entity === 'import' || entry.audit?.entity === 'merge-run'

export const cookieOptions = (config: AuthConfig, maxAgeSeconds?: number) => ({
  httpOnly: true,
  sameSite: 'strict' as const,
  path: '/',
  secure: config.publicUrl?.startsWith('https:') ?? false,
  ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
})
