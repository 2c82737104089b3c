// Siting scenarios through the API on each driver: a hand-built instance whose answers are known,
// runs over the demo district (radius and walking network, greedy and exact), exports, comparison,
// and every bad input refused with a zh-CN message and nothing stored.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { LocalFrame } from '../../server/services/siting/siting.service.ts'
import { buildTestApp, tileAt } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

const F = new LocalFrame(117.0, 31.8)
const at = (x: number, y: number) => ({ lon: F.lon(x), lat: F.lat(y) })
const DISTRICT = '340199000000'
const STREET = '340199001000'
const COMMUNITY = '340199001001'
const EMPTY_COMMUNITY = '340199001002'

async function countScenarios(database: Database): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM siting_scenarios`.execute(database.db)
  return rows[0].n
}

describe.each(testDrivers())('siting scenarios on a hand-built instance on %s', (driver) => {
  let database: Database
  let app: FastifyInstance
  // P (100 residents) at 0 m, Q (60) at 1,000 m, T (50) at 2,000 m; no centre yet. With 600 m:
  // a candidate at 0 covers P; at 500 covers P and Q (160); at 1,500 covers Q and T (110).
  const candidates = [at(0, 0), at(500, 0), at(1500, 0)]

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await database.db
      .insertInto('regions')
      .values([
        { code: DISTRICT, name: '测试区', level: 'district', parent_code: null },
        { code: STREET, name: '测试街道', level: 'street', parent_code: DISTRICT },
        { code: COMMUNITY, name: '测试社区', level: 'community', parent_code: STREET },
        { code: EMPTY_COMMUNITY, name: '无人社区', level: 'community', parent_code: STREET },
      ])
      .execute()
    for (const [residents, x] of [
      [100, 0],
      [60, 1000],
      [50, 2000],
    ])
      await sql`INSERT INTO population_points (region_code, residents, households, location)
        VALUES (${COMMUNITY}, ${residents}, ${residents / 2}, ST_SetSRID(ST_MakePoint(${at(x, 0).lon}, ${at(x, 0).lat}), 4326))`.execute(
        database.db,
      )
    app = await buildTestApp(database)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  const run = (payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/api/siting-scenarios',
      payload: { region: COMMUNITY, radiusM: 600, ...payload },
    })

  it('maximal covering picks the site covering most, greedy and exact agreeing with the known optimum', async () => {
    const one = await run({ k: 1, candidates, solver: 'both' })
    expect(one.statusCode, one.body).toBe(201)
    const s = one.json()
    expect(s.chosen).toHaveLength(1)
    expect(s.chosen[0].gain).toBe(160)
    expect(s.chosen[0].lon).toBeCloseTo(candidates[1].lon, 9)
    expect(s).toMatchObject({ coveredBefore: 0, coveredAfter: 160, totalResidents: 210, objective: 'max_covering' })
    expect(s.result.solvers.map((x: { solver: string }) => x.solver)).toEqual(['greedy', 'exact'])
    expect(s.result.solvers[1]).toMatchObject({ covered: 160, status: 'optimal' })
    // the fast solver says which heuristic ran, in both languages, and pure greedy's own figure
    expect(s.result.solvers[0]).toMatchObject({
      heuristic: 'greedy+interchange',
      heuristicLabel: { 'zh-CN': '贪心 + 交换优化', en: 'greedy + interchange' },
      greedyNewlyCovered: 160,
      newlyCovered: 160,
    })
    expect(s.result.solvers[1]).toMatchObject({ heuristic: null, heuristicLabel: null, greedyNewlyCovered: null })
    const two = (await run({ k: 2, candidates, solver: 'exact' })).json()
    expect(two.coveredAfter).toBe(210)
    const stored = (await app.inject(`/api/siting-scenarios/${s.id}`)).json()
    expect(stored).toMatchObject({ id: s.id, coveredAfter: 160, params: { k: 1, radiusM: 600, solver: 'both' } })
  })

  it('set covering returns the fewest sites reaching the target share', async () => {
    const half = (await run({ objective: 'set_covering', targetShare: 0.7, candidates })).json()
    expect(half.chosen).toHaveLength(1) // 160 / 210 = 76 %
    // set covering is greedy alone (the interchange polish keeps k fixed)
    expect(half.result.solvers[0]).toMatchObject({
      heuristic: 'greedy',
      heuristicLabel: { 'zh-CN': '贪心', en: 'greedy' },
    })
    const all = (await run({ objective: 'set_covering', targetShare: 1, candidates, solver: 'both' })).json()
    expect(all.chosen).toHaveLength(2)
    expect(all.coveredAfter).toBe(210)
  })

  it('refuses every bad input with a zh-CN message naming the field, storing nothing', async () => {
    const before = await countScenarios(database)
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ k: 0, candidates }, 'k', /k 必须/],
      [{ k: 4, candidates }, 'k', /k 必须/],
      [{ k: 1.5, candidates }, 'k', /k 必须/],
      [{ k: 1, candidates, radiusM: 0 }, 'radiusM', /服务半径/],
      [{ k: 1, candidates, radiusM: 60_000 }, 'radiusM', /服务半径/],
      [{ k: 1, candidates, method: 'network', speed: 10 }, 'speed', /速度|speed/],
      [{ k: 1, candidates: [], generate: 'unified_grids' }, 'candidates', /没有候选点/],
      [
        {
          k: 1,
          candidates,
          exclusion: {
            type: 'Polygon',
            coordinates: [
              [
                [116, 31],
                [118, 31],
                [118, 33],
                [116, 33],
                [116, 31],
              ],
            ],
          },
        },
        'candidates',
        /没有候选点（3 个在排除区内）/,
      ],
      [{ k: 1, candidates, exclusion: { type: 'Polygon', coordinates: [[1, 2]] } }, 'exclusion', /排除区/],
      [{ k: 1, candidates, region: '340199009000' }, 'region', /区划 340199009000 不存在/],
      [{ k: 1, candidates, region: 'x' }, 'region', /12 位/],
      [{ k: 1, candidates, region: EMPTY_COMMUNITY }, 'region', /没有常住人口/],
      [{ k: 1, candidates, method: 'network' }, 'method', /没有路网/],
      [{ objective: 'set_covering', targetShare: 1, candidates: candidates.slice(0, 1) }, 'targetShare', /无法达到/],
      [{ objective: 'set_covering', targetShare: 1.5, candidates }, 'targetShare', /目标覆盖率/],
      [{ objective: 'set_covering', candidates }, 'targetShare', /目标覆盖率/],
      [{ candidates }, 'k', /k/],
      [{ k: 1, candidates, solver: 'exact', timeLimitSeconds: 0 }, 'timeLimitSeconds', /求解时限/],
    ]
    for (const [payload, field, message] of cases) {
      const response = await run(payload)
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      expect(response.json().message, JSON.stringify(payload)).toMatch(message)
      expect(response.json().details, JSON.stringify(payload)).toEqual([expect.objectContaining({ field })])
    }
    expect(await countScenarios(database)).toBe(before)
  })

  it('refuses a network scenario whose demand lies far from every walkable edge', async () => {
    const before = await countScenarios(database)
    // a road 5 km north of everyone
    await sql`INSERT INTO road_networks (name, source, is_active) VALUES ('远处道路', 'test', true)`.execute(
      database.db,
    )
    await sql`INSERT INTO road_edges (network_id, class, length_m, geom)
      SELECT id, 'residential', 1000, ST_SetSRID(ST_MakeLine(ST_MakePoint(${at(0, 5000).lon}, ${at(0, 5000).lat}),
        ST_MakePoint(${at(1000, 5000).lon}, ${at(1000, 5000).lat})), 4326) FROM road_networks WHERE is_active`.execute(
      database.db,
    )
    const response = await run({ k: 1, candidates, method: 'network' })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toMatch(/没有距离需求点 100 米以内的可步行道路/)
    expect(await countScenarios(database)).toBe(before)
  })
})

describe.each(testDrivers())('siting scenarios on the demo district on %s', (driver) => {
  let database: Database
  let app: FastifyInstance
  let district: string
  let street: string

  beforeAll(async () => {
    database = await openTestDatabase(driver)
    app = await buildTestApp(database)
    district = (await app.inject('/api/regions?level=district')).json().regions[0].code
    street = (await app.inject('/api/regions?level=street')).json().regions[0].code
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('covers the demo district by radius with figures that add up at each level', async () => {
    const c = (await app.inject(`/api/coverage?region=${district}`)).json()
    expect(c.totals.residents).toBe(863_497)
    expect(c.totals.covered + c.totals.uncovered).toBe(c.totals.residents)
    expect(c.centres).toHaveLength(81)
    const sum = (rows: { residents: number; covered: number }[], key: 'residents' | 'covered') =>
      rows.reduce((s, r) => s + r[key], 0)
    expect(sum(c.streets, 'residents')).toBe(c.totals.residents)
    expect(sum(c.communities, 'covered')).toBe(c.totals.covered)
    expect(c.totals.coveredMoreThanOnce).toBeLessThanOrEqual(c.totals.covered)
    expect(c.centres.reduce((s: number, x: { assignedResidents: number }) => s + x.assignedResidents, 0)).toBe(
      c.totals.residents,
    )
  })

  it('walking coverage on the demo network adds up over the same residents as radius coverage', async () => {
    const network = (await app.inject(`/api/coverage?region=${street}&method=network&minutes=10`)).json()
    expect(network.method).toBe('network')
    expect(network.totals.covered + network.totals.uncovered).toBe(network.totals.residents)
    expect(network.unsnapped.points).toBeGreaterThanOrEqual(0)
    const radius = (await app.inject(`/api/coverage?region=${street}&method=radius`)).json()
    expect(radius.totals.residents).toBe(network.totals.residents)
    expect(network.totals.covered).toBeGreaterThan(0)
  })

  it('runs max covering over generated cells, exact never worse than greedy, and saves it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/siting-scenarios',
      payload: { name: '街道补点', region: street, k: 3, solver: 'both', timeLimitSeconds: 20 },
    })
    expect(response.statusCode, response.body).toBe(201)
    const s = response.json()
    const [greedy, exact] = s.result.solvers
    expect(exact.covered).toBeGreaterThanOrEqual(greedy.covered)
    expect(greedy.heuristic).toBe('greedy+interchange')
    expect(greedy.greedyNewlyCovered).toBeGreaterThan(0)
    expect(greedy.newlyCovered).toBeGreaterThanOrEqual(greedy.greedyNewlyCovered)
    expect(s.coveredAfter).toBe(exact.covered)
    expect(s.coveredAfter - s.coveredBefore).toBe(exact.newlyCovered)
    expect(greedy.sites.reduce((a: number, x: { gain: number }) => a + x.gain, 0)).toBe(greedy.newlyCovered)
    expect(s.chosen.length).toBeLessThanOrEqual(3)
    const list = (await app.inject(`/api/siting-scenarios?region=${street}`)).json().scenarios
    expect(list.map((x: { id: number }) => x.id)).toContain(s.id)
  })

  it('runs a network scenario and compares it with a radius one side by side', async () => {
    const net = await app.inject({
      method: 'POST',
      url: '/api/siting-scenarios',
      payload: { region: street, k: 2, method: 'network', minutes: 10 },
    })
    expect(net.statusCode, net.body).toBe(201)
    const rad = await app.inject({ method: 'POST', url: '/api/siting-scenarios', payload: { region: street, k: 2 } })
    const ids = [net.json().id, rad.json().id]
    const compare = (await app.inject(`/api/siting-scenarios/compare?ids=${ids.join(',')}`)).json()
    expect(compare.scenarios.map((x: { id: number }) => x.id)).toEqual(ids)
    expect(compare.scenarios.map((x: { method: string }) => x.method)).toEqual(['network', 'radius'])
    for (const row of compare.scenarios) expect(row.addedResidents).toBe(row.coveredAfter - row.coveredBefore)
  })

  it('says when the exact solver hit its time limit', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/siting-scenarios',
      payload: { region: district, k: 20, cellM: 200, solver: 'exact', timeLimitSeconds: 0.1 },
    })
    expect(response.statusCode, response.body).toBe(201)
    const exact = response.json().result.solvers[0]
    expect(exact.status).toBe('time_limit')
    expect(exact.gap).toBeGreaterThan(0)
    // said in the request's language, the stored scenario read again in the other one
    // stopped by the limit: either its own answer, or the fast solver's when that is better
    expect(exact.message).toMatch(/^(求解达到时限|精确求解的最好解不如快速求解)/)
    expect(exact.message).not.toMatch(/time limit|exact search/)
    const english = await app.inject({
      url: `/api/siting-scenarios/${response.json().id}`,
      headers: { 'accept-language': 'en' },
    })
    expect(english.json().result.solvers[0].message).toMatch(
      /^(time limit reached before optimality was proven|the exact search ended below the fast solver's answer)/,
    )
  })

  it('serves uncovered residents as points from zoom 13 and 500 m cells below, no tile over 500 KB', async () => {
    const stored = await app.inject({ method: 'POST', url: '/api/catchments', payload: { method: 'radius' } })
    expect(stored.json().catchments).toBe(81)
    const { regions } = (await app.inject('/api/regions?level=district')).json()
    const [w, s, e, n] = regions[0].bbox
    const sizes: Record<string, number> = {}
    for (const [layer, z] of [
      ['uncovered-residents', 13],
      ['uncovered-cells', 10],
      ['uncovered-cells', 12],
      ['catchments', 10],
    ] as const)
      for (const [fx, fy] of [
        [0.5, 0.5],
        [0.3, 0.6],
        [0.7, 0.4],
      ]) {
        const { x, y } = tileAt(w + (e - w) * fx, s + (n - s) * fy, z)
        const tile = await app.inject(`/tiles/${layer}/${z}/${x}/${y}.mvt`)
        expect(tile.statusCode, `${layer} ${z}/${x}/${y}`).toBe(200)
        sizes[layer] = Math.max(sizes[layer] ?? 0, tile.rawPayload.length)
        expect(tile.rawPayload.length, `${layer} ${z}/${x}/${y}`).toBeLessThan(500 * 1024)
      }
    // something is drawn: the demo leaves residents outside the circles
    expect(sizes['uncovered-residents']).toBeGreaterThan(0)
    expect(sizes['uncovered-cells']).toBeGreaterThan(0)
    expect(sizes.catchments).toBeGreaterThan(0)
  })

  it('exports a scenario as GeoJSON, CSV with a BOM, XLSX and a printable page', async () => {
    const s = (
      await app.inject({
        method: 'POST',
        url: '/api/siting-scenarios',
        payload: { name: '导出', region: street, k: 2 },
      })
    ).json()
    const geojson = await app.inject(`/api/siting-scenarios/${s.id}/export/geojson`)
    expect(geojson.json().features).toHaveLength(s.chosen.length)
    const csv = await app.inject(`/api/siting-scenarios/${s.id}/export/csv`)
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    expect(csv.body.split('\r\n')[0]).toBe('\uFEFF序号,经度,纬度,新增覆盖人口,候选来源')
    expect(csv.body.trim().split('\r\n')).toHaveLength(s.chosen.length + 1)
    const xlsx = await app.inject(`/api/siting-scenarios/${s.id}/export/xlsx`)
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK')
    const html = await app.inject(`/api/siting-scenarios/${s.id}/export/html`)
    expect(html.headers['content-type']).toMatch(/text\/html/)
    expect(html.body).toContain('导出')
    expect(html.body).toContain('<tr><th>快速求解方法</th><td>贪心 + 交换优化</td></tr>')
    // a document a person reads: the region by name, the solver in words, counts grouped, Beijing time
    expect(html.body).toMatch(new RegExp(`<tr><th>区划</th><td>[^<（]+（${street}）</td></tr>`))
    expect(html.body).toContain('<tr><th>求解器</th><td>快速（贪心，最大覆盖另加交换优化）</td></tr>')
    expect(s.totalResidents).toBeGreaterThan(999)
    expect(html.body).toContain(`<tr><th>常住人口</th><td>${s.totalResidents.toLocaleString('zh-CN')}</td></tr>`)
    expect(s.totalResidents.toLocaleString('zh-CN')).toContain(',')
    expect(html.body).toMatch(/生成时间 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间）/)
    expect((await app.inject(`/api/siting-scenarios/999999`)).statusCode).toBe(404)
  })
})
