// Limits on what one caller may send: upload size, what an uploaded file may parse into, and the
// rates of sign-ins and uploads.
import { type Settings, integer } from './parsers.ts'

export interface LimitsConfig {
  /** Largest upload accepted by the import endpoint, in bytes. */
  uploadLimitBytes: number
  /** Caps on what one uploaded file may parse into (see services/imports/parse-limits.ts). */
  importMaxFeatures: number
  importMaxVertices: number
  importMaxFeatureVertices: number
  importParseMs: number
  /** Sign-in attempts allowed per minute, per IP address and per username. */
  loginRateLimit: number
  /** Uploads allowed per minute, per account. */
  uploadRateLimit: number
}

export const limitsSettings: Settings<LimitsConfig> = {
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
}
