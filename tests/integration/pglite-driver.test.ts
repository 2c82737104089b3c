// The two drivers behave alike where it matters: a GEOS failure is an error on both (PGlite's
// PostGIS would otherwise answer with no columns at all), transactions roll back, and PGlite's
// single connection is shared without interleaving.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { SilentDatabaseFailureError } from '../../server/errors.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

const bowtie = sql`'POLYGON((0 0, 2 2, 2 0, 0 2, 0 0))'::geometry`
const square = sql`'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))'::geometry`

describe.each(testDrivers())('the %s driver', (driver) => {
  let database: Database

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
  })

  afterAll(async () => database?.close())

  it('fails loudly on an overlay of a self-intersecting polygon', async () => {
    const overlay = sql<{ area: number }>`SELECT ST_Area(ST_Intersection(${bowtie}, ${square})) AS area`.execute(
      database.db,
    )
    if (driver === 'pglite') await expect(overlay).rejects.toBeInstanceOf(SilentDatabaseFailureError)
    else await expect(overlay).rejects.toThrow(/TopologyException|GEOS|self-intersection/i)
  })

  it('computes the same overlay once the polygon is repaired with ST_MakeValid', async () => {
    const { rows } = await sql<{
      area: number
    }>`SELECT ST_Area(ST_Intersection(ST_MakeValid(${bowtie}), ${square})) AS area`.execute(database.db)
    // the bowtie's two triangles each cover a quarter of the unit square
    expect(rows[0].area).toBeCloseTo(0.5, 9)
  })

  it('still returns rows for queries that legitimately find nothing', async () => {
    const { rows } = await sql<{ code: string }>`SELECT code FROM regions WHERE code = '000000000000'`.execute(
      database.db,
    )
    expect(rows).toEqual([])
  })

  it('rolls back a failed transaction', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO audit_log (actor, action, entity) VALUES ('test', 'rollback-probe', 'test')`.execute(trx)
        await sql`SELECT 1 / 0`.execute(trx)
      }),
    ).rejects.toThrow(/division by zero/)
    const { rows } = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'rollback-probe'`.execute(database.db)
    expect(rows[0].n).toBe(0)
  })

  it("never lets another caller's statement into an open transaction", async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const transaction = database.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO audit_log (actor, action, entity) VALUES ('test', 'isolation-probe', 'test')`.execute(trx)
      await held
      throw new Error('roll back on purpose')
    })
    // Issued while the transaction is open: on PGlite it must wait for the connection, not run inside it.
    const outside = sql`INSERT INTO audit_log (actor, action, entity) VALUES ('test', 'outside-probe', 'test')`.execute(
      database.db,
    )
    setTimeout(release, 50)
    await expect(transaction).rejects.toThrow('roll back on purpose')
    await outside
    const { rows } = await sql<{
      action: string
    }>`SELECT action FROM audit_log WHERE action LIKE '%-probe' ORDER BY id`.execute(database.db)
    expect(rows.map((r) => r.action)).toEqual(['outside-probe'])
  })
})
