// The print buttons in a real browser: on a community the place panel offers its grids' service
// maps as one PDF, on a selected unified grid the inspector offers that grid's; each click downloads
// an A3 PDF whose text (Chinese embedded as text) is read back with pdf.js.
import { readFile } from 'node:fs/promises'
import { sql } from 'kysely'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
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
    expect(watched.outsideRequests).toEqual([])
    expect(watched.pageErrors).toEqual([])
    expect(watched.serverErrors).toEqual([])
  })
})
