// The KPI figures of a wall display, in as few round trips as the two drivers allow.
import { type Kysely, sql } from 'kysely'
import type { Tables } from '../tables.ts'
import { findPublishedRun } from './layers.repository.ts'
import type { Summary } from '../../schemas/summary.schema.ts'

export async function findSummary(db: Kysely<Tables>): Promise<Summary> {
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
      (SELECT count(*)::int FROM regions WHERE level = 'street') AS streets,
      (SELECT count(*)::int FROM regions WHERE level = 'community') AS communities,
      (SELECT count(*)::int FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published) AS "unifiedGrids",
      (SELECT count(*)::int FROM party_orgs) AS "partyOrgs",
      (SELECT count(*)::int FROM party_orgs WHERE status = 'weak') AS weak,
      (SELECT count(*)::int FROM party_orgs WHERE status = 'hollow') AS hollow,
      (SELECT count(*)::int FROM units) AS units,
      (SELECT count(*)::int FROM units u WHERE u.formal_party_members >= 3
         AND NOT EXISTS (SELECT 1 FROM unit_coverage c WHERE c.unit_id = u.id)) AS "shouldEstablish",
      (SELECT coalesce(sum(residents), 0)::int FROM population_points) AS residents,
      (SELECT coalesce(sum(households), 0)::int FROM population_points) AS households`.execute(db)
  const grids = await db
    .selectFrom('grid_layers as l')
    .innerJoin('departments as d', 'd.code', 'l.department')
    .leftJoin('grids as g', 'g.layer_id', 'l.id')
    .where('l.is_active', '=', true)
    .groupBy(['l.department', 'l.version', 'd.sort_order'])
    .select(['l.department', 'l.version as layerVersion', sql<number>`count(g.id)::int`.as('count')])
    .orderBy('d.sort_order')
    .execute()
  const serviceCenters = await db
    .selectFrom('service_centers')
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
  }
}
