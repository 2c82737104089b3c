// SQL for map layers: one select per layer source (the registry entry of each layer names its own), shared by the vector-tile encoders and the
// GeoJSON features endpoint. Each select filters with `&&` against an envelope in SRID 4326 so the
// GiST index does the work, and emits the geometry through the expression its caller asks for.
import { type Kysely, type RawBuilder, sql } from 'kysely'
import { maskSql } from '../mask.ts'
import { type RegionScope, inScope, inScopeOrAbove } from '../scope.ts'
import type { RegionLevel, Tables } from '../tables.ts'
import { isShouldEstablish } from './party.repository.ts'
import { urbanHouseholdNorm } from './regions.repository.ts'

export const SRID_WGS84 = 4326
export const SRID_WEB_MERCATOR = 3857

/** Turns a geometry column (SRID 4326) into the geometry the caller wants in the `geom` column. */
export type GeometryOutput = (column: RawBuilder<unknown>) => RawBuilder<unknown>

/** Personal data (names, phone numbers) masked by maskPersonal's rule, or as stored for JSON the service masks per row. */
export type PersonalData = 'masked' | 'raw'

const personal = (column: RawBuilder<unknown>, mode: PersonalData) => (mode === 'raw' ? column : maskSql(column))

export interface SourceOptions {
  /** Tiles always take personal data masked (the default): a tile is shared by every role of a scope. */
  personalData?: PersonalData
  /** The caller's scope: every source keeps only rows whose region code starts with its prefix. */
  scope?: RegionScope
}

/**
 * A layer's rows inside an envelope and the caller's scope: columns `fid`, the properties, and `geom`
 * made by `geometry`. Each layer's registry entry points at one of the selects below; a new select
 * must filter by `inScope(<its region-code column>, options.scope)` (tests/integration/scope.test.ts
 * reads every layer's tiles and features as a street official).
 */
export type LayerSource = (
  envelope: RawBuilder<unknown>,
  geometry: GeometryOutput,
  options?: SourceOptions,
) => RawBuilder<unknown>

/** One merge run's rows, or the published run's when none is named. */
const runFilter = (runId: number | undefined) =>
  runId === undefined ? sql`m.is_published` : sql`m.id = ${runId}::bigint`

export const selectRegionRows =
  (level: Exclude<RegionLevel, 'city'>): LayerSource =>
  (envelope, geometry, options = {}) => sql`
    SELECT r.code::bigint AS fid, r.code, r.name, r.level, r.is_urban AS "isUrban", p.name AS "parentName",
           ${geometry(sql`r.boundary`)} AS geom
    FROM regions r LEFT JOIN regions p ON p.code = r.parent_code
    WHERE r.level = ${level} AND r.boundary && ${envelope} AND ${inScope(sql`r.code`, options.scope)}`

/**
 * One label point per street and community, inside it (ST_PointOnSurface of the whole boundary), so a
 * name is drawn once however many tiles its polygon spans.
 */
export const selectRegionLabelRows: LayerSource = (envelope, geometry, options = {}) => sql`
  SELECT l.fid, l.code, l.name, l.level, ${geometry(sql`l.point`)} AS geom
  FROM (
    SELECT r.code::bigint AS fid, r.code, r.name, r.level, ST_PointOnSurface(r.boundary) AS point
    FROM regions r
    WHERE r.level IN ('street', 'community') AND r.boundary && ${envelope} AND ${inScope(sql`r.code`, options.scope)}
  ) l
  WHERE l.point && ${envelope}`

/**
 * A community's households-per-grid norm in SQL, as findHouseholdNorms reads it: its own or its
 * nearest ancestor's, else the urban default for an urban community, else none (NULL). The
 * ancestors come from `ancestorsOf(community)`, joined once per row: as subqueries per row they
 * took most of a grid tile's time (a hash of the regions built for every grid).
 */
const normOf = (bound: 'min' | 'max', community: string) => {
  const column = sql.raw(`households_${bound}`)
  const c = sql.raw(community)
  const urban = urbanHouseholdNorm[bound]
  return sql`coalesce(${c}.${column}, ${sql.raw(`${community}_parent`)}.${column}, ${sql.raw(`${community}_grandparent`)}.${column},
      CASE WHEN ${c}.is_urban THEN ${sql.lit(urban)} END)`
}

/** The joins normOf reads: the community's parent and grandparent regions (`<community>_parent`, `_grandparent`). */
const ancestorsOf = (community: string) => {
  const [c, parent, grandparent] = [community, `${community}_parent`, `${community}_grandparent`].map((a) => sql.raw(a))
  return sql`LEFT JOIN regions ${parent} ON ${parent}.code = ${c}.parent_code
    LEFT JOIN regions ${grandparent} ON ${grandparent}.code = ${parent}.parent_code`
}

/** Whether a grid's households lie outside its community's norm (false where there is none). */
const outsideNormOf = (households: RawBuilder<unknown>, community: string) =>
  sql`coalesce(${households} < ${normOf('min', community)} OR ${households} > ${normOf('max', community)}, false)`

export const selectGridRows =
  (department: string): LayerSource =>
  (envelope, geometry, { personalData = 'masked', scope } = {}) => sql`
    SELECT g.id AS fid, g.id, g.code, g.name, l.department, g.community_code AS "communityCode", c.name AS "communityName",
           g.households, g.population, chief.name AS "chiefName", chief.phone AS "chiefPhone", l.version,
           ${outsideNormOf(sql`g.households`, 'c')} AS "outsideNorm",
           ${geometry(sql`g.boundary`)} AS geom
    FROM grids g
    JOIN grid_layers l ON l.id = g.layer_id AND l.is_active AND l.department = ${department}
    LEFT JOIN regions c ON c.code = g.community_code
    ${ancestorsOf('c')}
    LEFT JOIN LATERAL (
      -- names and phone numbers are personal data: masked unless the caller asks for them raw
      SELECT ${personal(sql`s.name`, personalData)} AS name, ${personal(sql`s.phone`, personalData)} AS phone
      FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'chief' ORDER BY s.id LIMIT 1
    ) chief ON true
    WHERE g.boundary && ${envelope} AND ${inScope(sql`g.community_code`, scope)}`

export const selectServiceCenterRows: LayerSource = (envelope, geometry, options = {}) => sql`
  SELECT s.id AS fid, s.id, s.code, s.name, s.level, s.status, s.floor_area_m2 AS "floorAreaM2", s.radius_m AS "radiusM",
         r.name AS "regionName", ${geometry(sql`s.location`)} AS geom
  FROM service_centers s LEFT JOIN regions r ON r.code = s.region_code
  WHERE s.location && ${envelope} AND ${inScope(sql`s.region_code`, options.scope)}`

// Party layers carry "regionCode" (the row's 12-digit region code) so a scope filter on the tile path
// can keep a street official's tiles to their street: `WHERE t."regionCode" LIKE prefix || '%'`.

/** Organizations by tier and domain, coloured by status; `stars` (★★★) is the label of the star rating. */
export const selectPartyOrgRows: LayerSource = (envelope, geometry, options = {}) => sql`
  SELECT o.id AS fid, o.id, o.code, o.name, o.tier, o.domain, o.establishment, o.star_rating AS "starRating",
         repeat('★', coalesce(o.star_rating, 0)::int) AS stars, o.status, o.member_count AS "memberCount",
         r.name AS "regionName", o.region_code AS "regionCode", ${geometry(sql`o.location`)} AS geom
  FROM party_orgs o LEFT JOIN regions r ON r.code = o.region_code
  WHERE o.location && ${envelope} AND ${inScope(sql`o.region_code`, options.scope)}`

/**
 * Units coloured by `category`: 应建未建 (the party rule, isShouldEstablish) before the coverage mode,
 * so that 'none' is a unit with no coverage and fewer than 3 formal members, and the categories
 * partition the units (the map's 应建未建 is the header's).
 */
export const selectUnitRows: LayerSource = (envelope, geometry, options = {}) => sql`
  SELECT u.id AS fid, u.id, u.code, u.name, u.kind, u.employees, u.formal_party_members AS "formalPartyMembers",
         coalesce(c.mode, 'none') AS coverage, ${isShouldEstablish()} AS "shouldEstablish",
         CASE WHEN ${isShouldEstablish()} THEN 'should_establish' ELSE coalesce(c.mode, 'none') END AS category,
         o.code AS "orgCode", o.name AS "orgName", u.region_code AS "regionCode", ${geometry(sql`u.location`)} AS geom
  FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id
  -- the covering organization named if it lies in the scope or above it (not another street's)
  LEFT JOIN party_orgs o ON o.id = c.party_org_id AND ${inScopeOrAbove(sql`o.region_code`, options.scope)}
  WHERE u.location && ${envelope} AND ${inScope(sql`u.region_code`, options.scope)}`

/** A line from each unit to the organization that covers it (单独建, 联合建, 挂靠建; work coverage has none). */
export const selectPartyLinkRows: LayerSource = (envelope, geometry, options = {}) => sql`
  SELECT u.id AS fid, u.code AS "unitCode", u.name AS "unitName", o.code AS "orgCode", o.name AS "orgName",
         c.mode, u.region_code AS "regionCode", ${geometry(sql`l.line`)} AS geom
  FROM unit_coverage c
  JOIN units u ON u.id = c.unit_id
  -- a link to another street's organization is not drawn for a scoped caller (its end lies there)
  JOIN party_orgs o ON o.id = c.party_org_id AND o.location IS NOT NULL
    AND ${inScopeOrAbove(sql`o.region_code`, options.scope)}
  CROSS JOIN LATERAL (SELECT ST_MakeLine(u.location, o.location) AS line) l
  -- the line's box, not either end's: a link crossing the tile with both ends outside it is drawn too
  WHERE l.line && ${envelope} AND ${inScope(sql`u.region_code`, options.scope)}`

/**
 * Area-wide joint committees (大党委/联合党委): the union of the member regions' boundaries, one
 * polygon per committee, with the number of regions it spans.
 */
export const selectJointCommitteeRows: LayerSource = (envelope, geometry, options = {}) => sql`
  SELECT o.id AS fid, o.code, o.name, o.tier, o.status, o.member_count AS "memberCount", a.regions,
         o.region_code AS "regionCode", ${geometry(sql`a.area`)} AS geom
  FROM party_orgs o
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS regions, ST_Multi(ST_Union(ST_MakeValid(r.boundary))) AS area
    FROM party_org_regions pr JOIN regions r ON r.code = pr.region_code
    WHERE pr.party_org_id = o.id) a
  WHERE a.regions > 0 AND EXISTS (
    SELECT 1 FROM party_org_regions pr JOIN regions r ON r.code = pr.region_code
    WHERE pr.party_org_id = o.id AND r.boundary && ${envelope})
    AND ${inScope(sql`o.region_code`, options.scope)}`

/** Stored catchments: radius circles and 5/10/15-minute walking areas (`band`: radius or the minutes), scoped by their centre. */
export const selectCatchmentRows: LayerSource = (envelope, geometry, options = {}) => sql`
  SELECT k.id AS fid, k.id, k.center_id AS "centerId", s.code AS "centerCode", s.name AS "centerName", k.method,
         coalesce(k.minutes::text, 'radius') AS band, k.minutes, k.radius_m AS "radiusM", ${geometry(sql`k.geom`)} AS geom
  FROM catchments k JOIN service_centers s ON s.id = k.center_id
  WHERE k.geom && ${envelope} AND ${inScope(sql`s.region_code`, options.scope)}`

/** Outside every stored radius catchment (the circles POST /api/catchments stores). */
const uncoveredByRadius = sql`NOT EXISTS (SELECT 1 FROM catchments k WHERE k.method = 'radius' AND ST_Intersects(k.geom, p.location))`

export const selectUncoveredResidentRows: LayerSource = (envelope, geometry, options = {}) => sql`
  SELECT p.id AS fid, p.id, p.residents, p.households, ${geometry(sql`p.location`)} AS geom
  FROM population_points p
  WHERE p.location && ${envelope} AND ${inScope(sql`p.region_code`, options.scope)} AND ${uncoveredByRadius}`

/** Cells of the uncovered-residents aggregate: 0.005° (about 450 × 550 m here). */
const CELL_DEGREES = sql.lit(0.005)

export const selectUncoveredCellRows: LayerSource = (envelope, geometry, options = {}) => sql`
  SELECT (c.i * 1000000 + c.j)::bigint AS fid, sum(c.residents)::int AS residents, count(*)::int AS points,
         ${geometry(sql`ST_MakeEnvelope(c.i * ${CELL_DEGREES}, c.j * ${CELL_DEGREES}, (c.i + 1) * ${CELL_DEGREES}, (c.j + 1) * ${CELL_DEGREES}, 4326)`)} AS geom
  FROM (
    SELECT floor(ST_X(p.location) / ${CELL_DEGREES})::bigint AS i, floor(ST_Y(p.location) / ${CELL_DEGREES})::bigint AS j, p.residents
    FROM population_points p
    WHERE p.location && ${envelope} AND ${inScope(sql`p.region_code`, options.scope)} AND ${uncoveredByRadius}
  ) c
  GROUP BY c.i, c.j`

export const selectPopulationRows: LayerSource = (envelope, geometry, options = {}) => sql`
  SELECT p.id AS fid, p.id, p.residents, p.households, ${geometry(sql`p.location`)} AS geom
  FROM population_points p
  WHERE p.location && ${envelope} AND ${inScope(sql`p.region_code`, options.scope)}`

/** The unified grids of one merge run, or of the published one. */
export const selectUnifiedGridRows =
  (runId?: number): LayerSource =>
  (envelope, geometry, options = {}) => sql`
    SELECT u.id AS fid, u.id, u.code, right(u.code, 3) AS serial, u.community_code AS "communityCode", c.name AS "communityName",
           round(u.area_m2)::int AS "areaM2", u.households, u.population, m.id::int AS version,
           ${outsideNormOf(sql`u.households`, 'c')} AS "outsideNorm", ${geometry(sql`u.boundary`)} AS geom
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND ${runFilter(runId)}
    LEFT JOIN regions c ON c.code = u.community_code
    ${ancestorsOf('c')}
    WHERE u.boundary && ${envelope} AND ${inScope(sql`u.community_code`, options.scope)}`

/** The issues of one merge run, or of the published one (slivers are absorbed, not drawn). */
export const selectMergeIssueRows =
  (runId?: number): LayerSource =>
  (envelope, geometry, options = {}) => sql`
    SELECT i.id AS fid, i.id, i.kind, i.department, i.community_code AS "communityCode", round(i.area_m2)::int AS "areaM2", i.note,
           ${geometry(sql`i.geom`)} AS geom
    FROM merge_issues i JOIN merge_runs m ON m.id = i.merge_run_id AND ${runFilter(runId)}
    WHERE i.geom && ${envelope} AND i.kind <> 'sliver' AND ${inScope(sql`i.community_code`, options.scope)}`

export function envelopeOfBbox([west, south, east, north]: readonly number[]): RawBuilder<unknown> {
  return sql`ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, ${sql.lit(SRID_WGS84)})`
}

export interface FeatureRow {
  fid: number
  geom: string
  [property: string]: unknown
}

/** GeoJSON features of a layer in a bbox and the scope, at most `limit` (+1 to tell whether more exist). */
export async function findFeaturesInBbox(
  db: Kysely<Tables>,
  source: LayerSource,
  bbox: readonly number[],
  limit: number,
  options: SourceOptions = {},
): Promise<FeatureRow[]> {
  const rows = source(envelopeOfBbox(bbox), (column) => sql`ST_AsGeoJSON(${column}, 6)`, options)
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

/** The bbox of everything on the map in the scope (the district, or the caller's street or community), for TileJSON bounds. */
export async function findDataBounds(
  db: Kysely<Tables>,
  scope: RegionScope = {},
): Promise<[number, number, number, number] | undefined> {
  const { rows } = await sql<{ w: number | null; s: number | null; e: number | null; n: number | null }>`
    SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
    FROM (SELECT ST_Extent(boundary)::geometry AS b FROM regions
          WHERE level IN ('district', 'street', 'community') AND ${inScope(sql`code`, scope)}) t`.execute(db)
  const row = rows[0]
  if (!row || row.w === null || row.s === null || row.e === null || row.n === null) return undefined
  return [row.w, row.s, row.e, row.n]
}
