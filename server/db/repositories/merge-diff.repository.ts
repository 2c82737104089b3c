// What changed between two merge runs' unified grids.
import { type Kysely, type Transaction, sql } from 'kysely'
import { type RegionScope, inScope } from '../scope.ts'
import type { Tables } from '../tables.ts'
import { GRID_SIZE_M } from '../merge-overlay.ts'

type Db = Kysely<Tables> | Transaction<Tables>

export interface DiffRow {
  code: string
  change: 'added' | 'removed' | 'reshaped'
  areaM2: number
  changedM2: number
}

/**
 * Unified grids added, removed and reshaped from run `from` to run `to`. Reshaped means the two
 * shapes differ by more than `minShare` of the grid's area (sliver absorption moves a few m²).
 * A boundary valid in WGS84 can cross itself by a hair once reprojected: repaired before the overlay.
 * Only grids of communities in the scope.
 */
export async function diffRuns(
  db: Db,
  from: number,
  to: number,
  srid: number,
  minShare: number,
  scope: RegionScope = {},
): Promise<DiffRow[]> {
  const { rows } = await sql<DiffRow>`
    SELECT coalesce(b.code, a.code) AS code,
           CASE WHEN a.id IS NULL THEN 'added' WHEN b.id IS NULL THEN 'removed' ELSE 'reshaped' END AS change,
           coalesce(b.area_m2, a.area_m2) AS "areaM2",
           CASE WHEN a.id IS NULL OR b.id IS NULL THEN coalesce(b.area_m2, a.area_m2)
                ELSE ST_Area(ST_SymDifference(ST_MakeValid(ST_Transform(a.boundary, ${sql.lit(srid)})), ST_MakeValid(ST_Transform(b.boundary, ${sql.lit(srid)})), ${GRID_SIZE_M}::float8)) END AS "changedM2"
    FROM (SELECT * FROM unified_grids WHERE merge_run_id = ${from}::bigint AND ${inScope(sql`community_code`, scope)}) a
    FULL JOIN (SELECT * FROM unified_grids WHERE merge_run_id = ${to}::bigint AND ${inScope(sql`community_code`, scope)}) b
      ON a.code = b.code
    ORDER BY 1`.execute(db)
  return rows.filter((r) => r.change !== 'reshaped' || r.changedM2 > minShare * r.areaM2)
}
