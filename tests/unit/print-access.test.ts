// The print buttons follow the server's own access table, as GET /api/auth/me hands it on (`actions`):
// every signed-in account and a wall token may print a service map (access 'read'), nobody signed
// out, nor an account that must first change its one-time password. The web reads only the answer.
import { describe, expect, it } from 'vitest'
import { actionRoutes, allowedActions } from '../../server/services/auth/access.ts'
import type { Principal } from '../../server/services/auth/roles.ts'
import { mayPrint, serviceMapUrl } from '../../web/src/features/print/print.ts'
import type { Me } from '../../web/src/features/auth/session.svelte.ts'

const account = (role: Principal['role'], kind: Principal['kind'] = 'user', mustChangePassword = false): Principal => ({
  kind,
  id: 1,
  role,
  scope: { regionCode: role === 'admin' ? null : '410199001000' },
  mustChangePassword,
})

/** The answer of GET /api/auth/me for `principal`, as far as the print buttons read it. */
const me = (principal: Principal): Me => ({
  kind: principal.kind,
  id: principal.id,
  role: principal.role,
  scope: principal.scope,
  mustChangePassword: principal.mustChangePassword ?? false,
  csrfToken: null,
  actions: allowedActions(principal),
})

describe('who is offered a printed service map', () => {
  it('follows access.ts for each kind', () => {
    for (const kind of ['grid', 'community'] as const) {
      expect(mayPrint(kind, me(account('admin')))).toBe(true)
      expect(mayPrint(kind, me(account('street')))).toBe(true)
      expect(mayPrint(kind, me(account('street', 'wall')))).toBe(true)
      expect(mayPrint(kind, me(account('street', 'user', true)))).toBe(false)
      expect(mayPrint(kind, undefined)).toBe(false)
    }
    expect(allowedActions(undefined)).toEqual([])
  })

  it('names a route of the access table for every action', () => {
    expect(actionRoutes).toEqual({
      'print-grid-map': 'GET /api/service-maps/grid/:code.pdf',
      'print-community-map': 'GET /api/service-maps/community/:code.pdf',
    })
  })

  it('links the PDF routes', () => {
    expect(serviceMapUrl('grid', 'A-1')).toBe('/api/service-maps/grid/A-1.pdf')
    expect(serviceMapUrl('community', '410199001001')).toBe('/api/service-maps/community/410199001001.pdf')
  })
})
