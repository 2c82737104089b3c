// Vector tiles and TileJSON of a map layer.
import { Type, type Static } from 'typebox'
import { Bbox } from './common.schema.ts'

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
  v: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'the layer’s data version (from the catalog): a new version is a URL no cache holds',
    }),
  ),
})

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
