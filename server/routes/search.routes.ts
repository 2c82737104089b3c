import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { SearchQuery, SearchResult } from '../schemas/search.schema.ts'
import { regionPrefixOf } from '../services/auth/roles.ts'

export const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Find regions, grids, centers, organizations and units in the caller’s scope, grouped by kind',
        querystring: SearchQuery,
        response: { 200: SearchResult, 400: errorResponses[400], 500: errorResponses[500] },
      },
    },
    async (request) =>
      app.services.search.search(
        request.query,
        request.principal ? regionPrefixOf(request.principal.scope) : null,
        request.principal,
      ),
  )
}
