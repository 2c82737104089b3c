// The import's staged statements for a heavy feature, on both drivers: the area measured once in a
// statement of its own, and the community a grid of many points mostly lies in ranked on the grid
// simplified — the same community and area as the exact overlay gives.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import * as imports from '../../server/db/repositories/imports.repository.ts'
import { prepareGeometry } from '../../server/services/imports/import-checks.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { toLonLat } from '../helpers/local-frame.ts'
import { buildMergeDistrict, communityA, communityB } from '../helpers/merge-district.ts'

/** A rectangle in local metres whose bottom edge carries `points` points, as a staged row. */
function denseRect(index: number, [x0, y0, x1, y1]: number[], points: number) {
  const bottom = Array.from({ length: points }, (_, i) => toLonLat(x0 + ((x1 - x0) * i) / points, y0))
  const ring = [...bottom, toLonLat(x1, y0), toLonLat(x1, y1), toLonLat(x0, y1), toLonLat(x0, y0)]
  const prepared = prepareGeometry(
    { index, geometry: { type: 'Polygon', coordinates: [ring] }, properties: {} },
    { kind: 'epsg', srid: 4326 },
  )
  if ('error' in prepared) throw new Error(prepared.error.en)
  return { index, ...prepared }
}

describe.each(testDrivers())('import statements on %s', (driver) => {
  let database: Database

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
  })

  afterAll(async () => {
    await database?.close()
  })

  it('ranks the community of a grid of 12,000 points as the exact overlay does, with its area measured once', async () => {
    const run = await imports.insertImportRun(database.db, {
      kind: 'grids',
      department: 'urban',
      fileName: 'dense.geojson',
      format: 'geojson',
      dryRun: true,
    })
    // 50 m in community A, 100 m in B: mostly B; a small one of 100 points 30 m in A, 10 m in B
    const rows = [denseRect(0, [150, 10, 300, 110], 12_000), denseRect(1, [170, 10, 210, 50], 100)]
    await imports.stageGeometries(database.db, run, rows)
    await imports.measureStagedAreas(database.db, run, [0])
    const checks = await imports.checkStagedGrids(database.db, run, 0, 2)
    expect(checks.map((c) => c.containingCommunity)).toEqual([communityB, communityA])
    // the area kept (the heavy one) and the one measured by the check are the exact ones, on the spheroid
    const { rows: exact } = await sql<{ index: number; area: number }>`
      SELECT index, ST_Area(boundary::geography) AS area FROM import_staging WHERE import_run_id = ${run} ORDER BY index`.execute(
      database.db,
    )
    expect(checks.map((c) => c.areaM2)).toEqual(exact.map((e) => e.area))
    expect(checks[0].areaM2).toBeGreaterThan(150 * 100 * 0.99)
    expect(checks[0].areaM2).toBeLessThan(150 * 100 * 1.01)
    await imports.deleteStaged(database.db, run)
  })
})
