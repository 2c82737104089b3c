// The layer catalog as the map sees it, and GeoJSON features of a layer in a bbox.
import type { Kysely } from 'kysely'
import type { Tables } from '../db/tables.ts'
import { findActiveDepartmentLayers, findDataBounds, findFeaturesInBbox } from '../db/repositories/layers.repository.ts'
import { NotFoundError } from '../errors.ts'
import type { FeatureCollection, TileJson } from '../schemas/layers.schema.ts'
import { type Layer, buildCatalog } from './layer-catalog.ts'
import { parseBbox } from './tiles.ts'

export async function listLayers(db: Kysely<Tables>): Promise<Layer[]> {
  return buildCatalog(await findActiveDepartmentLayers(db))
}

export async function findLayer(db: Kysely<Tables>, id: string): Promise<Layer> {
  const layer = (await listLayers(db)).find((l) => l.id === id)
  if (!layer) throw new NotFoundError(`Unknown layer "${id}"; GET /api/layers lists the layers`)
  return layer
}

export async function findFeatures(db: Kysely<Tables>, layerId: string, rawBbox: string, limit: number): Promise<FeatureCollection> {
  const layer = await findLayer(db, layerId)
  const bbox = parseBbox(rawBbox)
  const rows = await findFeaturesInBbox(db, layer.source, bbox, limit)
  const truncated = rows.length > limit
  const features = rows.slice(0, limit).map(({ fid, geom, ...properties }) => ({
    type: 'Feature' as const,
    id: Number(fid),
    geometry: JSON.parse(geom) as unknown,
    properties,
  }))
  return { type: 'FeatureCollection', features, numberReturned: features.length, truncated }
}

export async function describeTileJson(db: Kysely<Tables>, layerId: string, origin: string): Promise<TileJson> {
  const layer = await findLayer(db, layerId)
  const bounds = await findDataBounds(db)
  return {
    tilejson: '3.0.0',
    name: layer.title['zh-CN'],
    tiles: [`${origin}${layer.tiles}`],
    minzoom: layer.minzoom,
    maxzoom: layer.maxzoom,
    ...(bounds ? { bounds } : {}),
    vector_layers: [{ id: layer.sourceLayer, fields: layer.fields }],
  }
}
