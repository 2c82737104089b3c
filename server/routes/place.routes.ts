// The place panel's other sections and the lists behind them (GET /api/regions/:code/place-figures,
// /api/regions/:code/lists/:list and its CSV and XLSX), in the caller's scope.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requestLanguage } from '../plugins/language.ts'
import { errorResponses } from '../schemas/common.schema.ts'
import {
  GridParams,
  GridPlace,
  PlaceFigures,
  PlaceList,
  PlaceListParams,
  PlaceListQuery,
} from '../schemas/place.schema.ts'
import { RegionParams } from '../schemas/regions.schema.ts'
import { sendTable } from './downloads.ts'

export const placeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/regions/:code/place-figures',
    {
      schema: {
        tags: ['regions'],
        summary:
          'A region’s residents covered by 党群服务中心, party-organization coverage, department grids against the unified grids, and open merge issues (in the caller’s scope)',
        params: RegionParams,
        response: { 200: PlaceFigures, ...errorResponses },
      },
    },
    async (request) => app.services.place.figures(request.params.code, request.principal, requestLanguage(request)),
  )

  app.get(
    '/api/unified-grids/:code',
    {
      schema: {
        tags: ['regions'],
        summary:
          'A published unified grid as a place: households against the norm, 网格长 and workers, residents and centre coverage, organizations and units, matching department grids, merge issues (in the caller’s scope)',
        params: GridParams,
        response: { 200: GridPlace, ...errorResponses },
      },
    },
    async (request) => app.services.place.grid(request.params.code, request.principal, requestLanguage(request)),
  )

  app.get(
    '/api/regions/:code/lists/:list',
    {
      schema: {
        tags: ['regions'],
        summary:
          'The items behind a place figure (a region’s 12-digit code or a unified grid’s 15): merge issues, uncovered residents (in cells), 应建未建 units, department grids with their match, organizations by status, units by coverage',
        params: PlaceListParams,
        querystring: PlaceListQuery,
        response: { 200: PlaceList, ...errorResponses },
      },
    },
    async (request) =>
      app.services.place.list(
        request.params.code,
        request.params.list,
        request.query,
        request.principal,
        requestLanguage(request),
      ),
  )

  for (const format of ['csv', 'xlsx'] as const)
    app.get(
      `/api/regions/:code/lists/:list.${format}`,
      {
        schema: {
          tags: ['regions'],
          summary: `The same list as ${format.toUpperCase()} with Chinese headers`,
          params: PlaceListParams,
          querystring: PlaceListQuery,
          response: { 200: Type.Unknown({ description: 'the file' }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { code, list } = request.params
        const language = requestLanguage(request)
        const table = await app.services.place.table(code, list, request.query, request.principal, language)
        return sendTable(reply, table, `${table.title}-${table.code}`, format)
      },
    )
}
