// The print buttons are shown by the server's own access table: every signed-in account and a wall
// token may print a service map (access 'read'), nobody signed out, nor an account that must first
// change its one-time password.
import { describe, expect, it } from 'vitest'
import { mayPrint, serviceMapUrl } from '../../web/src/features/print/print.ts'
import type { Me } from '../../web/src/features/auth/session.svelte.ts'

const account = (role: Me['role'], kind: Me['kind'] = 'user', mustChangePassword = false): Me => ({
  kind,
  id: 1,
  role,
  scope: { regionCode: role === 'admin' ? null : '410199001000' },
  mustChangePassword,
  csrfToken: null,
})

describe('who is offered a printed service map', () => {
  it('follows access.ts for each kind', () => {
    for (const kind of ['grid', 'community'] as const) {
      expect(mayPrint(kind, account('admin'))).toBe(true)
      expect(mayPrint(kind, account('street'))).toBe(true)
      expect(mayPrint(kind, account('street', 'wall'))).toBe(true)
      expect(mayPrint(kind, account('street', 'user', true))).toBe(false)
      expect(mayPrint(kind, undefined)).toBe(false)
    }
  })

  it('links the PDF routes', () => {
    expect(serviceMapUrl('grid', 'A-1')).toBe('/api/service-maps/grid/A-1.pdf')
    expect(serviceMapUrl('community', '410199001001')).toBe('/api/service-maps/community/410199001001.pdf')
  })
})
