import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { type Basemap, FeatureCollection, FeaturesQuery, LayerCatalog, LayerParams } from '../schemas/layers.schema.ts'
import { toLayerInfo } from '../services/tiles/layer-registry.ts'

export const layersRoutes: FastifyPluginAsyncTypebox<{ basemap?: Basemap }> = async (app, options) => {
  const basemap = options.basemap ?? null
  app.get(
    '/api/layers',
    {
      schema: {
        tags: ['layers'],
        summary: 'Layer catalog: id, title, geometry type, tile URL template, zoom range, legend',
        response: { 200: LayerCatalog, 500: errorResponses[500] },
      },
    },
    async () => ({ layers: (await app.services.layers.list()).map(toLayerInfo), basemap }),
  )

  app.get(
    '/api/layers/:layer/features',
    {
      schema: {
        tags: ['layers'],
        summary: 'GeoJSON features of a layer in a bbox (bounded count)',
        params: LayerParams,
        querystring: FeaturesQuery,
        response: { 200: FeatureCollection, ...errorResponses },
      },
    },
    async (request) =>
      app.services.layers.features(
        request.params.layer,
        request.query.bbox,
        request.query.limit ?? 1000,
        request.principal,
      ),
  )
}
