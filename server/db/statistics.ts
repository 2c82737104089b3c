// Planner statistics after bulk writes. PGlite has no autovacuum, so a table it never analysed keeps
// no statistics at all and the planner guesses: sequential scans where an index would do (a merge
// step read every grid of the district to find the few of its communities). The server's
// autovacuum does analyse, but a minute or so after the load, while the first requests come in.
import { type Kysely, sql } from 'kysely'
import type { Tables } from './tables.ts'

export async function refreshStatistics(db: Kysely<Tables>, tables: (keyof Tables)[]): Promise<void> {
  await sql`ANALYZE ${sql.join(tables.map((t) => sql.id(t)))}`.execute(db)
}

/**
 * Analyses those of `tables` that hold rows but were never analysed (a data directory loaded before
 * statistics were kept): at start, so that its first queries are planned on real figures. Empty
 * tables stay unanalysed, for the reason given above `districtTables`.
 */
export async function analyseNeverAnalysed(db: Kysely<Tables>, tables: (keyof Tables)[]): Promise<(keyof Tables)[]> {
  const { rows } = await sql<{ name: keyof Tables }>`
    SELECT c.relname AS name FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.reltuples < 0 AND c.relname = ANY(${tables}::text[])`.execute(
    db,
  )
  const stale: (keyof Tables)[] = []
  for (const { name } of rows) {
    const {
      rows: [filled],
    } = await sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(name)}) AS any`.execute(db)
    if (filled.any) stale.push(name)
  }
  if (stale.length > 0) await refreshStatistics(db, stale)
  return stale
}
