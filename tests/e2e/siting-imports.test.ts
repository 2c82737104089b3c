// Importing the siting inputs through the import panel in a real browser, as an administrator, on
// the demo district:
// - a road and path network: a file of points is refused naming file, feature and field; a small road
//   GeoJSON around a service centre is checked (dry run: nothing stored), then stored, and the panel
//   reads, in zh-CN, the lines stored, their total length, the lines left out as not walkable and the
//   walking service areas rebuilt on the new network, each equal to what is stored;
// - a 党群服务中心 register (CSV): a bad one lists its faults by row and column, nothing stored; a good
//   one is checked, then stored, the panel's counts equal to what is stored.
import { sql } from 'kysely'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { LocalFrame } from '../../server/services/siting/siting.service.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { openTestDatabase } from '../helpers/databases.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'

describe('the import panel for roads, centres and population in a real browser', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let page: Page
  let watched: WatchedPage
  let origin: string

  const networks = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM road_networks`.execute(database.db)).rows[0].n
  const result = () => page.getByTestId('road-import-result').innerText()
  const file = (name: string, features: object[]) =>
    page.getByTestId('import-file').setInputFiles({
      name,
      mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features })),
    })
  const line = (coordinates: number[][], properties: Record<string, unknown>) => ({
    type: 'Feature',
    properties,
    geometry: { type: 'LineString', coordinates },
  })

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    browser = await launchChromium()
    watched = await openWatchedPage(browser, { origin, credentials: app.credentials })
    page = watched.page
    await page.goto(`${origin}/#/merge`)
    await page.getByTestId('import-panel').waitFor({ timeout: 60_000 })
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  it('refuses a file of points, naming file, feature and field, and stores nothing', async () => {
    const before = await networks()
    await page.getByTestId('import-kind').selectOption('roads')
    await file('points.geojson', [
      { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [113.6, 34.7] } },
    ])
    await page.getByTestId('import-check').click()
    await expect.poll(result).toContain('文件被拒收，未入库')
    expect(await page.getByTestId('road-import-where').innerText()).toBe(
      '文件 points.geojson · 第 1 个要素 · 字段 geometry',
    )
    expect(await result()).toContain('须为 LineString 或 MultiLineString，得到 Point')
    expect(await networks()).toBe(before)
  })

  it('checks a small road GeoJSON, stores it, and reads the figures in zh-CN', async () => {
    // a cross of paths, 500 m each way, about the first demo centre, and a motorway beside it
    const { rows } = await sql<{ code: string; lon: number; lat: number }>`
      SELECT code, ST_X(location) AS lon, ST_Y(location) AS lat FROM service_centers ORDER BY id LIMIT 1`.execute(
      database.db,
    )
    const at = new LocalFrame(rows[0].lon, rows[0].lat)
    const path = (points: [number, number][], properties: Record<string, unknown>) =>
      line(
        points.map(([x, y]) => [at.lon(x), at.lat(y)]),
        properties,
      )
    const features = [
      path(
        [
          [-500, 0],
          [0, 0],
          [500, 0],
        ],
        { highway: 'residential', name: '试验路' },
      ),
      path(
        [
          [0, -500],
          [0, 0],
          [0, 500],
        ],
        { highway: 'footway' },
      ),
      path(
        [
          [-500, 300],
          [500, 300],
        ],
        { highway: 'motorway', name: '试验高速' },
      ),
    ]
    const before = await networks()
    await file('roads.geojson', features)
    await page.getByTestId('import-check').click()
    await expect.poll(result).toContain('校验通过，未入库')
    expect(await page.getByTestId('road-import-lines').innerText()).toContain('可导入 2 条道路线')
    expect(await networks()).toBe(before)

    await page.getByTestId('import-run').click()
    await expect.poll(result, { timeout: 60_000 }).toContain('现为在用路网')
    const stored = await sql<{ id: number; km: number; areas: number }>`
      SELECT n.id::int AS id, (SELECT sum(length_m) / 1000 FROM road_edges WHERE network_id = n.id) AS km,
             (SELECT count(*)::int FROM catchments WHERE method = 'network' AND network_id = n.id) AS areas
      FROM road_networks n WHERE n.is_active`.execute(database.db)
    const { id, km, areas } = stored.rows[0]
    expect(await networks()).toBe(before + 1)
    expect(areas).toBeGreaterThanOrEqual(3)
    const one = (value: number) => value.toLocaleString('zh-CN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
    expect(await result()).toContain(`已导入为路网 ${id.toLocaleString('zh-CN')}，现为在用路网`)
    expect(await page.getByTestId('road-import-lines').innerText()).toBe(
      `已存入 2 条道路线 · 总长 ${one(Number(km))} 公里`,
    )
    expect(await page.getByTestId('road-import-left-out').innerText()).toContain('不可步行的道路类别（高速公路等）1 条')
    expect(await page.getByTestId('road-import-areas').innerText()).toBe(
      `已按新路网重算 ${areas.toLocaleString('zh-CN')} 个步行服务圈（中心 × 时段）`,
    )
  })

  it('imports a centre register: a bad one lists its faults by row and column, a good one is counted as stored', async () => {
    const centres = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM service_centers`.execute(database.db)).rows[0].n
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat
      FROM (SELECT ST_PointOnSurface(boundary) AS p FROM regions WHERE level = 'community' ORDER BY code LIMIT 1) r`.execute(
      database.db,
    )
    const { lon, lat } = rows[0]
    const csv = (lines: string[]) =>
      page
        .getByTestId('import-file')
        .setInputFiles({ name: '服务中心台账.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) })
    const before = await centres()
    await page.getByTestId('import-kind').selectOption('centers')
    await csv(['中心编码,中心名称,级别,经度,纬度', `E2E-1,浏览器测试中心,省级,${lon},${lat}`])
    await page.getByTestId('import-check').click()
    const faults = page.getByTestId('input-import-faults')
    await expect.poll(() => faults.innerText()).toContain('服务中心台账.csv 第 2 行“级别”：无法识别“省级”')
    expect(await centres()).toBe(before)

    await csv([
      '中心编码,中心名称,级别,建筑面积,经度,纬度',
      `E2E-1,浏览器测试中心,社区级,600,${lon},${lat}`,
      `E2E-2,浏览器测试站,站点,,${lon + 0.002},${lat}`,
    ])
    await page.getByTestId('import-check').click()
    const counts = page.getByTestId('input-import-counts')
    await expect.poll(() => counts.innerText()).toBe('将新增 2 个、更新 0 个、删除 0 个服务中心')
    expect(await centres()).toBe(before)
    await page.getByTestId('import-run').click()
    await expect.poll(() => counts.innerText(), { timeout: 60_000 }).toBe('已新增 2 个、更新 0 个、删除 0 个服务中心')
    expect(await centres()).toBe(before + 2)
    expect(await page.getByTestId('input-import-result').innerText()).toMatch(/已重算 [\d,]+ 个服务圈/)
  })

  it('fetches nothing from outside the machine and meets no page or server errors', () => {
    expect(watched.outsideRequests).toEqual([])
    expect(watched.pageErrors).toEqual([])
    expect(watched.serverErrors).toEqual([])
  })
})
