// Vector tiles for every layer: the encoder the database allows, and a cache keyed by scope and data
// version (`scopePrefix|layer|z|x|y|version`): a change (import, merge, publish) invalidates every tile
// it could touch, and one scope's tile is never served to another (a street official's tiles carry
// that street's rows only; an administrator's key has an empty prefix).
import vtpbf, { type GeojsonVtFeature } from 'vt-pbf'
import type { Kysely } from 'kysely'
import type pg from 'pg'
import { type RegionScope, scopedCacheKey } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import {
  TILE_BUFFER,
  TILE_EXTENT,
  encodeTileWithPostgis,
  findTileFeatures,
} from '../../db/repositories/tiles.repository.ts'
import type { Layer } from './layer-registry.ts'
import { collapsesAtTileResolution } from './tile-collapse.ts'
import { type TileBounds, tileBounds, toTileFeature } from './tile-math.ts'

export type TileEncoder = 'postgis' | 'node'

export async function encodeTile(
  db: Kysely<Tables>,
  encoder: TileEncoder,
  layer: Layer,
  tile: TileBounds,
  scope: RegionScope = {},
  pool?: pg.Pool,
): Promise<Uint8Array> {
  if (encoder === 'postgis') return encodeTileWithPostgis(db, layer.source, layer.sourceLayer, tile, scope, pool)
  const rows = await findTileFeatures(db, layer.source, tile, scope)
  // polygons that fold to nothing at tile resolution: ST_AsMVTGeom leaves them out, so do we
  const features = rows
    .map(toTileFeature)
    .filter(
      (f): f is GeojsonVtFeature =>
        f !== undefined &&
        (f.type !== 3 ||
          !collapsesAtTileResolution(f.geometry as number[][][], -TILE_BUFFER, TILE_EXTENT + TILE_BUFFER)),
    )
  if (features.length === 0) return new Uint8Array()
  return vtpbf.fromGeojsonVt({ [layer.sourceLayer]: { features } }, { version: 2, extent: TILE_EXTENT })
}

/** `scopePrefix|layer|z|x|y|version` (the layer with `@run` when it shows a merge run): no query, one string. */
export function tileCacheKey(scope: RegionScope, layer: Layer, z: number, x: number, y: number, version: number) {
  const run = layer.runId !== undefined ? `@${layer.runId}` : ''
  return scopedCacheKey(scope, `${layer.id}${run}`, z, x, y, version)
}

/** A small LRU by bytes: recently used tiles stay, the oldest go first. */
export class TileCache {
  private readonly entries = new Map<string, Uint8Array>()
  private bytes = 0

  constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

  get(key: string): Uint8Array | undefined {
    const tile = this.entries.get(key)
    if (tile) {
      this.entries.delete(key)
      this.entries.set(key, tile)
    }
    return tile
  }

  set(key: string, tile: Uint8Array): void {
    const old = this.entries.get(key)
    if (old) this.bytes -= old.byteLength
    this.entries.set(key, tile)
    this.bytes += tile.byteLength
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(oldest)
      this.bytes -= value.byteLength
    }
  }

  clear(): void {
    this.entries.clear()
    this.bytes = 0
  }

  get size(): number {
    return this.entries.size
  }
}

export class TileService {
  private readonly cache = new TileCache()
  private dataVersion = 1
  private lastRenderedAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly db: Kysely<Tables>,
    readonly encoder: TileEncoder,
    /** The server's pg pool, for tile queries as prepared statements (absent on PGlite). */
    private readonly pool?: pg.Pool,
  ) {}

  /** The version tiles are cached under: it changes whenever data on the map changes. */
  get version(): number {
    return this.dataVersion
  }

  invalidate(): void {
    this.dataVersion += 1
    this.cache.clear()
  }

  async getTile(
    layer: Layer,
    z: number,
    x: number,
    y: number,
    scope: RegionScope = {},
  ): Promise<{ tile: Uint8Array; cached: boolean; key: string }> {
    const key = tileCacheKey(scope, layer, z, x, y, this.dataVersion)
    const hit = this.cache.get(key)
    if (hit) return { tile: hit, cached: true, key }
    this.lastRenderedAt = performance.now()
    const tile = await encodeTile(this.db, this.encoder, layer, tileBounds(z, x, y), scope, this.pool)
    this.cache.set(key, tile)
    return { tile, cached: false, key }
  }

  /** Whether a tile had to be rendered (not served from the cache) in the last `ms` milliseconds. */
  renderedWithin(ms: number): boolean {
    return performance.now() - this.lastRenderedAt < ms
  }
}
