import { request } from './client.ts'
import type { FeatureCollection, LayerCatalog } from './types.ts'

export const fetchLayers = (signal?: AbortSignal) => request<LayerCatalog>('GET', '/api/layers', { signal })

/** Tile URL templates from the catalog are relative to the server; MapLibre wants them absolute. */
export const absoluteTileUrl = (template: string) =>
  new URL(template, window.location.origin).href.replace(/%7B/g, '{').replace(/%7D/g, '}')

export const fetchFeatures = (layer: string, bbox: readonly number[], signal?: AbortSignal) =>
  request<FeatureCollection>('GET', `/api/layers/${layer}/features?bbox=${bbox.join(',')}&limit=500`, { signal })
