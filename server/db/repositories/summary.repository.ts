// The KPI figures of a wall display, in as few round trips as the two drivers allow, for the
// caller's scope (a street official's figures are the street's: every row filtered by region code).
import { type Kysely, sql } from 'kysely'
import { type RegionScope, inScope } from '../scope.ts'
import type { Tables } from '../tables.ts'
import { findPublishedRun } from './layers.repository.ts'
import type { Summary } from '../../schemas/summary.schema.ts'
import { isShouldEstablish } from './party.repository.ts'

export async function findSummary(db: Kysely<Tables>, scope: RegionScope = {}): Promise<Summary> {
  const at = (column: string) => inScope(sql.ref(column), scope)
  const { rows } = await sql<{
    streets: number
    communities: number
    unifiedGrids: number
    partyOrgs: number
    weak: number
    hollow: number
    units: number
    shouldEstablish: number
    residents: number
    households: number
  }>`
    SELECT
      (SELECT count(*)::int FROM regions WHERE level = 'street' AND ${at('code')}) AS streets,
      (SELECT count(*)::int FROM regions WHERE level = 'community' AND ${at('code')}) AS communities,
      (SELECT count(*)::int FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
         WHERE ${at('u.community_code')}) AS "unifiedGrids",
      (SELECT count(*)::int FROM party_orgs WHERE ${at('region_code')}) AS "partyOrgs",
      (SELECT count(*)::int FROM party_orgs WHERE status = 'weak' AND ${at('region_code')}) AS weak,
      (SELECT count(*)::int FROM party_orgs WHERE status = 'hollow' AND ${at('region_code')}) AS hollow,
      (SELECT count(*)::int FROM units WHERE ${at('region_code')}) AS units,
      -- 应建未建 as the party rule counts it (party.repository.ts): 3+ formal members, no organization of its own
      (SELECT count(*)::int FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id
         WHERE ${isShouldEstablish()} AND ${at('u.region_code')}) AS "shouldEstablish",
      (SELECT coalesce(sum(residents), 0)::int FROM population_points WHERE ${at('region_code')}) AS residents,
      (SELECT coalesce(sum(households), 0)::int FROM population_points WHERE ${at('region_code')}) AS households`.execute(
    db,
  )
  // the norm climbs community → street → district; both bounds are set together on a region
  const norms = await sql<{ below: number; within: number; above: number; noNorm: number }>`
    SELECT
      count(*) FILTER (WHERE n.min IS NOT NULL AND u.households < n.min)::int AS below,
      count(*) FILTER (WHERE u.households BETWEEN n.min AND n.max)::int AS within,
      count(*) FILTER (WHERE u.households > n.max)::int AS above,
      count(*) FILTER (WHERE n.min IS NULL)::int AS "noNorm"
    FROM unified_grids u
    JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions s ON s.code = c.parent_code
    LEFT JOIN regions d ON d.code = s.parent_code
    CROSS JOIN LATERAL (
      SELECT coalesce(c.households_min, s.households_min, d.households_min, CASE WHEN c.is_urban THEN 300 END) AS min,
             coalesce(c.households_max, s.households_max, d.households_max, CASE WHEN c.is_urban THEN 500 END) AS max
    ) n
    WHERE ${at('u.community_code')}`.execute(db)
  const grids = await db
    .selectFrom('grid_layers as l')
    .innerJoin('departments as d', 'd.code', 'l.department')
    .leftJoin('grids as g', (join) => join.onRef('g.layer_id', '=', 'l.id').on(at('g.community_code')))
    .where('l.is_active', '=', true)
    .groupBy(['l.department', 'l.version', 'd.sort_order'])
    .select(['l.department', 'l.version as layerVersion', sql<number>`count(g.id)::int`.as('count')])
    .orderBy('d.sort_order')
    .execute()
  const serviceCenters = await db
    .selectFrom('service_centers')
    .where(at('region_code'))
    .groupBy('level')
    .select(['level', sql<number>`count(*)::int`.as('count')])
    .orderBy('level')
    .execute()
  const unifiedGridRun = (await findPublishedRun(db)) ?? null
  const s = rows[0]
  return {
    regions: { streets: s.streets, communities: s.communities },
    grids,
    unifiedGrids: s.unifiedGrids,
    unifiedGridRun,
    serviceCenters,
    partyOrgs: { total: s.partyOrgs, weak: s.weak, hollow: s.hollow },
    units: { total: s.units, shouldEstablish: s.shouldEstablish },
    population: { residents: s.residents, households: s.households },
    householdNorm: norms.rows[0],
  }
}
