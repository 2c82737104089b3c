// 无缝拼接 in the stored frame (issue 19, item 1): a merge's unified grids, as stored in EPSG:4326,
// tile each community — measured from the stored rows with areas on the spheroid — on a district
// with community edges kilometres long without a vertex, a community in two parts (an island), and
// four departments that traced and simplified their grids each on its own.
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HandDrawing, displacementField, drawByHand } from '../../data/district/hand-drawn.ts'
import type { Shape } from '../../data/district/geometry.ts'
import type { Database } from '../../server/db/database.ts'
import { type CommunityTiling, findRunTiling } from '../../server/db/repositories/merge-tiling.repository.ts'
import type { Tables } from '../../server/db/tables.ts'
import { findMetricSrid } from '../../server/db/repositories/merge-runs.repository.ts'
import { defaultSliverRule } from '../../server/services/merge/merge-params.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { mergeExecutionFor } from '../../server/services/merge/merge-run.ts'
import type { RunTiling } from '../../server/services/merge/merge-tiling.ts'
import { type TestApp, buildTestApp } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { toLonLat } from '../helpers/local-frame.ts'

const [A, B] = ['410199001001', '410199001002']

/** An island of B inside A (a hexagon of 150 m around (1500, 1000)). */
const island: [number, number][] = Array.from({ length: 6 }, (_, i) => [
  1500 + 150 * Math.cos((i * Math.PI) / 3),
  1000 + 150 * Math.sin((i * Math.PI) / 3),
])
/** A and B meet on a slanted edge 2 km long; every other edge runs 2–6 km without a vertex. */
const communityA: Shape = [
  [
    [
      [0, 0],
      [3000, 0],
      [3300, 2000],
      [0, 2000],
    ],
    [...island].reverse(),
  ],
]
const communityB: Shape = [
  [
    [
      [3000, 0],
      [6000, 0],
      [6000, 2000],
      [3300, 2000],
    ],
  ],
  [island],
]
/** The x of the A/B edge at height y. */
const edgeX = (y: number) => 3000 + (300 * y) / 2000

/** Each department splits the communities into strips at its own places. */
function strips(cuts: number[], from: (y: number) => number, to: (y: number) => number): Shape[] {
  const xs = [from, ...cuts.map((x) => () => x), to]
  return xs.slice(1).map((right, i) => [
    [
      [
        [xs[i](0), 0],
        [right(0), 0],
        [right(2000), 2000],
        [xs[i](2000), 2000],
      ],
    ],
  ])
}

const departments: { department: string; drawing: HandDrawing; cutsA: number[]; cutsB: number[] }[] = [
  { department: 'governance', drawing: { amplitudeM: 2, toleranceM: 3 }, cutsA: [1000, 2000], cutsB: [4200, 5100] },
  { department: 'party', drawing: { amplitudeM: 5, toleranceM: 8 }, cutsA: [1004, 1996], cutsB: [4197, 5104] },
  { department: 'urban', drawing: { amplitudeM: 10, toleranceM: 15 }, cutsA: [700, 1300, 2100], cutsB: [4000, 5000] },
  { department: 'social', drawing: { amplitudeM: 12, toleranceM: 25 }, cutsA: [1200], cutsB: [4600] },
]

const multiPolygonWkt = (shape: Shape) =>
  `MULTIPOLYGON(${shape
    .map(
      (rings) =>
        `(${rings.map((ring) => `(${[...ring, ring[0]].map(([x, y]) => toLonLat(x, y).join(' ')).join(', ')})`).join(', ')})`,
    )
    .join(', ')})`

async function buildDistrict(db: Kysely<Tables>): Promise<void> {
  const geom = (shape: Shape) => sql`ST_GeomFromText(${multiPolygonWkt(shape)}, 4326)`
  const whole: Shape = [
    [
      [
        [0, 0],
        [6000, 0],
        [6000, 2000],
        [0, 2000],
      ],
    ],
  ]
  await sql`INSERT INTO regions (code, name, level, parent_code, is_urban, boundary) VALUES
    ('410199000000', '测试区', 'district', NULL, true, ${geom(whole)}),
    ('410199001000', '测试街道', 'street', '410199000000', true, ${geom(whole)}),
    (${A}, '甲社区', 'community', '410199001000', true, ${geom(communityA)}),
    (${B}, '乙社区', 'community', '410199001000', true, ${geom(communityB)})`.execute(db)
  for (const [n, { department, drawing, cutsA, cutsB }] of departments.entries()) {
    const { id } = await db
      .insertInto('grid_layers')
      .values({ department, version: 1, title: department, is_active: true })
      .returning('id')
      .executeTakeFirstOrThrow()
    const field = displacementField(1000 + n, drawing.amplitudeM)
    const draw = (shape: Shape, community: Shape, center: number[]) =>
      drawByHand(shape, field, drawing, { shape: community, center }, 0)
    const gridsA = strips(cutsA, () => 0, edgeX)
    const gridsB = strips(cutsB, edgeX, () => 6000)
    // A's strip around the island has a hole there; the island is a grid of its own in 综治 and part
    // of B's first strip in the other layers
    const holed = gridsA.findIndex((s) => s[0][0][0][0] <= 1350 && s[0][0][1][0] >= 1650)
    if (holed >= 0) gridsA[holed] = [[gridsA[holed][0][0], [...island].reverse()]]
    const shapes: [string, Shape][] = [
      ...gridsA.map((s): [string, Shape] => [A, draw(s, communityA, [1500, 500])]),
      ...(department === 'governance'
        ? [...gridsB.map((s): [string, Shape] => [B, s]), [B, [[island]]] as [string, Shape]]
        : gridsB.map((s, i): [string, Shape] => [B, i === 0 ? [...s, [island]] : s])
      ).map(([c, s]): [string, Shape] => [c, draw(s, communityB, [4500, 1000])]),
    ]
    for (const [i, [community, shape]] of shapes.entries()) {
      await sql`INSERT INTO grids (layer_id, code, name, community_code, attributes, boundary)
        VALUES (${id}, ${`${community}${String(i + 1).padStart(3, '0')}`}, ${`${department} ${i + 1}`}, ${community}, '{}',
                ST_Multi(ST_CollectionExtract(ST_MakeValid(${geom(shape)}), 3)))`.execute(db)
    }
  }
}

describe.each(testDrivers())('the stored result of a merge tiles each community in EPSG:4326 on %s', (driver) => {
  let database: Database
  let app: TestApp
  let tiling: CommunityTiling[]
  let runId: number
  let srid: number

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildDistrict(database.db)
    const execution = mergeExecutionFor(database.driver)
    const merges = new MergeService(database.db, { driver: database.driver })
    // a community a step: on PGlite the engines then measure A and B apart, each pair of grids across
    // their edge from both sides
    runId = await merges.createRun({ ...execution.request, batchSize: 1, strategy: 'base_department' })
    const run = await merges.executeRun(runId, execution.hooks)
    expect(run.error).toBeNull()
    srid = await findMetricSrid(database.db)
    tiling = await findRunTiling(database.db, runId, defaultSliverRule, { srid })
    // what the run recorded is what the stored rows measure
    // (on PGlite measured on the merge engines, a step's communities at a time)
    const recorded = (run.stats as { tiling: RunTiling }).tiling
    expect(recorded.maxSymDifferenceM2).toBeCloseTo(Math.max(...tiling.map((c) => c.symDifferenceM2)), 6)
    expect(recorded.maxOverlapM2).toBeCloseTo(Math.max(...tiling.map((c) => c.maxOverlapM2)), 6)
    expect(recorded.maxVertexOutsideM).toBeCloseTo(Math.max(...tiling.map((c) => c.maxVertexOutsideM)), 6)
    app = await buildTestApp(database)
  }, 300_000)

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('measures both communities, the island in two parts', async () => {
    expect(tiling.map((c) => c.code)).toEqual([A, B])
    const { rows } = await sql<{
      parts: number
    }>`SELECT ST_NumGeometries(boundary) AS parts FROM regions WHERE code = ${B}`.execute(database.db)
    expect(rows[0].parts).toBe(2)
  })

  it('leaves at most 0.5 m² between each community and the union of its unified grids', () => {
    for (const c of tiling) expect(c.symDifferenceM2, c.code).toBeLessThanOrEqual(0.5)
  })

  it('lets no two unified grids overlap by more than 0.01 m²', () => {
    for (const c of tiling) expect(c.maxOverlapM2, c.code).toBeLessThanOrEqual(0.01)
  })

  it('puts no vertex of a unified grid more than 5 cm outside its community', () => {
    for (const c of tiling) expect(c.maxVertexOutsideM, c.code).toBeLessThanOrEqual(0.05)
  })

  it('makes no unified grid under the sliver thresholds but whole communities or island parts', () => {
    for (const c of tiling) expect(c.slivers, c.code).toBe(0)
  })

  it('measures the same on its second try, every shape repaired and every pair of grids met by its box', async () => {
    const robust = await findRunTiling(database.db, runId, defaultSliverRule, { srid, robust: true })
    expect(robust.map((c) => [c.code, c.grids, c.slivers])).toEqual(tiling.map((c) => [c.code, c.grids, c.slivers]))
    for (const [i, c] of robust.entries()) {
      for (const figure of ['symDifferenceM2', 'maxOverlapM2', 'maxVertexOutsideM', 'smallestGridM2'] as const)
        expect(c[figure] ?? 0, `${c.code} ${figure}`).toBeCloseTo(tiling[i][figure] ?? 0, 4)
    }
  })
})

describe.each(testDrivers())('a merge whose stored result does not tile its communities on %s', (driver) => {
  let database: Database
  let app: TestApp

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildDistrict(database.db)
    app = await buildTestApp(database)
  }, 300_000)

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('fails naming the community, leaves no unified grid behind, and cannot be published', async () => {
    const execution = mergeExecutionFor(database.driver)
    const merges = new MergeService(database.db, { driver: database.driver })
    const runId = await merges.createRun({ ...execution.request, strategy: 'base_department' })
    // once every step has stored its grids, A's easternmost grid is moved 0.00002° (about 2 m) east, as
    // an overlay gone wrong would leave it: over A's edge with 乙社区, leaving a gap behind it
    const run = await merges.executeRun(runId, {
      ...execution.hooks,
      onStep: async ({ done, total }) => {
        if (done < total) return
        await sql`
          UPDATE unified_grids SET boundary = ST_Translate(boundary, 0.00002, 0)
          WHERE id = (SELECT id FROM unified_grids WHERE merge_run_id = ${runId}::bigint AND community_code = ${A}
                      ORDER BY ST_XMax(boundary) DESC, id LIMIT 1)`.execute(database.db)
      },
    })
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/^合并结果未能无缝拼接社区，本次合并失败，不可发布。/)
    expect(run.error).toContain(`甲社区（${A}）`)
    expect(run.error).toMatch(/与社区边界相差 [\d.,]+ m²（上限 0\.5 m²）/)
    expect(run.error).toMatch(/网格重叠 [\d.,]+ m²（上限 0\.01 m²）/)
    expect(run.error).toMatch(/顶点超出社区 [\d.,]+ cm（上限 5 cm）/)
    const {
      rows: [left],
    } = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM unified_grids WHERE merge_run_id = ${runId}::bigint`.execute(database.db)
    expect(left.n).toBe(0)
    const publish = await app.inject({ method: 'POST', url: `/api/merge-runs/${runId}/publish` })
    expect(publish.statusCode).toBe(409)
    expect(publish.json().message).toBe(`合并运行 ${runId} 状态为“失败”：只有成功的合并运行才能发布`)
    const english = await app.inject({
      method: 'POST',
      url: `/api/merge-runs/${runId}/publish`,
      headers: { 'accept-language': 'en' },
    })
    expect(english.json().message).toBe(`Merge run ${runId} is failed: only a succeeded run can be published`)
    const {
      rows: [published],
    } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM merge_runs WHERE is_published`.execute(database.db)
    expect(published.n).toBe(0)
  }, 300_000)
})
