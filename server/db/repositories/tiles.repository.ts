// Vector tiles of a layer. Two encoders over the same layer selects:
//  - ST_AsMVT/ST_AsMVTGeom where PostGIS has protobuf (server PostGIS);
//  - tile-space geometry computed in SQL and encoded in Node (PGlite, whose PostGIS lacks protobuf).
// Both take the caller's scope: a street official's tile holds the rows of that street only.
import { createHash } from 'node:crypto'
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type pg from 'pg'
import type { TileBounds } from '../tile-bounds.ts'
import type { RegionScope } from '../scope.ts'
import type { Tables } from '../tables.ts'
import { type LayerSource, SRID_WEB_MERCATOR, SRID_WGS84 } from './layers.repository.ts'

export const TILE_EXTENT = 4096
export const TILE_BUFFER = 64

/** The tile plus its buffer, in WGS84, for the index filter. */
function tileEnvelope4326(tile: TileBounds) {
  const { west, south, east, north } = tile.buffered
  return sql`ST_Transform(ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, ${sql.lit(SRID_WEB_MERCATOR)}), ${sql.lit(SRID_WGS84)})`
}

/**
 * The layer's rows behind a fence (`OFFSET 0`): the `geom IS NOT NULL` filter stays outside, so each
 * row's tile geometry is computed once. Without it the planner pushes the filter into the layer's
 * select, which computes the geometry a second time for the filter (and, below a GROUP BY on the
 * cells of uncovered-cells, once per point instead of once per cell).
 */
const fenced = (rows: RawBuilder<unknown>) => sql`SELECT * FROM (${rows}) r OFFSET 0`

/** The ST_AsMVT query for one layer of one tile in the scope (also run bare by the benchmark as its reference). */
export function postgisTileQuery(source: LayerSource, layerName: string, tile: TileBounds, scope: RegionScope = {}) {
  const { west, south, east, north } = tile.bounds
  const rows = source(
    tileEnvelope4326(tile),
    (column) => sql`ST_AsMVTGeom(
      ST_Transform(${column}, ${sql.lit(SRID_WEB_MERCATOR)}),
      ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, ${sql.lit(SRID_WEB_MERCATOR)})::box2d,
      ${sql.lit(TILE_EXTENT)}, ${sql.lit(TILE_BUFFER)}, true)`,
    { scope },
  )
  return sql<{ mvt: Uint8Array | null }>`
    SELECT ST_AsMVT(t, ${layerName}::text, ${sql.lit(TILE_EXTENT)}, 'geom', 'fid') AS mvt
    FROM (${fenced(rows)}) t WHERE t.geom IS NOT NULL`
}

/** A prepared statement's name per distinct tile SQL (one per layer, scoped or not): a hash of the text. */
const statementNames = new Map<string, string>()
function statementNameOf(text: string): string {
  let name = statementNames.get(text)
  if (!name) {
    name = `tile_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`
    statementNames.set(text, name)
  }
  return name
}

/**
 * One MVT layer encoded by PostGIS: the rows in the scope only. With the server's pool, the query runs
 * as a named prepared statement: each connection parses it once per layer, and PostgreSQL may keep its
 * plan, where parsing and planning the layer's SQL took about as long as running it for a small tile.
 */
export async function encodeTileWithPostgis(
  db: Kysely<Tables>,
  source: LayerSource,
  layerName: string,
  tile: TileBounds,
  scope: RegionScope = {},
  pool?: pg.Pool,
): Promise<Uint8Array> {
  const query = postgisTileQuery(source, layerName, tile, scope)
  let mvt: Uint8Array | null | undefined
  if (pool) {
    const { sql: text, parameters } = query.compile(db)
    const { rows } = await pool.query<{ mvt: Uint8Array | null }>({
      name: statementNameOf(text),
      text,
      values: [...parameters],
    })
    mvt = rows[0]?.mvt
  } else mvt = (await query.execute(db)).rows[0]?.mvt
  // a copy: the driver's buffer may be a view into a shared slab, which the tile cache would keep alive
  return new Uint8Array(mvt ?? new Uint8Array())
}

export interface TileFeatureRow {
  fid: number
  /** GeoJSON geometry in tile pixel coordinates (y down), exterior rings with positive area. */
  geom: string
  [property: string]: unknown
}

/**
 * A layer's features in tile pixels (0..4096, y down) as ST_AsMVTGeom makes them, written with
 * functions PGlite has: `tile_pixel_geojson` (migrations/0150) scales to the tile, snaps to whole
 * pixels, drops collinear points, clips to the buffered tile, snaps again, repairs, and orients
 * exterior rings as MVT wants them; NULL when nothing is left. Polygons that fold to nothing when
 * snap-rounded are dropped in Node (services/tiles/tile-collapse.ts).
 */
export async function findTileFeatures(
  db: Kysely<Tables>,
  source: LayerSource,
  tile: TileBounds,
  scope: RegionScope = {},
): Promise<TileFeatureRow[]> {
  const { west, north } = tile.bounds
  const scale = TILE_EXTENT / (tile.bounds.east - tile.bounds.west)
  const rows = source(
    tileEnvelope4326(tile),
    (column) =>
      sql`tile_pixel_geojson(${column}, ${scale}::float8, ${-west * scale}::float8, ${north * scale}::float8, ${sql.lit(TILE_EXTENT)}, ${sql.lit(TILE_BUFFER)})`,
    { scope },
  )
  const { rows: result } =
    await sql<TileFeatureRow>`SELECT * FROM (${fenced(rows)}) t WHERE t.geom IS NOT NULL`.execute(db)
  return result
}
