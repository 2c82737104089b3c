// Planner statistics after bulk writes. PGlite has no autovacuum, so a table it never analysed keeps
// no statistics at all and the planner guesses: sequential scans where an index would do (a merge
// step read every grid of the district to find the few of its communities). The server's
// autovacuum does analyse, but a minute or so after the load, while the first requests come in.
import { type Kysely, sql } from 'kysely'
import type { Tables } from './tables.ts'

export async function refreshStatistics(db: Kysely<Tables>, tables: (keyof Tables)[]): Promise<void> {
  await sql`ANALYZE ${sql.join(tables.map((t) => sql.id(t)))}`.execute(db)
}
