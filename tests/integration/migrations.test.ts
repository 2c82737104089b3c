// Every migration applies, in order, to an empty database on each driver, and the schema it builds
// enforces the data model's rules.
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { currentMigration, listMigrations, migrate } from '../../server/db/migrate.ts'
import type { Tables } from '../../server/db/tables.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

async function rejects(db: Kysely<Tables>, statement: ReturnType<typeof sql>): Promise<string> {
  // a savepoint per attempt keeps the failure from poisoning the next statement
  try {
    await db.transaction().execute(async (trx) => {
      await statement.execute(trx)
    })
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the statement was accepted')
}

describe.each(testDrivers())('migrations on %s', (driver) => {
  let database: Database

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'none')
  })

  afterAll(async () => database?.close())

  it('apply every file in order to an empty database and record each', async () => {
    const applied = await migrate(database.db)
    const files = await listMigrations()
    expect(applied).toEqual(files.map((m) => m.version))
    const recorded = await database.db
      .selectFrom('schema_migrations')
      .select(['version', 'name'])
      .orderBy('version')
      .execute()
    expect(recorded).toEqual(files.map(({ version, name }) => ({ version, name })))
    expect(await currentMigration(database.db)).toBe(files.at(-1)!.version)
  })

  it('change nothing when applied again', async () => {
    expect(await migrate(database.db)).toEqual([])
  })

  it('store every geometry in SRID 4326 with a GiST index', async () => {
    const { rows: columns } = await sql<{ table: string; column: string; srid: number }>`
      SELECT f_table_name AS table, f_geometry_column AS column, srid FROM geometry_columns WHERE f_table_schema = 'public'`.execute(
      database.db,
    )
    expect(columns.length).toBeGreaterThanOrEqual(8)
    for (const column of columns) expect(column.srid, `${column.table}.${column.column}`).toBe(4326)
    const { rows: indexes } = await sql<{
      indexdef: string
    }>`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexdef ILIKE '%USING gist%'`.execute(
      database.db,
    )
    for (const { table, column } of columns) {
      expect(
        indexes.some((i) => i.indexdef.includes(`ON public.${table} USING gist (${column})`)),
        `${table}.${column}`,
      ).toBe(true)
    }
  })

  it.each([
    [
      'a star rating of 6',
      sql`INSERT INTO party_orgs (code, name, tier, domain, establishment, star_rating, member_count, formal_members) VALUES ('x', 'x', 'branch', 'community', 'own', 6, 5, 5)`,
      'star_rating',
    ],
    [
      'more formal members than members',
      sql`INSERT INTO party_orgs (code, name, tier, domain, establishment, member_count, formal_members) VALUES ('y', 'y', 'branch', 'community', 'own', 3, 4)`,
      'party_orgs',
    ],
    [
      'an unknown region level',
      sql`INSERT INTO regions (code, name, level) VALUES ('410199000000', 'x', 'province')`,
      'level',
    ],
    [
      'a region code that is not 12 digits',
      sql`INSERT INTO regions (code, name, level) VALUES ('4101', 'x', 'district')`,
      'code',
    ],
    [
      'a grid in a layer that does not exist',
      sql`INSERT INTO grids (layer_id, code, name, attributes, boundary) VALUES (999, 'g', 'g', '{}', ST_Multi(ST_MakeEnvelope(0, 0, 1, 1, 4326)))`,
      'layer_id',
    ],
    [
      'a negative resident count',
      sql`INSERT INTO population_points (residents, location) VALUES (-1, ST_Point(113, 34, 4326))`,
      'residents',
    ],
    [
      'a service center of an unknown level',
      sql`INSERT INTO service_centers (code, name, level, location) VALUES ('c', 'c', 'province', ST_Point(113, 34, 4326))`,
      'level',
    ],
  ])('reject %s', async (_case, statement, word) => {
    const message = await rejects(database.db, statement)
    expect(message).toMatch(new RegExp(`check|foreign key|violates|${word}`, 'i'))
  })

  it('allow only one active layer per department', async () => {
    await sql`INSERT INTO grid_layers (department, version, title, is_active) VALUES ('party', 1, 'a', true)`.execute(
      database.db,
    )
    const message = await rejects(
      database.db,
      sql`INSERT INTO grid_layers (department, version, title, is_active) VALUES ('party', 2, 'b', true)`,
    )
    expect(message).toMatch(/unique|duplicate/i)
  })
})
