// The HTTP front: where the server listens, what it logs and serves, the address people open and the
// proxies in front of it.
import { isIP } from 'node:net'
import { type Parser, type Settings, boolean, httpUrl, integer } from './parsers.ts'

export interface ServerConfig {
  port: number
  host: string
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Serve the built web client from web/dist. */
  serveWeb: boolean
  /** The address people open, e.g. https://grid.example.gov.cn: TileJSON URLs, the CSRF origin check, Secure cookies. */
  publicUrl: string | undefined
  /**
   * Which proxies in front may name the client (X-Forwarded-For, -Proto, -Host): false = none (the
   * socket's address is the client's), true = any, a hop count, or the proxies' addresses/CIDRs.
   * The per-IP sign-in limit keys on the client address this yields.
   */
  trustProxy: boolean | number | string[]
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

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const serverSettings: Settings<ServerConfig> = {
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
  publicUrl: {
    env: 'PUBLIC_URL',
    default: '',
    parse: (raw) => {
      if (raw === '') return undefined
      return httpUrl(raw, 'expected an http(s) URL such as https://grid.example.gov.cn').origin
    },
    doc: "the address people open (https://host[:port]); TileJSON URLs and the CSRF origin check use it; empty = the request's own origin",
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    default: 'false',
    parse: trustProxy,
    doc: 'proxies trusted to name the client in X-Forwarded-For: false, true, a hop count, or addresses/CIDRs (comma-separated)',
  },
}
