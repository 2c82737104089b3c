// Accounts, sessions and wall tokens: signing in and out, who a cookie or wall token belongs to,
// the initial administrator, and the administrators' account and token management.
// Principals are cached for a few seconds, keyed by the token's hash (every tile request asks):
// one lookup in flight per token, and any change to an account, a session or a token clears the
// cache in this process at once; a lookup that was in flight during the change is not kept.
import type { Kysely } from 'kysely'
import {
  countUsers,
  deleteExpiredSessions,
  deleteSession,
  deleteSessionsOf,
  findLiveWallToken,
  findSessionUser,
  findUserById,
  findUserForLogin,
  findWallTokenById,
  insertSession,
  insertUser,
  insertWallToken,
  listUsers,
  listWallTokens,
  revokeWallToken,
  updateUser,
} from '../../db/repositories/auth.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.ts'
import { type AuthMessage, messageFor } from './messages.ts'
import {
  csrfTokenOf,
  hashPassword,
  hashToken,
  newOneTimePassword,
  newToken,
  passwordMinLength,
  unknownUserHash,
  verifyPassword,
} from './passwords.ts'
import { type Principal, type Role, checkRoleScope } from './roles.ts'

const cacheMs = 10_000
/** Principals kept at most; the oldest go first (a flood of made-up tokens cannot grow it). */
const cacheEntries = 10_000

type MaybePromise<T> = T | Promise<T>

interface CachedPrincipal {
  principal: MaybePromise<Principal | undefined>
  until: number
}

export interface AuthSettings {
  sessionHours: number
  adminUsername: string
  adminPassword: string | undefined
}

/** The language a failure is told in: the request's Accept-Language header. */
export type Language = string | undefined

const fail = (
  Error: typeof InvalidInputError | typeof ConflictError,
  key: AuthMessage,
  lang: Language,
  field?: string,
) =>
  Error === InvalidInputError
    ? new InvalidInputError(messageFor(key, lang), field ? [{ field }] : undefined)
    : new ConflictError(messageFor(key, lang))

const publicUser = (row: NonNullable<Awaited<ReturnType<typeof findUserById>>>) => ({
  id: Number(row.id),
  username: row.username,
  displayName: row.displayName,
  role: row.role,
  regionCode: row.regionCode,
  mustChangePassword: row.mustChangePassword,
  isActive: row.isActive,
  createdAt: new Date(row.createdAt).toISOString(),
  updatedAt: new Date(row.updatedAt).toISOString(),
})
export type PublicUser = ReturnType<typeof publicUser>

export class AuthService {
  private readonly principals = new Map<string, CachedPrincipal>()
  /** Bumped by every change: a lookup started before it is not cached after it. */
  private generation = 0

  constructor(
    private readonly db: Kysely<Tables>,
    readonly settings: AuthSettings,
  ) {}

  private forget(): void {
    this.generation += 1
    this.principals.clear()
  }

  /**
   * On a database with no account: the initial administrator, with ADMIN_PASSWORD or else a random
   * one-time password that must be changed at first sign-in. Returns that password to log once.
   */
  async ensureInitialAdmin(): Promise<{ username: string; oneTimePassword?: string } | undefined> {
    if ((await countUsers(this.db)) > 0) return undefined
    const { adminUsername: username, adminPassword } = this.settings
    const password = adminPassword ?? newOneTimePassword()
    const id = await insertUser(this.db, {
      username,
      displayName: null,
      role: 'admin',
      regionCode: null,
      passwordHash: await hashPassword(password),
      mustChangePassword: adminPassword === undefined,
    })
    if (!id) return undefined // another process created it first
    return adminPassword === undefined ? { username, oneTimePassword: password } : { username }
  }

  /** A new session for the right username and password, else undefined (same time either way). */
  async login(username: string, password: string): Promise<{ token: string; principal: Principal } | undefined> {
    const user = await findUserForLogin(this.db, username)
    const ok = await verifyPassword(password, user?.passwordHash ?? unknownUserHash)
    if (!user || !ok || !user.isActive) return undefined
    const token = newToken()
    const expires = new Date(Date.now() + this.settings.sessionHours * 3600_000)
    await deleteExpiredSessions(this.db)
    await insertSession(this.db, hashToken(token), Number(user.id), expires)
    return { token, principal: (await this.principalOfSession(token))! }
  }

  /**
   * A new session for an account an identity provider vouched for (OIDC): the local row is created
   * on first sign-in and its name, role and scope follow the provider's claims at every sign-in; its
   * password is random and never told (it signs in only through the provider). Undefined when an
   * administrator has deactivated the account.
   */
  async loginExternal(user: {
    username: string
    displayName: string | null
    role: Role
    regionCode: string | null
  }): Promise<{ token: string; principal: Principal } | undefined> {
    let row = await findUserForLogin(this.db, user.username)
    if (!row) {
      await insertUser(this.db, { ...user, passwordHash: await hashPassword(newToken()), mustChangePassword: false })
      row = (await findUserForLogin(this.db, user.username))!
    } else if (row.isActive) {
      const { displayName, role, regionCode } = user
      if (row.displayName !== displayName || row.role !== role || row.regionCode !== regionCode) {
        await updateUser(this.db, Number(row.id), { displayName, role, regionCode })
        // sessions granted under the old role or scope end
        await deleteSessionsOf(this.db, Number(row.id))
      }
    }
    if (!row.isActive) return undefined
    const token = newToken()
    await deleteExpiredSessions(this.db)
    await insertSession(
      this.db,
      hashToken(token),
      Number(row.id),
      new Date(Date.now() + this.settings.sessionHours * 3600_000),
    )
    this.forget()
    return { token, principal: (await this.principalOfSession(token))! }
  }

  async logout(sessionToken: string): Promise<void> {
    await deleteSession(this.db, hashToken(sessionToken))
    this.forget()
  }

  csrfTokenOf(sessionToken: string): string {
    return csrfTokenOf(sessionToken)
  }

  /**
   * The principal a token hash stands for: from the cache while fresh (no promise, no query), else
   * loaded once however many requests ask meanwhile.
   */
  private cached(key: string, load: () => Promise<Principal | undefined>): MaybePromise<Principal | undefined> {
    const now = Date.now()
    const hit = this.principals.get(key)
    if (hit && hit.until > now) return hit.principal
    const generation = this.generation
    const loading: Promise<Principal | undefined> = load().then(
      (principal) => {
        const entry = this.principals.get(key)
        if (entry?.principal === loading && this.generation === generation)
          this.principals.set(key, { principal, until: Date.now() + cacheMs })
        return principal
      },
      (error: unknown) => {
        if (this.principals.get(key)?.principal === loading) this.principals.delete(key)
        throw error
      },
    )
    this.principals.delete(key)
    if (this.principals.size >= cacheEntries) this.principals.delete(this.principals.keys().next().value!)
    this.principals.set(key, { principal: loading, until: now + cacheMs })
    return loading
  }

  principalOfSession(sessionToken: string): MaybePromise<Principal | undefined> {
    const tokenHash = hashToken(sessionToken)
    return this.cached(`s:${tokenHash}`, async () => {
      const row = await findSessionUser(this.db, tokenHash)
      if (!row) return undefined
      return {
        kind: 'user',
        id: Number(row.id),
        username: row.username,
        displayName: row.displayName,
        role: row.role,
        scope: { regionCode: row.regionCode },
        mustChangePassword: row.mustChangePassword,
      }
    })
  }

  principalOfWallToken(wallToken: string): MaybePromise<Principal | undefined> {
    const tokenHash = hashToken(wallToken)
    return this.cached(`w:${tokenHash}`, async () => {
      const row = await findLiveWallToken(this.db, tokenHash)
      if (!row) return undefined
      return { kind: 'wall', id: Number(row.id), role: 'viewer', scope: { regionCode: row.regionCode } }
    })
  }

  async changeOwnPassword(
    principal: Principal,
    sessionToken: string,
    currentPassword: string,
    newPassword: string,
    lang: Language,
  ): Promise<void> {
    const user = await findUserForLogin(this.db, principal.username ?? '')
    if (!user || !(await verifyPassword(currentPassword, user.passwordHash)))
      throw fail(InvalidInputError, 'wrong_current_password', lang, 'currentPassword')
    this.checkPassword(newPassword, lang)
    await updateUser(this.db, Number(user.id), {
      passwordHash: await hashPassword(newPassword),
      mustChangePassword: false,
    })
    await deleteSessionsOf(this.db, Number(user.id), hashToken(sessionToken))
    this.forget()
  }

  private checkPassword(password: string, lang: Language): void {
    if (Array.from(password).length < passwordMinLength)
      throw fail(InvalidInputError, 'short_password', lang, 'password')
  }

  async listUsers(): Promise<PublicUser[]> {
    return (await listUsers(this.db)).map(publicUser)
  }

  async createUser(
    input: { username: string; displayName?: string; role: Role; regionCode?: string | null; password: string },
    lang: Language,
  ): Promise<PublicUser> {
    const regionCode = input.regionCode ?? null
    if (checkRoleScope(input.role, regionCode)) throw fail(InvalidInputError, 'bad_scope', lang, 'regionCode')
    this.checkPassword(input.password, lang)
    const id = await insertUser(this.db, {
      username: input.username,
      displayName: input.displayName ?? null,
      role: input.role,
      regionCode,
      passwordHash: await hashPassword(input.password),
      // an account made by an administrator starts with a password someone else knows
      mustChangePassword: true,
    })
    if (!id) throw fail(ConflictError, 'user_exists', lang)
    return publicUser((await findUserById(this.db, id))!)
  }

  async updateUser(
    actor: Principal,
    id: number,
    changes: {
      displayName?: string | null
      role?: Role
      regionCode?: string | null
      isActive?: boolean
      password?: string
    },
    lang: Language,
  ): Promise<PublicUser> {
    const user = await findUserById(this.db, id)
    if (!user) throw new NotFoundError(messageFor('user_not_found', lang))
    const role = changes.role ?? user.role
    const regionCode = changes.regionCode !== undefined ? changes.regionCode : role === 'admin' ? null : user.regionCode
    if (checkRoleScope(role, regionCode)) throw fail(InvalidInputError, 'bad_scope', lang, 'regionCode')
    if (actor.id === id && (changes.isActive === false || role !== 'admin'))
      throw fail(ConflictError, 'self_lockout', lang)
    if (changes.password !== undefined) this.checkPassword(changes.password, lang)
    await updateUser(this.db, id, {
      displayName: changes.displayName,
      role,
      regionCode,
      isActive: changes.isActive,
      ...(changes.password !== undefined
        ? { passwordHash: await hashPassword(changes.password), mustChangePassword: true }
        : {}),
    })
    // a changed right or password ends the account's sessions: they were granted under the old one
    if (
      changes.role !== undefined ||
      changes.regionCode !== undefined ||
      changes.isActive === false ||
      changes.password
    )
      await deleteSessionsOf(this.db, id)
    this.forget()
    return publicUser((await findUserById(this.db, id))!)
  }

  async createWallToken(actor: Principal, label: string, regionCode: string | null, lang: Language) {
    if (regionCode !== null && checkRoleScope('viewer', regionCode))
      throw fail(InvalidInputError, 'bad_scope', lang, 'regionCode')
    const token = newToken()
    const id = await insertWallToken(this.db, { tokenHash: hashToken(token), label, regionCode, createdBy: actor.id })
    return { ...serializeWallToken((await findWallTokenById(this.db, id))!), token }
  }

  async listWallTokens() {
    return (await listWallTokens(this.db)).map(serializeWallToken)
  }

  async revokeWallToken(id: number, lang: Language) {
    if (!(await revokeWallToken(this.db, id))) throw new NotFoundError(messageFor('wall_token_not_found', lang))
    this.forget()
    return serializeWallToken((await findWallTokenById(this.db, id))!)
  }
}

function serializeWallToken(row: NonNullable<Awaited<ReturnType<typeof findWallTokenById>>>) {
  return {
    id: Number(row.id),
    label: row.label,
    regionCode: row.regionCode,
    createdAt: new Date(row.createdAt).toISOString(),
    revokedAt: row.revokedAt ? new Date(row.revokedAt).toISOString() : null,
  }
}
