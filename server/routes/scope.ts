// The caller's scope for every route: pass it to the service, which passes it to the repository,
// which filters by region-code prefix in SQL. A street official's or community worker's (or a scoped
// viewer's or wall token's) rows only; everything for an administrator. Cheap: a string slice of the
// principal the auth hook already resolved, no query.
import type { FastifyRequest } from 'fastify'
import type { RegionScope } from '../db/scope.ts'
import { regionScopeOf } from '../services/auth/roles.ts'

export type { RegionScope }

export function scopeOf(request: FastifyRequest): RegionScope {
  return regionScopeOf(request.principal)
}
