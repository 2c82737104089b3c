// Applies migrations/NNNN_name.sql in order, each in its own transaction, recording each in
// schema_migrations. Applied files are never edited; a changed schema is a new file.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { type Kysely, sql } from 'kysely'
import { projectRoot } from '../config.ts'
import type { Tables } from './tables.ts'

export const migrationsDir = path.join(projectRoot, 'migrations')

export interface Migration {
  version: string
  name: string
  file: string
}

export async function listMigrations(dir = migrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort()
  return files.map((file) => ({ version: file.slice(0, 4), name: file.slice(5, -4), file: path.join(dir, file) }))
}

/** Applies the pending migrations; returns the versions applied now. */
export async function migrate(db: Kysely<Tables>, dir = migrationsDir): Promise<string[]> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(db)
  const applied = new Set((await db.selectFrom('schema_migrations').select('version').execute()).map((r) => r.version))
  const done: string[] = []
  for (const migration of await listMigrations(dir)) {
    if (applied.has(migration.version)) continue
    const script = await readFile(migration.file, 'utf8')
    await db.transaction().execute(async (trx) => {
      await sql.raw(script).execute(trx)
      await trx.insertInto('schema_migrations').values({ version: migration.version, name: migration.name }).execute()
    })
    done.push(migration.version)
  }
  return done
}

export async function currentMigration(db: Kysely<Tables>): Promise<string | undefined> {
  const row = await db
    .selectFrom('schema_migrations')
    .select(({ fn }) => fn.max('version').as('version'))
    .executeTakeFirst()
  return row?.version ?? undefined
}
