import { Type, type Static } from 'typebox'
import { Bbox, LocalizedText } from './common.schema.ts'

export const LegendItem = Type.Object({ value: Type.String(), label: LocalizedText, color: Type.String() })

export const LayerInfo = Type.Object({
  id: Type.String(),
  title: LocalizedText,
  group: Type.Union([
    Type.Literal('region'),
    Type.Literal('grid'),
    Type.Literal('service'),
    Type.Literal('party'),
    Type.Literal('population'),
  ]),
  geometryType: Type.Union([Type.Literal('polygon'), Type.Literal('point')]),
  tiles: Type.String({ description: 'tile URL template, relative to the server' }),
  sourceLayer: Type.String({ description: 'MVT layer name inside each tile' }),
  minzoom: Type.Integer({ minimum: 0, maximum: 22 }),
  maxzoom: Type.Integer({ minimum: 0, maximum: 22 }),
  defaultVisible: Type.Boolean(),
  department: Type.Optional(Type.String()),
  legend: Type.Object({
    color: Type.String(),
    property: Type.Optional(Type.String()),
    items: Type.Optional(Type.Array(LegendItem)),
  }),
})
export type LayerInfo = Static<typeof LayerInfo>

export const LayerCatalog = Type.Object({ layers: Type.Array(LayerInfo) })
export type LayerCatalog = Static<typeof LayerCatalog>

export const LayerParams = Type.Object({ layer: Type.String({ pattern: '^[a-z][a-z0-9-]{1,40}$' }) })

const TileCoordinate = Type.String({
  pattern: '^[0-9]{1,10}$',
  description: 'a non-negative integer in decimal digits',
})

export const TileParams = Type.Object({
  layer: Type.String({ pattern: '^[a-z][a-z0-9-]{1,40}$' }),
  // plain decimal digits: ajv's number coercion would take 1e3 or 0x10; the range is checked in the route
  z: TileCoordinate,
  x: TileCoordinate,
  y: TileCoordinate,
})
export type TileParams = Static<typeof TileParams>

export const TileQuery = Type.Object({
  run: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'unified-grids and merge-issues: show this merge run instead of the published one',
    }),
  ),
})

export const FeaturesQuery = Type.Object({
  bbox: Type.String({ description: 'west,south,east,north in WGS84 degrees', examples: ['113.5,34.7,113.7,34.8'] }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
})
export type FeaturesQuery = Static<typeof FeaturesQuery>

export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.Union([Type.String(), Type.Number()]),
      geometry: Type.Unknown(),
      properties: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  numberReturned: Type.Integer(),
  truncated: Type.Boolean({ description: 'more features match than the limit allowed' }),
})
export type FeatureCollection = Static<typeof FeatureCollection>

export const TileJson = Type.Object({
  tilejson: Type.Literal('3.0.0'),
  name: Type.String(),
  tiles: Type.Array(Type.String()),
  minzoom: Type.Integer(),
  maxzoom: Type.Integer(),
  bounds: Type.Optional(Bbox),
  vector_layers: Type.Array(Type.Object({ id: Type.String(), fields: Type.Record(Type.String(), Type.String()) })),
})
export type TileJson = Static<typeof TileJson>
