// 多网合一 on a small hand-built district whose answer is known: two 200 m × 200 m communities and
// four department layers, each wrong in its own way.
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import type { Tables } from '../../server/db/tables.ts'
import { failInterruptedRuns } from '../../server/db/repositories/merge-runs.repository.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { rect } from '../helpers/local-frame.ts'
import {
  buildMergeDistrict as buildDistrict,
  communityA,
  communityB,
  expectSeamlessTiling,
} from '../helpers/merge-district.ts'

const [A, B] = [communityA, communityB]

/** Areas from the hand-built frame are within half a percent of the UTM ones. */
const expectArea = (actual: number | undefined, expected: number) => {
  expect(actual).toBeDefined()
  expect(Math.abs(actual! - expected) / expected).toBeLessThan(0.005)
}

describe.each(testDrivers())('多网合一 on %s', (driver) => {
  const merges = (db: Kysely<Tables>) => new MergeService(db, { driver })

  let database: Database
  let db: Kysely<Tables>
  let grid: Record<string, number>
  let baseRun: number

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    db = database.db
    grid = await buildDistrict(db)
    // a 0.2 m snapping tolerance keeps the half-metre strip between 城管 and 综治 a sliver
    baseRun = await merges(db).createRun({ strategy: 'base_department', batchSize: 1, snapToleranceM: 0.2 })
    const run = await merges(db).executeRun(baseRun)
    expect(run.error).toBeNull()
  })

  afterAll(async () => database?.close())

  const issues = async (runId: number, kind: string) =>
    (await merges(db).listIssues(runId, { kind: kind as never, limit: 100, offset: 0 })).issues

  it('keeps the base department’s grids as the unified grids, coded community + serial', async () => {
    const rows = await db
      .selectFrom('unified_grids')
      .select(['code', 'community_code', 'area_m2'])
      .where('merge_run_id', '=', baseRun)
      .orderBy('code')
      .execute()
    expect(rows.map((r) => r.code)).toEqual([`${A}001`, `${A}002`, `${B}001`])
    expectArea(rows[0].area_m2, 20_000)
    expectArea(rows[2].area_m2, 40_000)
  })

  it('tiles each community with no gap and no overlap', async () => {
    await expectSeamlessTiling(db, baseRun, 2)
  })

  it('finds the corner 党建 left uncovered as a gap of 900 m²', async () => {
    const gaps = (await issues(baseRun, 'gap')).filter((i) => i.department === 'party')
    expect(gaps).toHaveLength(1)
    expectArea(gaps[0].areaM2, 900)
    expect(gaps[0].communityCode).toBe(A)
  })

  it('finds the two triangles the repaired 社保 bowtie leaves uncovered', async () => {
    const gaps = (await issues(baseRun, 'gap')).filter((i) => i.department === 'social')
    expect(gaps).toHaveLength(2)
    for (const gap of gaps) expectArea(gap.areaM2, 10_000)
  })

  it('finds overlaps within one department with the grids involved', async () => {
    const overlaps = await issues(baseRun, 'overlap')
    const social = overlaps.find((o) => o.department === 'social')!
    expectArea(social.areaM2, 4000)
    expect(social.gridIds).toEqual([grid.SB1, grid.SB2].sort((a, b) => a - b))
    const urban = overlaps.find((o) => o.department === 'urban')!
    expectArea(urban.areaM2, 3000)
    expect(urban.gridIds).toEqual([grid.UA2, grid.UB1].sort((a, b) => a - b))
  })

  it('snaps the half-metre strip away with the default 1 m tolerance', async () => {
    const runId = await merges(db).createRun({})
    await merges(db).executeRun(runId)
    const slivers = await issues(runId, 'sliver')
    expect(slivers.some((s) => s.areaM2 > 50 && s.areaM2 < 150 && s.communityCode === A)).toBe(false)
    await db.deleteFrom('merge_runs').where('id', '=', runId).execute()
  })

  it('finds the half-metre strip between 城管 and 综治 as a sliver and absorbs it', async () => {
    const slivers = await issues(baseRun, 'sliver')
    expect(slivers.length).toBeGreaterThanOrEqual(1)
    // the strip (100 m²) lies under 城管 UA1 and 综治 GA2; a sliver issue is the whole chain it belongs to
    expect(
      slivers.some(
        (s) => s.areaM2 > 50 && s.communityCode === A && s.gridIds.includes(grid.UA1) && s.gridIds.includes(grid.GA2),
      ),
    ).toBe(true)
    const unified = await db
      .selectFrom('unified_grids')
      .select('area_m2')
      .where('merge_run_id', '=', baseRun)
      .where('community_code', '=', A)
      .execute()
    expectArea(
      unified.reduce((sum, u) => sum + u.area_m2, 0),
      40_000,
    )
  })

  it('finds grids crossing their community, reaching outside the district, or lying wholly outside it', async () => {
    // 城管 UB1 of 乙社区 reaches 15 m into 甲社区; 党建 PB1 reaches out of the district only
    const crossing = await issues(baseRun, 'crosses_boundary')
    expect(crossing.map((i) => i.gridIds)).toEqual([[grid.UB1]])
    expectArea(crossing[0].areaM2, 3000)
    expect(crossing[0].communityCode).toBe(B)
    expect(crossing[0].note).toBe('伸入相邻社区 甲社区')
    const outside = await issues(baseRun, 'outside_region')
    expect(outside.map((i) => i.gridIds).sort()).toEqual([[grid.PB1], [grid.PX1]].sort())
    const [partly, wholly] = [
      outside.find((i) => i.gridIds[0] === grid.PB1)!,
      outside.find((i) => i.gridIds[0] === grid.PX1)!,
    ]
    expectArea(partly.areaM2, 5000)
    expect(partly.communityCode).toBe(B)
    // PX1 lies in no community: no step sees it, the run reports the whole grid
    expectArea(wholly.areaM2, 10_000)
    expect(wholly.communityCode).toBeNull()
    expect(wholly.note).toBe('不在辖区任何社区内')
  })

  it('reports the self-intersecting grid as invalid input, with the reason', async () => {
    const invalid = await issues(baseRun, 'invalid_input')
    expect(invalid).toHaveLength(1)
    expect(invalid[0].gridIds).toEqual([grid.SA1])
    expect(invalid[0].note).toMatch(/self-intersection/i)
  })

  it('maps every unified grid to the department grids it overlaps, with shares', async () => {
    const rows = await sql<{ code: string; grid_id: number; overlap_m2: number; share: number }>`
      SELECT u.code, s.grid_id, s.overlap_m2, s.share FROM unified_grid_sources s JOIN unified_grids u ON u.id = s.unified_grid_id
      WHERE u.merge_run_id = ${baseRun} ORDER BY u.code, s.grid_id`.execute(db)
    const b = rows.rows.filter((r) => r.code === `${B}001`)
    expect(b.find((r) => r.grid_id === grid.GB1)?.share).toBeCloseTo(1, 3)
    expectArea(b.find((r) => r.grid_id === grid.SB1)?.overlap_m2, 24_000)
    expect(b.find((r) => r.grid_id === grid.UB1)?.share).toBeCloseTo(1, 3)
  })

  it('scores 综治 as aligned one to one and 党建 as poorly aligned', async () => {
    const { alignment, stats } = await merges(db).getRun(baseRun)
    const by = Object.fromEntries(
      (alignment as { department: string; meanIou: number; oneToOneShare: number }[]).map((a) => [a.department, a]),
    )
    expect(by.governance.meanIou).toBeGreaterThan(0.99)
    expect(by.governance.oneToOneShare).toBe(1)
    expect(by.party.meanIou).toBeLessThan(0.8)
    expect(stats).toMatchObject({ unifiedGrids: 3, communities: 2 })
  })

  const householdsIn = async (runId: number, community: string) =>
    await db
      .selectFrom('unified_grids')
      .select(['code', 'households'])
      .where('merge_run_id', '=', runId)
      .where('community_code', '=', community)
      .orderBy('code')
      .execute()

  it('regroups faces into grids within the household norm with the household-balanced strategy', async () => {
    const run = await merges(db).executeRun(await merges(db).createRun({ strategy: 'household_balanced' }))
    expect(run.status).toBe('succeeded')
    const inA = await householdsIn(run.id, A)
    expect(inA.length).toBeGreaterThanOrEqual(2)
    expect(inA.reduce((sum, u) => sum + u.households, 0)).toBe(1000)
    for (const u of inA) expect(u.households, u.code).toBeGreaterThanOrEqual(300)
    for (const u of inA) expect(u.households, u.code).toBeLessThanOrEqual(500)
    await expectSeamlessTiling(db, run.id, 2)
  })

  it('follows the norm a street sets for its communities, and keeps the base grids of a rural community', async () => {
    await sql`UPDATE regions SET households_min = 200, households_max = 300 WHERE code = '410199001000'`.execute(db)
    const streetNorm = await merges(db).executeRun(await merges(db).createRun({ strategy: 'household_balanced' }))
    const inA = await householdsIn(streetNorm.id, A)
    expect(inA.length).toBeGreaterThanOrEqual(4)
    for (const u of inA) expect(u.households, u.code).toBeGreaterThanOrEqual(200)
    for (const u of inA) expect(u.households, u.code).toBeLessThanOrEqual(300)
    await expectSeamlessTiling(db, streetNorm.id, 2)

    // 甲社区 a village with no norm of its own: its grids are 综治's, 500 households each
    await sql`UPDATE regions SET households_min = NULL, households_max = NULL WHERE code = '410199001000'`.execute(db)
    await sql`UPDATE regions SET is_urban = false WHERE code = ${A}`.execute(db)
    try {
      const rural = await merges(db).executeRun(
        await merges(db).createRun({ strategy: 'household_balanced', snapToleranceM: 0.2 }),
      )
      expect((await householdsIn(rural.id, A)).map((u) => u.households)).toEqual([500, 500])
      const { rows } = await sql<{ grid_id: number; share: number }>`
        SELECT s.grid_id, s.share FROM unified_grid_sources s JOIN unified_grids u ON u.id = s.unified_grid_id
        WHERE u.merge_run_id = ${rural.id} AND s.grid_id IN (${grid.GA1}, ${grid.GA2}) AND s.share > 0.99`.execute(db)
      expect(rows.map((r) => r.grid_id).sort()).toEqual([grid.GA1, grid.GA2].sort((a, b) => a - b))
    } finally {
      await sql`UPDATE regions SET is_urban = true WHERE code = ${A}`.execute(db)
    }
  })

  it('publishes a run and keeps the published version when a later run fails midway', async () => {
    await merges(db).publishRun(baseRun)
    const failing = await merges(db).createRun({ batchSize: 1 })
    const run = await merges(db).executeRun(failing, {
      onStep: ({ done }) => {
        if (done === 1) throw new Error('power cut after the first community')
      },
    })
    expect(run.status).toBe('failed')
    expect(run.error).toContain('power cut')
    const leftovers = await db.selectFrom('unified_grids').select('id').where('merge_run_id', '=', failing).execute()
    expect(leftovers).toEqual([])
    const published = await db.selectFrom('merge_runs').select('id').where('is_published', '=', true).execute()
    expect(published).toEqual([{ id: baseRun }])
    const kept = await db.selectFrom('unified_grids').select('code').where('merge_run_id', '=', baseRun).execute()
    expect(kept).toHaveLength(3)
    await expect(merges(db).publishRun(failing)).rejects.toThrow(/状态为“失败”：只有成功的合并运行才能发布/)
  })

  it('fails a run whose steps run two at a time when one of them fails, leaving nothing behind', async () => {
    const failing = await merges(db).createRun({ batchSize: 1 })
    const run = await merges(db).executeRun(failing, {
      parallelSteps: 2,
      onStep: () => {
        throw new Error('disk full in a parallel step')
      },
    })
    expect(run.status).toBe('failed')
    expect(run.error).toContain('disk full')
    expect(await db.selectFrom('unified_grids').select('id').where('merge_run_id', '=', failing).execute()).toEqual([])
    expect(await db.selectFrom('merge_issues').select('id').where('merge_run_id', '=', failing).execute()).toEqual([])
  })

  it('marks a run the server stopped during as failed at the next start, removing what its steps stored', async () => {
    // the run stops after its first committed step, as a server killed there would
    let stopped!: () => void
    const atStop = new Promise<void>((resolve) => (stopped = resolve))
    let resume!: (error: Error) => void
    const run = merges(db).executeRun(await merges(db).createRun({ batchSize: 1 }), {
      onStep: () =>
        new Promise<void>((_, reject) => {
          resume = reject
          stopped()
        }),
    })
    await atStop
    const runId = (
      await db.selectFrom('merge_runs').select('id').where('status', '=', 'running').executeTakeFirstOrThrow()
    ).id
    const stored = async () =>
      (await db.selectFrom('unified_grids').select('id').where('merge_run_id', '=', runId).execute()).length
    expect(await stored()).toBeGreaterThan(0)
    expect(await failInterruptedRuns(db)).toBe(1)
    expect(await stored()).toBe(0)
    expect(await db.selectFrom('merge_issues').select('id').where('merge_run_id', '=', runId).execute()).toEqual([])
    expect(
      await db
        .selectFrom('merge_runs')
        .select(['status', 'error', 'error_en'])
        .where('id', '=', runId)
        .executeTakeFirst(),
    ).toEqual({
      status: 'failed',
      error: '服务器在合并运行期间停止，本次合并未完成',
      error_en: 'interrupted: the server stopped during the run',
    })
    resume(new Error('the old process is gone'))
    expect((await run).status).toBe('failed')
  })

  it('gives the same unified grids with steps two at a time as one at a time', async () => {
    const parallel = await merges(db).executeRun(await merges(db).createRun({ batchSize: 1, snapToleranceM: 0.2 }), {
      parallelSteps: 2,
    })
    const serial = await merges(db).executeRun(await merges(db).createRun({ batchSize: 1, snapToleranceM: 0.2 }), {
      parallelSteps: 1,
    })
    const shapes = async (runId: number) =>
      (
        await db
          .selectFrom('unified_grids')
          .select(['code', 'area_m2'])
          .where('merge_run_id', '=', runId)
          .orderBy('code')
          .execute()
      ).map((u) => [u.code, Math.round(u.area_m2)])
    expect(parallel.stats.unifiedGrids).toBe(3)
    expect(await shapes(parallel.id)).toEqual(await shapes(serial.id))
  })

  it('lists grids added and reshaped between two versions, and leaves unchanged ones out', async () => {
    // 综治 splits its second grid in A: the next merge reshapes A002 and adds A003
    await sql`UPDATE grids SET boundary = ST_Multi(ST_GeomFromText(${rect(100, 0, 200, 150)}, 4326)) WHERE id = ${grid.GA2}`.execute(
      db,
    )
    await sql`INSERT INTO grids (layer_id, code, name, community_code, attributes, boundary)
      SELECT layer_id, 'GA3', 'GA3', community_code, '{}', ST_Multi(ST_GeomFromText(${rect(100, 150, 200, 200)}, 4326)) FROM grids WHERE id = ${grid.GA2}`.execute(
      db,
    )
    const next = await merges(db).createRun({ snapToleranceM: 0.2 })
    expect((await merges(db).executeRun(next)).status).toBe('succeeded')
    const diff = await merges(db).diffRuns(baseRun, next)
    expect(diff.added.map((r) => r.code)).toEqual([`${A}003`])
    expect(diff.reshaped.map((r) => r.code)).toEqual([`${A}002`])
    expect(diff.removed).toEqual([])
    expectArea(diff.reshaped[0].changedM2, 5000)
    // and back: the grid added is removed, the one reshaped is reshaped again
    const back = await merges(db).diffRuns(next, baseRun)
    expect(back.removed.map((r) => r.code)).toEqual([`${A}003`])
    expectArea(back.removed[0].areaM2, 5000)
    expect(back.added).toEqual([])
    expect(back.reshaped.map((r) => r.code)).toEqual([`${A}002`])
  })

  it('fails a run rather than give a community a grid code past serial 999', async () => {
    // the published version already used serial 999 in 甲社区: the next new grid there would need 1000
    const { id: full } = await db
      .insertInto('merge_runs')
      .values({ strategy: 'base_department', layer_ids: [1], status: 'succeeded', progress: 1 } as never)
      .returning('id')
      .executeTakeFirstOrThrow()
    await sql`INSERT INTO unified_grids (merge_run_id, code, community_code, area_m2, households, population, boundary)
      VALUES (${full}, ${`${A}999`}, ${A}, 100, 0, 0, ST_Multi(ST_GeomFromText(${rect(0, 0, 10, 10)}, 4326)))`.execute(
      db,
    )
    await merges(db).publishRun(full)
    const run = await merges(db).executeRun(await merges(db).createRun({ snapToleranceM: 0.2 }))
    expect(run.status).toBe('failed')
    expect(run.error).toContain(`Community ${A} would hold more than 999 unified grids`)
    expect(await db.selectFrom('unified_grids').select('id').where('merge_run_id', '=', run.id).execute()).toEqual([])
  })
})
