// Every route and the right it needs, in one table. The auth plugin refuses to start an app with a
// route missing here (so a route added later is born guarded) and enforces the table on every
// request: 401 when not signed in, 403 when signed in without the right.
//   public — anyone: health, login (local and OIDC), who-am-I, the docs and the web client's own files
//   read   — any signed-in account or wall token
//   user   — any signed-in account (not a wall token): its own password, signing out
//   admin  — 区/市 administrators: imports, merges, publishing, accounts, wall tokens, the audit log
// An entry's audit names the action the audit log records for it (every change and every export).
import type { Action } from '../../schemas/auth.schema.ts'
import type { Principal } from './roles.ts'

export type Access = 'public' | 'read' | 'user' | 'admin'

export interface AuditAction {
  action: string
  entity: string
}

export interface AccessEntry {
  access: Access
  audit?: AuditAction
}

export const accessTable: Record<string, AccessEntry> = {
  'GET /api/health': { access: 'public' },

  'POST /api/auth/login': { access: 'public', audit: { action: 'login', entity: 'session' } },
  'POST /api/auth/logout': { access: 'user' },
  'GET /api/auth/me': { access: 'public' },
  'POST /api/auth/password': { access: 'user', audit: { action: 'change-password', entity: 'user' } },
  'GET /api/auth/providers': { access: 'public' },
  'GET /api/auth/oidc/start': { access: 'public' },
  'GET /api/auth/oidc/callback': { access: 'public', audit: { action: 'login-oidc', entity: 'session' } },

  'GET /api/users': { access: 'admin' },
  'POST /api/users': { access: 'admin', audit: { action: 'create', entity: 'user' } },
  'PATCH /api/users/:id': { access: 'admin', audit: { action: 'update', entity: 'user' } },
  'GET /api/wall-tokens': { access: 'admin' },
  'POST /api/wall-tokens': { access: 'admin', audit: { action: 'create', entity: 'wall-token' } },
  'DELETE /api/wall-tokens/:id': { access: 'admin', audit: { action: 'revoke', entity: 'wall-token' } },
  'GET /api/audit': { access: 'admin' },

  'GET /api/regions': { access: 'read' },
  'GET /api/regions/:code': { access: 'read' },
  'GET /api/regions/:code/grid-figures': { access: 'read' },
  'GET /api/regions/:code/grids': { access: 'read' },
  'GET /api/regions/:code/grids.csv': { access: 'read', audit: { action: 'export', entity: 'region-grids' } },
  'GET /api/regions/:code/grids.xlsx': { access: 'read', audit: { action: 'export', entity: 'region-grids' } },
  'GET /api/regions/:code/place-figures': { access: 'read' },
  'GET /api/regions/:code/lists/:list': { access: 'read' },
  'GET /api/regions/:code/lists/:list.csv': { access: 'read', audit: { action: 'export', entity: 'region-list' } },
  'GET /api/regions/:code/lists/:list.xlsx': { access: 'read', audit: { action: 'export', entity: 'region-list' } },
  'GET /api/unified-grids/:code': { access: 'read' },
  'GET /api/layers': { access: 'read' },
  'GET /api/layers/:layer/features': { access: 'read' },
  'GET /api/basemap.pmtiles': { access: 'read' },
  'GET /tiles/:layer/:z/:x/:y.mvt': { access: 'read' },
  'GET /tiles/:layer.json': { access: 'read' },
  'GET /api/summary': { access: 'read' },
  'GET /api/search': { access: 'read' },
  'GET /api/events': { access: 'read' },
  'GET /api/wall-tours': { access: 'read' },
  'GET /api/wall-tours/:id': { access: 'read' },
  'POST /api/wall-tours': { access: 'admin', audit: { action: 'create', entity: 'wall-tour' } },
  'PUT /api/wall-tours/:id': { access: 'admin', audit: { action: 'update', entity: 'wall-tour' } },
  'DELETE /api/wall-tours/:id': { access: 'admin', audit: { action: 'delete', entity: 'wall-tour' } },
  'GET /api/service-maps/grid/:code.pdf': { access: 'read', audit: { action: 'export', entity: 'service-map' } },
  'GET /api/service-maps/community/:code.pdf': {
    access: 'read',
    audit: { action: 'export', entity: 'service-map' },
  },

  'POST /api/imports': { access: 'admin', audit: { action: 'import', entity: 'import' } },
  'POST /api/road-networks': { access: 'admin', audit: { action: 'import', entity: 'road-network' } },
  'GET /api/imports/:id': { access: 'admin' },

  'POST /api/merge-runs': { access: 'admin', audit: { action: 'start', entity: 'merge-run' } },
  'POST /api/merge-engines': { access: 'admin' },
  'GET /api/merge-runs/defaults': { access: 'read' },
  'GET /api/merge-runs/vocabulary': { access: 'read' },
  'GET /api/merge-runs/:id': { access: 'read' },
  'GET /api/merge-runs/:id/issues': { access: 'read' },
  'POST /api/merge-runs/:id/publish': { access: 'admin', audit: { action: 'publish', entity: 'merge-run' } },
  'GET /api/merge-runs/:id/diff/:other': { access: 'read' },

  'GET /api/party/coverage': { access: 'read' },
  'GET /api/party/coverage.csv': { access: 'read', audit: { action: 'export', entity: 'party-coverage' } },
  'GET /api/party/coverage.xlsx': { access: 'read', audit: { action: 'export', entity: 'party-coverage' } },
  'GET /api/party/findings': { access: 'read' },
  'GET /api/party/findings.csv': { access: 'read', audit: { action: 'export', entity: 'party-findings' } },
  'GET /api/party/findings.xlsx': { access: 'read', audit: { action: 'export', entity: 'party-findings' } },
  'GET /api/party/joint-committees': { access: 'read' },
  'GET /api/party/orgs/:code': { access: 'read' },
  'GET /api/party/units/:code': { access: 'read' },
  'POST /api/party/imports': { access: 'admin', audit: { action: 'import', entity: 'party-register' } },
  'GET /api/party/vocabulary': { access: 'read' },
  'GET /api/coverage': { access: 'read' },
  'GET /api/service-centers/:id': { access: 'read' },
  'POST /api/catchments': { access: 'admin', audit: { action: 'rebuild', entity: 'catchments' } },
  // a hypothetical centre changes nothing: any reader may try one
  'POST /api/siting/what-if': { access: 'read' },
  'POST /api/siting-scenarios': { access: 'admin', audit: { action: 'run', entity: 'siting-scenario' } },
  'GET /api/siting-scenarios': { access: 'read' },
  'GET /api/siting-scenarios/compare': { access: 'read' },
  'GET /api/siting-scenarios/:id': { access: 'read' },
  'GET /api/siting-scenarios/:id/export/:format': {
    access: 'read',
    audit: { action: 'export', entity: 'siting-scenario' },
  },
}

/** GET routes outside /api/ and /tiles/ are the web client's files and the API docs: public. */
const isClientFile = (method: string, url: string) =>
  method === 'GET' && !url.startsWith('/api/') && !url.startsWith('/tiles/') && url !== '/api'

/** The entry for a route as Fastify registered it (HEAD shares its GET's entry). */
export function accessEntryOf(method: string, url: string): AccessEntry | undefined {
  const verb = method === 'HEAD' ? 'GET' : method
  return accessTable[`${verb} ${url}`] ?? (isClientFile(verb, url) ? { access: 'public' } : undefined)
}

export type Refusal = 'unauthenticated' | 'forbidden' | 'password_change_required'

/** Why a principal may not call a route with this access, or undefined when it may. */
export function refusalFor(access: Access, principal: Principal | undefined): Refusal | undefined {
  if (access === 'public') return undefined
  if (!principal) return 'unauthenticated'
  if (access === 'read') return principal.mustChangePassword ? 'password_change_required' : undefined
  if (principal.kind !== 'user') return 'forbidden'
  if (access === 'user') return undefined
  if (principal.mustChangePassword) return 'password_change_required'
  return principal.role === 'admin' ? undefined : 'forbidden'
}

/** The route behind each action the web offers as a button (GET /api/auth/me says which the caller may take). */
export const actionRoutes: Record<Action, string> = {
  'print-grid-map': 'GET /api/service-maps/grid/:code.pdf',
  'print-community-map': 'GET /api/service-maps/community/:code.pdf',
}

/** The actions `principal` may take: those whose route this table would serve it. */
export function allowedActions(principal: Principal | undefined): Action[] {
  return (Object.keys(actionRoutes) as Action[]).filter((action) => {
    const entry = accessTable[actionRoutes[action]]
    return !!principal && !!entry && refusalFor(entry.access, principal) === undefined
  })
}

export const stateChangingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
