// 多网合一 end to end on the generated demo district (3,154 grids in four layers that disagree
// everywhere): every community tiled, every kind of conflict found, and a second run that keeps
// the codes of the first.
import { type Kysely, sql } from 'kysely'
import type { Tables } from '../../server/db/tables.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type MergeRunRow, findMetricSrid } from '../../server/db/repositories/merge-runs.repository.ts'
import { findRunTiling } from '../../server/db/repositories/merge-tiling.repository.ts'
import { embeddedEngines } from '../../server/services/merge/merge-engine.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { type MergeHooks, mergeExecutionFor } from '../../server/services/merge/merge-run.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { expectSeamlessTiling } from '../helpers/merge-district.ts'

describe.each(testDrivers())('多网合一 of the demo district on %s', (driver) => {
  const merges = (db: Kysely<Tables>) => new MergeService(db, { driver })

  let database: Database
  let first: MergeRunRow

  const runMerge = async () => {
    const execution = mergeExecutionFor(database.driver)
    return merges(database.db).executeRun(await merges(database.db).createRun(execution.request), execution.hooks)
  }
  const codesOf = async (runId: number) =>
    (
      await database.db
        .selectFrom('unified_grids')
        .select('code')
        .where('merge_run_id', '=', runId)
        .orderBy('code')
        .execute()
    ).map((r) => r.code)

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'demo')
    first = await runMerge()
  }, 300_000)

  afterAll(async () => {
    await database?.close()
  })

  it('succeeds over every community of the district', () => {
    expect(first.error).toBeNull()
    expect(first.status).toBe('succeeded')
    expect(first.stats).toMatchObject({ communities: 110 })
    expect(first.stats.unifiedGrids).toBeGreaterThan(800)
  })

  it('tiles every community with no gap and no overlap', async () => {
    await expectSeamlessTiling(database.db, first.id, 110)
  })

  it('finds gaps, overlaps, slivers and grids crossing their community or the district', () => {
    const issues = first.stats.issues as Record<string, number>
    for (const kind of ['gap', 'overlap', 'sliver', 'crosses_boundary', 'outside_region'])
      expect(issues[kind], kind).toBeGreaterThan(0)
  })

  it('maps every unified grid to the 综治 grid it came from', async () => {
    const { rows } = await sql<{ unmapped: number }>`
      SELECT count(*)::int AS unmapped FROM unified_grids u
      WHERE u.merge_run_id = ${first.id} AND NOT EXISTS (
        SELECT 1 FROM unified_grid_sources s JOIN grids g ON g.id = s.grid_id JOIN grid_layers l ON l.id = g.layer_id
        WHERE s.unified_grid_id = u.id AND l.department = 'governance' AND s.share > 0.5)`.execute(database.db)
    expect(rows[0].unmapped).toBe(0)
  })

  it('gives each community one unified grid per 综治 grid of its own, and nothing else', async () => {
    const { rows } = await sql<{ community: string; unified: number; governance: number }>`
      WITH unified AS (SELECT community_code, count(*)::int AS n FROM unified_grids WHERE merge_run_id = ${first.id} GROUP BY community_code),
           governance AS (SELECT g.community_code, count(*)::int AS n FROM grids g JOIN grid_layers l ON l.id = g.layer_id
                          WHERE l.is_active AND l.department = 'governance' GROUP BY g.community_code)
      SELECT coalesce(u.community_code, g.community_code) AS community, coalesce(u.n, 0) AS unified, coalesce(g.n, 0) AS governance
      FROM unified u FULL JOIN governance g ON g.community_code = u.community_code
      WHERE coalesce(u.n, 0) <> coalesce(g.n, 0)`.execute(database.db)
    expect(rows).toEqual([])
  })

  it('runs again after a succeeded run and keeps every unified grid code', async () => {
    const second = await runMerge()
    expect(second.error).toBeNull()
    expect(await codesOf(second.id)).toEqual(await codesOf(first.id))
  }, 300_000)

  it('regroups each urban community into contiguous grids within the 300–500 household norm with the household-balanced strategy, and keeps the base grids of rural ones', async () => {
    // until issue 19's fix of the way back to EPSG:4326 this run failed its own tiling check: grids
    // overlapping by 0.023 m² in 紫川, 庆畈 and 竹川 (a snapped shape left invalid was dropped for the
    // unsnapped one, a millimetre off the community boundary all along it)
    const execution = mergeExecutionFor(database.driver)
    const run = await merges(database.db).executeRun(
      await merges(database.db).createRun({ ...execution.request, strategy: 'household_balanced' }),
      execution.hooks,
    )
    expect(run.error).toBeNull()
    expect(run.status).toBe('succeeded')
    expect(run.householdSource).toBe('grid_layers')
    await expectSeamlessTiling(database.db, run.id, 110)
    const {
      rows: [urban],
    } = await sql<{ grids: number; within: number }>`
      SELECT count(*)::int AS grids, count(*) FILTER (WHERE u.households BETWEEN 300 AND 500)::int AS within
      FROM unified_grids u JOIN regions r ON r.code = u.community_code AND r.is_urban WHERE u.merge_run_id = ${run.id}`.execute(
      database.db,
    )
    // 95 % with households from the population points; 94.97 % once the community boundary was
    // densified in EPSG:4326; 93.5 % (server PostGIS, ×1 demo) since the households come from the
    // 综治 layer's 户数 shared out over the faces (issue 19 item 3). Not re-tuned for either.
    expect(urban.within / urban.grids).toBeGreaterThan(0.93)
    // contiguous: no regrouped grid in several parts (no community of the demo is in several parts;
    // rural communities keep the base department's grids, which may be)
    const {
      rows: [parts],
    } = await sql<{ split: number }>`
      SELECT count(*)::int AS split FROM unified_grids u JOIN regions r ON r.code = u.community_code AND r.is_urban
      WHERE u.merge_run_id = ${run.id} AND ST_NumGeometries(u.boundary) > 1`.execute(database.db)
    expect(parts.split).toBe(0)
    // nor any grid with a crumb of a part: repairing a snapped shape cut a 13 mm² spike off one urban
    // grid as a part of its own on server PostGIS until the repair was kept to the shape's own parts
    const {
      rows: [crumbs],
    } = await sql<{ parts: number }>`
      SELECT count(*)::int AS parts FROM unified_grids u CROSS JOIN LATERAL ST_Dump(u.boundary) d
      WHERE u.merge_run_id = ${run.id} AND ST_NumGeometries(u.boundary) > 1 AND ST_Area(d.geom::geography) < 0.01`.execute(
      database.db,
    )
    expect(crumbs.parts).toBe(0)
    // and the rural communities keep one grid per 综治 grid of their own
    const {
      rows: [rural],
    } = await sql<{ unified: number; governance: number }>`
      SELECT (SELECT count(*)::int FROM unified_grids u JOIN regions r ON r.code = u.community_code AND NOT r.is_urban WHERE u.merge_run_id = ${run.id}) AS unified,
             (SELECT count(*)::int FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active AND l.department = 'governance'
              JOIN regions r ON r.code = g.community_code AND NOT r.is_urban) AS governance`.execute(database.db)
    expect(rural.unified).toBe(rural.governance)
  }, 300_000)

  it('tiles 翠湾社区 in the merge workspace’s own household-balanced run (governance, urban and party, target 300, thinness 0.1)', async () => {
    // this run failed its tiling check with 0.012 m² of overlap between grids 006 and 007 of 翠湾社区:
    // going back to EPSG:4326, the snap onto the stored community boundary inserted a boundary vertex
    // into one grid's edge 1.3 mm from it, and not into the same edge of its neighbour, which had
    // that vertex already (see storedCorners in merge-step.repository.ts)
    const execution = mergeExecutionFor(database.driver)
    const run = await merges(database.db).executeRun(
      await merges(database.db).createRun({
        ...execution.request,
        strategy: 'household_balanced',
        departments: ['governance', 'urban', 'party'],
        targetHouseholds: 300,
        sliverMaxThinness: 0.1,
      }),
      execution.hooks,
    )
    expect(run.error).toBeNull()
    expect(run.status).toBe('succeeded')
    await expectSeamlessTiling(database.db, run.id, 110)
    // measured from the stored rows as the check measures them: no overlap left at all, not just under the limit
    const [cuiwan] = await findRunTiling(database.db, run.id, run.params.sliver, {
      srid: await findMetricSrid(database.db),
      communities: ['410199001016'],
    })
    expect(cuiwan.grids).toBeGreaterThan(1)
    expect(cuiwan.maxOverlapM2).toBeLessThan(0.001)
  }, 300_000)

  it('gives the same unified grids with its steps on embedded engines in worker threads as on its own connection, whatever the step size', async () => {
    const runWith = async (batchSize: number, hooks: MergeHooks) =>
      merges(database.db).executeRun(await merges(database.db).createRun({ batchSize }), hooks)
    const onEngines = await runWith(4, { engines: embeddedEngines(2) })
    const onConnection = await runWith(3, { parallelSteps: 1 })
    expect([onEngines.error, onConnection.error]).toEqual([null, null])
    const gridsOf = async (runId: number) => {
      const rows = await database.db
        .selectFrom('unified_grids')
        .select(['code', 'area_m2', 'households'])
        .where('merge_run_id', '=', runId)
        .orderBy('code')
        .execute()
      return new Map(rows.map((r) => [r.code, r]))
    }
    const [engines, connection] = [await gridsOf(onEngines.id), await gridsOf(onConnection.id)]
    expect([...engines.keys()]).toEqual([...connection.keys()])
    // the same overlay of the same inputs: identical with the same GEOS (PGlite's), and on server
    // PostGIS (an older GEOS) the odd face noded otherwise and absorbed by the neighbouring grid
    const reshaped = [...engines].filter(([code, grid]) => Math.abs(grid.area_m2 - connection.get(code)!.area_m2) > 0.5)
    expect(reshaped.length).toBeLessThanOrEqual(driver === 'pglite' ? 0 : 0.02 * engines.size)
    const households = (grids: Map<string, { households: number }>) =>
      [...grids.values()].reduce((sum, g) => sum + g.households, 0)
    expect(households(engines)).toBe(households(connection))
    const mappingRows = async (runId: number) =>
      (
        await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM unified_grid_sources s JOIN unified_grids u ON u.id = s.unified_grid_id WHERE u.merge_run_id = ${runId}`.execute(
          database.db,
        )
      ).rows[0].n
    const [enginesRows, connectionRows] = [await mappingRows(onEngines.id), await mappingRows(onConnection.id)]
    expect(Math.abs(enginesRows - connectionRows)).toBeLessThanOrEqual(driver === 'pglite' ? 0 : 0.001 * connectionRows)
    for (const [kind, n] of Object.entries(onConnection.stats.issues as Record<string, number>)) {
      expect((onEngines.stats.issues as Record<string, number>)[kind], kind).toBeCloseTo(n, -1)
    }
  }, 400_000)

  it('fails a run on the embedded engines when a step fails midway, leaving nothing behind and the published version in place', async () => {
    await merges(database.db).publishRun(first.id)
    const published = await codesOf(first.id)
    const run = await merges(database.db).executeRun(await merges(database.db).createRun({ batchSize: 4 }), {
      engines: embeddedEngines(2),
      onStep: ({ done }) => {
        if (done >= 8) throw new Error('the machine ran out of memory')
      },
    })
    expect(run.status).toBe('failed')
    expect(run.error).toContain('out of memory')
    expect(await codesOf(run.id)).toEqual([])
    expect(
      await database.db.selectFrom('merge_issues').select('id').where('merge_run_id', '=', run.id).execute(),
    ).toEqual([])
    expect(
      (await database.db.selectFrom('merge_runs').select('id').where('is_published', '=', true).execute()).map(
        (r) => r.id,
      ),
    ).toEqual([first.id])
    expect(await codesOf(first.id)).toEqual(published)
  }, 300_000)
})
