// What every family of the layer registry shares: a layer as the catalog and the tile queries see it,
// one registry entry (what varies from layer to layer) and the helpers entries are written with.
import type { LayerInfo, LayerStyle } from '../../schemas/layers.schema.ts'
import type { ActiveDepartmentLayer, LayerSource } from '../../db/repositories/layers.repository.ts'

export type { ActiveDepartmentLayer, LayerSource }

/** One map layer: what the catalog shows, the SQL of its rows and how the web draws it. */
export interface Layer extends LayerInfo {
  /** Its rows in an envelope (a select of `layers.repository.ts`). */
  source: LayerSource
  /** Feature property names and their MVT types (TileJSON vector_layers.fields). */
  fields: Record<string, 'String' | 'Number' | 'Boolean'>
  /** Merge layers: the rows of one merge run instead of the published one. */
  sourceOfRun?: (runId: number) => LayerSource
  /** The merge run shown (absent: the published one); part of the tile cache key. */
  runId?: number
}

export const text = (zh: string, en: string) => ({ 'zh-CN': zh, en })
export const item = (value: string, zh: string, en: string, color: string) => ({ value, label: text(zh, en), color })

export const tilesOf = (id: string) => `/tiles/${id}/{z}/{x}/{y}.mvt`

/**
 * One registry entry: what varies from layer to layer. The tile URL and source-layer name follow from
 * the id; the max zoom is 16 and the layer shows at start unless the entry says otherwise.
 */
export interface LayerEntry {
  id: string
  title: LayerInfo['title']
  group: LayerInfo['group']
  geometryType: LayerInfo['geometryType']
  minzoom: number
  /** 16 when absent */
  maxzoom?: number
  /** true when absent; 'published' for a layer shown at start only once a merge is published */
  defaultVisible?: boolean | 'published'
  legend: LayerInfo['legend']
  style: LayerStyle
  source: LayerSource
  sourceOfRun?: (runId: number) => LayerSource
  fields: Layer['fields']
}
