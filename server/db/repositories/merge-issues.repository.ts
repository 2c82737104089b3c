// The issues a merge run found, filtered and paged for the issue list.
import { type Kysely, type Transaction, sql } from 'kysely'
import type { MergeIssueKind, Tables } from '../tables.ts'

type Db = Kysely<Tables> | Transaction<Tables>

export interface IssueRow {
  id: number
  kind: MergeIssueKind
  communityCode: string | null
  communityName: string | null
  department: string | null
  areaM2: number
  gridIds: number[]
  note: string | null
  bbox: [number, number, number, number] | null
}

/**
 * A page of a run's issues, largest first, with how many match the filter, and how many of each
 * kind match it but for the kind (what a legend shows next to each kind).
 */
export async function findIssues(
  db: Db,
  runId: number,
  filter: { kind?: MergeIssueKind; department?: string; regionPrefix?: string; limit: number; offset: number },
): Promise<{ total: number; byKind: Record<string, number>; issues: IssueRow[] }> {
  let anyKind = db.selectFrom('merge_issues').where('merge_run_id', '=', runId)
  if (filter.department) anyKind = anyKind.where('department', '=', filter.department)
  if (filter.regionPrefix)
    anyKind = anyKind.where(sql<boolean>`left(community_code, ${filter.regionPrefix.length}) = ${filter.regionPrefix}`)
  const counts = await anyKind
    .groupBy('kind')
    .select(['kind', sql<number>`count(*)::int`.as('n')])
    .execute()
  const byKind = Object.fromEntries(counts.map((c) => [c.kind, c.n]))
  const query = filter.kind ? anyKind.where('kind', '=', filter.kind) : anyKind
  const total = filter.kind ? (byKind[filter.kind] ?? 0) : counts.reduce((sum, c) => sum + c.n, 0)
  const issues = await query
    .select([
      'id',
      'kind',
      'community_code as communityCode',
      sql<string | null>`(SELECT r.name FROM regions r WHERE r.code = merge_issues.community_code)`.as('communityName'),
      'department',
      'area_m2 as areaM2',
      'grid_ids as gridIds',
      'note',
      sql<
        [number, number, number, number] | null
      >`CASE WHEN geom IS NULL THEN NULL ELSE json_build_array(ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)) END`.as(
        'bbox',
      ),
    ])
    .orderBy('area_m2', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute()
  return { total, byKind, issues: issues as IssueRow[] }
}
