// The database: server PostgreSQL + PostGIS or the embedded PGlite, and the demo district loaded into
// an empty one.
import path from 'node:path'
import type { DemoRealism } from '../types/demo.ts'
import { type Settings, boolean, integer, projectRoot } from './parsers.ts'

export interface DatabaseConfig {
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
}

export const databaseSettings: Settings<DatabaseConfig> = {
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
}
