// Whether a merge run's stored result tiles each community (无缝拼接), measured from the stored rows
// (unified_grids against regions) in the frame they are stored in, EPSG:4326, with areas and
// distances on the spheroid (geography): what tiles, GeoJSON, exports and any GIS reading the tables
// see, not the metric frame the merge worked in.
import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely'
import type { Tables } from '../tables.ts'

type Db = Kysely<Tables> | Transaction<Tables>

export interface CommunityTiling {
  code: string
  name: string
  /** unified grids of the community in the run */
  grids: number
  /** area of the symmetric difference between the community and the union of its unified grids */
  symDifferenceM2: number
  /** of which: the community's land no unified grid of it covers */
  uncoveredM2: number
  /** of which: unified grids' land outside the community */
  outsideM2: number
  /** largest overlap between one of its unified grids and any other unified grid of the run */
  maxOverlapM2: number
  /** largest distance of a vertex of one of its unified grids outside the community (0 if none) */
  maxVertexOutsideM: number
  /** unified grids under the sliver thresholds that are neither the whole community nor a whole part of it */
  slivers: number
  /** the smallest unified grid's area */
  smallestGridM2: number | null
}

/** The sliver thresholds a unified grid is measured against (the merge's SliverRule, in m² and 4πA/P²). */
export interface TilingSliverRule {
  minAreaM2: number
  thinMaxAreaM2: number
  maxThinness: number
}

/** Densify stored edges to a vertex every this many degrees (about 20 m) before leaving EPSG:4326. */
const STORED_EDGE_STEP_DEGREES = 0.0002

/** Overlays of the measure snap-round on a 0.1 mm grid in the metric frame (robust at UTM magnitudes). */
const MEASURE_GRID_M = 0.0001

/**
 * Per community of the run (or of `communities` when given), its tiling figures. Every community
 * with a boundary is answered, those without a unified grid too (all of their land uncovered).
 *
 * The stored shapes are densified in EPSG:4326 (a vertex every 0.0002°, so that their lon/lat-straight
 * edges stay so to micrometres) and overlaid in the metric frame `srid`, one grid at a time (with its
 * community, or with one other grid: each pair once), on a 0.1 mm grid. Not a union of a
 * community's grids, and not in lon/lat: GEOS 3.11 was seen to answer a floating-point union of 57 grids sharing nearly identical
 * edges 49 m² off, a difference on a 1e-10° grid to leave out a 34 m² part outside, and the embedded
 * PostGIS to fail on float overlays of such grids. Uncovered land is the community's area less its
 * grids' areas inside it, plus what they cover twice. A vertex's distance outside is to the nearest
 * point of the planar (lon/lat) boundary, measured on the spheroid: geography reads an edge as a great
 * circle, centimetres off a lon/lat-straight edge kilometres long. `robust`: every shape repaired
 * (ST_MakeValid) in the metric frame before it is overlaid, and the pairs of grids met by their boxes
 * alone, for a second try where GEOS threw.
 */
export async function findRunTiling(
  db: Db,
  runId: number,
  rule: TilingSliverRule,
  options: { srid: number; communities?: string[]; robust?: boolean },
): Promise<CommunityTiling[]> {
  const only = options.communities ? sql`AND code = ANY(${options.communities}::text[])` : sql``
  const transformed = (shape: RawBuilder<unknown>) =>
    sql`ST_Transform(ST_Segmentize(${shape}, ${STORED_EDGE_STEP_DEGREES}::float8), ${sql.lit(options.srid)})`
  // robust: the shapes repaired in the metric frame first (where GEOS threw on them as they are)
  const metric = (shape: RawBuilder<unknown>) =>
    options.robust ? sql`ST_MakeValid(${transformed(shape)})` : transformed(shape)
  const { rows } = await sql<CommunityTiling>`
    WITH community AS MATERIALIZED (
      SELECT code, name, boundary, geom, ST_Area(geom) AS area
      FROM (SELECT code, name, boundary, ${metric(sql`boundary`)} AS geom FROM regions WHERE level = 'community' AND boundary IS NOT NULL ${only}) c
    ), grid AS MATERIALIZED (
      SELECT g.*, ST_Area(ST_Intersection(g.geom, c.geom, ${MEASURE_GRID_M}::float8)) AS inside,
             ST_Area(ST_Difference(g.geom, c.geom, ${MEASURE_GRID_M}::float8)) AS outside
      FROM (
        SELECT u.id, u.community_code, u.boundary, ${metric(sql`u.boundary`)} AS geom,
               ST_Area(u.boundary::geography) AS area, ST_Perimeter(u.boundary::geography) AS perimeter
        FROM unified_grids u JOIN community c ON c.code = u.community_code
        WHERE u.merge_run_id = ${runId}::bigint
      ) g JOIN community c ON c.code = g.community_code
    ), measured AS (
      SELECT array_agg(code) AS codes FROM community
    ), met AS MATERIALIZED (
      -- every pair of the run's grids whose shapes meet, overlaid once: a pair of two measured grids
      -- from the side of the lower id, one with a grid of a community not measured here from the
      -- measured side
      SELECT g.id, g.community_code, o.community_code AS other_community, o.id AS other, o.community_code = ANY(m.codes) AS measured,
             ST_Area(ST_Intersection(g.geom, ${metric(sql`o.boundary`)}, ${MEASURE_GRID_M}::float8)) AS area
      FROM grid g CROSS JOIN measured m
      JOIN unified_grids o ON o.merge_run_id = ${runId}::bigint AND o.id <> g.id AND o.boundary && g.boundary
       -- robust: every pair whose boxes meet is overlaid (a pair that does not meet adds nothing), as
       -- GEOS 3.11's predicate can throw "side location conflict" where grids meet at a node
       ${options.robust ? sql`` : sql`AND ST_Intersects(o.boundary, g.boundary)`}
      WHERE g.id < o.id OR NOT o.community_code = ANY(m.codes)
    ), pair AS (
      -- each pair met from either of its grids, the community's grid on either side
      SELECT id, community_code, other_community, other, area FROM met
      UNION ALL
      SELECT other, other_community, community_code, id, area FROM met WHERE measured
    ), overlap AS (
      SELECT community_code, max(area) AS largest,
             -- each pair of the community's own grids once, for the land they cover twice
             sum(area) FILTER (WHERE other_community = community_code AND id < other) AS inside_twice
      FROM pair GROUP BY community_code
    ), cover AS (
      SELECT community_code, count(*)::int AS grids, min(area) AS smallest, sum(inside) AS inside, sum(outside) AS outside
      FROM grid GROUP BY community_code
    ), vertex AS (
      SELECT g.community_code, max(ST_Distance(p.geom::geography, ST_ClosestPoint(c.boundary, p.geom)::geography)) AS farthest
      FROM grid g JOIN community c ON c.code = g.community_code
      CROSS JOIN LATERAL ST_DumpPoints(g.boundary) p
      WHERE NOT ST_Intersects(c.boundary, p.geom)
      GROUP BY g.community_code
    ), sliver AS (
      SELECT g.community_code, count(*)::int AS n
      FROM grid g JOIN community c ON c.code = g.community_code
      WHERE (g.area < ${rule.minAreaM2}::float8
             OR g.area <= ${rule.thinMaxAreaM2}::float8 AND 4 * pi() * g.area / nullif(g.perimeter * g.perimeter, 0) < ${rule.maxThinness}::float8)
        -- a whole community, or a whole part of one (an island), may be as small or thin as it is
        AND NOT EXISTS (
          SELECT 1 FROM ST_Dump(c.boundary) part
          WHERE ST_Intersects(part.geom, ST_PointOnSurface(g.boundary))
            AND abs(ST_Area(part.geom::geography) - g.area) <= 0.01 * g.area + 0.5
        )
      GROUP BY g.community_code
    ), figures AS (
      SELECT c.code, c.name, coalesce(v.grids, 0) AS grids,
             greatest(0, c.area - coalesce(v.inside, 0) + coalesce(o.inside_twice, 0)) AS uncovered, coalesce(v.outside, 0) AS outside,
             coalesce(o.largest, 0) AS largest, coalesce(x.farthest, 0) AS farthest, coalesce(s.n, 0) AS slivers, v.smallest
      FROM community c
      LEFT JOIN cover v ON v.community_code = c.code
      LEFT JOIN overlap o ON o.community_code = c.code
      LEFT JOIN vertex x ON x.community_code = c.code
      LEFT JOIN sliver s ON s.community_code = c.code
    )
    SELECT code, name, grids, uncovered + outside AS "symDifferenceM2", uncovered AS "uncoveredM2", outside AS "outsideM2",
           largest AS "maxOverlapM2", farthest AS "maxVertexOutsideM", slivers, smallest AS "smallestGridM2"
    FROM figures ORDER BY code`.execute(db)
  return rows.map((r) => ({
    ...r,
    grids: Number(r.grids),
    symDifferenceM2: Number(r.symDifferenceM2),
    uncoveredM2: Number(r.uncoveredM2),
    outsideM2: Number(r.outsideM2),
    maxOverlapM2: Number(r.maxOverlapM2),
    maxVertexOutsideM: Number(r.maxVertexOutsideM),
    slivers: Number(r.slivers),
    smallestGridM2: r.smallestGridM2 === null ? null : Number(r.smallestGridM2),
  }))
}
