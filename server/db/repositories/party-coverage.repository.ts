// The counts behind GET /api/party/coverage, per cell: a region code and the published unified grid
// a row lies in (null when in none of its community's grids). The service adds cells up to grids,
// communities, streets and districts, so that every level's figures are sums of the same cells.
import { type Kysely, sql } from 'kysely'
import type { RegionLevel, Tables } from '../tables.ts'
import { type PartyScope, isShouldEstablish } from './party.repository.ts'

export interface CoverageCellRow {
  regionCode: string
  gridCode: string | null
  units: number
  orgCovered: number
  workOnly: number
  uncovered: number
  shouldEstablish: number
  orgsNormal: number
  orgsWeak: number
  orgsRectifying: number
  orgsHollow: number
  starSum: number
  starRated: number
  members: number
  residents: number
}

const scoped = (prefix: string | undefined, column: ReturnType<typeof sql.raw>) =>
  sql`(${prefix ?? null}::text IS NULL OR ${column} LIKE ${prefix ?? null}::text || '%')`

/**
 * The published unified grid of every unit and organization under the prefix that lies in one (a row
 * on the edge of two grids goes to the lower code): each published grid's shape tested against the rows
 * of its community found through the location index (PostGIS prepares one shape for many points); and
 * each region's residents (its population points summed). The costliest parts of the coverage figures,
 * and stable while the published grids, the rows' places and the population points are: the service
 * keeps them per version (readCoverageGridVersion).
 */
export async function findCoverageGridAssignment(
  db: Kysely<Tables>,
  scope: PartyScope,
): Promise<CoverageGridAssignment> {
  const p = scope.regionPrefix
  const { rows } = await sql<{ kind: 'unit' | 'org'; ids: string | null; grids: string | null }>`
    WITH a AS (
      SELECT 'unit' AS kind, u.id, min(g.code) AS grid
      FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
      JOIN units u ON u.region_code = g.community_code AND u.location && g.boundary AND ST_Covers(g.boundary, u.location)
      WHERE ${scoped(p, sql.raw('g.community_code'))}
      GROUP BY u.id
      UNION ALL
      SELECT 'org', o.id, min(g.code)
      FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
      JOIN party_orgs o ON o.region_code = g.community_code AND o.location && g.boundary AND ST_Covers(g.boundary, o.location)
      WHERE ${scoped(p, sql.raw('g.community_code'))}
      GROUP BY o.id
    )
    SELECT kind, string_agg(id::text, ',' ORDER BY id) AS ids, json_agg(grid ORDER BY id)::text AS grids
    FROM a GROUP BY kind`.execute(db)
  const { rows: residents } = await sql<{ residents: string }>`
    SELECT coalesce(json_agg(json_build_object('region_code', region_code, 'residents', residents)), '[]')::text AS residents
    FROM (SELECT pp.region_code, sum(pp.residents) AS residents FROM population_points pp
          WHERE pp.region_code IS NOT NULL AND ${scoped(p, sql.raw('pp.region_code'))}
          GROUP BY pp.region_code) r`.execute(db)
  const of = (kind: 'unit' | 'org') => rows.find((r) => r.kind === kind)
  return {
    regionResidents: residents[0].residents,
    unitIds: of('unit')?.ids ?? '',
    unitGrids: of('unit')?.grids ?? '[]',
    orgIds: of('org')?.ids ?? '',
    orgGrids: of('org')?.grids ?? '[]',
  }
}

/**
 * Rows → published grid, as the database takes them back: ids comma-separated, grid codes a JSON
 * array in the same order; and the residents of each region (population points summed), a JSON array
 * of { region_code, residents }.
 */
export interface CoverageGridAssignment {
  regionResidents: string
  unitIds: string
  unitGrids: string
  orgIds: string
  orgGrids: string
}

/**
 * What the grid assignment depends on: the published runs and the versions of the tables holding the
 * grids, the rows' places and the population points (data_versions, bumped by every statement on them).
 */
export async function readCoverageGridVersion(db: Kysely<Tables>): Promise<string> {
  const { rows } = await sql<{ version: string }>`
    SELECT coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM merge_runs WHERE is_published), '') || '|' ||
      coalesce((SELECT string_agg(table_name || ':' || version, ',' ORDER BY table_name) FROM data_versions
                WHERE table_name IN ('merge_runs', 'party_orgs', 'population_points', 'unified_grids', 'units')), '') AS version`.execute(
    db,
  )
  return rows[0].version
}

/**
 * Cells of units, organizations and residents under the prefix, each row in the grid the assignment
 * gives it (findCoverageGridAssignment; none: outside the published grids). Members are counted on
 * organizations with no sub-organizations (where members are registered), so that a committee's total
 * is not added to its branches' again.
 */
export async function countCoverageCells(
  db: Kysely<Tables>,
  scope: PartyScope,
  assignment: CoverageGridAssignment,
): Promise<CoverageCellRow[]> {
  const p = scope.regionPrefix
  const assigned = (ids: string, grids: string) => sql`
      SELECT i.id::bigint AS id, g.grid
      FROM unnest(string_to_array(${ids}::text, ',')) WITH ORDINALITY AS i(id, n)
      JOIN json_array_elements_text(${grids}::json) WITH ORDINALITY AS g(grid, n) ON g.n = i.n`
  const { rows } = await sql<CoverageCellRow>`
    WITH g AS (
      SELECT g.code, g.community_code, g.population
      FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
      WHERE ${scoped(p, sql.raw('g.community_code'))}
    ), unit_grid AS (${assigned(assignment.unitIds, assignment.unitGrids)}
    ), org_grid AS (${assigned(assignment.orgIds, assignment.orgGrids)}
    ), u AS (
      SELECT u.region_code, ug.grid, count(*)::int AS units,
        count(*) FILTER (WHERE c.mode IN ('own', 'joint', 'affiliated'))::int AS org_covered,
        count(*) FILTER (WHERE c.mode = 'work')::int AS work_only,
        count(*) FILTER (WHERE c.mode IS NULL)::int AS uncovered,
        count(*) FILTER (WHERE ${isShouldEstablish()})::int AS should_establish
      FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id LEFT JOIN unit_grid ug ON ug.id = u.id
      WHERE u.region_code IS NOT NULL AND ${scoped(p, sql.raw('u.region_code'))}
      GROUP BY 1, 2
    ), o AS (
      SELECT o.region_code, og.grid,
        count(*) FILTER (WHERE o.status = 'normal')::int AS normal,
        count(*) FILTER (WHERE o.status = 'weak')::int AS weak,
        count(*) FILTER (WHERE o.status = 'rectifying')::int AS rectifying,
        count(*) FILTER (WHERE o.status = 'hollow')::int AS hollow,
        coalesce(sum(o.star_rating), 0)::int AS star_sum, count(o.star_rating)::int AS star_rated,
        coalesce(sum(o.member_count) FILTER (WHERE NOT EXISTS (SELECT 1 FROM party_orgs k WHERE k.parent_id = o.id)), 0)::int AS members
      FROM party_orgs o LEFT JOIN org_grid og ON og.id = o.id
      WHERE o.region_code IS NOT NULL AND ${scoped(p, sql.raw('o.region_code'))}
      GROUP BY 1, 2
    ), r AS (
      -- a grid's residents are those the merge counted in it (unified_grids.population: the points of
      -- its community inside it); the rest of a region's residents are outside its grids
      SELECT g.community_code AS region_code, g.code AS grid, g.population AS residents FROM g
      UNION ALL
      SELECT pr.region_code, NULL, (pr.residents - coalesce(gr.residents, 0))::int
      FROM json_to_recordset(${assignment.regionResidents}::json) AS pr(region_code text, residents bigint)
      -- joined, not a subquery per region: that scanned every grid once per region (quadratic)
      LEFT JOIN (SELECT community_code, sum(population) AS residents FROM g GROUP BY community_code) gr
        ON gr.community_code = pr.region_code
    )
    -- one row per cell: the three parts stacked and summed (each part has one row per cell at most);
    -- joining them on the cell instead made the planner expect enough rows to compile the query (JIT)
    SELECT region_code AS "regionCode", grid AS "gridCode",
      sum(units)::int AS units, sum(org_covered)::int AS "orgCovered", sum(work_only)::int AS "workOnly",
      sum(uncovered)::int AS uncovered, sum(should_establish)::int AS "shouldEstablish",
      sum(normal)::int AS "orgsNormal", sum(weak)::int AS "orgsWeak",
      sum(rectifying)::int AS "orgsRectifying", sum(hollow)::int AS "orgsHollow",
      sum(star_sum)::int AS "starSum", sum(star_rated)::int AS "starRated",
      sum(members)::int AS members, sum(residents)::int AS residents
    FROM (
      SELECT region_code, grid, units, org_covered, work_only, uncovered, should_establish,
        0 AS normal, 0 AS weak, 0 AS rectifying, 0 AS hollow, 0 AS star_sum, 0 AS star_rated, 0 AS members, 0 AS residents
      FROM u
      UNION ALL
      SELECT region_code, grid, 0, 0, 0, 0, 0, normal, weak, rectifying, hollow, star_sum, star_rated, members, 0 FROM o
      UNION ALL
      SELECT region_code, grid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, residents FROM r
    ) k
    GROUP BY 1, 2
    ORDER BY 1, 2`.execute(db)
  return rows
}

export interface CoverageRegionRow {
  code: string
  name: string
  level: RegionLevel
  parentCode: string | null
  bbox: [number, number, number, number] | null
}

/** Regions under the prefix (and the region the prefix names), with their bboxes. */
export async function findCoverageRegions(db: Kysely<Tables>, scope: PartyScope): Promise<CoverageRegionRow[]> {
  const { rows } = await sql<Omit<CoverageRegionRow, 'bbox'> & { box: string | null }>`
    SELECT r.code, r.name, r.level, r.parent_code AS "parentCode",
      CASE WHEN r.level = 'community' THEN ST_Extent(r.boundary)::text
           ELSE (SELECT ST_Extent(c.boundary)::text FROM regions c
                 WHERE c.level = 'community' AND c.code LIKE (CASE WHEN r.level = 'street' THEN left(r.code, 9)
                   WHEN r.level = 'district' THEN left(r.code, 6) ELSE left(r.code, 4) END) || '%') END AS box
    FROM regions r
    WHERE ${scoped(scope.regionPrefix, sql.raw('r.code'))}
    GROUP BY r.code
    ORDER BY r.code`.execute(db)
  return rows.map(({ box, ...row }) => ({ ...row, bbox: parseBox(box) }))
}

export interface CoverageGridRow {
  code: string
  communityCode: string
  bbox: [number, number, number, number]
}

/** The published unified grids under the prefix. */
export async function findPublishedGrids(db: Kysely<Tables>, scope: PartyScope): Promise<CoverageGridRow[]> {
  const { rows } = await sql<{ code: string; communityCode: string; box: string }>`
    SELECT g.code, g.community_code AS "communityCode", ST_Extent(g.boundary)::text AS box
    FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
    WHERE ${scoped(scope.regionPrefix, sql.raw('g.community_code'))}
    GROUP BY g.code, g.community_code
    ORDER BY g.code`.execute(db)
  return rows.map(({ box, ...row }) => ({ ...row, bbox: parseBox(box)! }))
}

function parseBox(box: string | null): [number, number, number, number] | null {
  const m = box?.match(/BOX\(([-\d.e]+) ([-\d.e]+),([-\d.e]+) ([-\d.e]+)\)/)
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] : null
}
