// The merge through HTTP: start a run, follow it, read its issues, publish it, compare versions,
// and see the unified grid on the map — on each driver.
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Tables } from '../../server/db/tables.ts'
import type { Database } from '../../server/db/database.ts'
import { embeddedEngines, idleEngineCount, stopIdleEngines } from '../../server/services/merge/merge-engine.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { buildTestApp } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { buildMergeDistrict, communityA } from '../helpers/merge-district.ts'
import { toLonLat } from '../helpers/local-frame.ts'
import { decodeTile } from '../helpers/mvt.ts'
import { tileAt, uploadFile } from '../helpers/app.ts'

/** The run once it ended, within 150 s (engines may be starting while other test files run). */
async function waitForRun(app: FastifyInstance, id: number) {
  const deadline = Date.now() + 150_000
  while (Date.now() < deadline) {
    const run = (await app.inject(`/api/merge-runs/${id}`)).json()
    if (run.status === 'succeeded' || run.status === 'failed') return run
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`merge run ${id} did not finish within 150 s`)
}

describe.each(testDrivers())('merge API on %s', (driver) => {
  const merges = (db: Kysely<Tables>) => new MergeService(db, { driver })

  let database: Database
  let app: FastifyInstance
  let runId: number

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
    app = await buildTestApp(database)
    const response = await app.inject({
      method: 'POST',
      url: '/api/merge-runs',
      payload: { strategy: 'base_department', snapToleranceM: 0.2 },
    })
    expect(response.statusCode).toBe(202)
    runId = response.json().id
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('runs a merge in the background to success, with statistics and alignment', async () => {
    const run = await waitForRun(app, runId)
    expect(run).toMatchObject({
      status: 'succeeded',
      progress: 1,
      strategy: 'base_department',
      stats: { unifiedGrids: 3, communities: 2 },
    })
    expect(run.alignment.map((a: { department: string }) => a.department).sort()).toEqual([
      'governance',
      'party',
      'social',
      'urban',
    ])
  })

  it('stores the request with the schema’s defaults filled in, typed, and sends its times as ISO 8601', async () => {
    const run = await waitForRun(app, runId)
    expect(run.params).toEqual({
      strategy: 'base_department',
      baseDepartment: 'governance',
      snapToleranceM: 0.2,
      sliver: { minAreaM2: 20, thinMaxAreaM2: 2000, maxThinness: 0.12 },
      batchSize: driver === 'pglite' ? 8 : 20,
    })
    expect(Object.keys(run.stats).sort()).toEqual(
      [
        'alignmentMs',
        'communities',
        'faces',
        'facesMs',
        'groupingMs',
        'issues',
        'issuesMs',
        'metricSrid',
        'tiling',
        'tilingMs',
        'totalMs',
        'unifiedGrids',
        'unifyMs',
      ].sort(),
    )
    // the stored result measured against its communities: within the limits, or the run had failed
    expect(run.stats.tiling.maxSymDifferenceM2).toBeLessThanOrEqual(0.5)
    expect(run.stats.tiling.maxOverlapM2).toBeLessThanOrEqual(0.01)
    expect(run.stats.tiling.maxVertexOutsideM).toBeLessThanOrEqual(0.05)
    for (const time of [run.startedAt, run.finishedAt]) expect(new Date(time).toISOString()).toBe(time)
    expect(run.publishedAt).toBeNull()
  })

  it('answers every parameter’s default and bounds as the request schema states them', async () => {
    const response = await app.inject('/api/merge-runs/defaults')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      strategy: { default: 'base_department' },
      baseDepartment: { default: 'governance' },
      snapToleranceM: { default: 1, minimum: 0, maximum: 20 },
      sliverMinAreaM2: { default: 20, minimum: 0, maximum: 10000 },
      sliverThinMaxAreaM2: { default: 2000, minimum: 0, maximum: 100000 },
      sliverMaxThinness: { default: 0.12, minimum: 0, maximum: 1 },
      targetHouseholds: { minimum: 50, maximum: 5000 },
    })
    // the bounds answered are those the request is checked against
    const tooLarge = await app.inject({ method: 'POST', url: '/api/merge-runs', payload: { snapToleranceM: 20.5 } })
    expect(tooLarge.statusCode).toBe(400)
  })

  it('lists issues filtered by kind and department', async () => {
    const response = await app.inject(`/api/merge-runs/${runId}/issues?kind=gap&department=party`)
    expect(response.statusCode).toBe(200)
    const { total, byKind, issues } = response.json()
    expect(total).toBe(1)
    // the other kinds of 党建's issues, as a legend shows them: its corner gap, the part outside
    // the district and the grid drawn outside it
    expect(byKind).toMatchObject({ gap: 1, outside_region: 2 })
    expect(byKind.overlap ?? 0).toBe(0)
    expect(issues[0]).toMatchObject({
      kind: 'gap',
      department: 'party',
      communityCode: communityA,
      communityName: '甲社区',
    })
    expect(issues[0].bbox).toHaveLength(4)
  })

  it('lists the issues of the whole district by its code', async () => {
    const all = (await app.inject(`/api/merge-runs/${runId}/issues`)).json().total
    const inDistrict = (await app.inject(`/api/merge-runs/${runId}/issues?region=410199000000`)).json().total
    expect(all).toBeGreaterThan(0)
    // all but the 党建 grid drawn in no community of the district
    expect(inDistrict).toBe(all - 1)
  })

  it('lists issues of one community', async () => {
    const { issues } = (await app.inject(`/api/merge-runs/${runId}/issues?region=${communityA}&limit=500`)).json()
    expect(issues.length).toBeGreaterThan(0)
    expect(issues.every((i: { communityCode: string }) => i.communityCode === communityA)).toBe(true)
  })

  it('publishes the run, and the unified grid appears as a vector-tile layer', async () => {
    const response = await app.inject({ method: 'POST', url: `/api/merge-runs/${runId}/publish` })
    expect(response.statusCode).toBe(200)
    expect(response.json().isPublished).toBe(true)
    const [lon, lat] = toLonLat(100, 100)
    const { z, x, y } = tileAt(lon, lat, 15)
    const tile = await app.inject(`/tiles/unified-grids/${z}/${x}/${y}.mvt`)
    expect(tile.statusCode).toBe(200)
    const codes = decodeTile(tile.rawPayload)['unified-grids'].map((f) => f.properties.code)
    expect(codes).toContain(`${communityA}001`)
  })

  it('draws a run’s issues as a vector-tile layer, each with its kind', async () => {
    const [lon, lat] = toLonLat(185, 185)
    const { z, x, y } = tileAt(lon, lat, 15)
    const tile = await app.inject(`/tiles/merge-issues/${z}/${x}/${y}.mvt?run=${runId}`)
    expect(tile.statusCode).toBe(200)
    const features = decodeTile(tile.rawPayload)['merge-issues']
    const kinds = new Set(features.map((f) => f.properties.kind))
    // the corner 党建 missed and the strip 城管 UB1 pushes into 甲社区 both lie at (185, 185)
    expect(kinds).toContain('gap')
    expect(kinds).toContain('crosses_boundary')
    expect(features.every((f) => Number(f.properties.areaM2) > 0)).toBe(true)
  })

  let second: number

  it('compares two versions', async () => {
    second = (
      await app.inject({
        method: 'POST',
        url: '/api/merge-runs',
        payload: { strategy: 'household_balanced', targetHouseholds: 400 },
      })
    ).json().id
    expect((await waitForRun(app, second)).status).toBe('succeeded')
    const diff = await app.inject(`/api/merge-runs/${runId}/diff/${second}`)
    expect(diff.statusCode).toBe(200)
    const { added, removed, reshaped } = diff.json()
    // 乙社区 has no households: its one grid stays; 甲社区's grids are regrouped by households
    const codes = (rows: { code: string }[]) => rows.map((r) => r.code).sort()
    expect({ added: codes(added), removed: codes(removed), reshaped: codes(reshaped) }).toEqual({
      added: [],
      removed: [],
      reshaped: [`${communityA}001`, `${communityA}002`],
    })
  })

  it('records where a household-balanced run took its households from, and refuses one with none', async () => {
    // the district's layers carry no 户数: the population points inside each face
    expect((await waitForRun(app, second)).householdSource).toBe('population_points')
    expect((await waitForRun(app, runId)).householdSource).toBeNull()
    // with 户数 on every 综治 grid, those (500 a grid in 甲社区, as the points say too)
    const { sql } = await import('kysely')
    await sql`UPDATE grids g SET households = CASE WHEN g.community_code = ${communityA} THEN 500 ELSE 0 END
              FROM grid_layers l WHERE l.id = g.layer_id AND l.department = 'governance'`.execute(database.db)
    try {
      const fromLayer = (
        await app.inject({ method: 'POST', url: '/api/merge-runs', payload: { strategy: 'household_balanced' } })
      ).json()
      expect(fromLayer.householdSource).toBe('grid_layers')
      const done = await waitForRun(app, fromLayer.id)
      expect(done).toMatchObject({ status: 'succeeded', householdSource: 'grid_layers' })
      const { rows } = await sql<{ households: number }>`
        SELECT sum(households)::int AS households FROM unified_grids WHERE merge_run_id = ${fromLayer.id}::bigint AND community_code = ${communityA}`.execute(
        database.db,
      )
      expect(rows[0].households).toBe(1000)
      // neither 户数 nor population points: refused, naming what is missing, and nothing stored
      await sql`UPDATE grids SET households = NULL`.execute(database.db)
      await sql`CREATE TEMP TABLE kept_points AS SELECT * FROM population_points`.execute(database.db)
      await sql`DELETE FROM population_points`.execute(database.db)
      try {
        const runsBefore = await sql<{ n: number }>`SELECT count(*)::int AS n FROM merge_runs`.execute(database.db)
        const refused = await app.inject({
          method: 'POST',
          url: '/api/merge-runs',
          payload: { strategy: 'household_balanced' },
        })
        expect(refused.statusCode).toBe(400)
        expect(refused.json().message).toMatch(
          /^按户数均衡合并需要户数：所选图层（.*综治（governance）.*）都没有户数字段，辖区也没有人口点数据/,
        )
        expect(refused.json().details).toEqual({ field: 'strategy' })
        const english = await app.inject({
          method: 'POST',
          url: '/api/merge-runs',
          payload: { strategy: 'household_balanced' },
          headers: { 'accept-language': 'en' },
        })
        expect(english.json().message).toMatch(
          /^The household-balanced strategy needs households: none of the layers merged \(.*Comprehensive governance \("governance"\).*\)/,
        )
        const runsAfter = await sql<{ n: number }>`SELECT count(*)::int AS n FROM merge_runs`.execute(database.db)
        expect(runsAfter.rows[0].n).toBe(runsBefore.rows[0].n)
      } finally {
        await sql`INSERT INTO population_points SELECT * FROM kept_points`.execute(database.db)
        await sql`DROP TABLE kept_points`.execute(database.db)
      }
    } finally {
      await sql`UPDATE grids SET households = NULL`.execute(database.db)
    }
  }, 120_000)

  it('publishes another run: the active version switches, and the previous one stays queryable', async () => {
    const published = await app.inject({ method: 'POST', url: `/api/merge-runs/${second}/publish` })
    expect(published.json().isPublished).toBe(true)
    expect((await app.inject(`/api/merge-runs/${runId}`)).json().isPublished).toBe(false)
    const [lon, lat] = toLonLat(100, 100)
    const { z, x, y } = tileAt(lon, lat, 15)
    const codesIn = async (url: string) => {
      const grids = decodeTile((await app.inject(url)).rawPayload)['unified-grids']
      return grids.map((f) => `${f.properties.code}@${f.properties.version}`).sort()
    }
    const [active, previous] = [
      await codesIn(`/tiles/unified-grids/${z}/${x}/${y}.mvt`),
      await codesIn(`/tiles/unified-grids/${z}/${x}/${y}.mvt?run=${runId}`),
    ]
    expect(active.every((code) => code.endsWith(`@${second}`))).toBe(true)
    expect(previous.every((code) => code.endsWith(`@${runId}`))).toBe(true)
    expect(previous).toContain(`${communityA}001@${runId}`)
    expect((await app.inject(`/api/merge-runs/${runId}/issues`)).json().total).toBeGreaterThan(0)
  })

  it('reports a grid repaired at import as invalid input of the next merge, with the reason', async () => {
    // 社保 imports a new version: a bowtie over 甲社区 and a square over 乙社区
    const ring = (points: [number, number][]) => [...points, points[0]].map(([x, y]) => toLonLat(x, y))
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: 'S-A', households: 400 },
          geometry: {
            type: 'Polygon',
            coordinates: [
              ring([
                [0, 0],
                [200, 200],
                [200, 0],
                [0, 200],
              ]),
            ],
          },
        },
        {
          type: 'Feature',
          properties: { code: 'S-B', households: 400 },
          geometry: {
            type: 'Polygon',
            coordinates: [
              ring([
                [200, 0],
                [400, 0],
                [400, 200],
                [200, 200],
              ]),
            ],
          },
        },
      ],
    })
    const imported = await uploadFile(
      app,
      { name: 'social-v2.geojson', data: body },
      { kind: 'grids', department: 'social' },
    )
    expect(imported.statusCode).toBe(200)
    const bowtie = await database.db
      .selectFrom('grids')
      .innerJoin('grid_layers as l', 'l.id', 'grids.layer_id')
      .select(['grids.id', 'grids.community_code'])
      .where('l.is_active', '=', true)
      .where('l.department', '=', 'social')
      .where('grids.code', '=', 'S-A')
      .executeTakeFirstOrThrow()
    const started = (
      await app.inject({ method: 'POST', url: '/api/merge-runs', payload: { snapToleranceM: 0.2 } })
    ).json()
    expect((await waitForRun(app, started.id)).status).toBe('succeeded')
    const { issues } = (await app.inject(`/api/merge-runs/${started.id}/issues?kind=invalid_input`)).json()
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ gridIds: [bowtie.id], department: 'social', communityCode: communityA })
    expect(issues[0].note).toMatch(/^Self-intersection.*repaired with ST_MakeValid/)
    expect(issues[0].areaM2).toBeCloseTo(20_000, -3)
  }, 300_000)

  it.each([
    ['an unknown strategy', { strategy: 'magic' }, /^请求有误：请求体字段“strategy”须为 /],
    ['a layer that does not exist', { layerIds: [9999] }, /^没有编号为 9999 的网格图层（字段 layerIds）$/],
    ['a negative tolerance', { snapToleranceM: -1 }, /^请求有误：请求体字段“snapToleranceM”须不小于 0$/],
    ['an unknown field', { colour: 'red' }, /^请求有误：请求体字段“colour”不是可接受的字段$/],
    [
      'a base department with no layer',
      { baseDepartment: 'health' },
      /^基准部门 卫健（health） 不在本次合并的图层中（字段 baseDepartment）；可选：综治（governance）、党建（party）、社保（social）、城管（urban）$/,
    ],
    [
      'a department with no layer',
      { departments: ['governance', 'emergency'] },
      /^以下部门没有启用的网格图层：应急（emergency）（字段 departments）；有图层的部门：/,
    ],
  ])('rejects %s with 400, saying what is wrong', async (_case, payload, message) => {
    const runs = () => database.db.selectFrom('merge_runs').select('id').execute()
    const before = await runs()
    const response = await app.inject({ method: 'POST', url: '/api/merge-runs', payload })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toMatch(message)
    // nothing stored
    expect(await runs()).toEqual(before)
  })

  it('says the same in English when asked', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/merge-runs',
      payload: { layerIds: [9999] },
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toBe('No grid layer has the id 9999 (field layerIds)')
  })

  it('starts the embedded engines when asked ahead of a run, once however often asked, and the run takes them', async () => {
    await waitForRun(app, runId) // the run started before the tests holds engines of its own
    await stopIdleEngines()
    const expected = driver === 'pglite' ? 2 : 0
    // asked twice at once (two workspaces opening), then a run started before the engines are up
    const asked = [
      app.inject({ method: 'POST', url: '/api/merge-engines' }),
      app.inject({ method: 'POST', url: '/api/merge-engines' }),
    ]
    const started = (await app.inject({ method: 'POST', url: '/api/merge-runs', payload: {} })).json()
    for (const response of await Promise.all(asked)) {
      expect(response.statusCode).toBe(200)
      expect(response.json().engines).toBeLessThanOrEqual(expected)
    }
    expect((await waitForRun(app, started.id)).status).toBe('succeeded')
    // the run waited for the engines being started and used them: no second pair was started
    expect(idleEngineCount()).toBe(expected)
    expect((await app.inject({ method: 'POST', url: '/api/merge-engines' })).json().engines).toBe(expected)
    await stopIdleEngines()
    expect(idleEngineCount()).toBe(0)
  }, 300_000)

  it('starts no more engines when warmed while a run holds them (a workspace left open during a run)', async () => {
    await waitForRun(app, runId)
    await stopIdleEngines()
    const engines = embeddedEngines(2)
    const warmings: Promise<void>[] = []
    const run = await merges(database.db).executeRun(await merges(database.db).createRun({ batchSize: 1 }), {
      engines,
      onStep: () => void warmings.push(engines.warm()),
    })
    await Promise.all(warmings)
    expect(run.status).toBe('succeeded')
    expect(warmings.length).toBeGreaterThan(1)
    expect(idleEngineCount()).toBe(2)
    await stopIdleEngines()
  }, 300_000)

  it('answers 404 for a run that does not exist, and 409 for publishing a failed one', async () => {
    expect((await app.inject('/api/merge-runs/999999')).statusCode).toBe(404)
    expect((await app.inject('/api/merge-runs/999999/issues')).statusCode).toBe(404)
    const { rows } = await (
      await import('kysely')
    ).sql<{ id: number }>`
      INSERT INTO merge_runs (strategy, layer_ids, status, error) VALUES ('base_department', '{1}', 'failed', 'test') RETURNING id`.execute(
      database.db,
    )
    const response = await app.inject({ method: 'POST', url: `/api/merge-runs/${rows[0].id}/publish` })
    expect(response.statusCode).toBe(409)
    expect(response.json().message).toBe(`合并运行 ${rows[0].id} 状态为“失败”：只有成功的合并运行才能发布`)
    const english = await app.inject({
      method: 'POST',
      url: `/api/merge-runs/${rows[0].id}/publish`,
      headers: { 'accept-language': 'en' },
    })
    expect(english.json().message).toBe(`Merge run ${rows[0].id} is failed: only a succeeded run can be published`)
    expect((await app.inject('/api/merge-runs/999999')).json().message).toBe('没有编号为 999999 的合并运行')
  })
})
