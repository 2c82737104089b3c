// The layout at the screens the product is used on, in a real browser, measured with
// getBoundingClientRect: at 1366×768, 1920×1080 and 3840×2160 the header's page buttons stay one line
// each, the header stays inside the screen, every page is reachable from it, and the map's scale bar
// and zoom buttons stand clear of the panels floating over the map (the overview's and the party
// page's); the wall's map labels and controls grow with the wall's screen (1920×1080 against
// 3840×2160); and the browser's back and forward move between pages, each with its URL state.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'

const screens = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
]
const pages = ['overview', 'merge', 'siting', 'party'] as const

interface Box {
  left: number
  top: number
  right: number
  bottom: number
  width: number
  height: number
}

const overlap = (a: Box, b: Box) =>
  a.width > 0 && a.height > 0 && b.width > 0 && b.height > 0
    ? a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
    : false

/** The boxes of every element the selector finds (visible or not). */
const boxes = (page: Page, selector: string) =>
  page.evaluate(
    (s) =>
      Array.from(document.querySelectorAll(s)).map((e) => {
        const r = e.getBoundingClientRect()
        return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height }
      }),
    selector,
  )

async function waitForMap(page: Page, name: string): Promise<void> {
  await page.waitForFunction((n) => !!window.__wgMaps?.[n]?.loaded(), name, { timeout: 180_000, polling: 250 })
}

describe('layout and navigation in a real browser', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let origin: string
  let wallToken: string
  const opened: WatchedPage[] = []

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    browser = await launchChromium()
    const created = await app.inject({ method: 'POST', url: '/api/wall-tokens', payload: { label: '指挥中心大屏' } })
    wallToken = created.json().token
  }, 300_000)

  afterAll(async () => {
    for (const watched of opened) {
      expect(watched.pageErrors).toEqual([])
      expect(watched.outsideRequests).toEqual([])
      expect(watched.serverErrors).toEqual([])
    }
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  async function open(viewport: { width: number; height: number }, signedIn = true): Promise<Page> {
    const watched = await openWatchedPage(
      browser,
      signedIn ? { origin, credentials: app.credentials } : undefined,
      viewport,
    )
    opened.push(watched)
    return watched.page
  }

  for (const screen of screens) {
    it(
      `${screen.width}×${screen.height}: the header's page buttons one line each, inside the screen, every page reachable`,
      { timeout: 300_000 },
      async () => {
        const page = await open(screen)
        await page.goto(origin)
        await waitForMap(page, 'overview')
        // the figures are in the header (they come with the district, whose place panel shows)
        const [district] = (await app.inject({ url: '/api/regions?level=district' })).json().regions
        await expect.poll(() => page.getByTestId('current-place').innerText(), { timeout: 60_000 }).toBe(district.name)
        const residents = (await app.inject({ url: '/api/summary' })).json().population.residents as number
        await expect.poll(() => page.getByTestId('kpi-tiles').innerText()).toContain(residents.toLocaleString('zh-CN'))
        const header = await page.evaluate(() => {
          const element = document.querySelector('header')!
          const buttons = Array.from(document.querySelectorAll('[data-testid^="nav-"]')).map((button) => {
            const range = document.createRange()
            range.selectNodeContents(button)
            // one line: the text's line boxes all share one top
            const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)))
            return { lines: tops.size, label: button.textContent }
          })
          return {
            buttons,
            height: element.getBoundingClientRect().height,
            right: element.getBoundingClientRect().right,
            badge: document.querySelector('[data-testid="user-badge"]')!.getBoundingClientRect().right,
          }
        })
        expect(header.buttons).toHaveLength(pages.length)
        for (const button of header.buttons) expect(button.lines, button.label ?? '').toBe(1)
        expect(header.right).toBeLessThanOrEqual(screen.width)
        expect(header.badge).toBeLessThanOrEqual(screen.width)
        // one row: no taller than the tallest figure tile and its padding
        expect(header.height).toBeLessThan(100)
        // every page from the header, scrolled into view when the row is short of room
        for (const id of [...pages.slice(1), 'overview']) {
          await page.getByTestId(`nav-${id}`).click()
          await expect.poll(() => page.getByTestId(`nav-${id}`).getAttribute('class')).toContain('active')
          const box = (await boxes(page, `[data-testid="nav-${id}"]`))[0]
          expect(box.left).toBeGreaterThanOrEqual(0)
          expect(box.right).toBeLessThanOrEqual(screen.width)
        }
        await page.close()
      },
    )

    it(
      `${screen.width}×${screen.height}: the map's scale bar and zoom buttons clear of the overview's and the party page's panels`,
      { timeout: 300_000 },
      async () => {
        const page = await open(screen)
        await page.goto(origin)
        await waitForMap(page, 'overview')
        // something selected: the inspector on the right shows it
        const [district] = (await app.inject({ url: '/api/regions?level=district' })).json().regions
        await expect.poll(() => page.getByTestId('current-place').innerText(), { timeout: 60_000 }).toBe(district.name)
        for (const [name, panels] of [
          ['overview', 'main .left, main .right'],
          ['party', 'main .left, main .right'],
        ] as const) {
          if (name === 'party') {
            await page.getByTestId('nav-party').click()
            await waitForMap(page, 'party')
          }
          await page.waitForTimeout(500)
          const controls = await boxes(page, '.maplibregl-ctrl-scale, .maplibregl-ctrl-group')
          const panelBoxes = await boxes(page, panels)
          expect(controls, name).toHaveLength(2)
          expect(panelBoxes.filter((b) => b.height > 0).length, name).toBeGreaterThan(0)
          for (const control of controls) {
            expect(control.bottom, name).toBeLessThanOrEqual(screen.height)
            for (const panel of panelBoxes)
              expect(overlap(control, panel), `${name}: ${JSON.stringify([control, panel])}`).toBe(false)
          }
        }
        await page.close()
      },
    )
  }

  it(
    'the wall’s map labels and controls grow with its screen (1920×1080 against 3840×2160)',
    { timeout: 300_000 },
    async () => {
      const measured: { textSize: number; zoomButton: Box; scaleFont: number; overviewTextSize?: number }[] = []
      for (const screen of [screens[1], screens[2]]) {
        const page = await open(screen, false)
        await page.goto(`${origin}/wall?wall=${wallToken}`)
        await waitForMap(page, 'wall')
        await page.waitForFunction(() => !!window.__wgMaps!.wall.getLayer('region-labels-label-street'))
        const textSize = await page.evaluate(() => {
          const map = window.__wgMaps!.wall
          return map.getLayoutProperty('region-labels-label-street', 'text-size') as number
        })
        const [zoomButton] = await boxes(page, '.maplibregl-ctrl-zoom-in')
        const scaleFont = await page.evaluate(() =>
          parseFloat(getComputedStyle(document.querySelector('.maplibregl-ctrl-scale')!).fontSize),
        )
        measured.push({ textSize, zoomButton, scaleFont })
        await page.close()
      }
      const [hd, uhd] = measured
      // the same street label, twice as large on the screen twice as tall, and larger than the desk's
      expect(uhd.textSize).toBeCloseTo(hd.textSize * 2, 5)
      expect(uhd.zoomButton.height).toBeCloseTo(hd.zoomButton.height * 2, 0)
      expect(uhd.zoomButton.width).toBeCloseTo(hd.zoomButton.width * 2, 0)
      expect(uhd.scaleFont).toBeCloseTo(hd.scaleFont * 2, 1)
      const desk = await open(screens[1])
      await desk.goto(origin)
      await waitForMap(desk, 'overview')
      await desk.waitForFunction(() => !!window.__wgMaps!.overview.getLayer('region-labels-label-street'))
      const deskSize = await desk.evaluate(
        () => window.__wgMaps!.overview.getLayoutProperty('region-labels-label-street', 'text-size') as number,
      )
      const [deskButton] = await boxes(desk, '.maplibregl-ctrl-zoom-in')
      expect(hd.textSize).toBeGreaterThan(deskSize)
      expect(uhd.textSize).toBeGreaterThanOrEqual(deskSize * 2.5)
      expect(uhd.zoomButton.height).toBeGreaterThanOrEqual(deskButton.height * 2.5 - 1)
      await desk.close()
    },
  )

  it('back and forward move between pages, each page with its URL state', { timeout: 300_000 }, async () => {
    const page = await open(screens[1])
    await page.goto(origin)
    await waitForMap(page, 'overview')
    const streets = (await app.inject({ url: '/api/regions?level=street' })).json().regions as {
      code: string
      name: string
    }[]
    const street = streets[0]
    await page.getByTestId(`region-${street.code}`).click()
    await expect.poll(() => page.getByTestId('current-place').innerText(), { timeout: 60_000 }).toBe(street.name)
    await expect.poll(() => page.url(), { timeout: 60_000 }).toContain(`place=${street.code}`)
    const overviewUrl = page.url()
    const entries = await page.evaluate(() => history.length)
    const active = () => page.locator('nav button.active').getAttribute('data-testid')

    await page.getByTestId('nav-merge').click()
    await expect.poll(active).toBe('nav-merge')
    expect(new URL(page.url()).hash).toBe('#/merge')
    await page.getByTestId('nav-party').click()
    await expect.poll(active).toBe('nav-party')
    expect(new URL(page.url()).hash).toBe('#/party')
    expect(await page.evaluate(() => history.length)).toBe(entries + 2)

    await page.goBack()
    await expect.poll(active).toBe('nav-merge')
    expect(new URL(page.url()).hash).toBe('#/merge')
    await page.goBack()
    await expect.poll(active).toBe('nav-overview')
    // the overview again with the place and view its URL kept
    expect(page.url()).toBe(overviewUrl)
    await waitForMap(page, 'overview')
    await expect.poll(() => page.getByTestId('current-place').innerText(), { timeout: 60_000 }).toBe(street.name)

    await page.goForward()
    await expect.poll(active).toBe('nav-merge')
    await page.goForward()
    await expect.poll(active).toBe('nav-party')
    expect(new URL(page.url()).hash).toBe('#/party')
    // the same page again is no new entry
    await page.getByTestId('nav-party').click()
    expect(await page.evaluate(() => history.length)).toBe(entries + 2)
    await page.close()
  })
})
