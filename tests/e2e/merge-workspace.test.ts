// The 多网合一 workspace in a real browser: run a merge of the demo district with visible progress,
// read the alignment and the issue list, zoom to an issue, compare before and after, publish.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { idleEngineCount } from '../../server/services/merge-engine.ts'
import { serveTestApp } from '../helpers/app.ts'
import { openTestDatabase } from '../helpers/databases.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'

describe('the merge workspace in a real browser', () => {
  let database: Database
  let app: FastifyInstance
  let browser: Browser
  let page: Page
  let watched: WatchedPage
  let origin: string
  let warmed: Promise<Response>

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    browser = await launchChromium()
    watched = await openWatchedPage(browser)
    page = watched.page
    warmed = page.waitForResponse((response) => response.url().endsWith('/api/merge-engines'), { timeout: 30_000 })
    await page.goto(`${origin}/#/merge`)
    await page.getByTestId('merge-workspace').waitFor({ timeout: 30_000 })
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  it('starts the embedded merge engines as it opens, before any run is asked for', async () => {
    const response = await warmed
    expect(response.status()).toBe(200)
    expect(await response.json()).toEqual({ engines: 2 })
    expect(idleEngineCount()).toBe(2)
  })

  it('runs a merge with visible progress and shows the alignment of every department', async () => {
    await page.getByTestId('merge-run').click()
    await page.getByTestId('merge-progress').waitFor({ timeout: 10_000 })
    await page.getByTestId('merge-stats').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('merge-alignment').locator('tbody tr').count()).toBe(4)
    expect(await page.getByTestId('merge-alignment').innerText()).toContain('综治')
  })

  it('lists issues, filters them by kind, and zooms to one on click', async () => {
    await expect.poll(() => page.getByTestId('issue-row').count(), { timeout: 20_000 }).toBeGreaterThan(0)
    await page.getByTestId('issue-kind').selectOption('gap')
    await expect.poll(async () => (await page.getByTestId('merge-issues').innerText()).includes('空白点')).toBe(true)
    const before = await page.evaluate(() => window.__wgMap!.getZoom())
    await page.getByTestId('issue-row').first().click()
    await expect.poll(() => page.evaluate(() => window.__wgMap!.getZoom())).toBeGreaterThan(before + 1)
  })

  it('draws the run’s unified grids on the map', async () => {
    await expect.poll(() => page.evaluate(() => window.__wgMap!.queryRenderedFeatures({ layers: ['unified-grids-fill'] }).length), { timeout: 30_000 }).toBeGreaterThan(0)
  })

  it('checks an uploaded layer first, then imports it as a new version', async () => {
    const { features } = (await app.inject('/api/layers/regions-community/features?bbox=73,18,135,54&limit=1')).json()
    const layer = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: 'E2E-1', name: '端到端网格', households: 420 }, geometry: features[0].geometry }] }
    await page.getByTestId('import-department').selectOption('emergency')
    await page.getByTestId('import-file').setInputFiles({ name: 'emergency.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(layer)) })
    await page.getByTestId('import-check').click()
    await expect.poll(() => page.getByTestId('import-result').innerText()).toContain('校验通过')
    await page.getByTestId('import-run').click()
    await expect.poll(() => page.getByTestId('import-result').innerText()).toContain('已导入为第 1 版')
    expect((await app.inject('/api/layers')).json().layers.map((l: { id: string }) => l.id)).toContain('grids-emergency')
  })

  it('refuses a region tree whose parent is unknown, naming the field, then imports a new district beside the demo', async () => {
    const box = (w: number, s: number, e: number, n: number) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] })
    const region = (code: string, name: string, geometry: object) => ({ type: 'Feature', properties: { code, name }, geometry })
    const tree = (features: object[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }))
    await page.getByTestId('import-kind').selectOption('regions')
    await page.getByTestId('import-file').setInputFiles({ name: 'orphan.geojson', mimeType: 'application/geo+json', buffer: tree([region('410188001001', '孤儿社区', box(114.0, 34.0, 114.01, 34.01))]) })
    await page.getByTestId('import-check').click()
    await expect.poll(() => page.getByTestId('import-result').innerText()).toContain('校验未通过')
    expect(await page.getByTestId('import-result').innerText()).toContain('parent_code')
    const district = [
      region('410188000000', '试验区', box(114.0, 34.0, 114.02, 34.01)),
      region('410188001000', '一街道', box(114.0, 34.0, 114.02, 34.01)),
      region('410188001001', '甲社区', box(114.0, 34.0, 114.01, 34.01)),
      region('410188001002', '乙社区', box(114.01, 34.0, 114.02, 34.01)),
    ]
    await page.getByTestId('import-file').setInputFiles({ name: 'district.geojson', mimeType: 'application/geo+json', buffer: tree(district) })
    await page.getByTestId('import-run').click()
    await expect.poll(() => page.getByTestId('import-result').innerText()).toContain('已导入 4 个区划')
    expect((await app.inject('/api/regions/410188001002')).json()).toMatchObject({ code: '410188001002', level: 'community', parentCode: '410188001000' })
    expect((await app.inject('/api/regions/410199000000')).statusCode).toBe(200)
    await page.getByTestId('import-kind').selectOption('grids')
  })

  it('compares before and after side by side, and publishes', async () => {
    await page.getByTestId('merge-compare').check()
    await expect.poll(() => page.locator('canvas.maplibregl-canvas').count()).toBe(2)
    await page.getByTestId('merge-publish').click()
    await expect.poll(() => page.getByTestId('merge-publish').innerText()).toBe('已发布')
    const published = (await app.inject('/api/summary')).json()
    expect(published.unifiedGrids).toBeGreaterThan(500)
    await mkdir(path.join(import.meta.dirname, 'screenshots'), { recursive: true })
    await page.screenshot({ path: path.join(import.meta.dirname, 'screenshots', 'merge-workspace.png') })
    expect(watched.outsideRequests).toEqual([])
    expect(watched.pageErrors).toEqual([])
    expect(watched.serverErrors).toEqual([])
  })
})
