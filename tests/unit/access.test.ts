import { describe, expect, it } from 'vitest'
import { accessEntryOf, refusalFor } from '../../server/services/auth/access.ts'
import { type Principal, checkRoleScope, isInScope, regionPrefixOf } from '../../server/services/auth/roles.ts'

const user = (
  role: Principal['role'],
  regionCode: string | null = null,
  extra: Partial<Principal> = {},
): Principal => ({
  kind: 'user',
  id: 1,
  username: 'u',
  role,
  scope: { regionCode },
  ...extra,
})
const wall: Principal = { kind: 'wall', id: 1, role: 'viewer', scope: { regionCode: null } }

describe('regionPrefixOf', () => {
  it('gives everything for no scope, a street its first 9 digits, a community all 12', () => {
    expect(regionPrefixOf({ regionCode: null })).toBeNull()
    expect(regionPrefixOf({ regionCode: '410105001000' })).toBe('410105001')
    expect(regionPrefixOf({ regionCode: '410105001002' })).toBe('410105001002')
    expect(regionPrefixOf({ regionCode: '410105000000' })).toBe('410105')
  })

  it('puts a community inside its street and not inside the next one', () => {
    expect(isInScope({ regionCode: '410105001000' }, '410105001002')).toBe(true)
    expect(isInScope({ regionCode: '410105002000' }, '410105001002')).toBe(false)
    expect(isInScope({ regionCode: '410105002000' }, null)).toBe(false)
  })
})

describe('checkRoleScope', () => {
  it('wants a street code for a street account, a community code for a community account, none for an admin', () => {
    expect(checkRoleScope('street', '410105001000')).toBeUndefined()
    expect(checkRoleScope('street', '410105001002')).toBe('regionCode')
    expect(checkRoleScope('street', null)).toBe('regionCode')
    expect(checkRoleScope('community', '410105001002')).toBeUndefined()
    expect(checkRoleScope('admin', '410105001000')).toBe('regionCode')
    expect(checkRoleScope('viewer', null)).toBeUndefined()
  })
})

describe('refusalFor', () => {
  it('lets anyone call public routes', () => expect(refusalFor('public', undefined)).toBeUndefined())

  it('wants a principal for read, an account for user, an administrator for admin', () => {
    expect(refusalFor('read', undefined)).toBe('unauthenticated')
    expect(refusalFor('read', wall)).toBeUndefined()
    expect(refusalFor('user', wall)).toBe('forbidden')
    expect(refusalFor('admin', wall)).toBe('forbidden')
    for (const role of ['viewer', 'street', 'community'] as const)
      expect(refusalFor('admin', user(role))).toBe('forbidden')
    expect(refusalFor('admin', user('admin'))).toBeUndefined()
  })

  it('lets a one-time password do nothing but change itself', () => {
    const fresh = user('admin', null, { mustChangePassword: true })
    expect(refusalFor('read', fresh)).toBe('password_change_required')
    expect(refusalFor('admin', fresh)).toBe('password_change_required')
    expect(refusalFor('user', fresh)).toBeUndefined()
  })
})

describe('accessEntryOf', () => {
  it('finds a route by method and pattern, HEAD as GET, and treats other GET paths as the web client', () => {
    expect(accessEntryOf('POST', '/api/imports')).toMatchObject({ access: 'admin', audit: { action: 'import' } })
    expect(accessEntryOf('HEAD', '/api/summary')).toEqual({ access: 'read' })
    expect(accessEntryOf('GET', '/assets/index.js')).toEqual({ access: 'public' })
    expect(accessEntryOf('GET', '/api/unlisted')).toBeUndefined()
    expect(accessEntryOf('POST', '/anything')).toBeUndefined()
  })
})
