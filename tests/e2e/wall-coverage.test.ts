// The wall's panel of service coverage by street, in a real browser at 1920×1080 and 3840×2160: it
// asks GET /api/coverage for the region the wall may see (the API refuses the question without one)
// and draws one bar per street with its share, as the siting page's table has them, the least covered
// first; the rows its box cannot hold are left out with a line saying how many and that they are the
// better covered ("另有 N 个街道未显示"), every row drawn inside the box (measured).
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

  it.each([
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
  ])(
    '$width×$height: the least covered streets’ shares, the rest counted; no request of the wall is refused',
    { timeout: 180_000 },
    async (viewport) => {
      const [district] = (await app.inject({ url: '/api/regions?level=district' })).json().regions as { code: string }[]
      const coverage = (await app.inject({ url: `/api/coverage?region=${district.code}` })).json() as {
        streets: { name: string; coveredShare: number }[]
      }
      expect(coverage.streets.length).toBeGreaterThan(0)
      const watched = await openWatchedPage(browser, undefined, viewport)
      const refused: string[] = []
      watched.page.on('response', (r) => {
        if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`)
      })
      await watched.page.goto(`${origin}/wall?wall=${wallToken}`)
      const panel = watched.page.getByTestId('wall-panel-coverage')
      const first = coverage.streets[0]
      await expect.poll(() => panel.innerText(), { timeout: 60_000 }).toContain(first.name)
      const percent = (share: number) => share.toLocaleString('zh-CN', { style: 'percent', maximumFractionDigits: 1 })
      const text = await panel.innerText()
      expect(text).toContain(percent(first.coveredShare))
      // the least covered streets first; as many as the box holds, the rest counted in the last line
      const ascending = [...coverage.streets].sort((a, b) => a.coveredShare - b.coveredShare)
      await watched.page.waitForTimeout(500)
      const shown = await panel.locator('li .label').allInnerTexts()
      expect(shown.length).toBeGreaterThan(0)
      expect(shown).toEqual(ascending.slice(0, shown.length).map((s) => s.name))
      const left = ascending.slice(shown.length)
      // the demo's ten streets do not all fit a quarter of the wall's height
      expect(left.length).toBeGreaterThan(0)
      const more = panel.getByTestId('bars-more')
      expect(await more.innerText()).toBe(
        `另有 ${left.length.toLocaleString('zh-CN')} 个街道未显示（覆盖率均不低于 ${percent(left[0].coveredShare)}）`,
      )
      for (const street of left) expect(text).not.toContain(street.name)
      // every row and the line inside the panel's box, none cut off
      const boxes = await panel.evaluate((article) => {
        const box = article.getBoundingClientRect()
        return {
          box: { top: box.top, bottom: box.bottom },
          rows: Array.from(article.querySelectorAll('li'))
            .map((li) => li.getBoundingClientRect())
            .map((r) => ({ top: r.top, bottom: r.bottom })),
        }
      })
      expect(boxes.rows).toHaveLength(shown.length + 1)
      for (const row of boxes.rows) {
        expect(row.top).toBeGreaterThanOrEqual(boxes.box.top)
        expect(row.bottom).toBeLessThanOrEqual(boxes.box.bottom)
      }
      expect(refused).toEqual([])
      expect(watched.pageErrors).toEqual([])
      expect(watched.outsideRequests).toEqual([])
      await watched.page.close()
    },
  )
})
