// SQL for map layers: one select per layer source (the registry entry of each layer names its own), shared by the vector-tile encoders and the
// GeoJSON features endpoint. Each select filters with `&&` against an envelope in SRID 4326 so the
// GiST index does the work, and emits the geometry through the expression its caller asks for.
import { type Kysely, type RawBuilder, sql } from 'kysely'
import { maskSql } from '../../services/auth/mask.ts'
import type { RegionLevel, Tables } from '../tables.ts'
import { urbanHouseholdNorm } from './regions.repository.ts'

export const SRID_WGS84 = 4326
export const SRID_WEB_MERCATOR = 3857

/** Turns a geometry column (SRID 4326) into the geometry the caller wants in the `geom` column. */
export type GeometryOutput = (column: RawBuilder<unknown>) => RawBuilder<unknown>

/** Personal data (names, phone numbers) masked by maskPersonal's rule, or as stored for JSON the service masks per row. */
export type PersonalData = 'masked' | 'raw'

const personal = (column: RawBuilder<unknown>, mode: PersonalData) => (mode === 'raw' ? column : maskSql(column))

/**
 * A layer's rows inside an envelope: columns `fid`, the properties, and `geom` made by `geometry`.
 * Each layer's registry entry points at one of the selects below. Tiles always take personal data
 * masked (the default): the tile cache is shared by every role.
 */
export type LayerSource = (
  envelope: RawBuilder<unknown>,
  geometry: GeometryOutput,
  personalData?: PersonalData,
) => RawBuilder<unknown>

/** One merge run's rows, or the published run's when none is named. */
const runFilter = (runId: number | undefined) =>
  runId === undefined ? sql`m.is_published` : sql`m.id = ${runId}::bigint`

export const selectRegionRows =
  (level: Exclude<RegionLevel, 'city'>): LayerSource =>
  (envelope, geometry) => sql`
    SELECT r.code::bigint AS fid, r.code, r.name, r.level, r.is_urban AS "isUrban", p.name AS "parentName",
           ${geometry(sql`r.boundary`)} AS geom
    FROM regions r LEFT JOIN regions p ON p.code = r.parent_code
    WHERE r.level = ${level} AND r.boundary && ${envelope}`

/**
 * One label point per street and community, inside it (ST_PointOnSurface of the whole boundary), so a
 * name is drawn once however many tiles its polygon spans.
 */
export const selectRegionLabelRows: LayerSource = (envelope, geometry) => sql`
  SELECT l.fid, l.code, l.name, l.level, ${geometry(sql`l.point`)} AS geom
  FROM (
    SELECT r.code::bigint AS fid, r.code, r.name, r.level, ST_PointOnSurface(r.boundary) AS point
    FROM regions r
    WHERE r.level IN ('street', 'community') AND r.boundary && ${envelope}
  ) l
  WHERE l.point && ${envelope}`

/**
 * A community's households-per-grid norm in SQL, as findHouseholdNorms reads it: its own or its
 * nearest ancestor's, else the urban default for an urban community, else none (NULL).
 */
const normOf = (bound: 'min' | 'max', community: string) => {
  const column = sql.raw(`households_${bound}`)
  const c = sql.raw(community)
  const urban = urbanHouseholdNorm[bound]
  return sql`coalesce(${c}.${column},
      (SELECT p.${column} FROM regions p WHERE p.code = ${c}.parent_code),
      (SELECT g.${column} FROM regions p JOIN regions g ON g.code = p.parent_code WHERE p.code = ${c}.parent_code),
      CASE WHEN ${c}.is_urban THEN ${sql.lit(urban)} END)`
}

/** Whether a grid's households lie outside its community's norm (false where there is none). */
const outsideNormOf = (households: RawBuilder<unknown>, community: string) =>
  sql`coalesce(${households} < ${normOf('min', community)} OR ${households} > ${normOf('max', community)}, false)`

export const selectGridRows =
  (department: string): LayerSource =>
  (envelope, geometry, personalData = 'masked') => sql`
    SELECT g.id AS fid, g.id, g.code, g.name, l.department, g.community_code AS "communityCode", c.name AS "communityName",
           g.households, g.population, chief.name AS "chiefName", chief.phone AS "chiefPhone", l.version,
           ${outsideNormOf(sql`g.households`, 'c')} AS "outsideNorm",
           ${geometry(sql`g.boundary`)} AS geom
    FROM grids g
    JOIN grid_layers l ON l.id = g.layer_id AND l.is_active AND l.department = ${department}
    LEFT JOIN regions c ON c.code = g.community_code
    LEFT JOIN LATERAL (
      -- names and phone numbers are personal data: masked unless the caller asks for them raw
      SELECT ${personal(sql`s.name`, personalData)} AS name, ${personal(sql`s.phone`, personalData)} AS phone
      FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'chief' ORDER BY s.id LIMIT 1
    ) chief ON true
    WHERE g.boundary && ${envelope}`

export const selectServiceCenterRows: LayerSource = (envelope, geometry) => sql`
  SELECT s.id AS fid, s.id, s.code, s.name, s.level, s.status, s.floor_area_m2 AS "floorAreaM2", s.radius_m AS "radiusM",
         r.name AS "regionName", ${geometry(sql`s.location`)} AS geom
  FROM service_centers s LEFT JOIN regions r ON r.code = s.region_code
  WHERE s.location && ${envelope}`

export const selectPartyOrgRows: LayerSource = (envelope, geometry) => sql`
  SELECT o.id AS fid, o.id, o.code, o.name, o.tier, o.domain, o.establishment, o.star_rating AS "starRating", o.status,
         o.member_count AS "memberCount", r.name AS "regionName", ${geometry(sql`o.location`)} AS geom
  FROM party_orgs o LEFT JOIN regions r ON r.code = o.region_code
  WHERE o.location && ${envelope}`

export const selectUnitRows: LayerSource = (envelope, geometry) => sql`
  SELECT u.id AS fid, u.id, u.code, u.name, u.kind, u.employees, u.formal_party_members AS "formalPartyMembers",
         coalesce(c.mode, 'none') AS coverage, (u.formal_party_members >= 3 AND c.unit_id IS NULL) AS "shouldEstablish",
         ${geometry(sql`u.location`)} AS geom
  FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id
  WHERE u.location && ${envelope}`

/** Stored catchments: radius circles and 5/10/15-minute walking areas (`band`: radius or the minutes). */
export const selectCatchmentRows: LayerSource = (envelope, geometry) => sql`
  SELECT k.id AS fid, k.id, k.center_id AS "centerId", s.code AS "centerCode", s.name AS "centerName", k.method,
         coalesce(k.minutes::text, 'radius') AS band, k.minutes, k.radius_m AS "radiusM", ${geometry(sql`k.geom`)} AS geom
  FROM catchments k JOIN service_centers s ON s.id = k.center_id
  WHERE k.geom && ${envelope}`

/** Outside every stored radius catchment (the circles POST /api/catchments stores). */
const uncoveredByRadius = sql`NOT EXISTS (SELECT 1 FROM catchments k WHERE k.method = 'radius' AND ST_Intersects(k.geom, p.location))`

export const selectUncoveredResidentRows: LayerSource = (envelope, geometry) => sql`
  SELECT p.id AS fid, p.id, p.residents, p.households, ${geometry(sql`p.location`)} AS geom
  FROM population_points p
  WHERE p.location && ${envelope} AND ${uncoveredByRadius}`

/** Cells of the uncovered-residents aggregate: 0.005° (about 450 × 550 m here). */
const CELL_DEGREES = sql.lit(0.005)

export const selectUncoveredCellRows: LayerSource = (envelope, geometry) => sql`
  SELECT (c.i * 1000000 + c.j)::bigint AS fid, sum(c.residents)::int AS residents, count(*)::int AS points,
         ${geometry(sql`ST_MakeEnvelope(c.i * ${CELL_DEGREES}, c.j * ${CELL_DEGREES}, (c.i + 1) * ${CELL_DEGREES}, (c.j + 1) * ${CELL_DEGREES}, 4326)`)} AS geom
  FROM (
    SELECT floor(ST_X(p.location) / ${CELL_DEGREES})::bigint AS i, floor(ST_Y(p.location) / ${CELL_DEGREES})::bigint AS j, p.residents
    FROM population_points p
    WHERE p.location && ${envelope} AND ${uncoveredByRadius}
  ) c
  GROUP BY c.i, c.j`

export const selectPopulationRows: LayerSource = (envelope, geometry) => sql`
  SELECT p.id AS fid, p.id, p.residents, p.households, ${geometry(sql`p.location`)} AS geom
  FROM population_points p
  WHERE p.location && ${envelope}`

/** The unified grids of one merge run, or of the published one. */
export const selectUnifiedGridRows =
  (runId?: number): LayerSource =>
  (envelope, geometry) => sql`
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           ${outsideNormOf(sql`u.households`, 'c')} AS "outsideNorm", ${geometry(sql`u.boundary`)} AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND ${runFilter(runId)}
    LEFT JOIN regions c ON c.code = u.community_code
    WHERE u.boundary && ${envelope}`

/** The issues of one merge run, or of the published one (slivers are absorbed, not drawn). */
export const selectMergeIssueRows =
  (runId?: number): LayerSource =>
  (envelope, geometry) => sql`
    SELECT i.id AS fid, i.id, i.kind, i.department, i.community_code AS "communityCode", round(i.area_m2)::int AS "areaM2", i.note,
           ${geometry(sql`i.geom`)} AS geom
    FROM merge_issues i JOIN merge_runs m ON m.id = i.merge_run_id AND ${runFilter(runId)}
    WHERE i.geom && ${envelope} AND i.kind <> 'sliver'`

export function envelopeOfBbox([west, south, east, north]: readonly number[]): RawBuilder<unknown> {
  return sql`ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, ${sql.lit(SRID_WGS84)})`
}

export interface FeatureRow {
  fid: number
  geom: string
  [property: string]: unknown
}

/** GeoJSON features of a layer in a bbox, at most `limit` (+1 to tell whether more exist). */
export async function findFeaturesInBbox(
  db: Kysely<Tables>,
  source: LayerSource,
  bbox: readonly number[],
  limit: number,
  personalData: PersonalData = 'masked',
): Promise<FeatureRow[]> {
  const rows = source(envelopeOfBbox(bbox), (column) => sql`ST_AsGeoJSON(${column}, 6)`, personalData)
  const { rows: result } = await sql<FeatureRow>`SELECT * FROM (${rows}) t ORDER BY t.fid LIMIT ${limit + 1}`.execute(
    db,
  )
  return result
}

/** The published merge run (its id is the unified grids' version), if any. */
export async function findPublishedRun(
  db: Kysely<Tables>,
): Promise<{ version: number; publishedAt: string | null } | undefined> {
  return db
    .selectFrom('merge_runs')
    .where('is_published', '=', true)
    .select([
      sql<number>`id::int`.as('version'),
      sql<string | null>`to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as('publishedAt'),
    ])
    .executeTakeFirst()
}

export interface ActiveDepartmentLayer {
  department: string
  name: string
  color: string
  version: number
}

export async function findActiveDepartmentLayers(db: Kysely<Tables>): Promise<ActiveDepartmentLayer[]> {
  return db
    .selectFrom('grid_layers as l')
    .innerJoin('departments as d', 'd.code', 'l.department')
    .where('l.is_active', '=', true)
    .select(['l.department', 'd.name', 'd.color', 'l.version'])
    .orderBy('d.sort_order')
    .execute()
}

/** The bbox of everything on the map (the district), for TileJSON bounds. */
export async function findDataBounds(db: Kysely<Tables>): Promise<[number, number, number, number] | undefined> {
  const { rows } = await sql<{ w: number | null; s: number | null; e: number | null; n: number | null }>`
    SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
    FROM (SELECT ST_Extent(boundary)::geometry AS b FROM regions WHERE level IN ('district', 'street')) t`.execute(db)
  const row = rows[0]
  if (!row || row.w === null || row.s === null || row.e === null || row.n === null) return undefined
  return [row.w, row.s, row.e, row.n]
}
