import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requestLanguage } from '../plugins/language.ts'
import { errorResponses } from '../schemas/common.schema.ts'
import { Type } from 'typebox'
import {
  RegionDetail,
  RegionGridFigures,
  RegionGridList,
  RegionGridsQuery,
  RegionList,
  RegionParams,
  RegionQuery,
} from '../schemas/regions.schema.ts'
import { scopeOf } from './scope.ts'
import { sendTable } from './downloads.ts'

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

  app.get(
    '/api/regions/:code/grid-figures',
    {
      schema: {
        tags: ['regions'],
        summary:
          'The grids of a region per layer: households against the norm, chiefs, workers (in the caller’s scope)',
        params: RegionParams,
        response: { 200: RegionGridFigures, ...errorResponses },
      },
    },
    async (request) => app.services.regions.describeGrids(request.params.code, request.principal),
  )

  app.get(
    '/api/regions/:code/grids',
    {
      schema: {
        tags: ['regions'],
        summary: 'The grids behind a figure: all, outside the norm, without a chief, or understaffed',
        params: RegionParams,
        querystring: RegionGridsQuery,
        response: { 200: RegionGridList, ...errorResponses },
      },
    },
    async (request) => app.services.regions.listGrids(request.params.code, request.query, request.principal),
  )

  for (const format of ['csv', 'xlsx'] as const)
    app.get(
      `/api/regions/:code/grids.${format}`,
      {
        schema: {
          tags: ['regions'],
          summary: `The same list as ${format.toUpperCase()} with Chinese headers`,
          params: RegionParams,
          querystring: RegionGridsQuery,
          response: { 200: Type.Unknown({ description: 'the file' }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const language = requestLanguage(request)
        const table = await app.services.regions.tableOfGrids(
          request.params.code,
          request.query,
          request.principal,
          language,
        )
        return sendTable(reply, table, `${table.title}-${request.params.code}`, format)
      },
    )
}
