// How a catalog layer is drawn, derived from its style hints (LayerInfo.style) and legend: which
// MapLibre layers, in which slot, with which paint and layout. No layer is named here: a new layer
// is drawn from its registry entry alone.
import type {
  CircleLayerSpecification,
  DataDrivenPropertyValueSpecification,
  ExpressionSpecification,
  FillLayerSpecification,
  FilterSpecification,
  LineLayerSpecification,
  SymbolLayerSpecification,
} from 'maplibre-gl'
import type { LayerInfo, LayerStyle } from '../api/types.ts'
import type { Slot } from './context.ts'
import { labelFont } from './style.ts'

type Kind = 'fill' | 'line' | 'circle' | 'symbol'

interface Part<K extends Kind, Paint, Layout> {
  kind: K
  /** the MapLibre layer id: the catalog id and the kind (`grids-party-fill`) */
  id: string
  slot: Slot
  paint: Paint
  layout?: Layout
  minzoom: number
  maxzoom?: number
  /** whether a click or hover on it reports its features */
  interactive: boolean
  filter?: FilterSpecification
}

export type StylePart =
  | Part<'fill', FillLayerSpecification['paint'], never>
  | Part<'line', LineLayerSpecification['paint'], never>
  | Part<'circle', CircleLayerSpecification['paint'], never>
  | Part<'symbol', SymbolLayerSpecification['paint'], SymbolLayerSpecification['layout']>

/** The drawing slot of a part: region fills under everything, grids, region lines over them, points, labels. */
export function slotOf(layer: Pick<LayerInfo, 'group'>, kind: Kind): Slot {
  if (kind === 'symbol') return 'slot-label'
  if (kind === 'circle') return 'slot-point'
  if (layer.group === 'region') return kind === 'fill' ? 'slot-region-fill' : 'slot-region-line'
  return 'slot-grid'
}

/** The legend's colour, by its property's value when it has items. */
export function colorOf(layer: Pick<LayerInfo, 'legend'>): DataDrivenPropertyValueSpecification<string> {
  const { legend } = layer
  if (!legend.property || !legend.items?.length) return legend.color
  return [
    'match',
    ['get', legend.property],
    ...legend.items.flatMap((item) => [item.value, item.color]),
    legend.color,
  ] as unknown as ExpressionSpecification
}

/** A value when the feature is selected (feature-state `selected`), another otherwise. */
export const whenSelected = <T extends number | string>(on: T, off: T): ExpressionSpecification =>
  ['case', ['boolean', ['feature-state', 'selected'], false], on, off] as ExpressionSpecification

export function circleRadius(radius: NonNullable<LayerStyle['circle']>['radius']): ExpressionSpecification {
  if ('byZoom' in radius) return ['interpolate', ['linear'], ['zoom'], ...radius.byZoom.flat()]
  if ('stops' in radius) return ['interpolate', ['linear'], ['get', radius.property], ...radius.stops.flat()]
  return [
    'match',
    ['get', radius.property],
    ...Object.entries(radius.values).flat(),
    radius.otherwise,
  ] as unknown as ExpressionSpecification
}

/**
 * Every MapLibre layer that draws one catalog layer, from its style hints, bottom to top; `labelScale`
 * multiplies its labels' text size and halo (the wall's map is read from across a room).
 */
export function styleParts(layer: LayerInfo, labelScale = 1): StylePart[] {
  const { fill, line, circle, label } = layer.style
  const color = colorOf(layer)
  const base = { minzoom: layer.minzoom }
  const parts: StylePart[] = []
  if (fill)
    parts.push({
      ...base,
      kind: 'fill',
      id: `${layer.id}-fill`,
      slot: slotOf(layer, 'fill'),
      interactive: true,
      paint: { 'fill-color': color, 'fill-opacity': whenSelected(fill.selectedOpacity, fill.opacity) },
    })
  if (line)
    parts.push({
      ...base,
      kind: 'line',
      id: `${layer.id}-line`,
      slot: slotOf(layer, 'line'),
      interactive: false,
      paint: {
        'line-color': line.flag ? flagged(line.flag.property, line.flag.color, color) : color,
        'line-width': lineWidth(line),
        ...(line.dash ? { 'line-dasharray': line.dash } : {}),
      },
    })
  if (circle)
    parts.push({
      ...base,
      kind: 'circle',
      id: `${layer.id}-circle`,
      slot: slotOf(layer, 'circle'),
      interactive: true,
      paint: {
        'circle-color': color,
        'circle-radius': circleRadius(circle.radius),
        'circle-opacity': circle.opacity,
        'circle-stroke-color': whenSelected('#111111', '#ffffff'),
        'circle-stroke-width': whenSelected(2.5, circle.strokeWidth),
      },
    })
  if (label) parts.push(...labelParts(layer, label, labelScale))
  return parts
}

/** A colour for features whose boolean property is true, another otherwise. */
const flagged = (property: string, on: string, off: DataDrivenPropertyValueSpecification<string>) =>
  ['case', ['boolean', ['get', property], false], on, off] as unknown as ExpressionSpecification

function lineWidth(line: NonNullable<LayerStyle['line']>): DataDrivenPropertyValueSpecification<number> {
  const base: ExpressionSpecification | number = line.flag
    ? ([
        'case',
        ['boolean', ['get', line.flag.property], false],
        line.flag.width,
        line.width,
      ] as ExpressionSpecification)
    : line.width
  return line.selectedWidth === undefined
    ? base
    : (['case', ['boolean', ['feature-state', 'selected'], false], line.selectedWidth, base] as ExpressionSpecification)
}

/**
 * The label layers of a catalog layer: one, or one per value of `byProperty` (streets and
 * communities differ in size and zoom range); the field gives way to `detail.field` from its zoom.
 */
function labelParts(layer: LayerInfo, label: NonNullable<LayerStyle['label']>, scale: number): StylePart[] {
  const field: ExpressionSpecification = label.detail
    ? ['step', ['zoom'], ['get', label.field], label.detail.minzoom, ['get', label.detail.field]]
    : ['get', label.field]
  const part = (id: string, size: number, minzoom: number, maxzoom: number, filter?: FilterSpecification) =>
    ({
      kind: 'symbol',
      id,
      slot: slotOf(layer, 'symbol'),
      interactive: false,
      minzoom,
      maxzoom,
      filter,
      layout: { 'text-field': field, 'text-size': size * scale, 'text-font': labelFont },
      paint: { 'text-color': '#263238', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 * scale },
    }) satisfies StylePart
  const by = label.byProperty
  if (!by) return [part(`${layer.id}-label`, label.size, label.minzoom, label.maxzoom)]
  return Object.entries(by.values).map(([value, v]) =>
    part(`${layer.id}-label-${value}`, v.size, v.minzoom, v.maxzoom, ['==', ['get', by.property], value]),
  )
}
