import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { RegionDetail, RegionList, RegionParams, RegionQuery } from '../schemas/regions.schema.ts'
import { scopeOf } from './scope.ts'

export const regionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/regions',
    {
      schema: {
        tags: ['regions'],
        summary: 'The region tree in the caller’s scope, filtered by parent or level',
        querystring: RegionQuery,
        response: { 200: RegionList, 400: errorResponses[400] },
      },
    },
    async (request) => app.services.regions.listRegions(request.query, scopeOf(request)),
  )

  app.get(
    '/api/regions/:code',
    {
      schema: {
        tags: ['regions'],
        summary: 'One region with its figures',
        params: RegionParams,
        response: { 200: RegionDetail, ...errorResponses },
      },
    },
    async (request) => app.services.regions.describeRegion(request.params.code, scopeOf(request)),
  )
}
