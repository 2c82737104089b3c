// Roles and scopes. A scope is the region a principal may see: null = everything, else a street's
// or a community's 12-digit code (a viewer or a wall token may carry any region's). Every repository
// that reads regional rows filters by regionPrefixOf(scope), as a RegionScope (server/db/scope.ts);
// routes take it from the request with scopeOf (server/routes/scope.ts).
import type { RegionScope } from '../../db/scope.ts'
import type { UserRole } from '../../db/tables.ts'
import { codePrefixOf, isRegionCode, levelOfCode } from '../../db/region-codes.ts'

export type Role = UserRole

export const roles: readonly Role[] = ['admin', 'street', 'community', 'viewer']

export interface Scope {
  regionCode: string | null
}

export interface Principal {
  kind: 'user' | 'wall'
  id: number
  username?: string
  displayName?: string | null
  role: Role
  scope: Scope
  mustChangePassword?: boolean
}

export const everything: Scope = { regionCode: null }

/**
 * The code prefix every region, grid or point inside the scope starts with: a street's first 9
 * digits, a community's 12, a district's 6; null for everything.
 */
export function regionPrefixOf(scope: Scope): string | null {
  return scope.regionCode === null ? null : codePrefixOf(scope.regionCode)
}

/** The scope as the repositories take it: `{ regionPrefix }`, or `{}` for everything (and for no principal). */
export function regionScopeOf(principal: Principal | undefined): RegionScope {
  const prefix = principal ? regionPrefixOf(principal.scope) : null
  return prefix ? { regionPrefix: prefix } : {}
}

/**
 * The narrower of the scope and a requested region (its code's prefix); undefined when they do not
 * meet (the region lies outside the scope: answer 404, not 403, so as not to tell it exists).
 */
export function narrowScope(scope: RegionScope, regionCode: string | undefined): RegionScope | undefined {
  if (!regionCode) return scope
  const wanted = codePrefixOf(regionCode)
  const held = scope.regionPrefix
  if (!held || wanted.startsWith(held)) return { regionPrefix: wanted }
  if (held.startsWith(wanted)) return { regionPrefix: held }
  return undefined
}

/** Whether a region code lies inside the scope. */
export function isInScope(scope: Scope, regionCode: string | null | undefined): boolean {
  const prefix = regionPrefixOf(scope)
  if (prefix === null) return true
  return typeof regionCode === 'string' && regionCode.startsWith(prefix)
}

/** The scope a role must have: street and community accounts name their region; admins see all. */
export function checkRoleScope(role: Role, regionCode: string | null): string | undefined {
  if (regionCode !== null && !isRegionCode(regionCode)) return 'regionCode'
  if (role === 'admin' && regionCode !== null) return 'regionCode'
  if (role === 'street' && (regionCode === null || levelOfCode(regionCode) !== 'street')) return 'regionCode'
  if (role === 'community' && (regionCode === null || levelOfCode(regionCode) !== 'community')) return 'regionCode'
  return undefined
}

/** Roles that may see personal data (phone numbers, names) — inside their scope. */
export function maySeePersonalData(principal: Principal | undefined, regionCode: string | null | undefined): boolean {
  if (!principal || principal.kind !== 'user') return false
  if (principal.role === 'admin') return true
  if (principal.role === 'street' || principal.role === 'community') return isInScope(principal.scope, regionCode)
  return false
}
