// The wall's panel of service coverage by street, in a real browser at 1920×1080: it asks
// GET /api/coverage for the region the wall may see (the API refuses the question without one) and
// draws one bar per street with its share, as the siting page's table has them.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'

describe('the wall’s coverage panel in a real browser', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let origin: string
  let wallToken: string

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    browser = await launchChromium()
    const created = await app.inject({ method: 'POST', url: '/api/wall-tokens', payload: { label: '指挥中心大屏' } })
    wallToken = created.json().token
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  it('shows every street’s coverage share, and no request of the wall is refused', { timeout: 180_000 }, async () => {
    const [district] = (await app.inject({ url: '/api/regions?level=district' })).json().regions as { code: string }[]
    const coverage = (await app.inject({ url: `/api/coverage?region=${district.code}` })).json() as {
      streets: { name: string; coveredShare: number }[]
    }
    expect(coverage.streets.length).toBeGreaterThan(0)
    const watched = await openWatchedPage(browser, undefined, { width: 1920, height: 1080 })
    const refused: string[] = []
    watched.page.on('response', (r) => {
      if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`)
    })
    await watched.page.goto(`${origin}/wall?wall=${wallToken}`)
    const panel = watched.page.getByTestId('wall-panel-coverage')
    const first = coverage.streets[0]
    await expect.poll(() => panel.innerText(), { timeout: 60_000 }).toContain(first.name)
    const text = await panel.innerText()
    for (const street of coverage.streets) expect(text).toContain(street.name)
    expect(text).toContain(first.coveredShare.toLocaleString('zh-CN', { style: 'percent', maximumFractionDigits: 1 }))
    // the least covered streets first, the first row inside the panel (the panel clips what does not fit)
    const ascending = [...coverage.streets].sort((a, b) => a.coveredShare - b.coveredShare).map((s) => s.name)
    const rows = panel.locator('li')
    expect(await rows.locator('.label').allInnerTexts()).toEqual(ascending)
    const [box, row] = [await panel.boundingBox(), await rows.first().boundingBox()]
    expect(row!.y + row!.height).toBeLessThanOrEqual(box!.y + box!.height)
    expect(refused).toEqual([])
    expect(watched.pageErrors).toEqual([])
    expect(watched.outsideRequests).toEqual([])
    await watched.page.close()
  })
})
