import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { Summary } from '../schemas/summary.schema.ts'

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
    async () => app.services.summary.getSummary(),
  )
}
