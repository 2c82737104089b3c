// Roles and scopes. A scope is the region a principal may see: null = everything, else a street's
// or a community's 12-digit code. The repositories filter by regionPrefixOf(scope) (the next step).
import type { UserRole } from '../../db/tables.ts'
import { isRegionCode, levelOfCode } from '../regions/region-codes.ts'

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
  const code = scope.regionCode
  if (code === null) return null
  const level = levelOfCode(code)
  if (level === 'community') return code
  if (level === 'street') return code.slice(0, 9)
  if (level === 'district') return code.slice(0, 6)
  return code.slice(0, 4)
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
