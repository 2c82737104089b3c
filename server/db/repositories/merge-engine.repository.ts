// Rows that travel between the app's database and a merge engine (an embedded PostGIS in a worker
// thread, see services/merge/merge-engine.ts): the inputs of a run and of each step go to the engine, the
// results of a step come back. Rows travel as JSON, shapes in them as hex EWKB (exact, and read back
// by PostGIS's own input function), and are written with json_populate_recordset on the table's own
// row type, so a column keeps its type and checks on both sides.
import { type Kysely, type Transaction, sql } from 'kysely'
import type { Tables } from '../tables.ts'

type Db = Kysely<Tables> | Transaction<Tables>

/** The columns copied of each table, the shape last. */
const copied = {
  regions: { columns: ['code', 'name', 'level', 'parent_code', 'is_urban'], shape: 'boundary' },
  grid_layers: { columns: ['id', 'department', 'version', 'title', 'source_crs', 'is_active'], shape: null },
  grids: {
    columns: ['id', 'layer_id', 'code', 'name', 'community_code', 'households', 'population', 'repair_note'],
    shape: 'boundary',
  },
  population_points: { columns: ['id', 'region_code', 'residents', 'households'], shape: 'location' },
  unified_grids: {
    columns: ['merge_run_id', 'code', 'community_code', 'area_m2', 'households', 'population'],
    shape: 'boundary',
  },
  merge_issues: {
    columns: ['merge_run_id', 'kind', 'community_code', 'department', 'area_m2', 'grid_ids', 'note'],
    shape: 'geom',
  },
} as const

type CopiedTable = keyof typeof copied

/** Rows as a JSON array (null when there are none) and how many. */
export interface JsonRows {
  json: string | null
  count: number
}

const noRows: JsonRows = { json: null, count: 0 }

/** The rows of `table` that `where` selects. */
export async function rowsAsJson(db: Db, table: CopiedTable, where = sql`true`): Promise<JsonRows> {
  const { columns, shape } = copied[table]
  const shapeColumn = shape ? sql`, encode(ST_AsEWKB(${sql.ref(shape)}), 'hex') AS ${sql.ref(shape)}` : sql``
  const {
    rows: [rows],
  } = await sql<JsonRows>`
    SELECT json_agg(t)::text AS json, count(*)::int AS count
    FROM (SELECT ${sql.join(columns.map((c) => sql.ref(c)))}${shapeColumn} FROM ${sql.table(table)} WHERE ${where}) t`.execute(
    db,
  )
  return rows ?? noRows
}

/** Inserts rows read by `rowsAsJson`, all of them or an error. */
export async function insertJsonRows(db: Db, table: CopiedTable, rows: JsonRows): Promise<void> {
  if (rows.json === null) return
  const { columns, shape } = copied[table]
  const all = sql.join([...columns, ...(shape ? [shape] : [])].map((c) => sql.ref(c)))
  const result =
    await sql`INSERT INTO ${sql.table(table)} (${all}) SELECT ${all} FROM json_populate_recordset(NULL::${sql.table(table)}, ${rows.json}::json)`.execute(
      db,
    )
  if (Number(result.numAffectedRows) !== rows.count)
    throw new Error(`Stored ${result.numAffectedRows} of ${rows.count} rows of ${table}`)
}

/** What every step of a run reads: all regions (names, parents, shapes) and the merged layers. */
export interface RunInputs {
  regions: JsonRows
  layers: JsonRows
}

export async function readRunInputs(db: Db, layerIds: number[]): Promise<RunInputs> {
  return {
    regions: await rowsAsJson(db, 'regions'),
    layers: await rowsAsJson(db, 'grid_layers', sql`id = ANY(${layerIds}::bigint[])`),
  }
}

/** What one step over `communities` reads besides the run's inputs. */
export interface StepInputs {
  grids: JsonRows
  points: JsonRows
  previous: JsonRows
}

export async function readStepInputs(
  db: Db,
  o: { communities: string[]; layerIds: number[]; previousRunId: number | null },
): Promise<StepInputs> {
  return {
    // the grids assigned to these communities and those reaching into them from elsewhere
    grids: await rowsAsJson(
      db,
      'grids',
      sql`layer_id = ANY(${o.layerIds}::bigint[]) AND id IN (
      SELECT id FROM grids WHERE community_code = ANY(${o.communities}::text[])
      UNION SELECT g.id FROM regions c JOIN grids g ON g.boundary && c.boundary WHERE c.code = ANY(${o.communities}::text[]))`,
    ),
    points: await rowsAsJson(db, 'population_points', sql`region_code = ANY(${o.communities}::text[])`),
    // the previous version's grids of these communities, whose codes carry over
    previous: await rowsAsJson(
      db,
      'unified_grids',
      sql`merge_run_id = ${o.previousRunId ?? -1}::bigint AND community_code = ANY(${o.communities}::text[])`,
    ),
  }
}

/**
 * Readies an engine's session once, when it opens. Its rows are partial copies of the app's, so
 * foreign keys (triggers) are off. The tables a step refills hold a few hundred rows at a time:
 * scanning them beats keeping spatial indexes up to date (a step's points took longer to insert
 * than to count).
 */
export async function prepareEngine(engine: Db): Promise<void> {
  await sql`SET session_replication_role = replica`.execute(engine)
  await sql`DROP INDEX grids_boundary_gix, population_points_location_gix, unified_grids_boundary_gix, merge_issues_geom_gix`.execute(
    engine,
  )
}

/** Loads a run's inputs into an engine, in place of the previous run's (an engine serves one run after another). */
export async function loadRunInputs(engine: Db, inputs: RunInputs): Promise<void> {
  await sql`TRUNCATE regions, grid_layers CASCADE`.execute(engine)
  await insertJsonRows(engine, 'regions', inputs.regions)
  await insertJsonRows(engine, 'grid_layers', inputs.layers)
  await sql`ANALYZE regions, grid_layers`.execute(engine)
}

/** Replaces an engine's step inputs (and the previous step's results) with those of the next step. */
export async function loadStepInputs(engine: Db, inputs: StepInputs): Promise<void> {
  await sql`TRUNCATE grids, population_points, unified_grids, unified_grid_sources, merge_issues CASCADE`.execute(
    engine,
  )
  await insertJsonRows(engine, 'grids', inputs.grids)
  await insertJsonRows(engine, 'population_points', inputs.points)
  await insertJsonRows(engine, 'unified_grids', inputs.previous)
}

/** What a step stored: its unified grids, their mapping rows (by the grid's code) and its issues. */
export interface StepResults {
  unified: JsonRows
  sources: JsonRows
  issues: JsonRows
}

export async function readStepResults(engine: Db, runId: number): Promise<StepResults> {
  const {
    rows: [sources],
  } = await sql<JsonRows>`
    SELECT json_agg(json_build_array(u.code, s.grid_id, s.overlap_m2, s.share))::text AS json, count(*)::int AS count
    FROM unified_grid_sources s JOIN unified_grids u ON u.id = s.unified_grid_id AND u.merge_run_id = ${runId}::bigint`.execute(
    engine,
  )
  return {
    unified: await rowsAsJson(engine, 'unified_grids', sql`merge_run_id = ${runId}::bigint`),
    sources: sources ?? noRows,
    issues: await rowsAsJson(engine, 'merge_issues', sql`merge_run_id = ${runId}::bigint`),
  }
}

/**
 * What a tiling check of `communities` reads (merge-tiling.repository findRunTiling): the run's
 * unified grids of these communities and every grid of the run whose box meets one of theirs, with
 * their ids (a pair of grids is overlaid from the side of the lower id, as on the app's connection).
 */
export async function readTilingInputs(db: Db, runId: number, communities: string[]): Promise<JsonRows> {
  const { columns } = copied.unified_grids
  const {
    rows: [rows],
  } = await sql<JsonRows>`
    WITH own AS MATERIALIZED (
      SELECT boundary FROM unified_grids WHERE merge_run_id = ${runId}::bigint AND community_code = ANY(${communities}::text[])
    )
    SELECT json_agg(t)::text AS json, count(*)::int AS count
    FROM (SELECT u.id, ${sql.join(columns.map((c) => sql.ref(`u.${c}`)))}, encode(ST_AsEWKB(u.boundary), 'hex') AS boundary
          FROM unified_grids u
          WHERE u.merge_run_id = ${runId}::bigint
            AND (u.community_code = ANY(${communities}::text[]) OR EXISTS (SELECT 1 FROM own WHERE own.boundary && u.boundary))) t`.execute(
    db,
  )
  return rows ?? noRows
}

/** Replaces an engine's unified grids with those a tiling check reads (readTilingInputs). */
export async function loadTilingInputs(engine: Db, grids: JsonRows): Promise<void> {
  await sql`TRUNCATE unified_grids CASCADE`.execute(engine)
  if (grids.json === null) return
  const all = sql.join(['id', ...copied.unified_grids.columns, 'boundary'].map((c) => sql.ref(c)))
  const result =
    await sql`INSERT INTO unified_grids (${all}) SELECT ${all} FROM json_populate_recordset(NULL::unified_grids, ${grids.json}::json)`.execute(
      engine,
    )
  if (Number(result.numAffectedRows) !== grids.count)
    throw new Error(`Stored ${result.numAffectedRows} of ${grids.count} rows of unified_grids`)
}

/** Stores a step's results under the run; the mapping rows find their unified grid by its code. */
export async function storeStepResults(db: Db, results: StepResults): Promise<void> {
  const { unified, sources, issues } = results
  const {
    rows: [stored],
  } = await sql<{ grids: number; sources: number }>`
    WITH inserted AS (
      INSERT INTO unified_grids (merge_run_id, code, community_code, area_m2, households, population, boundary)
      SELECT merge_run_id, code, community_code, area_m2, households, population, boundary
      FROM json_populate_recordset(NULL::unified_grids, ${unified.json ?? '[]'}::json)
      RETURNING id, code
    ), mapped AS (
      INSERT INTO unified_grid_sources (unified_grid_id, grid_id, overlap_m2, share)
      SELECT i.id, (s->>1)::bigint, (s->>2)::float8, (s->>3)::float8
      FROM json_array_elements(${sources.json ?? '[]'}::json) s JOIN inserted i ON i.code = s->>0
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM inserted)::int AS grids, (SELECT count(*) FROM mapped)::int AS sources`.execute(db)
  if (stored.grids !== unified.count || stored.sources !== sources.count) {
    throw new Error(
      `Stored ${stored.grids} of ${unified.count} unified grids and ${stored.sources} of ${sources.count} mapping rows of a merge step`,
    )
  }
  await insertJsonRows(db, 'merge_issues', issues)
}
