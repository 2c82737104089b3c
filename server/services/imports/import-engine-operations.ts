// A huge grid's (or region's) checks, engine side (see import-engine.ts): run in an engine thread, on its database,
// asked for by name (merge-engine-operations.ts).
import type { Kysely } from 'kysely'
import * as engineRows from '../../db/repositories/import-engine.repository.ts'
import * as imports from '../../db/repositories/imports.repository.ts'
import * as regionImports from '../../db/repositories/region-imports.repository.ts'
import type { JsonRows } from '../../db/repositories/merge-engine.repository.ts'
import type { Tables } from '../../db/tables.ts'

/** What a grid checked on an engine thread comes back with: its checks, and its staged row when it may be stored. */
export interface HeavyGridChecked {
  check: imports.GeometryCheck & imports.GridPlacement
  copy: engineRows.StagedCopy | null
}

/** Engine side: stages the row and measures its area, as the app's connection would; answers its extent. */
export async function stageHeavyGrid(
  engine: Kysely<Tables>,
  runId: number,
  row: imports.StagedRow,
): Promise<imports.GeometryCheck> {
  await imports.deleteStaged(engine, runId)
  await imports.stageGeometries(engine, runId, [row])
  await imports.measureStagedAreas(engine, runId, [row.index])
  const [staged] = await imports.checkStagedGeometries(engine, runId, row.index, row.index + 1)
  return staged
}

/** Engine side: checks the staged row against these regions; its staged row too when `keep`. */
export async function checkHeavyGrid(
  engine: Kysely<Tables>,
  runId: number,
  index: number,
  regions: JsonRows,
  keep: boolean,
): Promise<HeavyGridChecked> {
  await engineRows.replaceEngineRegions(engine, regions)
  const [check] = await imports.checkStagedGrids(engine, runId, index, index + 1)
  const copy = keep ? await engineRows.readStagedCopy(engine, runId, index) : null
  await imports.deleteStaged(engine, runId)
  return { check, copy }
}

/** Engine side: a region's row staged, measured and checked as stageHeavyGrid does, then let go. */
export async function stageHeavyRegion(
  engine: Kysely<Tables>,
  runId: number,
  row: imports.StagedRow,
): Promise<imports.GeometryCheck> {
  const staged = await stageHeavyGrid(engine, runId, row)
  await imports.deleteStaged(engine, runId)
  return staged
}

/** Engine side: checkRegionShapes against these stored regions (parents and their children, findRegionFamilies). */
export async function checkRegionShapesHere(
  engine: Kysely<Tables>,
  regions: JsonRows,
  rows: regionImports.RegionShapeRow[],
  leavingOut: string[],
  tolerance: number,
): Promise<regionImports.RegionShapeFinding[]> {
  await engineRows.replaceEngineRegions(engine, regions)
  return regionImports.checkRegionShapes(engine, rows, leavingOut, tolerance)
}

/** Engine side: the shapes of these regions as upsertRegions stores them (hex EWKB). */
export async function readRegionShapesHere(
  engine: Kysely<Tables>,
  rows: imports.GeometryRow[],
): Promise<{ index: number; boundary: string }[]> {
  return regionImports.readRegionShapes(engine, rows)
}
