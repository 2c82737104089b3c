// The administrative tree. Region codes are hierarchical (2+2+2+3+3 digits), so "inside a region"
// is a prefix test on the code: no geometry needed for figures by region.
import { type Kysely, type Transaction, sql } from 'kysely'
import type { RegionLevel, Tables } from '../tables.ts'
import { type RegionScope, inScope, regionCodePrefix } from '../scope.ts'

export interface RegionRow {
  code: string
  name: string
  level: RegionLevel
  parentCode: string | null
  isUrban: boolean
  bbox: [number, number, number, number] | null
}

function selectRegions(db: Kysely<Tables>) {
  return db.selectFrom('regions').select([
    'code',
    'name',
    'level',
    'parent_code as parentCode',
    'is_urban as isUrban',
    sql<[number, number, number, number] | null>`CASE WHEN boundary IS NULL THEN NULL
        ELSE json_build_array(round(ST_XMin(boundary)::numeric, 6), round(ST_YMin(boundary)::numeric, 6),
                              round(ST_XMax(boundary)::numeric, 6), round(ST_YMax(boundary)::numeric, 6)) END`.as(
      'bbox',
    ),
  ])
}

/** Regions in the scope (a street official's street and its communities, not its ancestors). */
export async function findRegions(
  db: Kysely<Tables>,
  filter: { parent?: string; level?: RegionLevel },
  scope: RegionScope = {},
): Promise<RegionRow[]> {
  let query = selectRegions(db).where(inScope(sql.ref('code'), scope))
  if (filter.parent) query = query.where('parent_code', '=', filter.parent)
  if (filter.level) query = query.where('level', '=', filter.level)
  return query.orderBy('code').execute()
}

export async function findRegion(
  db: Kysely<Tables>,
  code: string,
  scope: RegionScope = {},
): Promise<RegionRow | undefined> {
  return selectRegions(db)
    .where('code', '=', code)
    .where(inScope(sql.ref('code'), scope))
    .executeTakeFirst()
}

export interface RegionFigures {
  children: number
  areaKm2: number
  residents: number
  households: number
  serviceCenters: number
  partyOrgs: number
  units: number
  grids: { department: string; count: number }[]
}

export async function findRegionFigures(db: Kysely<Tables>, code: string, level: RegionLevel): Promise<RegionFigures> {
  const prefix = regionCodePrefix(code, level)
  const inRegion = (column: string) => sql<boolean>`left(${sql.ref(column)}, ${prefix.length}) = ${prefix}`
  const { rows } = await sql<Omit<RegionFigures, 'grids'>>`
    SELECT
      (SELECT count(*)::int FROM regions WHERE parent_code = ${code}) AS children,
      (SELECT coalesce(ST_Area(boundary::geography) / 1e6, 0)::float8 FROM regions WHERE code = ${code}) AS "areaKm2",
      (SELECT coalesce(sum(residents), 0)::int FROM population_points WHERE ${inRegion('region_code')}) AS residents,
      (SELECT coalesce(sum(households), 0)::int FROM population_points WHERE ${inRegion('region_code')}) AS households,
      (SELECT count(*)::int FROM service_centers WHERE ${inRegion('region_code')}) AS "serviceCenters",
      (SELECT count(*)::int FROM party_orgs WHERE ${inRegion('region_code')}) AS "partyOrgs",
      (SELECT count(*)::int FROM units WHERE ${inRegion('region_code')}) AS units`.execute(db)
  const grids = await db
    .selectFrom('grids as g')
    .innerJoin('grid_layers as l', 'l.id', 'g.layer_id')
    .where('l.is_active', '=', true)
    .where(inRegion('g.community_code'))
    .groupBy('l.department')
    .select(['l.department', sql<number>`count(*)::int`.as('count')])
    .orderBy('l.department')
    .execute()
  return { ...rows[0], grids }
}

/** Households per grid in an urban community where no region sets a norm (DOMAIN.md). */
export const urbanHouseholdNorm = { min: 300, max: 500 } as const

export interface HouseholdNorm {
  min: number
  max: number
  /** the region that sets it (the community itself or its nearest ancestor that does); null for the urban default */
  setBy: { code: string; name: string; level: RegionLevel } | null
}

/**
 * The households-per-grid norm of each community: its own or its nearest ancestor's
 * (households_min/households_max), else 300–500 for an urban community, else none (null: a rural
 * grid follows natural villages). A code that is not a stored region maps to null.
 */
export async function findHouseholdNorms(
  db: Kysely<Tables> | Transaction<Tables>,
  communityCodes: string[],
): Promise<Map<string, HouseholdNorm | null>> {
  const norms = new Map<string, HouseholdNorm | null>(communityCodes.map((code) => [code, null]))
  if (communityCodes.length === 0) return norms
  // climb each community's ancestry until a region sets a norm (the tree is four levels deep)
  const { rows } = await sql<{
    community: string
    isUrban: boolean
    code: string
    name: string
    level: RegionLevel
    min: number | null
    max: number | null
  }>`
    WITH RECURSIVE chain AS (
      SELECT c.code AS community, c.is_urban, c.code, c.name, c.level, c.parent_code, c.households_min, c.households_max, 0 AS depth
      FROM regions c WHERE c.code = ANY(${communityCodes}::text[])
      UNION ALL
      SELECT chain.community, chain.is_urban, p.code, p.name, p.level, p.parent_code, p.households_min, p.households_max, chain.depth + 1
      FROM chain JOIN regions p ON p.code = chain.parent_code
      WHERE chain.households_min IS NULL AND chain.depth < 8
    )
    SELECT DISTINCT ON (community) community, is_urban AS "isUrban", code, name, level, households_min AS min, households_max AS max
    FROM chain ORDER BY community, households_min IS NULL, depth`.execute(db)
  for (const row of rows) {
    if (row.min !== null && row.max !== null)
      norms.set(row.community, {
        min: row.min,
        max: row.max,
        setBy: { code: row.code, name: row.name, level: row.level },
      })
    else if (row.isUrban) norms.set(row.community, { ...urbanHouseholdNorm, setBy: null })
  }
  return norms
}

export interface RegionGridRow {
  layer: string
  id: number
  code: string
  name: string
  communityCode: string | null
  communityName: string | null
  streetName: string | null
  households: number | null
  /** as stored (personal data: the service masks it) */
  chiefName: string | null
  fullTimeWorkers: number | null
  bbox: [number, number, number, number]
}

/**
 * The published unified grids and the active department grids whose community lies under a code
 * prefix (a region's, or the caller's scope narrowed to it), with their chief and full-time workers.
 */
export async function findRegionGrids(db: Kysely<Tables>, prefix: string): Promise<RegionGridRow[]> {
  const inPrefix = (column: string) => sql<boolean>`left(${sql.ref(column)}, ${prefix.length}) = ${prefix}`
  const bboxOf = (column: string) =>
    sql`json_build_array(round(ST_XMin(${sql.ref(column)})::numeric, 6), round(ST_YMin(${sql.ref(column)})::numeric, 6),
                         round(ST_XMax(${sql.ref(column)})::numeric, 6), round(ST_YMax(${sql.ref(column)})::numeric, 6))`
  const { rows } = await sql<RegionGridRow>`
    SELECT 'unified' AS layer, u.id::int AS id, u.code, c.name || '第' || right(u.code, 3) || '网格' AS name,
           u.community_code AS "communityCode", c.name AS "communityName", s.name AS "streetName", u.households,
           NULL::text AS "chiefName", NULL::int AS "fullTimeWorkers", ${bboxOf('u.boundary')} AS bbox
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    LEFT JOIN regions c ON c.code = u.community_code LEFT JOIN regions s ON s.code = c.parent_code
    WHERE ${inPrefix('u.community_code')}
    UNION ALL
    SELECT l.department, g.id::int, g.code, g.name, g.community_code, c.name, s.name, g.households,
           (SELECT st.name FROM grid_staff st WHERE st.grid_id = g.id AND st.role = 'chief' ORDER BY st.id LIMIT 1),
           (SELECT count(*)::int FROM grid_staff st WHERE st.grid_id = g.id AND st.role = 'full_time'),
           ${bboxOf('g.boundary')}
    FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active
    LEFT JOIN regions c ON c.code = g.community_code LEFT JOIN regions s ON s.code = c.parent_code
    WHERE ${inPrefix('g.community_code')}
    ORDER BY layer, code`.execute(db)
  return rows
}
