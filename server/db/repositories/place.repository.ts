// What the place panel reads beyond the grid figures: how well each active department grid under a
// region-code prefix matches the published unified grids (PostGIS does the overlay).
import { type Kysely, sql } from 'kysely'
import type { Tables } from '../tables.ts'

export interface DepartmentMatchRow {
  department: string
  departmentName: string
  id: number
  code: string
  name: string
  communityCode: string | null
  areaM2: number
  /** the published unified grid holding most of this grid's area (null: none overlaps, or none published) */
  unifiedCode: string | null
  /** the share of this grid's area lying in that one unified grid, 0–1 */
  share: number
  /** intersection over union of this grid and that unified grid, 0–1 */
  iou: number
  bbox: [number, number, number, number]
}

/**
 * Each active department grid whose community lies under `prefix`, with the published unified grid of
 * its community holding most of its area: that share and the intersection over union. (Of its own
 * community: a unified grid never crosses a community's boundary, so a department grid that does is
 * matched only for its part inside; and the figures of a place never name another place's grids.) Shares are ratios of planar
 * lon/lat areas (the same latitude in numerator and denominator: within 0.1 % over a grid), the
 * overlay on a 1e-7° (about 1 cm) precision grid, as the imports check does, so that GEOS never fails on
 * nearly coincident edges; the grid's own area is on the spheroid.
 */
export async function findDepartmentMatches(db: Kysely<Tables>, prefix: string): Promise<DepartmentMatchRow[]> {
  const { rows } = await sql<DepartmentMatchRow>`
    WITH dg AS (
      SELECT l.department, d.name AS department_name, g.id, g.code, g.name, g.community_code, v.boundary,
             ST_Area(v.boundary) AS area
      FROM grids g
      -- an invalid drawing (a self-crossing ring: the merge reports it) is measured as made valid
      CROSS JOIN LATERAL (SELECT CASE WHEN ST_IsValid(g.boundary) THEN g.boundary
                                 ELSE ST_CollectionExtract(ST_MakeValid(g.boundary), 3) END AS boundary) v JOIN grid_layers l ON l.id = g.layer_id AND l.is_active
      JOIN departments d ON d.code = l.department
      WHERE left(g.community_code, ${prefix.length}::int) = ${prefix}::text
    )
    SELECT dg.department, dg.department_name AS "departmentName", dg.id::int AS id, dg.code, dg.name,
           dg.community_code AS "communityCode", ST_Area(dg.boundary::geography) AS "areaM2",
           best.code AS "unifiedCode",
           CASE WHEN dg.area > 0 THEN least(1, coalesce(best.inter, 0) / dg.area) ELSE 0 END AS share,
           CASE WHEN best.code IS NULL OR dg.area + best.area - best.inter <= 0 THEN 0
                ELSE least(1, best.inter / (dg.area + best.area - best.inter)) END AS iou,
           json_build_array(round(ST_XMin(dg.boundary)::numeric, 6), round(ST_YMin(dg.boundary)::numeric, 6),
                            round(ST_XMax(dg.boundary)::numeric, 6), round(ST_YMax(dg.boundary)::numeric, 6)) AS bbox
    FROM dg LEFT JOIN LATERAL (
      SELECT u.code, ST_Area(u.boundary) AS area, ST_Area(ST_Intersection(u.boundary, dg.boundary, 0.0000001)) AS inter
      FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
      WHERE u.community_code = dg.community_code AND u.boundary && dg.boundary AND ST_Intersects(u.boundary, dg.boundary)
      ORDER BY inter DESC, u.code LIMIT 1
    ) best ON TRUE
    ORDER BY dg.department, dg.code`.execute(db)
  return rows.map((r) => ({ ...r, areaM2: Number(r.areaM2), share: Number(r.share), iou: Number(r.iou) }))
}

/** `left(column, n) = prefix` with the prefix bound (an empty prefix: everything). */
const underPrefix = (column: string, prefix: string) =>
  sql<boolean>`left(${sql.ref(column)}, ${prefix.length}::int) = ${prefix}::text`

/**
 * The published unified grid a row (a unit or an organization with a location and a community) lies
 * in, as the party coverage figures assign it: a grid of its own community covering it, the lowest code
 * when two do (findCoverageGridAssignment).
 */
const gridOfRow = (alias: 'u' | 'o') => sql`(
  SELECT min(g.code) FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
  WHERE g.community_code = ${sql.ref(`${alias}.region_code`)} AND g.boundary && ${sql.ref(`${alias}.location`)}
    AND ST_Covers(g.boundary, ${sql.ref(`${alias}.location`)}))`

const pointBbox = (column: string) =>
  sql<[number, number, number, number] | null>`CASE WHEN ${sql.ref(column)} IS NULL THEN NULL ELSE
    json_build_array(round(ST_X(${sql.ref(column)})::numeric, 6), round(ST_Y(${sql.ref(column)})::numeric, 6),
                     round(ST_X(${sql.ref(column)})::numeric, 6), round(ST_Y(${sql.ref(column)})::numeric, 6)) END`

export interface PlaceOrgRow {
  code: string
  name: string
  tier: string
  status: string
  memberCount: number
  starRating: number | null
  streetName: string | null
  communityName: string | null
  bbox: [number, number, number, number] | null
  total: number
}

/**
 * The party organizations behind a place's status counts: those whose region code lies under the
 * prefix (as the coverage figures count them), of one status when asked, in one published unified grid
 * when asked (`grid`: its code), at most `limit`, each row with the total matched.
 */
export async function findPlaceOrgs(
  db: Kysely<Tables>,
  filter: { prefix: string; status?: string; grid?: string; limit: number },
): Promise<PlaceOrgRow[]> {
  const { rows } = await sql<PlaceOrgRow>`
    SELECT o.code, o.name, o.tier, o.status, o.member_count::int AS "memberCount", o.star_rating::int AS "starRating",
      (SELECT name FROM regions r WHERE r.code = left(o.region_code, 9) || '000' AND r.level = 'street') AS "streetName",
      (SELECT name FROM regions r WHERE r.code = o.region_code AND r.level = 'community') AS "communityName",
      ${pointBbox('o.location')} AS bbox, count(*) OVER ()::int AS total
    FROM party_orgs o
    WHERE o.region_code IS NOT NULL AND ${underPrefix('o.region_code', filter.prefix)}
      AND (${filter.status ?? null}::text IS NULL OR o.status = ${filter.status ?? null}::text)
      AND (${filter.grid ?? null}::text IS NULL OR ${gridOfRow('o')} = ${filter.grid ?? null}::text)
    ORDER BY o.region_code, o.code
    LIMIT ${filter.limit}`.execute(db)
  return rows
}

export interface PlaceUnitRow {
  code: string
  name: string
  members: number
  coverage: string
  orgName: string | null
  streetName: string | null
  communityName: string | null
  bbox: [number, number, number, number] | null
  total: number
}

/**
 * The units behind a place's coverage rates: those whose region code lies under the prefix, covered by
 * an organization (`org`: own, joint or affiliated — the organization coverage rate's numerator), by an
 * organization or a party-building instructor alone (`work`: the work coverage rate's numerator), by
 * nothing (`none`), or all (the rates' denominator); in one published unified grid when asked.
 */
export async function findPlaceUnits(
  db: Kysely<Tables>,
  filter: { prefix: string; coverage?: 'org' | 'work' | 'none'; grid?: string; limit: number },
): Promise<PlaceUnitRow[]> {
  const coverage = filter.coverage ?? null
  const { rows } = await sql<PlaceUnitRow>`
    SELECT u.code, u.name, u.formal_party_members::int AS members, coalesce(c.mode, 'none') AS coverage,
      o.name AS "orgName",
      (SELECT name FROM regions r WHERE r.code = left(u.region_code, 9) || '000' AND r.level = 'street') AS "streetName",
      (SELECT name FROM regions r WHERE r.code = u.region_code AND r.level = 'community') AS "communityName",
      ${pointBbox('u.location')} AS bbox, count(*) OVER ()::int AS total
    FROM units u
    LEFT JOIN unit_coverage c ON c.unit_id = u.id
    LEFT JOIN party_orgs o ON o.id = c.party_org_id
    WHERE u.region_code IS NOT NULL AND ${underPrefix('u.region_code', filter.prefix)}
      AND (${coverage}::text IS NULL
        OR (${coverage}::text = 'org' AND c.mode IN ('own', 'joint', 'affiliated'))
        OR (${coverage}::text = 'work' AND c.mode IN ('own', 'joint', 'affiliated', 'work'))
        OR (${coverage}::text = 'none' AND c.mode IS NULL))
      AND (${filter.grid ?? null}::text IS NULL OR ${gridOfRow('u')} = ${filter.grid ?? null}::text)
    ORDER BY u.region_code, u.code
    LIMIT ${filter.limit}`.execute(db)
  return rows
}

export interface UnifiedGridPlaceRow {
  id: number
  code: string
  communityCode: string
  communityName: string
  streetCode: string
  streetName: string | null
  households: number
  population: number
  areaM2: number
  /** GeoJSON of the boundary (EPSG:4326), for the map's mask */
  geojson: string
  bbox: [number, number, number, number]
  /** population points inside it (of its community), their residents and households */
  points: number
  pointResidents: number
  pointHouseholds: number
}

/** A published unified grid by code, when its community lies under the prefix (null: everything). */
export async function findUnifiedGridPlace(
  db: Kysely<Tables>,
  code: string,
  prefix: string | null,
): Promise<UnifiedGridPlaceRow | undefined> {
  const { rows } = await sql<UnifiedGridPlaceRow>`
    SELECT u.id::int AS id, u.code, u.community_code AS "communityCode", c.name AS "communityName",
      c.parent_code AS "streetCode", s.name AS "streetName", u.households::int AS households,
      u.population::int AS population, u.area_m2::float8 AS "areaM2", ST_AsGeoJSON(u.boundary, 7) AS geojson,
      json_build_array(round(ST_XMin(u.boundary)::numeric, 6), round(ST_YMin(u.boundary)::numeric, 6),
                       round(ST_XMax(u.boundary)::numeric, 6), round(ST_YMax(u.boundary)::numeric, 6)) AS bbox,
      p.points, p.residents AS "pointResidents", p.households AS "pointHouseholds"
    FROM unified_grids u
    JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions s ON s.code = c.parent_code
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS points, coalesce(sum(pp.residents), 0)::int AS residents,
             coalesce(sum(pp.households), 0)::int AS households
      FROM population_points pp
      WHERE pp.region_code = u.community_code AND ST_Intersects(u.boundary, pp.location)
    ) p
    WHERE u.code = ${code} AND (${prefix}::text IS NULL OR left(u.community_code, ${prefix?.length ?? 0}::int) = ${prefix}::text)`.execute(
    db,
  )
  return rows[0]
}

export interface GridIssueRow {
  kind: string
  department: string | null
  areaM2: number
  grids: number
  note: string | null
  bbox: [number, number, number, number] | null
}

/** The issues of a merge run that touch a unified grid (their geometry meets its boundary). */
export async function findGridIssues(db: Kysely<Tables>, runId: number, gridId: number): Promise<GridIssueRow[]> {
  const { rows } = await sql<GridIssueRow>`
    SELECT i.kind, i.department, i.area_m2::float8 AS "areaM2", cardinality(i.grid_ids)::int AS grids, i.note,
      CASE WHEN i.geom IS NULL THEN NULL ELSE
        json_build_array(round(ST_XMin(i.geom)::numeric, 6), round(ST_YMin(i.geom)::numeric, 6),
                         round(ST_XMax(i.geom)::numeric, 6), round(ST_YMax(i.geom)::numeric, 6)) END AS bbox
    FROM merge_issues i, unified_grids u
    WHERE u.id = ${gridId} AND i.merge_run_id = ${runId} AND i.community_code = u.community_code
      AND i.geom && u.boundary AND ST_Intersects(i.geom, u.boundary)
    ORDER BY i.kind, i.id`.execute(db)
  return rows.map((r) => ({ ...r, areaM2: Number(r.areaM2) }))
}

/**
 * What a place's centre coverage reads, as one version string: the data versions (migrations 0070,
 * 0105, 0135) of the population points, the service centres, the published unified grids and the regions.
 */
export async function readPlaceCoverageVersion(db: Kysely<Tables>): Promise<string> {
  const { rows } = await sql<{ version: string | null }>`
    SELECT string_agg(table_name || ':' || version, ',' ORDER BY table_name) AS version FROM data_versions
    WHERE table_name IN ('merge_runs', 'population_points', 'regions', 'service_centers', 'unified_grids')`.execute(db)
  return rows[0]?.version ?? ''
}
