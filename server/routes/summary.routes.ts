import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { Summary } from '../schemas/summary.schema.ts'
import { scopeOf } from './scope.ts'

export const summaryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/summary',
    {
      schema: {
        tags: ['summary'],
        summary: 'The KPI figures a wall display shows, for the caller’s scope',
        response: { 200: Summary, 500: errorResponses[500] },
      },
    },
    async (request) => app.services.summary.getSummary(scopeOf(request)),
  )
}
