// A huge feature's geometry work off the server's thread. On the embedded database (PGlite) a
// statement runs on the server's thread: staging a polygon of a million vertices (its WKB read,
// transformed, validated), measuring its area on the spheroid and ranking the communities on it
// were statements of seconds each, and every request waited for each. A feature of `from` positions
// or more is staged, measured and checked instead on an engine thread (the merge's embedded
// PostGIS in a worker, merge-engine.ts), by the same repository functions on a copy of the few
// regions its checks read; the app's connection only reads those regions and, when the import may be
// stored, writes the staged row as the engine made it. Same SQL, same PostGIS build: the same
// results as staging and checking it on the app's connection.
import type { Kysely } from 'kysely'
import {
  findRegionFamilies,
  findRegionsAround,
  writeStagedParts,
} from '../../db/repositories/import-engine.repository.ts'
import * as imports from '../../db/repositories/imports.repository.ts'
import * as regionImports from '../../db/repositories/region-imports.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { withEngine } from '../merge/merge-engine.ts'
import type { HeavyGridChecked } from './import-engine-operations.ts'

export type { HeavyGridChecked }

/** Positions from which a grid's geometry is checked on an engine thread, on PGlite (~0.2 s of statements on the app's thread). */
export const offThreadFrom = 50_000

/** The positions of a staged row's polygon, from its WKB hex (16 bytes a position). */
export const positionsOfWkb = (hex: string) => Math.floor(hex.length / 32)

/**
 * Checks these grids on an engine thread, one after another: each staged and measured there, the
 * regions around its extent read here and copied there, then checked there. Answers by index.
 */
export async function checkGridsOffThread(
  db: Kysely<Tables>,
  runId: number,
  rows: imports.StagedRow[],
  keep: boolean,
): Promise<Map<number, HeavyGridChecked>> {
  const checked = new Map<number, HeavyGridChecked>()
  if (rows.length === 0) return checked
  await withEngine(async (call) => {
    for (const row of rows) {
      const staged = await call('stageHeavyGrid', runId, row)
      // an empty geometry has no extent: only the community its file names is read
      const box = Number.isFinite(staged.west) ? staged : { west: 0, south: 0, east: 0, north: 0 }
      const regions = await findRegionsAround(db, box, row.communityCode ?? null)
      checked.set(row.index, await call('checkHeavyGrid', runId, row.index, regions, keep))
    }
  })
  return checked
}

/** Stages, measures and checks these regions' rows on an engine thread, one after another (as stageGeometries, measureStagedAreas and checkStagedGeometries here). */
export async function stageRegionsOffThread(
  runId: number,
  rows: imports.StagedRow[],
): Promise<Map<number, imports.GeometryCheck>> {
  const checked = new Map<number, imports.GeometryCheck>()
  if (rows.length === 0) return checked
  await withEngine(async (call) => {
    for (const row of rows) checked.set(row.index, await call('stageHeavyRegion', runId, row))
  })
  return checked
}

/** checkRegionShapes on an engine thread, after the stored parents of these rows and their children are copied there. */
export async function checkRegionShapesOffThread(
  db: Kysely<Tables>,
  rows: regionImports.RegionShapeRow[],
  leavingOut: string[],
  tolerance: number,
): Promise<regionImports.RegionShapeFinding[]> {
  const parents = [...new Set(rows.map((r) => r.parentCode).filter((p): p is string => p !== null))]
  const regions = await findRegionFamilies(db, parents)
  return withEngine((call) => call('checkRegionShapesHere', regions, rows, leavingOut, tolerance))
}

/**
 * Makes these regions' shapes as upsertRegions stores them on an engine thread and writes them here
 * in parts (import_staging_parts), for upsertRegions to take whole: made here, the shape of a region
 * of a million vertices was seconds of the store's statement.
 */
export async function prepareRegionShapesOffThread(
  db: Kysely<Tables>,
  runId: number,
  rows: imports.GeometryRow[],
  partChars?: number,
): Promise<void> {
  if (rows.length === 0) return
  const shapes = await withEngine((call) => call('readRegionShapesHere', rows))
  for (const shape of shapes) await writeStagedParts(db, runId, shape.index, shape.boundary, partChars)
}
