// What a printed service map (全科网格服务示意图) shows of a published unified grid: its boundary,
// its neighbours, the landmarks around it, its people (through the department grids it was made
// of) and the party organization there. Scoped by region-code prefix like every read.
import { type Kysely, sql } from 'kysely'
import type { PartyOrgTier, StaffRole, Tables } from '../tables.ts'

export interface ServiceMapGrid {
  id: number
  code: string
  communityCode: string
  communityName: string
  streetName: string | null
  households: number
  population: number
  /** GeoJSON of the boundary (EPSG:4326) */
  geojson: string
  bbox: [number, number, number, number]
}

/** Published unified grids by code or by community, inside the scope's prefix (null: everything). */
export async function findPublishedGrids(
  db: Kysely<Tables>,
  filter: { code: string } | { community: string },
  prefix: string | null,
): Promise<ServiceMapGrid[]> {
  const { rows } = await sql<ServiceMapGrid & { w: number; s: number; e: number; n: number }>`
    SELECT u.id::int, u.code, u.community_code AS "communityCode", c.name AS "communityName",
           s.name AS "streetName", u.households::int, u.population::int,
           ST_AsGeoJSON(u.boundary, 7) AS geojson,
           ST_XMin(u.boundary) AS w, ST_YMin(u.boundary) AS s, ST_XMax(u.boundary) AS e, ST_YMax(u.boundary) AS n
    FROM unified_grids u
    JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions s ON s.code = c.parent_code
    WHERE ${'code' in filter ? sql`u.code = ${filter.code}` : sql`u.community_code = ${filter.community}`}
      AND (${prefix}::text IS NULL OR u.community_code LIKE ${prefix ?? ''} || '%')
    ORDER BY u.code`.execute(db)
  return rows.map(({ w, s, e, n, ...grid }) => ({ ...grid, bbox: [w, s, e, n] }))
}

/** The published grids touching this one (any community), with their boundaries. */
export async function findNeighbourGrids(
  db: Kysely<Tables>,
  gridId: number,
): Promise<{ code: string; geojson: string }[]> {
  const { rows } = await sql<{ code: string; geojson: string }>`
    SELECT n.code, ST_AsGeoJSON(n.boundary, 7) AS geojson
    FROM unified_grids g
    JOIN unified_grids n ON n.merge_run_id = g.merge_run_id AND n.id <> g.id
      AND ST_DWithin(n.boundary, g.boundary, 0.00005)
    WHERE g.id = ${gridId}
    ORDER BY n.code`.execute(db)
  return rows
}

export interface Landmark {
  kind: 'center' | 'org'
  name: string
  detail: string
  lon: number
  lat: number
}

/** Service centres and party organizations inside an envelope (WGS84). */
export async function findLandmarks(db: Kysely<Tables>, bbox: [number, number, number, number]): Promise<Landmark[]> {
  const [w, s, e, n] = bbox
  const { rows } = await sql<Landmark>`
    SELECT 'center' AS kind, name, level AS detail, ST_X(location) AS lon, ST_Y(location) AS lat
    FROM service_centers WHERE location && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)
    UNION ALL
    SELECT 'org' AS kind, name, tier AS detail, ST_X(location) AS lon, ST_Y(location) AS lat
    FROM party_orgs WHERE location IS NOT NULL AND location && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)
    ORDER BY kind, name`.execute(db)
  return rows
}

export interface StaffRow {
  role: StaffRole
  name: string
  phone: string | null
}

/** The people of the department grids a unified grid was made of: the chief first. */
export async function findGridStaff(db: Kysely<Tables>, gridId: number): Promise<StaffRow[]> {
  const { rows } = await sql<StaffRow>`
    SELECT DISTINCT st.role, st.name, st.phone,
           CASE st.role WHEN 'chief' THEN 0 WHEN 'full_time' THEN 1 WHEN 'part_time' THEN 2 ELSE 3 END AS rank
    FROM unified_grid_sources src
    JOIN grid_staff st ON st.grid_id = src.grid_id
    WHERE src.unified_grid_id = ${gridId}
    ORDER BY rank, st.name`.execute(db)
  return rows.map(({ role, name, phone }) => ({ role, name, phone }))
}

export interface BranchRow {
  name: string
  tier: PartyOrgTier
  memberCount: number
  secretaryName: string | null
  secretaryPhone: string | null
}

/**
 * The party organization serving the grid: one located inside it, else one of its community, the
 * branch tier first.
 */
export async function findGridBranch(
  db: Kysely<Tables>,
  gridId: number,
  communityCode: string,
): Promise<BranchRow | undefined> {
  const { rows } = await sql<BranchRow>`
    SELECT o.name, o.tier, o.member_count::int AS "memberCount", o.secretary_name AS "secretaryName",
           o.secretary_phone AS "secretaryPhone"
    FROM party_orgs o, unified_grids g
    WHERE g.id = ${gridId}
      AND ((o.location IS NOT NULL AND ST_Intersects(o.location, g.boundary)) OR o.region_code = ${communityCode})
    ORDER BY (o.location IS NOT NULL AND ST_Intersects(o.location, g.boundary)) DESC,
             o.tier IN ('branch', 'joint_branch') DESC, o.name
    LIMIT 1`.execute(db)
  return rows[0]
}
