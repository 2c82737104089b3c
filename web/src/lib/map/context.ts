// MapView provides its maplibre Map to the layers inside it through Svelte context.
import type { Map as MaplibreMap } from 'maplibre-gl'
import { getContext, setContext } from 'svelte'

const key = Symbol('map')

export interface MapContext {
  readonly map: MaplibreMap
}

export const setMapContext = (context: MapContext) => setContext(key, context)
export const getMapContext = () => getContext<MapContext>(key)

/**
 * Drawing order. Each marker is an invisible layer at the top of its slot; a style layer joins a
 * slot by being inserted before that slot's marker, whatever order the layers mount in.
 */
export const slots = ['slot-region-fill', 'slot-grid', 'slot-region-line', 'slot-point', 'slot-label'] as const
export type Slot = (typeof slots)[number]
