// The administrative tree. Region codes are hierarchical (2+2+2+3+3 digits), so "inside a region"
// is a prefix test on the code: no geometry needed for figures by region.
import { type Kysely, sql } from 'kysely'
import type { RegionLevel, Tables } from '../tables.ts'

export interface RegionRow {
  code: string
  name: string
  level: RegionLevel
  parentCode: string | null
  isUrban: boolean
  bbox: [number, number, number, number] | null
}

/** Digits of the code that a region's descendants share. */
export const codePrefixLength: Record<RegionLevel, number> = { city: 4, district: 6, street: 9, community: 12 }

/** The prefix a region's descendants share, read off the code itself (trailing zero groups). */
export function codePrefixOf(code: string): string {
  if (code.endsWith('000000')) return code.slice(0, codePrefixLength.district)
  if (code.endsWith('000')) return code.slice(0, codePrefixLength.street)
  return code
}

function selectRegions(db: Kysely<Tables>) {
  return db
    .selectFrom('regions')
    .select([
      'code', 'name', 'level', 'parent_code as parentCode', 'is_urban as isUrban',
      sql<[number, number, number, number] | null>`CASE WHEN boundary IS NULL THEN NULL
        ELSE json_build_array(round(ST_XMin(boundary)::numeric, 6), round(ST_YMin(boundary)::numeric, 6),
                              round(ST_XMax(boundary)::numeric, 6), round(ST_YMax(boundary)::numeric, 6)) END`.as('bbox'),
    ])
}

export async function findRegions(db: Kysely<Tables>, filter: { parent?: string; level?: RegionLevel }): Promise<RegionRow[]> {
  let query = selectRegions(db)
  if (filter.parent) query = query.where('parent_code', '=', filter.parent)
  if (filter.level) query = query.where('level', '=', filter.level)
  return query.orderBy('code').execute()
}

export async function findRegion(db: Kysely<Tables>, code: string): Promise<RegionRow | undefined> {
  return selectRegions(db).where('code', '=', code).executeTakeFirst()
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
  const prefix = code.slice(0, codePrefixLength[level])
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
