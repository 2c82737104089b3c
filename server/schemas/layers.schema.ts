import { Type, type Static } from 'typebox'
import { LocalizedText } from './common.schema.ts'

export const LegendItem = Type.Object({ value: Type.String(), label: LocalizedText, color: Type.String() })

/** How the web draws a layer: every paint and layout value comes from these hints. */
export const LayerStyle = Type.Object({
  fill: Type.Optional(Type.Object({ opacity: Type.Number(), selectedOpacity: Type.Number() })),
  line: Type.Optional(
    Type.Object({
      width: Type.Number(),
      selectedWidth: Type.Optional(Type.Number()),
      dash: Type.Optional(Type.Array(Type.Number())),
      flag: Type.Optional(
        Type.Object(
          { property: Type.String(), color: Type.String(), width: Type.Number() },
          {
            description:
              'features whose boolean property is true are outlined in this colour (e.g. outside the household norm)',
          },
        ),
      ),
    }),
  ),
  circle: Type.Optional(
    Type.Object({
      radius: Type.Union([
        Type.Object({ byZoom: Type.Array(Type.Tuple([Type.Number(), Type.Number()])) }),
        Type.Object({ property: Type.String(), stops: Type.Array(Type.Tuple([Type.Number(), Type.Number()])) }),
        Type.Object({
          property: Type.String(),
          values: Type.Record(Type.String(), Type.Number()),
          otherwise: Type.Number(),
        }),
      ]),
      opacity: Type.Number(),
      strokeWidth: Type.Number(),
    }),
  ),
  label: Type.Optional(
    Type.Object({
      field: Type.String(),
      size: Type.Number(),
      minzoom: Type.Number(),
      maxzoom: Type.Number(),
      detail: Type.Optional(
        Type.Object(
          { field: Type.String(), minzoom: Type.Number() },
          { description: 'from this zoom on the label shows this field instead (e.g. the full code)' },
        ),
      ),
      byProperty: Type.Optional(
        Type.Object(
          {
            property: Type.String(),
            values: Type.Record(
              Type.String(),
              Type.Object({ size: Type.Number(), minzoom: Type.Number(), maxzoom: Type.Number() }),
            ),
          },
          { description: 'size and zoom range by a property (one label layer for streets and communities)' },
        ),
      ),
    }),
  ),
})
export type LayerStyle = Static<typeof LayerStyle>

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
  geometryType: Type.Union([Type.Literal('polygon'), Type.Literal('line'), Type.Literal('point')]),
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
  style: LayerStyle,
})
export type LayerInfo = Static<typeof LayerInfo>

export const Basemap = Type.Union(
  [
    Type.Object({ tiles: Type.String({ description: 'raster tile URL template' }), attribution: Type.String() }),
    Type.Object({ style: Type.String({ description: 'a MapLibre style URL' }), attribution: Type.String() }),
    Type.Object({
      pmtiles: Type.String({ description: "this server's path of a raster PMTiles archive" }),
      attribution: Type.String(),
    }),
    Type.Null(),
  ],
  {
    description:
      'the configured basemap (BASEMAP_TILES, BASEMAP_STYLE or BASEMAP_PMTILES), null when none: nothing is then requested outside',
  },
)
export type Basemap = Static<typeof Basemap>

export const LayerCatalog = Type.Object({ layers: Type.Array(LayerInfo), basemap: Type.Optional(Basemap) })
export type LayerCatalog = Static<typeof LayerCatalog>

export const LayerParams = Type.Object({ layer: Type.String({ pattern: '^[a-z][a-z0-9-]{1,40}$' }) })

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
