import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorBody } from '../schemas/common.schema.ts'
import { AuditList, AuditQuery } from '../schemas/auth.schema.ts'

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['auth'],
        summary: 'The audit log, newest first, filtered by entity, actor, action and time (administrators)',
        querystring: AuditQuery,
        response: { 200: AuditList, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const { from, to, limit = 50, offset = 0, ...rest } = request.query
      return app.audit.list({
        ...rest,
        ...(from ? { from: new Date(from) } : {}),
        ...(to ? { to: new Date(to) } : {}),
        limit,
        offset,
      })
    },
  )
}
