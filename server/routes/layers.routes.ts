import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { type Basemap, FeatureCollection, FeaturesQuery, LayerCatalog, LayerParams } from '../schemas/layers.schema.ts'
import { layerVersionOf, versionedTiles } from '../services/events/events.service.ts'
import { toLayerInfo } from '../services/tiles/layer-registry.ts'

export const layersRoutes: FastifyPluginAsyncTypebox<{ basemap?: Basemap }> = async (app, options) => {
  const basemap = options.basemap ?? null
  app.get(
    '/api/layers',
    {
      schema: {
        tags: ['layers'],
        summary:
          'Layer catalog: id, title, geometry type, tile URL template (with ?v= the layer’s data version), zoom range, legend',
        response: { 200: LayerCatalog, 500: errorResponses[500] },
      },
    },
    // tile URLs carry their layer's data version: a change gives pages URLs they have not cached
    async () => {
      const [layers, versions] = await Promise.all([app.services.layers.list(), app.services.events.dataVersions()])
      return {
        layers: layers.map((layer) => ({
          ...toLayerInfo(layer),
          tiles: versionedTiles(layer.tiles, layerVersionOf(versions, layer.id)),
        })),
        basemap,
      }
    },
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
