import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { Tour, TourInput, TourList, TourParams } from '../schemas/wall.schema.ts'
import { scopeOf } from './scope.ts'

export const wallRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tours = app.services.wallTours
  const tags = ['wall']

  app.get(
    '/api/wall-tours',
    {
      schema: {
        tags,
        summary: 'The wall tours (playlists of saved views)',
        response: { 200: TourList, ...errorResponses },
      },
    },
    async (request) => ({ tours: await tours.list(scopeOf(request)) }),
  )

  app.get(
    '/api/wall-tours/:id',
    { schema: { tags, summary: 'A wall tour', params: TourParams, response: { 200: Tour, ...errorResponses } } },
    async (request) => tours.get(request.params.id, scopeOf(request)),
  )

  app.post(
    '/api/wall-tours',
    {
      schema: {
        tags,
        summary: 'Create a wall tour: a name and its steps (place, layers, chart, dwell seconds)',
        body: TourInput,
        response: { 201: Tour, ...errorResponses },
      },
    },
    async (request, reply) => {
      const by = request.principal?.kind === 'user' ? request.principal.id : null
      return reply.status(201).send(await tours.create(request.body, by))
    },
  )

  app.put(
    '/api/wall-tours/:id',
    {
      schema: {
        tags,
        summary: 'Replace a wall tour',
        params: TourParams,
        body: TourInput,
        response: { 200: Tour, ...errorResponses },
      },
    },
    async (request) => tours.update(request.params.id, request.body),
  )

  app.delete(
    '/api/wall-tours/:id',
    {
      schema: {
        tags,
        summary: 'Delete a wall tour',
        params: TourParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await tours.remove(request.params.id)
      return reply.status(204).send(null)
    },
  )
}
