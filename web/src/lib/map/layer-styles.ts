// The style layers that draw one catalog layer, by its kind.
import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl'
import type { LayerInfo } from '../api/types.ts'
import type { Slot } from './context.ts'

export interface StyledLayer {
  slot: Slot
  spec: LayerSpecification
}

function colorOf(layer: LayerInfo): string | ExpressionSpecification {
  const { legend } = layer
  if (!legend.property || !legend.items?.length) return legend.color
  return [
    'match',
    ['get', legend.property],
    ...legend.items.flatMap((item) => [item.value, item.color]),
    legend.color,
  ] as unknown as ExpressionSpecification
}

const selected = (on: number | string, off: number | string) =>
  ['case', ['boolean', ['feature-state', 'selected'], false], on, off] as ExpressionSpecification

export function styleLayers(layer: LayerInfo): StyledLayer[] {
  const base = { source: layer.id, 'source-layer': layer.sourceLayer, minzoom: layer.minzoom }
  const color = colorOf(layer)
  if (layer.group === 'region') {
    const width = layer.id === 'regions-district' ? 3 : layer.id === 'regions-street' ? 2 : 0.8
    return [
      {
        slot: 'slot-region-fill',
        spec: {
          ...base,
          id: `${layer.id}-fill`,
          type: 'fill',
          paint: { 'fill-color': color, 'fill-opacity': selected(0.12, 0) },
        },
      },
      {
        slot: 'slot-region-line',
        spec: {
          ...base,
          id: `${layer.id}-line`,
          type: 'line',
          paint: {
            'line-color': color,
            'line-width': width,
            ...(layer.id === 'regions-community' ? { 'line-dasharray': [3, 2] } : {}),
          },
        },
      },
      {
        slot: 'slot-label',
        spec: {
          ...base,
          id: `${layer.id}-label`,
          type: 'symbol',
          minzoom: layer.id === 'regions-community' ? 13 : layer.id === 'regions-street' ? 11 : 9,
          maxzoom: layer.id === 'regions-district' ? 11 : layer.id === 'regions-street' ? 14 : 24,
          layout: { 'text-field': ['get', 'name'], 'text-size': layer.id === 'regions-community' ? 12 : 15 },
          paint: { 'text-color': '#263238', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
        },
      },
    ]
  }
  if (layer.geometryType === 'polygon') {
    return [
      {
        slot: 'slot-grid',
        spec: {
          ...base,
          id: `${layer.id}-fill`,
          type: 'fill',
          paint: { 'fill-color': color, 'fill-opacity': selected(0.55, 0.2) },
        },
      },
      {
        slot: 'slot-grid',
        spec: {
          ...base,
          id: `${layer.id}-line`,
          type: 'line',
          paint: { 'line-color': color, 'line-width': selected(3, 1.1) },
        },
      },
    ]
  }
  const radius: ExpressionSpecification =
    layer.id === 'population'
      ? ['interpolate', ['linear'], ['get', 'residents'], 1, 1.5, 60, 5]
      : layer.id === 'service-centers'
        ? ['match', ['get', 'level'], 'district', 9, 'street', 7, 'community', 5.5, 4]
        : ['interpolate', ['linear'], ['zoom'], 10, 2.5, 15, 5.5]
  return [
    {
      slot: 'slot-point',
      spec: {
        ...base,
        id: `${layer.id}-circle`,
        type: 'circle',
        paint: {
          'circle-color': color,
          'circle-radius': radius,
          'circle-opacity': layer.id === 'population' ? 0.55 : 0.9,
          'circle-stroke-color': selected('#111111', '#ffffff'),
          'circle-stroke-width': selected(2.5, layer.id === 'population' ? 0 : 1),
        },
      },
    },
  ]
}
