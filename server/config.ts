// The only reader of process.env. Every setting has its default in one table and is validated once;
// a bad environment fails at start with one message that lists every bad variable.
import { isIP } from 'node:net'
import path from 'node:path'
import type { DemoRealism } from './types/demo.ts'

export interface Config {
  port: number
  host: string
  /** Server PostgreSQL + PostGIS when set; otherwise the embedded PGlite. */
  databaseUrl: string | undefined
  /** PGlite's data directory (ignored with databaseUrl). `memory://` keeps it in memory. */
  dataDir: string
  /** Load the generated demo district into an empty database at start. */
  loadDemo: boolean
  demoScale: number
  demoSeed: number
  /** 'real': the demo's department layers look like real files (issue 19); 'clean': the old, tidy ones */
  demoRealism: DemoRealism
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Serve the built web client from web/dist. */
  serveWeb: boolean
  /** Largest upload accepted by the import endpoint, in bytes. */
  uploadLimitBytes: number
  /** Caps on what one uploaded file may parse into (see services/imports/parse-limits.ts). */
  importMaxFeatures: number
  importMaxVertices: number
  importMaxFeatureVertices: number
  importParseMs: number
  /** The address people open, e.g. https://grid.example.gov.cn: TileJSON URLs, the CSRF origin check, Secure cookies. */
  publicUrl: string | undefined
  /** How long a session lasts, in hours. */
  sessionHours: number
  /** The initial administrator, created when the database has no account. */
  adminUsername: string
  /** Its password; unset = a random one-time password printed to the log once, to be changed at first sign-in. */
  adminPassword: string | undefined
  /**
   * Which proxies in front may name the client (X-Forwarded-For, -Proto, -Host): false = none (the
   * socket's address is the client's), true = any, a hop count, or the proxies' addresses/CIDRs.
   * The per-IP sign-in limit keys on the client address this yields.
   */
  trustProxy: boolean | number | string[]
  /** Sign-in attempts allowed per minute, per IP address and per username. */
  loginRateLimit: number
  /** Uploads allowed per minute, per account. */
  uploadRateLimit: number
  /** Service radii by centre level (metres); a centre's own radius_m overrides them. */
  serviceRadii: ServiceRadii
  /** Walking speed for network catchments (m/s) and how far a point may lie from a walkable edge (m). */
  walkingSpeed: number
  snapDistanceM: number
  /** A raster basemap's tile URL template ({z}/{x}/{y}), e.g. 天地图 WMTS with its key; none by default. */
  basemapTiles: string | undefined
  /** The basemap's attribution, shown on the map when one is set. */
  basemapAttribution: string
  /** A self-hosted MapLibre style's URL: its sources and layers go under the grids; none by default. */
  basemapStyle: string | undefined
  /** A local PMTiles archive of raster tiles, served by this server; none by default. */
  basemapPmtiles: string | undefined
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

export interface ServiceRadii {
  /** 社区级, urban community */
  communityUrban: number
  /** 村级, rural village */
  village: number
  /** 街道·乡镇级 */
  street: number
  /** 区县级 */
  district: number
  /** 小区·楼宇·园区 stations */
  station: number
}

type Parser<T> = (raw: string) => T

interface Setting<K extends keyof Config> {
  env: string
  default: string
  parse: Parser<Config[K]>
  doc: string
}

const projectRoot = path.resolve(import.meta.dirname, '..')

const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const value = Number(raw)
    if (!/^-?[0-9]+$/.test(raw.trim()) || value < min || value > max)
      throw new Error(`expected an integer from ${min} to ${max}`)
    return value
  }

const boolean: Parser<boolean> = (raw) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new Error('expected true or false')
}

/** An http(s) URL, or undefined when empty. */
const optionalUrl: Parser<string | undefined> = (raw) => {
  if (raw.trim() === '') return undefined
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new Error('expected an http(s) URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('expected an http(s) URL')
  return url.href
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

/** TRUST_PROXY: false/true, a hop count (1–10), or comma-separated IP addresses and CIDR ranges. */
const trustProxy: Parser<boolean | number | string[]> = (raw) => {
  const value = raw.trim()
  if (value === '' || value === 'false') return false
  if (value === 'true') return true
  if (/^[0-9]+$/.test(value)) return integer(1, 10)(value)
  const entries = value.split(',').map((entry) => entry.trim())
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/')
    const family = isIP(address)
    const maxBits = family === 4 ? 32 : 128
    if (!family || rest.length > 0 || (bits !== undefined && !(/^[0-9]+$/.test(bits) && Number(bits) <= maxBits)))
      throw new Error(`expected false, true, a hop count or IP addresses/CIDRs, not "${entry}"`)
  }
  return entries
}

const radius: Parser<number> = (raw) => {
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < 1 || value > 50_000)
    throw new Error('expected metres from 1 to 50000')
  return value
}

/** RADIUS_M: five level=metres pairs, e.g. community=500,village=2000,street=1000,district=1000,station=300 */
const radii: Parser<ServiceRadii> = (raw) => {
  const out: Partial<ServiceRadii> = {}
  const keys = ['communityUrban', 'village', 'street', 'district', 'station'] as const
  const names: Record<string, (typeof keys)[number]> = {
    community: 'communityUrban',
    village: 'village',
    street: 'street',
    district: 'district',
    station: 'station',
  }
  for (const pair of raw.split(',')) {
    const [name, value] = pair.split('=').map((p) => p.trim())
    const key = names[name]
    if (!key) throw new Error(`unknown level ${JSON.stringify(name)} (community, village, street, district, station)`)
    out[key] = radius(value ?? '')
  }
  for (const key of keys) if (out[key] === undefined) throw new Error(`no radius for ${key}`)
  return out as ServiceRadii
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Every setting, its variable and its default: the README's configuration table is this table. */
export const settings: { [K in keyof Config]: Setting<K> } = {
  port: { env: 'PORT', default: '3000', parse: integer(0, 65535), doc: 'HTTP port' },
  host: {
    env: 'HOST',
    default: '127.0.0.1',
    parse: (raw) => {
      if (!/^[0-9a-zA-Z.:-]+$/.test(raw)) throw new Error('expected a host name or IP address')
      return raw
    },
    doc: 'interface to listen on (0.0.0.0 to serve wall displays on the intranet)',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    default: '',
    parse: (raw) => {
      if (raw === '') return undefined
      const expected = 'expected postgres://user:password@host:port/database'
      if (!/^postgres(ql)?:\/\//.test(raw)) throw new Error(expected)
      let url: URL
      try {
        // a Unix socket (postgres://user@/db?host=/run/postgresql) has no host part for URL to read
        url = new URL(/[?&]host=/.test(raw) ? raw.replace(/@\//, '@socket/') : raw)
      } catch {
        throw new Error(`not a readable URL: ${expected}`)
      }
      // the driver would otherwise guess (the system user, localhost) and fail later with a stack trace
      if (!url.username) throw new Error(`names no user: ${expected}`)
      if (!url.hostname && !url.searchParams.get('host')) throw new Error(`names no host: ${expected}`)
      if (url.pathname.length <= 1) throw new Error(`names no database: ${expected}`)
      if (url.port && !(Number(url.port) >= 1 && Number(url.port) <= 65535))
        throw new Error(`port ${url.port} is not a port: ${expected}`)
      return raw
    },
    doc: 'server PostgreSQL + PostGIS; empty = embedded PGlite',
  },
  dataDir: {
    env: 'DATA_DIR',
    default: '.data/pglite',
    parse: (raw) => (raw.startsWith('memory://') ? raw : path.resolve(projectRoot, raw)),
    doc: 'PGlite data directory (relative to the project; memory:// for a throwaway database)',
  },
  loadDemo: {
    env: 'LOAD_DEMO',
    default: 'true',
    parse: boolean,
    doc: 'generate and load the demo district into an empty database',
  },
  demoScale: { env: 'DEMO_SCALE', default: '1', parse: integer(1, 100), doc: 'demo district size multiplier' },
  demoSeed: { env: 'DEMO_SEED', default: '20241', parse: integer(0, 2 ** 31 - 1), doc: 'demo generator seed' },
  demoRealism: {
    env: 'DEMO_REALISM',
    default: 'real',
    parse: (raw) => {
      if (raw !== 'real' && raw !== 'clean') throw new Error('expected real or clean')
      return raw
    },
    doc: "demo department layers as real files are ('real') or tidy ('clean')",
  },
  logLevel: {
    env: 'LOG_LEVEL',
    default: 'info',
    parse: (raw) => {
      const level = logLevels.find((l) => l === raw)
      if (!level) throw new Error(`expected one of ${logLevels.join(', ')}`)
      return level
    },
    doc: 'log level',
  },
  serveWeb: { env: 'SERVE_WEB', default: 'true', parse: boolean, doc: 'serve the built web client (web/dist)' },
  uploadLimitBytes: {
    env: 'UPLOAD_LIMIT_MB',
    default: '200',
    parse: (raw) => integer(1, 4096)(raw) * 1024 * 1024,
    doc: 'largest accepted upload, in MiB',
  },
  importMaxFeatures: {
    env: 'IMPORT_MAX_FEATURES',
    default: '100000',
    parse: integer(1, 10_000_000),
    doc: 'most features one imported file may hold (413 beyond, read from the header where the format has one)',
  },
  importMaxVertices: {
    env: 'IMPORT_MAX_VERTICES',
    default: '5000000',
    parse: integer(1, 100_000_000),
    doc: 'most vertices one imported file may hold, all features together (413 beyond)',
  },
  importMaxFeatureVertices: {
    env: 'IMPORT_MAX_FEATURE_VERTICES',
    default: '100000',
    parse: integer(1, 10_000_000),
    doc: 'most vertices one imported feature may have (413 beyond)',
  },
  importParseMs: {
    env: 'IMPORT_PARSE_SECONDS',
    default: '60',
    parse: (raw) => integer(1, 3600)(raw) * 1000,
    doc: 'time budget for parsing one imported file, in seconds (413 beyond)',
  },
  basemapTiles: {
    env: 'BASEMAP_TILES',
    default: '',
    parse: (raw) => {
      if (raw === '') return undefined
      let url: URL
      try {
        url = new URL(raw.replace(/[{}]/g, ''))
      } catch {
        throw new Error('expected an http(s) tile URL template with {z}, {x} and {y}')
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('expected an http(s) URL')
      for (const part of ['{z}', '{x}', '{y}']) if (!raw.includes(part)) throw new Error(`the template has no ${part}`)
      return raw
    },
    doc: 'raster basemap tiles (a URL template with {z}, {x}, {y}; 天地图 WMTS with tk=your key); empty = no basemap, nothing requested outside',
  },
  basemapAttribution: {
    env: 'BASEMAP_ATTRIBUTION',
    default: '',
    parse: (raw) => raw.slice(0, 200),
    doc: "the basemap's attribution, shown on the map",
  },
  basemapStyle: {
    env: 'BASEMAP_STYLE',
    default: '',
    parse: (raw) => {
      if (raw === '') return undefined
      let url: URL
      try {
        url = new URL(raw)
      } catch {
        throw new Error('expected the http(s) URL of a MapLibre style (style.json)')
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('expected an http(s) URL')
      return raw
    },
    doc: "a self-hosted MapLibre style (its URL): its sources and layers are drawn under the grids, and the page's CSP allows that style's host only",
  },
  basemapPmtiles: {
    env: 'BASEMAP_PMTILES',
    default: '',
    parse: (raw) => {
      if (raw === '') return undefined
      const file = path.resolve(projectRoot, raw)
      if (!file.endsWith('.pmtiles')) throw new Error('expected the path of a .pmtiles file')
      return file
    },
    doc: 'a local PMTiles archive of raster tiles (path; relative to the project), served by this server at /api/basemap.pmtiles: nothing requested outside',
  },
  publicUrl: {
    env: 'PUBLIC_URL',
    default: '',
    parse: (raw) => {
      if (raw === '') return undefined
      let url: URL
      try {
        url = new URL(raw)
      } catch {
        throw new Error('expected an http(s) URL such as https://grid.example.gov.cn')
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('expected an http(s) URL')
      return url.origin
    },
    doc: "the address people open (https://host[:port]); TileJSON URLs and the CSRF origin check use it; empty = the request's own origin",
  },
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
  trustProxy: {
    env: 'TRUST_PROXY',
    default: 'false',
    parse: trustProxy,
    doc: 'proxies trusted to name the client in X-Forwarded-For: false, true, a hop count, or addresses/CIDRs (comma-separated)',
  },
  loginRateLimit: {
    env: 'LOGIN_RATE_LIMIT',
    default: '10',
    parse: integer(1, 10000),
    doc: 'sign-in attempts per minute, per IP address and per username',
  },
  uploadRateLimit: {
    env: 'UPLOAD_RATE_LIMIT',
    default: '30',
    parse: integer(1, 10000),
    doc: 'uploads per minute, per account',
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
  serviceRadii: {
    env: 'SERVICE_RADII_M',
    default: 'community=500,village=2000,street=1000,district=1000,station=300',
    parse: radii,
    doc: 'service radius by centre level in metres (urban community, rural village, street/township, district, station)',
  },
  walkingSpeed: {
    env: 'WALKING_SPEED_MPS',
    default: '1.2',
    parse: (raw) => {
      const value = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(value) || value < 0.3 || value > 3)
        throw new Error('expected m/s from 0.3 to 3')
      return value
    },
    doc: 'walking speed for network catchments (m/s)',
  },
  snapDistanceM: {
    env: 'SNAP_DISTANCE_M',
    default: '100',
    parse: radius,
    doc: 'largest distance from a point to the walkable edge it is placed on (m)',
  },
}

/** The siting defaults when a caller (a test app) passes none. */
export const sitingDefaults = {
  serviceRadii: radii(settings.serviceRadii.default),
  walkingSpeed: Number(settings.walkingSpeed.default),
  snapDistanceM: Number(settings.snapDistanceM.default),
}

/** A value as a message may show it: the password of a URL (user:password@) hidden. */
export function hidePassword(raw: string): string {
  return raw.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@')
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const problems: string[] = []
  const config: Partial<Record<keyof Config, unknown>> = {}
  for (const [key, setting] of Object.entries(settings) as [keyof Config, Setting<keyof Config>][]) {
    const raw = env[setting.env] ?? setting.default
    try {
      config[key] = setting.parse(raw)
    } catch (error) {
      problems.push(`${setting.env}=${JSON.stringify(hidePassword(raw))}: ${(error as Error).message}`)
    }
  }
  const basemaps = (['basemapTiles', 'basemapStyle', 'basemapPmtiles'] as const).filter((key) => config[key])
  if (basemaps.length > 1)
    problems.push(`${basemaps.map((key) => settings[key].env).join(' and ')}: set one basemap at most`)
  if (config.oidcIssuer && (!config.oidcClientId || !config.oidcRedirectUrl))
    problems.push('OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_REDIRECT_URL are needed too')
  if (problems.length > 0) throw new ConfigError(problems)
  return { ...(config as Config), ...overrides }
}

export { projectRoot }
