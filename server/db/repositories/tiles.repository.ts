// Vector tiles of a layer. Two encoders over the same layer selects:
//  - ST_AsMVT/ST_AsMVTGeom where PostGIS has protobuf (server PostGIS);
//  - tile-space geometry computed in SQL and encoded in Node (PGlite, whose PostGIS lacks protobuf).
// Both take the caller's scope: a street official's tile holds the rows of that street only.
import { type Kysely, type RawBuilder, sql } from 'kysely'
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

/** One MVT layer encoded by PostGIS: the rows in the scope only. */
export async function encodeTileWithPostgis(
  db: Kysely<Tables>,
  source: LayerSource,
  layerName: string,
  tile: TileBounds,
  scope: RegionScope = {},
): Promise<Uint8Array> {
  const { rows } = await postgisTileQuery(source, layerName, tile, scope).execute(db)
  return new Uint8Array(rows[0]?.mvt ?? new Uint8Array())
}

export interface TileFeatureRow {
  fid: number
  /** GeoJSON geometry in tile pixel coordinates (y down), exterior rings with positive area. */
  geom: string
  [property: string]: unknown
}

/**
 * A layer's features in tile pixels (0..4096, y down) as ST_AsMVTGeom makes them, written with
 * functions PGlite has: scale to the tile, snap to whole pixels, drop collinear points, clip to the
 * buffered tile, snap again, repair, and orient exterior rings as MVT wants them.
 */
export async function findTileFeatures(
  db: Kysely<Tables>,
  source: LayerSource,
  tile: TileBounds,
  scope: RegionScope = {},
): Promise<TileFeatureRow[]> {
  const { west, north } = tile.bounds
  const scale = TILE_EXTENT / (tile.bounds.east - tile.bounds.west)
  const [low, high] = [-TILE_BUFFER, TILE_EXTENT + TILE_BUFFER]
  const rows = source(
    tileEnvelope4326(tile),
    // a line or polygon less than half a pixel wide and high is dropped before anything else, as
    // ST_AsMVTGeom does; polygons that fold to nothing when snap-rounded are dropped in Node
    // (services/tiles/tile-collapse.ts)
    (column) => sql`(
      SELECT CASE WHEN g IS NULL OR ST_IsEmpty(g) OR (ST_Dimension(g) = 2 AND ST_Area(g) = 0)
                    OR (ST_Dimension(a) > 0 AND ST_XMax(a) - ST_XMin(a) < 0.5 AND ST_YMax(a) - ST_YMin(a) < 0.5)
                  THEN NULL ELSE ST_AsGeoJSON(g, 0) END
      FROM (SELECT a, ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(ST_RemoveRepeatedPoints(ST_SnapToGrid(
                     -- snapping can leave a ring touching itself: repair before clipping, as GEOS's
                     -- rectangle clip throws on invalid input (and the embedded PostGIS then fails silently)
                     -- the box a hair wider than the buffer: a point on its edge stays, as in
                     -- ST_AsMVTGeom (PGlite's PostGIS 3.6 rectangle clip drops it; the snap below undoes the hair)
                     ST_ClipByBox2D(ST_MakeValid(ST_Simplify(ST_SnapToGrid(a, 1), 0)),
                       ST_MakeEnvelope(${sql.lit(low - 0.001)}, ${sql.lit(low - 0.001)}, ${sql.lit(high + 0.001)}, ${sql.lit(high + 0.001)})),
                     1))), ST_Dimension(${column}) + 1)) AS g
            FROM (SELECT ST_Affine(ST_Transform(${column}, ${sql.lit(SRID_WEB_MERCATOR)}),
                    ${scale}::float8, 0, 0, -${scale}::float8, -${west * scale}::float8, ${north * scale}::float8) AS a) pixels
           ) tile_geometry)`,
    { scope },
  )
  const { rows: result } =
    await sql<TileFeatureRow>`SELECT * FROM (${fenced(rows)}) t WHERE t.geom IS NOT NULL`.execute(db)
  return result
}
