// Single sign-on through the site's OIDC provider (统一身份认证): the authorization-code flow with
// PKCE, state and nonce, through openid-client. start() gives the provider's authorization URL and
// the transaction (state, nonce, PKCE verifier) the route keeps in a short-lived HTTP-only cookie;
// finish() checks the state, exchanges the code on the server, verifies the ID token (signature,
// issuer, audience, nonce — the library does), maps its claims to a role and a scope, and signs the
// person in with the same session as a local sign-in. The provider's metadata is discovered on first
// use and kept; a provider that cannot be reached is a 503, and discovery is retried next time.
import { createHash } from 'node:crypto'
import * as client from 'openid-client'
import type { Config } from '../../config.ts'
import type { AuthService } from './auth.service.ts'
import type { AuthMessage } from './messages.ts'
import { type Principal, type Role, checkRoleScope, roles } from './roles.ts'

export type OidcSettings = Pick<
  Config,
  | 'oidcIssuer'
  | 'oidcClientId'
  | 'oidcClientSecret'
  | 'oidcRedirectUrl'
  | 'oidcRoleClaim'
  | 'oidcScopeClaim'
  | 'oidcRoleMap'
>

/** What start() hands the route to keep until the provider sends the person back. */
export interface OidcTransaction {
  state: string
  nonce: string
  verifier: string
}

/** A refused sign-in: the status and the message the route answers with. */
export class OidcError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 503,
    readonly key: AuthMessage,
    cause?: unknown,
  ) {
    super(key, { cause })
    this.name = 'OidcError'
  }
}

/** How long the provider may take to answer one request. */
const providerTimeoutSeconds = 10

/** A local username for the provider's subject: letters, digits and _.@- as the users table allows. */
export function usernameOfSubject(subject: string): string {
  return /^[A-Za-z0-9_.@-]{1,59}$/.test(subject)
    ? `oidc.${subject}`
    : `oidc.${createHash('sha256').update(subject).digest('hex').slice(0, 32)}`
}

/** True when the failure is the provider not answering (refused, unknown host, timed out). */
function isUnreachable(error: unknown): boolean {
  for (let e = error as { cause?: unknown; name?: string; code?: string; message?: string } | undefined; e;) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true
    if (
      typeof e.code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|UND_ERR)/.test(e.code)
    )
      return true
    if (e.name === 'TypeError' && e.message === 'fetch failed') return true
    e = e.cause as typeof e
  }
  return false
}

export class OidcService {
  private discovered: Promise<client.Configuration> | undefined

  constructor(
    private readonly settings: OidcSettings,
    private readonly auth: AuthService,
  ) {}

  get enabled(): boolean {
    return !!this.settings.oidcIssuer
  }

  private configuration(): Promise<client.Configuration> {
    const { oidcIssuer, oidcClientId, oidcClientSecret } = this.settings
    if (!oidcIssuer || !oidcClientId) throw new OidcError(404, 'oidc_not_configured')
    this.discovered ??= client
      .discovery(new URL(oidcIssuer), oidcClientId, oidcClientSecret, oidcClientSecret ? undefined : client.None(), {
        timeout: providerTimeoutSeconds,
        // a provider on the intranet may speak plain http (and the test's on loopback does)
        execute: new URL(oidcIssuer).protocol === 'http:' ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.discovered = undefined
        // unreachable, or not answering as an OIDC provider: either way sign-in cannot go on now
        throw new OidcError(503, 'oidc_unreachable', error)
      })
    return this.discovered
  }

  /** The provider's authorization URL for a new sign-in, and the transaction to keep until it returns. */
  async start(): Promise<{ url: string; transaction: OidcTransaction }> {
    const configuration = await this.configuration()
    const transaction = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
    }
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.oidcRedirectUrl!,
      scope: 'openid profile',
      response_type: 'code',
      state: transaction.state,
      nonce: transaction.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(transaction.verifier),
      code_challenge_method: 'S256',
    })
    return { url: url.href, transaction }
  }

  /**
   * Signs in the person the provider sent back with `query` (its code and state): the session and
   * principal, or an OidcError naming why not.
   */
  async finish(
    query: Record<string, string | undefined>,
    transaction: OidcTransaction | undefined,
  ): Promise<{ token: string; principal: Principal }> {
    const configuration = await this.configuration()
    if (!transaction || !query.state || query.state !== transaction.state) throw new OidcError(400, 'oidc_state')
    if (query.error) throw new OidcError(401, 'oidc_denied')
    const current = new URL(this.settings.oidcRedirectUrl!)
    for (const [key, value] of Object.entries(query)) if (value !== undefined) current.searchParams.set(key, value)
    let claims: client.IDToken
    try {
      const tokens = await client.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: transaction.verifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      })
      claims = tokens.claims()!
    } catch (error) {
      if (isUnreachable(error)) throw new OidcError(503, 'oidc_unreachable', error)
      throw new OidcError(401, 'oidc_rejected', error)
    }
    const role = this.roleOf(claims[this.settings.oidcRoleClaim])
    const scopeClaim = claims[this.settings.oidcScopeClaim]
    const regionCode = role === 'admin' || typeof scopeClaim !== 'string' || scopeClaim === '' ? null : scopeClaim
    if (checkRoleScope(role, regionCode)) throw new OidcError(403, 'oidc_scope')
    const name = [claims.name, claims.preferred_username].find((v) => typeof v === 'string' && v !== '') as
      string | undefined
    const session = await this.auth.loginExternal({
      username: usernameOfSubject(claims.sub),
      displayName: name?.slice(0, 100) ?? null,
      role,
      regionCode,
    })
    if (!session) throw new OidcError(403, 'oidc_inactive')
    return session
  }

  /** The role a claim names (a string or a list, mapped by OIDC_ROLE_MAP); viewer when absent. */
  private roleOf(claim: unknown): Role {
    if (claim === undefined || claim === null || claim === '') return 'viewer'
    const values = (Array.isArray(claim) ? claim : [claim]).filter((v): v is string => typeof v === 'string')
    const mapped = values
      .map((v) => this.settings.oidcRoleMap[v] ?? v)
      .filter((v): v is Role => (roles as readonly string[]).includes(v))
    // the widest of the roles the claims name
    const found = roles.find((r) => mapped.includes(r))
    if (!found) throw new OidcError(403, 'oidc_role')
    return found
  }
}
