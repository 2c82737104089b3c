// SQL of a huge grid's checks on an engine thread (services/imports/import-engine.ts): the regions
// around it read from the app's database and put in place of the engine's own, and its staged row
// carried whole from the engine to the app's staging table.
import { type Kysely, type Transaction, sql } from 'kysely'
import type { Tables } from '../tables.ts'
import { type JsonRows, insertJsonRows, rowsAsJson } from './merge-engine.repository.ts'

type Db = Kysely<Tables> | Transaction<Tables>

/** A staged row as it travels between an engine thread and the app (see imports/import-engine.ts): the shape as hex EWKB. */
export interface StagedCopy {
  index: number
  communityCode: string | null
  valid: boolean
  reason: string | null
  empty: boolean
  west: number | null
  south: number | null
  east: number | null
  north: number | null
  areaM2: number | null
  boundary: string | null
}

/** A staged row of the run whole, its shape as hex EWKB (exact): read in an engine thread. */
export async function readStagedCopy(db: Db, runId: number, index: number): Promise<StagedCopy> {
  const { rows } = await sql<StagedCopy>`
    SELECT s.index, s.community_code AS "communityCode", s.valid, s.reason, s.empty, s.west, s.south, s.east, s.north,
           s.area_m2 AS "areaM2", encode(ST_AsEWKB(s.boundary), 'hex') AS boundary
    FROM import_staging s WHERE s.import_run_id = ${runId} AND s.index = ${index}`.execute(db)
  return rows[0]
}

/** Hex characters of a staged shape sent in one statement: 512 KB of EWKB, tens of ms on PGlite. */
export const stagedPartChars = 2 ** 20

/**
 * Stages a row as an engine thread staged and measured it: no parse, check or measure here, only
 * the shape's bytes written. The shape goes in parts of `partChars` hex characters, a statement
 * each (import_staging_parts), then is staged whole from its parts: one statement carrying the
 * 30 MB of hex of a polygon of a million vertices held PGlite (and the server's thread) 1.2 s.
 * The staged shape is the EWKB it was sent as.
 */
export async function insertStagedCopy(
  db: Db,
  runId: number,
  row: StagedCopy,
  partChars = stagedPartChars,
): Promise<void> {
  try {
    await writeStagedParts(db, runId, row.index, row.boundary ?? '', partChars)
    await sql`
      INSERT INTO import_staging (import_run_id, index, community_code, valid, reason, empty, west, south, east, north, area_m2, boundary)
      VALUES (${runId}, ${row.index}, ${row.communityCode}, ${row.valid}, ${row.reason}, ${row.empty},
              ${row.west}, ${row.south}, ${row.east}, ${row.north}, ${row.areaM2},
              (SELECT ST_GeomFromEWKB(string_agg(p.bytes, ''::bytea ORDER BY p.part)) FROM import_staging_parts p
               WHERE p.import_run_id = ${runId} AND p.index = ${row.index}))`.execute(db)
  } finally {
    await deleteStagedParts(db, runId, row.index)
  }
}

/** A shape's hex EWKB written in parts of `partChars` hex characters, a statement each (import_staging_parts). */
export async function writeStagedParts(
  db: Db,
  runId: number,
  index: number,
  hex: string,
  partChars = stagedPartChars,
): Promise<void> {
  // whole bytes a part: an even count of hex characters
  const step = Math.max(2, partChars - (partChars % 2))
  for (let at = 0, part = 0; at < hex.length; at += step, part++)
    await sql`
      INSERT INTO import_staging_parts (import_run_id, index, part, bytes)
      VALUES (${runId}, ${index}, ${part}, decode(${hex.slice(at, at + step)}, 'hex'))`.execute(db)
}

/** The parts of a staged row's shape (insertStagedCopy, a region's store), once they are used or have failed to be. */
export async function deleteStagedParts(db: Db, runId: number, index: number): Promise<void> {
  await db.deleteFrom('import_staging_parts').where('import_run_id', '=', runId).where('index', '=', index).execute()
}

/**
 * The regions the checks of a staged grid within this box read (checkStagedGrids): the communities
 * and districts whose shape meets the box (widened by ~1 m), and the community its file names; rows
 * as engine threads load them (merge-engine.repository).
 */
export async function findRegionsAround(
  db: Db,
  box: { west: number; south: number; east: number; north: number },
  communityCode: string | null,
): Promise<JsonRows> {
  return rowsAsJson(
    db,
    'regions',
    sql`(level IN ('community', 'district')
          AND boundary && ST_Expand(ST_MakeEnvelope(${box.west}, ${box.south}, ${box.east}, ${box.north}, 4326), 0.00001))
        OR (level = 'community' AND code = ${communityCode}::text)`,
  )
}

/**
 * The regions the shape checks of regions with these parents read (checkRegionShapes): the parents
 * and every region under one of them; rows as engine threads load them.
 */
export async function findRegionFamilies(db: Db, parents: string[]): Promise<JsonRows> {
  return rowsAsJson(db, 'regions', sql`code = ANY(${parents}::text[]) OR parent_code = ANY(${parents}::text[])`)
}

/** Puts these regions (rows of findRegionsAround or findRegionFamilies) in place of an engine thread's own, for checkStagedGrids there. */
export async function replaceEngineRegions(engine: Db, regions: JsonRows): Promise<void> {
  await sql`TRUNCATE regions CASCADE`.execute(engine)
  await insertJsonRows(engine, 'regions', regions)
}
