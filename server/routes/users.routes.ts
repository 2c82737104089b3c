import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorBody, errorResponses } from '../schemas/common.schema.ts'
import { CreateUserRequest, IdParams, UpdateUserRequest, User, UserList } from '../schemas/auth.schema.ts'

const refusals = { 401: ErrorBody, 403: ErrorBody, 409: ErrorBody }

export const usersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/users',
    {
      schema: { tags: ['auth'], summary: 'Accounts (administrators)', response: { 200: UserList, ...refusals } },
    },
    async () => ({ users: await app.auth.listUsers() }),
  )

  app.post(
    '/api/users',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Create an account with a role and scope (administrators); its password must be changed at first sign-in',
        body: CreateUserRequest,
        response: { 201: User, 400: ErrorBody, ...refusals },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await app.auth.createUser(request.body, request.headers['accept-language'])),
  )

  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change an account: role, scope, name, active, or reset its password (administrators)',
        params: IdParams,
        body: UpdateUserRequest,
        response: { 200: User, ...errorResponses, ...refusals },
      },
    },
    async (request) =>
      app.auth.updateUser(request.principal!, request.params.id, request.body, request.headers['accept-language']),
  )
}
