import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { Summary } from '../schemas/summary.schema.ts'
import { regionPrefixOf } from '../services/auth/roles.ts'

export const summaryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/summary',
    {
      schema: {
        tags: ['summary'],
        summary: 'The KPI figures a wall display shows',
        response: { 200: Summary, 500: errorResponses[500] },
      },
    },
    // cached per data version and caller scope (see SummaryService)
    async (request) =>
      app.services.summary.getSummary(request.principal ? regionPrefixOf(request.principal.scope) : null),
  )
}
