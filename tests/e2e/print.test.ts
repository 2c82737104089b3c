// The print buttons in a real browser: on a community the place panel offers its grids' service
// maps as one PDF, on a selected unified grid the inspector offers that grid's; each click downloads
// an A3 PDF whose text (Chinese embedded as text) is read back with pdf.js. The address its QR code
// encodes (printed beside it) opens the grid as a place: entered by that link, by the inspector and by
// a double click on the map, left by the back button, its figures those of the API.
import { readFile } from 'node:fs/promises'
import { sql } from 'kysely'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import type { GridPlace } from '../../server/schemas/place.schema.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'
import { buildMergeDistrict, communityA } from '../helpers/merge-district.ts'

async function pdfPages(data: Buffer): Promise<string[]> {
  const document = await getDocument({ data: new Uint8Array(data), disableFontFace: true, useSystemFonts: false })
    .promise
  const pages: string[] = []
  for (let i = 1; i <= document.numPages; i++) {
    const content = await (await document.getPage(i)).getTextContent()
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''))
  }
  await document.destroy()
  return pages
}

/** Clicks a link and reads the file it downloads. */
async function download(page: Page, testId: string): Promise<{ name: string; data: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()])
  const path = await file.path()
  return { name: file.suggestedFilename(), data: await readFile(path) }
}

describe('printing service maps from the app', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let watched: WatchedPage
  let page: Page
  let origin: string
  let grids: { code: string; lon: number; lat: number }[]

  beforeAll(async () => {
    database = await openTestDatabase('pglite', 'empty')
    await buildMergeDistrict(database.db)
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    const merges = app.services.merge
    const run = await merges.createRun({ snapToleranceM: 0.2 })
    expect((await merges.executeRun(run)).status).toBe('succeeded')
    await merges.publishRun(run)
    ;({ rows: grids } = await sql<{ code: string; lon: number; lat: number }>`
      SELECT code, ST_X(ST_PointOnSurface(boundary)) AS lon, ST_Y(ST_PointOnSurface(boundary)) AS lat
      FROM unified_grids WHERE merge_run_id = ${run} AND community_code = ${communityA} ORDER BY code`.execute(
      database.db,
    ))
    expect(grids.length).toBeGreaterThan(1)
    browser = await launchChromium()
    watched = await openWatchedPage(browser, { origin, credentials: app.credentials })
    page = watched.page
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  it('prints a community’s grids as one PDF from the place panel', { timeout: 120_000 }, async () => {
    await page.goto(`${origin}/#/?place=${communityA}&layers=unified-grids`)
    const button = page.getByTestId('print-community')
    await button.waitFor({ timeout: 60_000 })
    expect(await button.innerText()).toContain('打印本社区网格服务示意图')
    const { name, data } = await download(page, 'print-community')
    expect(name).toMatch(/\.pdf$/)
    expect(data.subarray(0, 5).toString()).toBe('%PDF-')
    const pages = await pdfPages(data)
    expect(pages).toHaveLength(grids.length)
    for (const [i, grid] of grids.entries()) {
      expect(pages[i]).toContain('全科网格服务示意图')
      expect(pages[i]).toContain(grid.code)
    }
  })

  it('prints the selected unified grid from the inspector', { timeout: 180_000 }, async () => {
    await page.waitForFunction(
      () => {
        const map = window.__wgMaps?.overview
        return !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['unified-grids-fill'] }).length > 0
      },
      undefined,
      { timeout: 150_000, polling: 250 },
    )
    const grid = grids[0]
    const point = await page.evaluate(([lon, lat]) => window.__wgMaps!.overview.project([lon, lat]), [
      grid.lon,
      grid.lat,
    ] as const)
    const box = (await page.locator('.maplibregl-canvas').first().boundingBox())!
    await page.mouse.click(box.x + point.x, box.y + point.y)
    await page.getByTestId('inspector').waitFor({ timeout: 30_000 })
    // the click may have hit other layers too: show the unified grid's entry
    await expect.poll(() => page.getByTestId('print-grid').count(), { timeout: 30_000 }).toBeGreaterThan(0)
    const { data } = await download(page, 'print-grid')
    const pages = await pdfPages(data)
    expect(pages).toHaveLength(1)
    expect(pages[0]).toContain('全科网格服务示意图')
    expect(pages[0]).toContain(grid.code)
    // the address the QR code encodes is printed beside it: the grid's own page
    const link = /\/#\/\?place=(\d{15})&layers=unified-grids/.exec(pages[0])
    expect(link?.[1]).toBe(grid.code)
    printedLink = link![0]
  })

  let printedLink = ''
  const urlPlace = () => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '').get('place')
  const currentPlace = () => page.getByTestId('current-place').getAttribute('data-code')
  const format = (n: number) => Math.round(n).toLocaleString('zh-CN')

  it('opens the grid’s page from the printed link, its figures those of the API', { timeout: 180_000 }, async () => {
    const grid = grids[0]
    await page.goto(`${origin}${printedLink}`)
    await expect.poll(currentPlace, { timeout: 60_000 }).toBe(grid.code)
    const api = (await app.inject({ url: `/api/unified-grids/${grid.code}` })).json() as GridPlace
    // the breadcrumb: 区 › 街道 › 社区 › 网格, the community a way back up
    const crumbs = await page.getByTestId('breadcrumb').innerText()
    expect(crumbs).toContain(api.community.name!)
    expect(crumbs).toContain(api.street.name!)
    expect(crumbs).toContain(api.name)
    await page.getByTestId(`crumb-${api.community.code}`).waitFor()
    const panel = page.getByTestId('grid-place')
    expect(await panel.getAttribute('data-code')).toBe(grid.code)
    expect(await page.getByTestId('grid-households').innerText()).toBe(format(api.households.count))
    expect(await page.getByTestId('grid-chief').innerText()).toBe(api.staff.chief ?? '未登记')
    expect(await page.getByTestId('grid-full-time').innerText()).toBe(format(api.staff.fullTime))
    expect(await page.getByTestId('grid-points').innerText()).toBe(format(api.population.points))
    expect(await page.getByTestId('grid-residents').innerText()).toBe(format(api.population.residents))
    expect(await page.getByTestId('figure-centre-covered').innerText()).toBe(format(api.centreCoverage.covered))
    // the map fits the grid: its middle is on screen, and the map dims what lies outside it
    await page.waitForFunction(
      ([lon, lat]) => {
        const map = window.__wgMaps?.overview
        if (!map || !map.getBounds().contains([lon, lat])) return false
        const inside = map.queryRenderedFeatures(map.project([lon, lat]), { layers: ['place-mask'] })
        const corner = map.queryRenderedFeatures([3, 3], { layers: ['place-mask'] })
        return inside.length === 0 && corner.length > 0
      },
      [grid.lon, grid.lat] as const,
      { timeout: 60_000, polling: 250 },
    )
    // each count opens the grid's list behind it
    for (const layer of api.departments.layers) {
      await page.getByTestId(`figure-department-${layer.department}`).click()
      await expect.poll(() => page.getByTestId('item-row').count(), { timeout: 30_000 }).toBe(layer.grids)
    }
    if (api.mergeIssues) {
      // each kind's count is named as the server names it (GET /api/merge-runs/vocabulary)
      const names = (await app.inject('/api/merge-runs/vocabulary')).json().issueKinds as Record<string, string>
      for (const kind of Object.keys(api.mergeIssues.byKind))
        expect(await page.getByTestId(`figure-issues-${kind}`).innerText()).toContain(names[kind])
      await page.getByTestId('figure-issues-total').click()
      await expect.poll(() => page.getByTestId('item-row').count(), { timeout: 30_000 }).toBe(api.mergeIssues.total)
    }
    // the grid's own print button names this grid
    expect(await page.getByTestId('print-grid').first().getAttribute('href')).toContain(grid.code)
  })

  it(
    'enters a grid by a double click on the map, by the inspector and by the tree; back goes back',
    { timeout: 240_000 },
    async () => {
      await page.goto(`${origin}/#/?place=${communityA}&layers=unified-grids`)
      await expect.poll(currentPlace, { timeout: 60_000 }).toBe(communityA)
      const onScreen = async (lon: number, lat: number) => {
        const point = await page.evaluate(([x, y]) => window.__wgMaps!.overview.project([x, y]), [lon, lat] as const)
        const box = (await page.locator('.maplibregl-canvas').first().boundingBox())!
        return { x: box.x + point.x, y: box.y + point.y }
      }
      const drawn = () =>
        page.waitForFunction(
          () => {
            const map = window.__wgMaps?.overview
            return !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['unified-grids-fill'] }).length > 0
          },
          undefined,
          { timeout: 150_000, polling: 250 },
        )
      await drawn()
      const [first, second] = grids
      // a double click on a grid of the community enters it
      let at = await onScreen(first.lon, first.lat)
      await page.mouse.dblclick(at.x, at.y)
      await expect.poll(currentPlace, { timeout: 60_000 }).toBe(first.code)
      expect(urlPlace()).toBe(first.code)
      // back: the community again
      await page.goBack()
      await expect.poll(currentPlace, { timeout: 60_000 }).toBe(communityA)
      expect(urlPlace()).toBe(communityA)
      // a click selects a grid; the inspector enters it
      await drawn()
      await page.waitForTimeout(500)
      at = await onScreen(second.lon, second.lat)
      await page.mouse.click(at.x, at.y)
      await page.getByTestId('enter-grid').first().waitFor({ timeout: 30_000 })
      await page.getByTestId('enter-grid').first().click()
      await expect.poll(currentPlace, { timeout: 60_000 }).toBe(second.code)
      expect(urlPlace()).toBe(second.code)
      // back and forward, then up by the breadcrumb
      await page.goBack()
      await expect.poll(currentPlace, { timeout: 60_000 }).toBe(communityA)
      await page.goForward()
      await expect.poll(currentPlace, { timeout: 60_000 }).toBe(second.code)
      await page.getByTestId(`crumb-${communityA}`).click()
      await expect.poll(currentPlace, { timeout: 60_000 }).toBe(communityA)
      // the tree's last level: the community's grids, one click enters one
      await expect
        .poll(() => page.getByTestId('grid-tree').locator('li').count(), { timeout: 30_000 })
        .toBe(grids.length)
      await page.getByTestId(`region-${first.code}`).click()
      await expect.poll(currentPlace, { timeout: 60_000 }).toBe(first.code)
      expect(urlPlace()).toBe(first.code)
      // in a grid, its neighbours of the community are a click away
      await page.getByTestId(`region-${second.code}`).click()
      await expect.poll(currentPlace, { timeout: 60_000 }).toBe(second.code)
      expect(urlPlace()).toBe(second.code)
      expect(watched.outsideRequests).toEqual([])
      expect(watched.pageErrors).toEqual([])
      expect(watched.serverErrors).toEqual([])
    },
  )
})
