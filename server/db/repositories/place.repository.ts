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
