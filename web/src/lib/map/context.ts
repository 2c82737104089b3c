// MapView provides its maplibre Map to the sources and layers inside it through Svelte context, and
// a VectorSource provides its id to the layers inside it.
import type { Map as MaplibreMap } from 'maplibre-gl'
import { getContext, setContext } from 'svelte'

const mapKey = Symbol('map')
const sourceKey = Symbol('source')

export interface MapContext {
  readonly map: MaplibreMap
  /** Whether MapView has removed the map (its page is unmounting): nothing left to clean up then. */
  isRemoved(): boolean
}

export interface SourceContext {
  readonly id: string
}

export const setMapContext = (context: MapContext) => setContext(mapKey, context)
export const getMapContext = () => getContext<MapContext>(mapKey)
export const setSourceContext = (context: SourceContext) => setContext(sourceKey, context)
export const getSourceContext = () => getContext<SourceContext>(sourceKey)

/**
 * Drawing order. Each marker is an invisible layer at the top of its slot; a style layer joins a
 * slot by being inserted before that slot's marker, whatever order the layers mount in.
 */
export const slots = ['slot-region-fill', 'slot-grid', 'slot-region-line', 'slot-point', 'slot-label'] as const
export type Slot = (typeof slots)[number]
