import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { cookieOptions, refuse, sessionCookie, wallCookie, type AuthConfig } from '../plugins/auth.plugin.ts'
import { ErrorBody, errorResponses } from '../schemas/common.schema.ts'
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
import type { Principal } from '../services/auth/roles.ts'

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
