// The browser's back and forward buttons step through places, in a real browser at 1920×1080: drill
// 区 → 街道 → 社区 by the tree (each place a history entry; panning only rewrites the current one), then
// back twice and forward once, checking the breadcrumb and the map's bounds each time against those
// the map had fitted there; a reload and a copied link show the same place and view.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'

const viewport = { width: 1920, height: 1080 }
type Bounds = [[number, number], [number, number]]

async function waitForMap(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const map = window.__wgMaps?.overview
      return !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['grids-governance-fill'] }).length > 0
    },
    undefined,
    { timeout: 180_000, polling: 250 },
  )
}

const currentPlace = (page: Page) => page.getByTestId('current-place').innerText()
const urlPlace = (page: Page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '').get('place')
const urlView = (page: Page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '').get('view')
const mapBounds = (page: Page) =>
  page.evaluate(() => window.__wgMaps!.overview.getBounds().toArray() as [[number, number], [number, number]])

/** Two views alike: each edge within 2% of the span (the URL keeps the zoom to 0.01 and the centre to 1e-5°). */
function expectSameBounds(actual: Bounds, expected: Bounds): void {
  const spanX = expected[1][0] - expected[0][0]
  const spanY = expected[1][1] - expected[0][1]
  for (const i of [0, 1]) {
    expect(Math.abs(actual[i][0] - expected[i][0]), `edge ${i} x`).toBeLessThan(spanX * 0.02)
    expect(Math.abs(actual[i][1] - expected[i][1]), `edge ${i} y`).toBeLessThan(spanY * 0.02)
  }
}

describe('back and forward through places in a real browser', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let watched: WatchedPage
  let page: Page
  let origin: string
  let district: { code: string; name: string }
  let street: { code: string; name: string }
  let community: { code: string; name: string }
  const fitted: Record<string, Bounds> = {}

  /** The place shown, the URL naming it, and the map settled with the URL's view written. */
  async function settledAt(place: { code: string; name: string }): Promise<void> {
    await expect.poll(() => currentPlace(page), { timeout: 60_000 }).toBe(place.name)
    await expect.poll(() => urlPlace(page), { timeout: 60_000 }).toBe(place.code)
    await page.waitForFunction(() => !window.__wgMaps!.overview.isMoving(), undefined, { timeout: 60_000 })
    await expect.poll(() => urlView(page), { timeout: 60_000 }).not.toBeNull()
  }

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    const regions = (level: string) =>
      app
        .inject({ url: `/api/regions?level=${level}` })
        .then((r) => r.json().regions as { code: string; name: string }[])
    ;[district] = await regions('district')
    ;[street] = await regions('street')
    community = (await regions('community')).find((c) => c.code.startsWith(street.code.slice(0, 9)))!
    browser = await launchChromium()
    watched = await openWatchedPage(browser, { origin, credentials: app.credentials }, viewport)
    page = watched.page
    await page.goto(origin)
    await waitForMap(page)
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  it(
    'adds one history entry per place entered, each URL with the place and its fitted view',
    { timeout: 240_000 },
    async () => {
      await settledAt(district)
      fitted[district.code] = await mapBounds(page)
      const entries = await page.evaluate(() => history.length)
      await page.getByTestId(`region-${street.code}`).click()
      await settledAt(street)
      fitted[street.code] = await mapBounds(page)
      await page.getByTestId(`region-${community.code}`).click()
      await settledAt(community)
      fitted[community.code] = await mapBounds(page)
      expect(await page.evaluate(() => history.length)).toBe(entries + 2)
      // a pan only rewrites the current entry
      await page.evaluate(() => window.__wgMaps!.overview.panBy([40, 0], { animate: false }))
      await page.waitForFunction(() => !window.__wgMaps!.overview.isMoving())
      expect(await page.evaluate(() => history.length)).toBe(entries + 2)
      expect(urlPlace(page)).toBe(community.code)
    },
  )

  it(
    'goes back to the street, then to the district: breadcrumb, URL and the map as fitted there',
    { timeout: 240_000 },
    async () => {
      await page.goBack()
      await settledAt(street)
      const crumbs = await page.getByTestId('breadcrumb').innerText()
      expect(crumbs).toContain(district.name)
      expect(crumbs).toContain(street.name)
      expect(crumbs).not.toContain(community.name)
      expectSameBounds(await mapBounds(page), fitted[street.code])

      await page.goBack()
      await settledAt(district)
      expect(await page.getByTestId('breadcrumb').innerText()).not.toContain(street.name)
      expectSameBounds(await mapBounds(page), fitted[district.code])
    },
  )

  it('goes forward to the street again', { timeout: 120_000 }, async () => {
    await page.goForward()
    await settledAt(street)
    expectSameBounds(await mapBounds(page), fitted[street.code])
  })

  it('keeps the layers of an entry: a layer turned on, then back, is off again', { timeout: 240_000 }, async () => {
    const toggle = page.getByTestId('layer-toggle-grids-urban')
    const before = await toggle.isChecked()
    await page.getByTestId(`region-${community.code}`).click()
    await settledAt(community)
    await toggle.evaluate((input: HTMLInputElement) => input.click())
    await expect.poll(() => toggle.isChecked()).toBe(!before)
    await page.goBack()
    await settledAt(street)
    await expect.poll(() => toggle.isChecked()).toBe(before)
    expectSameBounds(await mapBounds(page), fitted[street.code])
  })

  it('shows the same place and view after a reload and from a copied link', { timeout: 180_000 }, async () => {
    const link = page.url()
    const bounds = await mapBounds(page)
    await page.reload()
    await waitForMap(page)
    await settledAt(street)
    expectSameBounds(await mapBounds(page), bounds)

    const other = await openWatchedPage(browser, { origin, credentials: app.credentials }, viewport)
    try {
      await other.page.goto(link)
      await waitForMap(other.page)
      await expect.poll(() => currentPlace(other.page), { timeout: 60_000 }).toBe(street.name)
      expectSameBounds(
        await other.page.evaluate(
          () => window.__wgMaps!.overview.getBounds().toArray() as [[number, number], [number, number]],
        ),
        bounds,
      )
      expect(other.outsideRequests).toEqual([])
      expect(other.pageErrors).toEqual([])
    } finally {
      await other.page.close()
    }
  })

  it('fetches nothing from outside the machine and meets no page or server errors', () => {
    expect(watched.outsideRequests).toEqual([])
    expect(watched.pageErrors).toEqual([])
    expect(watched.serverErrors).toEqual([])
  })
})
