// The overview as a street official and a community worker open it, in a real browser at 1366×768:
// the regions above their scope are hidden from them (404), so the breadcrumb starts at their own
// region, the map fits it, and the page raises no error; the party page names their region; the
// merge page asks nothing of them that only an administrator may do.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, createAccount, serveTestApp } from '../helpers/app.ts'
import { launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'

interface Region {
  code: string
  name: string
  bbox: [number, number, number, number]
}

describe('the overview of an account scoped to a street or a community', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let origin: string
  let street: Region
  let community: Region

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    ;[street] = (await app.inject({ url: '/api/regions?level=street' })).json().regions as Region[]
    ;[community] = (await app.inject({ url: `/api/regions?parent=${street.code}` })).json().regions as Region[]
    browser = await launchChromium()
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  /** The map's bounds once it has fitted the place (west, south, east, north). */
  const bounds = (page: Page) =>
    page.evaluate(() => {
      const b = window.__wgMaps?.overview?.getBounds()
      return b ? [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] : undefined
    })

  it.each([
    ['street', () => street],
    ['community', () => community],
  ] as const)(
    'a %s account starts at its own region: breadcrumb, fit, no page error',
    { timeout: 180_000 },
    async (role, own) => {
      const region = own()
      const credentials = await createAccount(app, { username: `scoped-${role}`, role, regionCode: region.code })
      const watched = await openWatchedPage(browser, { origin, credentials }, { width: 1366, height: 768 })
      const { page } = watched
      await page.goto(origin)
      const current = page.getByTestId('current-place')
      await expect.poll(() => current.getAttribute('data-code'), { timeout: 60_000 }).toBe(region.code)
      expect(await page.getByTestId('breadcrumb').innerText()).toContain(region.name)
      // fitted: the map shows the region, and not much more than it (not the whole district)
      await expect
        .poll(
          async () => {
            const [w, s, e, n] = (await bounds(page)) ?? [0, 0, 0, 0]
            const [rw, rs, re, rn] = region.bbox
            const contains = w <= rw + 1e-6 && s <= rs + 1e-6 && e >= re - 1e-6 && n >= rn - 1e-6
            return contains && (e - w) * (n - s) < 12 * (re - rw) * (rn - rs)
          },
          { timeout: 30_000 },
        )
        .toBe(true)
      expect(watched.pageErrors).toEqual([])
      expect(watched.serverErrors).toEqual([])
      expect(watched.outsideRequests).toEqual([])
      await page.close()
    },
  )

  it(
    'a street account’s party page heads its figures with its street’s name, not a code',
    { timeout: 180_000 },
    async () => {
      const credentials = await createAccount(app, {
        username: 'scoped-party',
        role: 'street',
        regionCode: street.code,
      })
      const watched = await openWatchedPage(browser, { origin, credentials }, { width: 1366, height: 768 })
      await watched.page.goto(`${origin}/#/party`)
      const heading = watched.page.getByTestId('party-figures').locator('h2')
      await expect.poll(() => heading.innerText(), { timeout: 60_000 }).toContain(street.name)
      expect(await heading.innerText()).not.toMatch(/\d{12}/)
      expect(watched.pageErrors).toEqual([])
      await watched.page.close()
    },
  )

  it(
    'a street account’s merge page does not ask to start the merge engines (administrators only)',
    { timeout: 180_000 },
    async () => {
      const credentials = await createAccount(app, {
        username: 'scoped-merge',
        role: 'street',
        regionCode: street.code,
      })
      const watched = await openWatchedPage(browser, { origin, credentials }, { width: 1366, height: 768 })
      const refused: string[] = []
      watched.page.on('response', (r) => {
        if (r.status() >= 400) refused.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`)
      })
      await watched.page.goto(`${origin}/#/merge`)
      await watched.page.getByTestId('merge-workspace').waitFor({ timeout: 60_000 })
      await watched.page.waitForLoadState('networkidle')
      expect(refused).toEqual([])
      expect(watched.pageErrors).toEqual([])
      // nor offers what only an administrator may do: running, publishing and importing, said so
      expect(await watched.page.getByTestId('merge-run').count()).toBe(0)
      expect(await watched.page.getByTestId('merge-publish').count()).toBe(0)
      expect(await watched.page.locator('input[type="file"]').count()).toBe(0)
      expect(await watched.page.getByTestId('merge-read-only').textContent()).toContain('由管理员操作')
      await watched.page.close()
    },
  )
})
