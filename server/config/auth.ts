// Signing in: sessions, the initial administrator, and single sign-on through the site's OIDC provider.
import { type Parser, type Settings, httpUrl, integer } from './parsers.ts'

export interface AuthConfig {
  /** How long a session lasts, in hours. */
  sessionHours: number
  /** The initial administrator, created when the database has no account. */
  adminUsername: string
  /** Its password; unset = a random one-time password printed to the log once, to be changed at first sign-in. */
  adminPassword: string | undefined
  /** Single sign-on through the site's OIDC provider; unset = local accounts only (see services/auth/oidc.service.ts). */
  oidcIssuer: string | undefined
  oidcClientId: string | undefined
  oidcClientSecret: string | undefined
  /** The callback the provider sends people back to: PUBLIC_URL/api/auth/oidc/callback. */
  oidcRedirectUrl: string | undefined
  /** The ID token claim that names the role (admin/street/community/viewer, or a value OIDC_ROLE_MAP maps). */
  oidcRoleClaim: string
  /** The claim that holds the scope's 12-digit region code. */
  oidcScopeClaim: string
  /** Provider values to roles, e.g. "grid-admins=admin,street-staff=street"; the role's own name always maps. */
  oidcRoleMap: Record<string, string>
}

/** An http(s) URL, or undefined when empty. */
const optionalUrl: Parser<string | undefined> = (raw) => {
  if (raw.trim() === '') return undefined
  return httpUrl(raw.trim(), 'expected an http(s) URL').href
}

const claimName: Parser<string> = (raw) => {
  if (!/^[A-Za-z0-9_:./-]{1,100}$/.test(raw)) throw new Error('expected a claim name')
  return raw
}

/** OIDC_ROLE_MAP: value=role pairs, comma-separated. */
const roleMap: Parser<Record<string, string>> = (raw) => {
  const map: Record<string, string> = {}
  for (const pair of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.lastIndexOf('=')
    const role = pair.slice(at + 1).trim()
    if (at <= 0 || !['admin', 'street', 'community', 'viewer'].includes(role))
      throw new Error(`expected value=role pairs (roles admin, street, community, viewer), not "${pair}"`)
    map[pair.slice(0, at).trim()] = role
  }
  return map
}

export const authSettings: Settings<AuthConfig> = {
  sessionHours: { env: 'SESSION_HOURS', default: '12', parse: integer(1, 24 * 30), doc: 'session lifetime, in hours' },
  adminUsername: {
    env: 'ADMIN_USERNAME',
    default: 'admin',
    parse: (raw) => {
      if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(raw)) throw new Error('expected 1–64 letters, digits or _.@-')
      return raw
    },
    doc: 'the initial administrator, created when there is no account',
  },
  adminPassword: {
    env: 'ADMIN_PASSWORD',
    default: '',
    parse: (raw) => {
      if (raw === '') return undefined
      if (Array.from(raw).length < 8) throw new Error('expected at least 8 characters')
      return raw
    },
    doc: "the initial administrator's password; empty = a one-time password printed to the log, changed at first sign-in",
  },
  oidcIssuer: {
    env: 'OIDC_ISSUER',
    default: '',
    parse: optionalUrl,
    doc: "the OIDC provider's issuer URL (https://sso.example.gov.cn/realms/gov); empty = no single sign-on",
  },
  oidcClientId: {
    env: 'OIDC_CLIENT_ID',
    default: '',
    parse: (raw) => raw.trim() || undefined,
    doc: 'the client id registered with the OIDC provider',
  },
  oidcClientSecret: {
    env: 'OIDC_CLIENT_SECRET',
    default: '',
    parse: (raw) => raw || undefined,
    doc: 'its client secret (empty = a public client, PKCE only)',
  },
  oidcRedirectUrl: {
    env: 'OIDC_REDIRECT_URL',
    default: '',
    parse: optionalUrl,
    doc: 'the callback registered with the provider: PUBLIC_URL/api/auth/oidc/callback',
  },
  oidcRoleClaim: {
    env: 'OIDC_ROLE_CLAIM',
    default: 'role',
    parse: claimName,
    doc: 'the ID token claim naming the role (a string or a list); absent = viewer',
  },
  oidcScopeClaim: {
    env: 'OIDC_SCOPE_CLAIM',
    default: 'region_code',
    parse: claimName,
    doc: "the claim holding the scope's 12-digit region code (street and community roles need one)",
  },
  oidcRoleMap: {
    env: 'OIDC_ROLE_MAP',
    default: '',
    parse: roleMap,
    doc: 'provider values to roles, e.g. grid-admins=admin,street-staff=street (admin/street/community/viewer map to themselves)',
  },
}

/** The problems of the parsed sign-in settings together: an OIDC provider without its client. */
export function authProblems(config: Partial<Record<keyof AuthConfig, unknown>>): string[] {
  return config.oidcIssuer && (!config.oidcClientId || !config.oidcRedirectUrl)
    ? ['OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_REDIRECT_URL are needed too']
    : []
}
