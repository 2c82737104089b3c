// The caller's scope as every repository takes it: a region-code prefix (a street's first 9 digits,
// a community's 12, a district's 6) that the rows' region code must start with; absent = everything.
// Region codes are hierarchical, so "inside my street" is a prefix test on the code — no geometry.
import { type RawBuilder, sql } from 'kysely'

export interface RegionScope {
  /** region-code prefix the rows must start with (the caller's scope); absent = everything */
  regionPrefix?: string
}

/** Everything: administrators, and the server's own work (merges, imports, the demo loader). */
export const everywhere: RegionScope = {}

/**
 * `column` lies in the scope: TRUE without a prefix, else its first digits are the prefix (a NULL
 * region code is in no scope). `column` comes from code, never from a request.
 */
export function inScope(column: RawBuilder<unknown>, scope: RegionScope | undefined): RawBuilder<boolean> {
  const prefix = scope?.regionPrefix
  if (!prefix) return sql<boolean>`TRUE`
  return sql<boolean>`left(${column}, ${prefix.length}::int) = ${prefix}::text`
}
