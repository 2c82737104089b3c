// Accounts, sessions and wall tokens. Tokens are looked up by their sha256; expired sessions and
// revoked tokens are never returned.
import type { Kysely } from 'kysely'
import type { Tables, UserRole } from '../tables.ts'

const userColumns = [
  'id',
  'username',
  'display_name as displayName',
  'role',
  'region_code as regionCode',
  'must_change_password as mustChangePassword',
  'is_active as isActive',
  'created_at as createdAt',
  'updated_at as updatedAt',
] as const

export type UserRow = Awaited<ReturnType<typeof findUserById>> & {}

export async function countUsers(db: Kysely<Tables>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export function findUserById(db: Kysely<Tables>, id: number) {
  return db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst()
}

export function findUserForLogin(db: Kysely<Tables>, username: string) {
  return db
    .selectFrom('users')
    .select([...userColumns, 'password_hash as passwordHash'])
    .where('username', '=', username)
    .executeTakeFirst()
}

export function listUsers(db: Kysely<Tables>) {
  return db.selectFrom('users').select(userColumns).orderBy('id').execute()
}

export async function insertUser(
  db: Kysely<Tables>,
  user: {
    username: string
    displayName: string | null
    role: UserRole
    regionCode: string | null
    passwordHash: string
    mustChangePassword: boolean
  },
): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({
      username: user.username,
      display_name: user.displayName,
      role: user.role,
      region_code: user.regionCode,
      password_hash: user.passwordHash,
      must_change_password: user.mustChangePassword,
    })
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('id')
    .executeTakeFirst()
  return row ? Number(row.id) : 0
}

export async function updateUser(
  db: Kysely<Tables>,
  id: number,
  changes: {
    displayName?: string | null
    role?: UserRole
    regionCode?: string | null
    isActive?: boolean
    passwordHash?: string
    mustChangePassword?: boolean
  },
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({
      ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.regionCode !== undefined ? { region_code: changes.regionCode } : {}),
      ...(changes.isActive !== undefined ? { is_active: changes.isActive } : {}),
      ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
      ...(changes.mustChangePassword !== undefined ? { must_change_password: changes.mustChangePassword } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function insertSession(db: Kysely<Tables>, tokenHash: string, userId: number, expiresAt: Date) {
  await db.insertInto('sessions').values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt }).execute()
}

/** The active user a live session belongs to. */
export function findSessionUser(db: Kysely<Tables>, tokenHash: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name as displayName',
      'u.role',
      'u.region_code as regionCode',
      'u.must_change_password as mustChangePassword',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', new Date())
    .where('u.is_active', '=', true)
    .executeTakeFirst()
}

export async function deleteSession(db: Kysely<Tables>, tokenHash: string) {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute()
}

/** Ends every session of a user (deactivated, password reset, role changed), or all but one. */
export async function deleteSessionsOf(db: Kysely<Tables>, userId: number, except?: string) {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (except) query = query.where('token_hash', '<>', except)
  await query.execute()
}

export async function deleteExpiredSessions(db: Kysely<Tables>) {
  await db.deleteFrom('sessions').where('expires_at', '<=', new Date()).execute()
}

export async function insertWallToken(
  db: Kysely<Tables>,
  token: { tokenHash: string; label: string; regionCode: string | null; createdBy: number },
): Promise<number> {
  const row = await db
    .insertInto('wall_tokens')
    .values({
      token_hash: token.tokenHash,
      label: token.label,
      region_code: token.regionCode,
      created_by: token.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(row.id)
}

const wallTokenColumns = [
  'id',
  'label',
  'region_code as regionCode',
  'created_at as createdAt',
  'revoked_at as revokedAt',
] as const

export function listWallTokens(db: Kysely<Tables>) {
  return db.selectFrom('wall_tokens').select(wallTokenColumns).orderBy('id').execute()
}

export function findLiveWallToken(db: Kysely<Tables>, tokenHash: string) {
  return db
    .selectFrom('wall_tokens')
    .select(wallTokenColumns)
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export async function revokeWallToken(db: Kysely<Tables>, id: number): Promise<boolean> {
  const result = await db
    .updateTable('wall_tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export function findWallTokenById(db: Kysely<Tables>, id: number) {
  return db.selectFrom('wall_tokens').select(wallTokenColumns).where('id', '=', id).executeTakeFirst()
}
