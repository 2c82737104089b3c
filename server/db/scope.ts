// The caller's scope as every repository takes it: a region-code prefix (a street's first 9 digits,
// a community's 12, a district's 6) that the rows' region code must start with; absent = everything.
// Region codes are hierarchical, so "inside my street" is a prefix test on the code — no geometry.
import { type RawBuilder, sql } from 'kysely'
import type { RegionLevel } from './tables.ts'

export interface RegionScope {
  /** region-code prefix the rows must start with (the caller's scope); absent = everything */
  regionPrefix?: string
}

/** Digits of a 12-digit region code that a region's descendants share, by the region's level. */
export const codePrefixLength: Record<RegionLevel, number> = { city: 4, district: 6, street: 9, community: 12 }

/** The prefix a region of `level` shares with its descendants: the first digits of its code. */
export function regionCodePrefix(code: string, level: RegionLevel): string {
  return code.slice(0, codePrefixLength[level])
}

/** Everything: administrators, and the server's own work (merges, imports, the demo loader). */
export const everywhere: RegionScope = {}

/**
 * The key of a cached answer (a tile, the KPI figures, a search index): the scope's prefix first (empty
 * for everything), then the parts, joined by `|`. Every cache of the server builds its keys here, so
 * that one scope's entry is never served to another.
 */
export function scopedCacheKey(scope: RegionScope, ...parts: (string | number)[]): string {
  return [scope.regionPrefix ?? '', ...parts].join('|')
}

/**
 * `column` lies in the scope: TRUE without a prefix, else its first digits are the prefix (a NULL
 * region code is in no scope). `column` comes from code, never from a request.
 */
export function inScope(column: RawBuilder<unknown>, scope: RegionScope | undefined): RawBuilder<boolean> {
  const prefix = scope?.regionPrefix
  if (!prefix) return sql<boolean>`TRUE`
  return sql<boolean>`left(${column}, ${prefix.length}::int) = ${prefix}::text`
}

/**
 * `column` (a 12-digit region code) lies in the scope or is one of its ancestors (the district or
 * street the scope lies in, whose code's significant digits begin the prefix): what may be named
 * beside the scope's own rows, as where they belong (a district-level organization covering a unit of
 * the street). TRUE without a prefix; a NULL region code is in no scope.
 */
export function inScopeOrAbove(column: RawBuilder<unknown>, scope: RegionScope | undefined): RawBuilder<boolean> {
  const prefix = scope?.regionPrefix
  if (!prefix) return sql<boolean>`TRUE`
  const significant = sql`CASE WHEN right(${column}, 6) = '000000' THEN left(${column}, 6)
    WHEN right(${column}, 3) = '000' THEN left(${column}, 9) ELSE ${column} END`
  return sql<boolean>`(${inScope(column, scope)} OR left(${prefix}::text, length(${significant})) = ${significant})`
}
