// GEOS failures in the merge's SQL: telling them from other errors, running an overlay statement again
// robustly where GEOS threw, and the millimetre grid those robust overlays snap-round on.
import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely'
import type { Tables } from './tables.ts'
import { SilentDatabaseFailureError } from '../errors.ts'

type Db = Kysely<Tables> | Transaction<Tables>

/**
 * Whether a statement failed in GEOS (a TopologyException, an invalid input to an overlay): server
 * PostGIS raises it; PGlite's PostGIS answers with no result, which its driver raises as a
 * SilentDatabaseFailureError (or, for a CREATE TABLE … AS, with no table: see overlayWithFallback).
 */
export function isGeometryFailure(error: unknown): boolean {
  return error instanceof SilentDatabaseFailureError || /GEOS|TopologyException/.test((error as Error)?.message ?? '')
}

/**
 * Runs an overlay statement (`attempt(false)`) and, where GEOS fails on it, once more robustly
 * (`attempt(true)`: its inputs repaired with ST_MakeValid and the overlay snap-rounded on the
 * millimetre grid), in a savepoint when `db` is a transaction, so that the failure leaves the rest of
 * the step intact. Answers whether the robust statement ran. `creates`: the temp table the statement
 * creates, whose absence afterwards is PGlite's answer to a GEOS failure of a CREATE TABLE … AS.
 * GEOS's float overlay of valid input rarely throws (issue 19 saw one TopologyException in six runs of
 * the demo on server PostGIS); an input left invalid by the way into the metric frame always does.
 */
export async function overlayWithFallback(
  db: Db,
  attempt: (robust: boolean) => Promise<unknown>,
  creates?: string,
): Promise<boolean> {
  const savepoint = db.isTransaction
  const run = async (robust: boolean) => {
    await attempt(robust)
    if (creates) {
      // after a GEOS failure it swallowed, PGlite may also refuse the next statement ('portal "" does
      // not exist'): either way the table is not there
      const found = await sql<{ found: boolean }>`SELECT to_regclass(${`pg_temp.${creates}`}) IS NOT NULL AS found`
        .execute(db)
        .then(
          ({ rows }) => rows[0]?.found === true,
          () => false,
        )
      if (!found) throw new SilentDatabaseFailureError(`CREATE TEMP TABLE ${creates} AS …`)
    }
  }
  if (savepoint) await sql`SAVEPOINT merge_overlay`.execute(db)
  try {
    await run(false)
    if (savepoint) await sql`RELEASE SAVEPOINT merge_overlay`.execute(db)
    return false
  } catch (error) {
    if (!isGeometryFailure(error)) throw error
    if (savepoint) await sql`ROLLBACK TO SAVEPOINT merge_overlay`.execute(db)
    await run(true)
    if (savepoint) await sql`RELEASE SAVEPOINT merge_overlay`.execute(db)
    return true
  }
}

/**
 * Overlays of shapes that share nearly-identical edges (two versions of a grid, a grid and its
 * community) run with GEOS's fixed-precision mode at 1 mm: snap-rounding makes them robust where
 * floating-point overlay can throw (and the embedded PostGIS would then fail silently).
 */
export const GRID_SIZE_M = 0.001

/**
 * Whether a stored grid (EPSG:4326) reaches into a community's core (`core4326` as stored, `core` in the
 * metric frame `srid`): GEOS's predicate, or, `robust`, the overlay with the metric core snap-rounded on
 * the millimetre grid, for where the predicate threw (GEOS 3.11's throws "side location conflict" where a
 * self-crossing grid's node meets a vertex of the core; the snap-rounded overlay does not).
 */
export const reachesCore = (
  grid: RawBuilder<unknown>,
  core: { core4326: RawBuilder<unknown>; core: RawBuilder<unknown> },
  srid: number,
  robust: boolean,
) =>
  robust
    ? sql<boolean>`NOT ST_IsEmpty(ST_Intersection(ST_MakeValid(ST_Transform(${grid}, ${sql.lit(srid)})), ${core.core}, ${GRID_SIZE_M}::float8))`
    : sql<boolean>`ST_Intersects(${grid}, ${core.core4326})`
