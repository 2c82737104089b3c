import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { cookieOptions, refuse, sessionCookie, wallCookie, type AuthConfig } from '../plugins/auth.plugin.ts'
import { ErrorBody, errorResponses } from '../schemas/common.schema.ts'
import type { FastifyReply, FastifyRequest } from 'fastify'
import {
  ChangePasswordRequest,
  CreateWallTokenRequest,
  IdParams,
  LoginRequest,
  Me,
  MeQuery,
  NewWallToken,
  WallToken,
  WallTokenList,
} from '../schemas/auth.schema.ts'
import { allowedActions } from '../services/auth/access.ts'
import { type AuthMessage, messageFor } from '../services/auth/messages.ts'
import { OidcError, type OidcTransaction } from '../services/auth/oidc.service.ts'
import type { Principal } from '../services/auth/roles.ts'

/** The OIDC sign-in in flight: state, nonce and PKCE verifier, until the provider sends the person back. */
export const oidcCookie = 'wg_oidc'
const oidcPath = '/api/auth/oidc'

const refusals = { 401: ErrorBody, 403: ErrorBody, 429: ErrorBody }

export const authRoutes: FastifyPluginAsyncTypebox<{ config: AuthConfig }> = async (app, { config }) => {
  const me = (principal: Principal, sessionToken: string | undefined) => ({
    kind: principal.kind,
    id: principal.id,
    ...(principal.username !== undefined ? { username: principal.username } : {}),
    ...(principal.displayName !== undefined ? { displayName: principal.displayName } : {}),
    role: principal.role,
    scope: principal.scope,
    mustChangePassword: principal.mustChangePassword ?? false,
    csrfToken: sessionToken ? app.auth.csrfTokenOf(sessionToken) : null,
    actions: allowedActions(principal),
  })

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in: sets an HTTP-only session cookie; answers who you are and your CSRF token',
        body: LoginRequest,
        response: { 200: Me, 400: ErrorBody, ...refusals },
      },
    },
    async (request, reply) => {
      const session = await app.auth.login(request.body.username, request.body.password)
      if (!session) return refuse(request, reply, 401, 'bad_credentials')
      reply.setCookie(sessionCookie, session.token, cookieOptions(config, config.sessionHours * 3600))
      reply.clearCookie(wallCookie, cookieOptions(config))
      return me(session.principal, session.token)
    },
  )

  const oidcCookieOptions = (maxAgeSeconds?: number) => ({
    ...cookieOptions(config, maxAgeSeconds),
    path: oidcPath,
    // the provider sends the person back with a cross-site redirect: a Strict cookie would stay behind
    sameSite: 'lax' as const,
  })

  /** A refused OIDC sign-in: a short page for the browser that was sent here, JSON for anything else. */
  const refuseOidc = (request: FastifyRequest, reply: FastifyReply, status: number, key: AuthMessage) => {
    const message = messageFor(key, request.headers['accept-language'])
    if (!/text\/html/.test(request.headers.accept ?? '')) return reply.status(status).send({ error: key, message })
    const back = messageFor('oidc_back', request.headers['accept-language'])
    const escaped = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
    return reply
      .status(status)
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><meta charset="utf-8"><title>${escaped}</title><p>${escaped}</p><p><a href="/">${back}</a></p>`,
      )
  }

  app.get(
    '/api/auth/providers',
    {
      schema: {
        tags: ['auth'],
        summary: 'How one may sign in here: local accounts always, the OIDC provider when configured',
        response: { 200: Type.Object({ local: Type.Boolean(), oidc: Type.Boolean() }) },
      },
    },
    async () => ({ local: true, oidc: app.oidc.enabled }),
  )

  app.get(
    `${oidcPath}/start`,
    {
      schema: {
        tags: ['auth'],
        summary:
          "Single sign-on: redirects to the OIDC provider (authorization code with PKCE, state and nonce); 404 when not configured, 503 when the provider can't be reached",
        response: { 302: Type.Null(), 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      try {
        const { url, transaction } = await app.oidc.start()
        reply.setCookie(
          oidcCookie,
          Buffer.from(JSON.stringify(transaction)).toString('base64url'),
          oidcCookieOptions(600),
        )
        return reply.redirect(url, 302)
      } catch (error) {
        if (error instanceof OidcError) {
          if (error.status === 503) request.log.warn({ err: error.cause }, 'OIDC provider unreachable')
          return refuseOidc(request, reply, error.status, error.key)
        }
        throw error
      }
    },
  )

  app.get(
    `${oidcPath}/callback`,
    {
      schema: {
        tags: ['auth'],
        summary:
          'Single sign-on: where the provider sends the person back; checks state, exchanges the code, verifies the ID token and nonce, maps the role and scope claims, sets the session cookie and redirects to the map',
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String({ maxLength: 2000 })),
            state: Type.Optional(Type.String({ maxLength: 500 })),
            iss: Type.Optional(Type.String({ maxLength: 500 })),
            error: Type.Optional(Type.String({ maxLength: 200 })),
            error_description: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: true },
        ),
        response: { 302: Type.Null(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      let transaction: OidcTransaction | undefined
      try {
        const raw = request.cookies[oidcCookie]
        transaction = raw ? (JSON.parse(Buffer.from(raw, 'base64url').toString()) as OidcTransaction) : undefined
      } catch {
        transaction = undefined
      }
      // one attempt per transaction, whatever its outcome
      reply.clearCookie(oidcCookie, oidcCookieOptions())
      try {
        const query = Object.fromEntries(
          Object.entries(request.query as Record<string, unknown>).filter(([, v]) => typeof v === 'string'),
        ) as Record<string, string>
        const session = await app.oidc.finish(query, transaction)
        // the audit log records who signed in
        request.principal = session.principal
        reply.setCookie(sessionCookie, session.token, cookieOptions(config, config.sessionHours * 3600))
        reply.clearCookie(wallCookie, cookieOptions(config))
        return reply.redirect('/', 302)
      } catch (error) {
        if (error instanceof OidcError) {
          request.log.warn({ err: error.cause, key: error.key }, 'OIDC sign-in refused')
          return refuseOidc(request, reply, error.status, error.key)
        }
        throw error
      }
    },
  )

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: ends the session',
        response: { 204: Type.Null(), ...refusals },
      },
    },
    async (request, reply) => {
      if (request.sessionToken) await app.auth.logout(request.sessionToken)
      reply.clearCookie(sessionCookie, cookieOptions(config))
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in (401 when nobody); ?wall=TOKEN signs this browser in read-only with a wall token',
        querystring: MeQuery,
        response: { 200: Me, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const { wall } = request.query
      if (wall) {
        const principal = await app.auth.principalOfWallToken(wall)
        if (!principal) return refuse(request, reply, 401, 'wall_token')
        reply.setCookie(wallCookie, wall, cookieOptions(config, 365 * 24 * 3600))
        return me(principal, undefined)
      }
      if (!request.principal) return refuse(request, reply, 401, 'unauthenticated')
      return me(request.principal, request.sessionToken)
    },
  )

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your own password (required after a one-time password); ends your other sessions',
        body: ChangePasswordRequest,
        response: { 204: Type.Null(), 400: ErrorBody, ...refusals },
      },
    },
    async (request, reply) => {
      await app.auth.changeOwnPassword(
        request.principal!,
        request.sessionToken!,
        request.body.currentPassword,
        request.body.newPassword,
        request.headers['accept-language'],
      )
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/wall-tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Wall tokens (administrators); the tokens themselves are shown only when created',
        response: { 200: WallTokenList, ...refusals },
      },
    },
    async () => ({ tokens: await app.auth.listWallTokens() }),
  )

  app.post(
    '/api/wall-tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create a read-only wall token, optionally scoped to a region (administrators)',
        body: CreateWallTokenRequest,
        response: { 201: NewWallToken, 400: ErrorBody, ...refusals },
      },
    },
    async (request, reply) => {
      const token = await app.auth.createWallToken(
        request.principal!,
        request.body.label,
        request.body.regionCode ?? null,
        request.headers['accept-language'],
      )
      return reply.status(201).send(token)
    },
  )

  app.delete(
    '/api/wall-tokens/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke a wall token (administrators): displays using it are signed out at once',
        params: IdParams,
        response: { 200: WallToken, 404: errorResponses[404], ...refusals },
      },
    },
    async (request) => app.auth.revokeWallToken(request.params.id, request.headers['accept-language']),
  )
}
