// createDatabase(config): PGlite + PostGIS when no DATABASE_URL, else a pg pool on server PostGIS.
// Both sit behind one Kysely interface; the rest of the server never asks which one it has, except
// where a capability differs (ST_AsMVT) and that is probed, not assumed.
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Config } from '../config.ts'
import { watchPoolConnections } from './connection-health.ts'
import { PglitePool } from './pglite-pool.ts'
import { postgisExtension } from './postgis-bundle.ts'
import type { Tables } from './tables.ts'

export type DriverName = 'pglite' | 'postgres'

export interface Database {
  db: Kysely<Tables>
  driver: DriverName
  /** The PGlite instance behind the embedded driver (for dumps in tests and backups). */
  pglite?: PGlite
  /** The pg pool behind the server driver (for LISTEN/NOTIFY). */
  pool?: pg.Pool
  close(): Promise<void>
}

// int8 (counts, ids) and numeric come back from pg as strings; this product's values fit in doubles.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => Number(value))
// int8[] (ids in arrays) likewise, as PGlite returns them
const parseTextArray = pg.types.getTypeParser(1009 as never) as (value: string) => (string | null)[]
pg.types.setTypeParser(1016 as never, (value: string) =>
  parseTextArray(value).map((v) => (v === null ? null : Number(v))),
)

export async function createDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  if (config.databaseUrl) return createPostgresDatabase(config.databaseUrl)
  return createPgliteDatabase(config.dataDir)
}

export async function createPostgresDatabase(connectionString: string): Promise<Database> {
  // JIT off: PostGIS functions carry high planner costs, so nearly every statement of ours crossed
  // the JIT threshold and compiled for longer than it ran (a merge step's overlay spent most of its
  // time compiling)
  const pool = new pg.Pool({
    connectionString,
    max: 8,
    application_name: 'wangge',
    options: '-c jit=off',
    keepAlive: true,
  })
  // a dropped connection must not end the process (see connection-health.ts)
  watchPoolConnections(pool)
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
  return { db, driver: 'postgres', pool, close: () => db.destroy() }
}

/** Opens (or creates) a PGlite database; `loadDataDir` restores a dump made by `dumpDataDir`. */
export async function createPgliteDatabase(dataDir: string, loadDataDir?: Blob): Promise<Database> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true })
  // numeric as a number, as the pg driver is configured above: both drivers return the same shapes
  const pglite = await PGlite.create(dataDir, {
    extensions: { postgis: await postgisExtension() },
    loadDataDir,
    parsers: { 1700: (value: string) => Number(value) },
  })
  const db = new Kysely<Tables>({
    dialect: new PostgresDialect({ pool: new PglitePool(pglite) as unknown as pg.Pool }),
  })
  return { db, driver: 'pglite', pglite, close: () => db.destroy() }
}

/**
 * Bytes of a PGlite's WebAssembly memory (its Postgres heap: shared buffers, caches, sort and
 * geometry memory). WebAssembly memory grows and never shrinks, so this is the engine's high-water
 * mark, at most 2 GB (PGlite's maximum of 32,768 pages); the process's RSS carries it. GET /api/health
 * reports it (and the soak bench samples it).
 */
export function pgliteMemoryBytes(pglite: PGlite): number {
  const mod = (pglite as unknown as { mod?: { HEAPU8?: Uint8Array } }).mod
  return mod?.HEAPU8?.buffer.byteLength ?? 0
}

export interface DatabaseVersions {
  postgres: string
  postgis: string
}

export async function readVersions(db: Kysely<Tables>): Promise<DatabaseVersions> {
  const { rows } = await sql<{ postgres: string; postgis: string }>`
    SELECT current_setting('server_version') AS postgres, postgis_lib_version() AS postgis`.execute(db)
  return rows[0]
}

/** Whether ST_AsMVT works here (PGlite's PostGIS is built without protobuf). */
export async function canEncodeMvt(db: Kysely<Tables>): Promise<boolean> {
  try {
    await sql`SELECT ST_AsMVT(t) FROM (SELECT 1 AS id, ST_AsMVTGeom(ST_Point(1, 1), ST_MakeEnvelope(0, 0, 10, 10)) AS geom) t`.execute(
      db,
    )
    return true
  } catch {
    return false
  }
}
