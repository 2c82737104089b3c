import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { LayerParams } from '../schemas/layers.schema.ts'
import { TileJson, TileParams, TileQuery } from '../schemas/tiles.schema.ts'
import { forMergeRun } from '../services/tiles/layer-registry.ts'
import { assertTileInRange } from '../services/tiles/tile-math.ts'
import { scopeOf } from './scope.ts'

export const tilesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tiles/:layer/:z/:x/:y.mvt',
    {
      schema: {
        tags: ['layers'],
        summary: 'Mapbox Vector Tile of a layer',
        params: TileParams,
        querystring: TileQuery,
        response: {
          200: Type.Unknown({ description: 'application/vnd.mapbox-vector-tile' }),
          204: Type.Null(),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { layer: layerId } = request.params
      const [z, x, y] = [request.params.z, request.params.x, request.params.y].map(Number)
      assertTileInRange(z, x, y)
      const found = await app.services.layers.find(layerId)
      const layer = request.query.run ? forMergeRun(found, request.query.run) : found
      const scope = scopeOf(request)
      const { tile, cached, key } = await app.services.tiles.getTile(layer, z, x, y, scope)
      reply
        .header('Content-Type', 'application/vnd.mapbox-vector-tile')
        .header('Cache-Control', 'no-cache')
        // the tag is the cache key, scope and data version in it: a browser shared by two accounts
        // must not revalidate one's tile for the other
        .header('ETag', `"${key}"`)
        .header('X-Tile-Cache', cached ? 'hit' : 'miss')
      // no payload at all, not null: the HEAD route Fastify derives from this GET fails on a null body
      if (tile.byteLength === 0) return reply.status(204).send(undefined as unknown as null)
      return reply.send(Buffer.from(tile.buffer, tile.byteOffset, tile.byteLength))
    },
  )

  app.get(
    '/tiles/:layer.json',
    {
      schema: {
        tags: ['layers'],
        summary: 'TileJSON of a layer',
        params: LayerParams,
        response: { 200: TileJson, ...errorResponses },
      },
    },
    // from configuration, never from the request's Host (a forged Host would poison shared caches);
    // without PUBLIC_URL the tile URLs are relative to this server
    // bounds: the caller's scope (a street official's map opens on the street)
    async (request) => app.services.layers.tileJson(request.params.layer, app.publicUrl ?? '', scopeOf(request)),
  )
}
