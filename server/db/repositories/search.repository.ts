// What the search looks through: every region, published unified grid, active department grid,
// service center, party organization and unit, with its place names — filtered here by the caller's
// region-code prefix, so a street official's index holds their street only.
import { type Kysely, sql } from 'kysely'
import type { Tables } from '../tables.ts'

export interface SearchEntryRow {
  kind: 'region' | 'unifiedGrid' | 'grid' | 'serviceCenter' | 'partyOrg' | 'unit'
  id: string
  code: string
  name: string
  /** street and community names of where it lies */
  place: string
  regionCode: string | null
  /** the grid chief's name as stored (personal data: the service masks or withholds it) */
  chiefName: string | null
  bbox: [number, number, number, number] | null
}

const bboxOf = (column: string) =>
  sql`CASE WHEN ${sql.ref(column)} IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin(${sql.ref(column)})::numeric, 6), round(ST_YMin(${sql.ref(column)})::numeric, 6),
        round(ST_XMax(${sql.ref(column)})::numeric, 6), round(ST_YMax(${sql.ref(column)})::numeric, 6)) END`

/** `street community` names of a region code's ancestry (the district and city are left out). */
const placeOf = (code: string) => sql`(
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND ${sql.ref(code)} IS NOT NULL
    AND left(${sql.ref(code)}, CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END))`

/** Every searchable entry inside the prefix (null: the whole database). */
export async function findSearchEntries(db: Kysely<Tables>, regionPrefix: string | null): Promise<SearchEntryRow[]> {
  const inScope = (column: string) =>
    regionPrefix === null ? sql`true` : sql`left(${sql.ref(column)}, ${regionPrefix.length}) = ${regionPrefix}`
  const { rows } = await sql<SearchEntryRow>`
    SELECT 'region' AS kind, r.code AS id, r.code, r.name, ${placeOf('p.code')} AS place, r.code AS "regionCode",
           NULL::text AS "chiefName", ${bboxOf('r.boundary')} AS bbox
    FROM regions r LEFT JOIN regions p ON p.code = r.parent_code
    WHERE r.level IN ('district', 'street', 'community') AND ${inScope('r.code')}
    UNION ALL
    SELECT 'unifiedGrid', u.id::text, u.code, c.name || '第' || right(u.code, 3) || '网格', ${placeOf('u.community_code')},
           u.community_code, NULL::text, ${bboxOf('u.boundary')}
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN regions c ON c.code = u.community_code
    WHERE ${inScope('u.community_code')}
    UNION ALL
    SELECT 'grid', g.id::text, g.code, g.name || '（' || d.name || '）', ${placeOf('g.community_code')}, g.community_code,
           (SELECT s.name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'chief' ORDER BY s.id LIMIT 1),
           ${bboxOf('g.boundary')}
    FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active JOIN departments d ON d.code = l.department
    WHERE ${inScope('g.community_code')}
    UNION ALL
    SELECT 'serviceCenter', s.id::text, s.code, s.name, ${placeOf('s.region_code')}, s.region_code, NULL::text, ${bboxOf('s.location')}
    FROM service_centers s WHERE ${inScope('s.region_code')}
    UNION ALL
    SELECT 'partyOrg', o.id::text, o.code, o.name, ${placeOf('o.region_code')}, o.region_code, NULL::text, ${bboxOf('o.location')}
    FROM party_orgs o WHERE ${inScope('o.region_code')}
    UNION ALL
    SELECT 'unit', u.id::text, u.code, u.name, ${placeOf('u.region_code')}, u.region_code, NULL::text, ${bboxOf('u.location')}
    FROM units u WHERE ${inScope('u.region_code')}`.execute(db)
  return rows
}
