// The layer catalog as the map sees it, and GeoJSON features of a layer in a bbox. The catalog is
// read once and kept until data changes (every tile request looks its layer up).
import type { Kysely } from 'kysely'
import type { RegionScope } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import {
  findActiveDepartmentLayers,
  findDataBounds,
  findFeaturesInBbox,
  findPublishedRun,
} from '../../db/repositories/layers.repository.ts'
import { NotFoundError } from '../../errors.ts'
import type { FeatureCollection } from '../../schemas/layers.schema.ts'
import type { TileJson } from '../../schemas/tiles.schema.ts'
import { type Layer, buildCatalog } from './layer-registry.ts'
import { parseBbox } from './tile-math.ts'
import { maskPersonal } from '../../db/mask.ts'
import { type Principal, maySeePersonalData, regionScopeOf } from '../auth/roles.ts'

/** Properties holding personal data, shown only to roles that need them within their scope. */
const personalProperties = ['chiefName', 'chiefPhone'] as const

export async function listLayers(db: Kysely<Tables>): Promise<Layer[]> {
  const [departments, published] = await Promise.all([findActiveDepartmentLayers(db), findPublishedRun(db)])
  return buildCatalog(departments, published !== undefined)
}

export class LayerService {
  private catalog: Promise<Layer[]> | undefined

  constructor(private readonly db: Kysely<Tables>) {}

  list(): Promise<Layer[]> {
    this.catalog ??= listLayers(this.db).catch((error: unknown) => {
      this.catalog = undefined
      throw error
    })
    return this.catalog
  }

  /** Data changed (an import, a publish): read the catalog again next time. */
  invalidate(): void {
    this.catalog = undefined
  }

  async find(id: string): Promise<Layer> {
    const layer = (await this.list()).find((l) => l.id === id)
    if (!layer)
      throw new NotFoundError({
        'zh-CN': `没有图层“${id}”（GET /api/layers 列出全部图层）`,
        en: `Unknown layer "${id}"; GET /api/layers lists the layers`,
      })
    return layer
  }

  async features(layerId: string, rawBbox: string, limit: number, principal?: Principal): Promise<FeatureCollection> {
    const layer = await this.find(layerId)
    const bbox = parseBbox(rawBbox)
    // officials and administrators may see names and numbers in their scope: read them raw, mask per row
    const mayUnmask = principal?.kind === 'user' && principal.role !== 'viewer'
    // the caller's street or community only (filtered in the layer's SQL)
    const rows = await findFeaturesInBbox(this.db, layer.source, bbox, limit, {
      personalData: mayUnmask ? 'raw' : 'masked',
      scope: regionScopeOf(principal),
    })
    const features = rows.slice(0, limit).map(({ fid, geom, ...properties }) => {
      if (mayUnmask && !maySeePersonalData(principal, properties.communityCode as string | null))
        for (const key of personalProperties)
          if (typeof properties[key] === 'string') properties[key] = maskPersonal(properties[key])
      return { type: 'Feature' as const, id: Number(fid), geometry: JSON.parse(geom) as unknown, properties }
    })
    return { type: 'FeatureCollection', features, numberReturned: features.length, truncated: rows.length > limit }
  }

  async tileJson(layerId: string, origin: string, scope: RegionScope = {}): Promise<TileJson> {
    const layer = await this.find(layerId)
    const bounds = await findDataBounds(this.db, scope)
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
}
