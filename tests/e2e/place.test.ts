// A street official's way around the map, in a real browser at 1920×1080: the header counts the
// unified grid; drill 区 → 街道 → 社区 by the tree and by a double click on the map, up by the breadcrumb; the
// URL holds the place, layers and view so that a link shows the same screen; search by pinyin
// initials and Enter goes to the first result; nothing is fetched from outside the machine.
import { readFile } from 'node:fs/promises'
import ExcelJS from 'exceljs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import type { PlaceFigures, PlaceList } from '../../server/schemas/place.schema.ts'
import type { RegionGridFigures } from '../../server/schemas/regions.schema.ts'
import type { SearchResult } from '../../server/schemas/search.schema.ts'
import type { Summary } from '../../server/schemas/summary.schema.ts'
import { initialsOf } from '../../server/services/search/search.service.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'

const viewport = { width: 1920, height: 1080 }

async function waitForMap(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const map = window.__wgMaps?.overview
      return !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['grids-governance-fill'] }).length > 0
    },
    undefined,
    // the machine may be busy: the first tiles of a cold cache take a while then
    { timeout: 180_000, polling: 250 },
  )
}

const currentPlace = (page: Page) => page.getByTestId('current-place').innerText()
const urlPlace = (page: Page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '').get('place')

describe('finding a place in a real browser', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let watched: WatchedPage
  let page: Page
  let origin: string
  let district: { code: string; name: string }
  let street: { code: string; name: string; bbox: [number, number, number, number] }

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    const regions = (level: string) =>
      app.inject({ url: `/api/regions?level=${level}` }).then((r) => r.json().regions as (typeof street)[])
    ;[district] = await regions('district')
    ;[street] = await regions('street')
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

  it('counts the published unified grid in the header, not a sum of overlapping department grids', async () => {
    const summary = (await app.inject({ url: '/api/summary' })).json() as Summary
    const tile = await page.getByTestId('kpi-unified-grids').innerText()
    expect(tile).toContain('全科网格')
    expect(tile).toContain(summary.unifiedGrids.toLocaleString('zh-CN'))
    expect(tile).toContain(summary.unifiedGridRun ? `第 ${summary.unifiedGridRun.version} 版` : '尚未发布')
  })

  it(
    'starts at the district, and the tree enters a street: breadcrumb, URL, fit and mask follow',
    { timeout: 120_000 },
    async () => {
      await expect.poll(() => currentPlace(page), { timeout: 30_000 }).toBe(district.name)
      await page.getByTestId(`region-${street.code}`).click()
      await expect.poll(() => currentPlace(page), { timeout: 30_000 }).toBe(street.name)
      expect(urlPlace(page)).toBe(street.code)
      const center = await page.evaluate(() => window.__wgMaps!.overview.getCenter().toArray())
      expect(center[0]).toBeGreaterThan(street.bbox[0])
      expect(center[0]).toBeLessThan(street.bbox[2])
      expect(center[1]).toBeGreaterThan(street.bbox[1])
      expect(center[1]).toBeLessThan(street.bbox[3])
      // outside the street is dimmed: the mask is the world with the street cut out
      await expect
        .poll(() => page.evaluate(() => window.__wgMaps!.overview.querySourceFeatures('place-mask').length > 0), {
          timeout: 30_000,
        })
        .toBe(true)
    },
  )

  it(
    'enters a community by a double click on it on the map, and goes back up by the breadcrumb',
    { timeout: 120_000 },
    async () => {
      // a community's label point lies inside it (ST_PointOnSurface): the one nearest the map's centre
      const labels = (
        await app.inject({ url: `/api/layers/region-labels/features?bbox=${street.bbox.join(',')}` })
      ).json() as {
        features: {
          properties: { code: string; name: string; level: string }
          geometry: { coordinates: [number, number] }
        }[]
      }
      const inside = labels.features.filter(
        (f) => f.properties.level === 'community' && f.properties.code.startsWith(street.code.slice(0, 9)),
      )
      const projected = await page.evaluate(
        (points) =>
          points.map((p) => {
            const map = window.__wgMaps!.overview
            const { x, y } = map.project(p)
            const center = map.project(map.getCenter())
            return { x, y, distance: Math.hypot(x - center.x, y - center.y) }
          }),
        inside.map((f) => f.geometry.coordinates),
      )
      const nearest = projected.map((p, i) => ({ ...p, i })).sort((a, b) => a.distance - b.distance)[0]
      const community = { ...inside[nearest.i].properties, x: nearest.x, y: nearest.y }
      const box = (await page.getByTestId('map').boundingBox())!
      await page.mouse.dblclick(box.x + community.x, box.y + community.y)
      await expect.poll(() => currentPlace(page), { timeout: 30_000 }).toBe(community.name)
      expect(urlPlace(page)).toBe(community.code)
      await page.getByTestId(`crumb-${street.code}`).click()
      await expect.poll(() => currentPlace(page), { timeout: 30_000 }).toBe(street.name)
      expect(urlPlace(page)).toBe(street.code)
      await page.getByTestId(`crumb-${district.code}`).click()
      await expect.poll(() => currentPlace(page), { timeout: 30_000 }).toBe(district.name)
    },
  )

  it(
    'finds a street by the pinyin initials of its name, grouped by kind, and Enter goes to the first result',
    { timeout: 120_000 },
    async () => {
      const q = initialsOf(street.name.slice(0, 2))
      const input = page.getByTestId('search-input')
      await input.fill(q)
      await page.getByTestId('search-group-region').waitFor({ timeout: 30_000 })
      expect(await page.getByTestId('search-results').innerText()).toContain(street.name)
      const expected = (await app.inject({ url: `/api/search?q=${q}` })).json() as SearchResult
      const first = expected.groups[0].hits[0]
      await input.press('Enter')
      await expect
        .poll(() => currentPlace(page), { timeout: 30_000 })
        .toBe(first.kind === 'region' ? first.name : expect.any(String))
      if (first.kind === 'region') expect(urlPlace(page)).toBe(first.code)
    },
  )

  it('reproduces the screen from its link: place, layers and view', { timeout: 180_000 }, async () => {
    // a plain click on the toggle (the hash it rewrites is no navigation to wait for)
    await page.getByTestId('layer-toggle-grids-urban').evaluate((toggle: HTMLInputElement) => toggle.click())
    await page.evaluate(() => window.__wgMaps!.overview.jumpTo({ zoom: 14.5 }))
    await expect.poll(() => page.url(), { timeout: 30_000 }).toContain('grids-urban')
    await expect.poll(() => page.url(), { timeout: 30_000 }).toContain('view=14.50')
    const link = page.url()
    const before = await page.evaluate(() => window.__wgMaps!.overview.getCenter().toArray())
    const place = await currentPlace(page)
    const other = await openWatchedPage(browser, { origin, credentials: app.credentials }, viewport)
    try {
      await other.page.goto(link)
      await waitForMap(other.page)
      await expect.poll(() => currentPlace(other.page), { timeout: 30_000 }).toBe(place)
      expect(await other.page.getByTestId('layer-toggle-grids-urban').isChecked()).toBe(true)
      const view = await other.page.evaluate(() => ({
        zoom: window.__wgMaps!.overview.getZoom(),
        center: window.__wgMaps!.overview.getCenter().toArray(),
      }))
      expect(view.zoom).toBeCloseTo(14.5, 1)
      expect(view.center[0]).toBeCloseTo(before[0], 3)
      expect(view.center[1]).toBeCloseTo(before[1], 3)
      expect(other.outsideRequests).toEqual([])
      expect(other.pageErrors).toEqual([])
    } finally {
      await other.page.close()
    }
  })

  it(
    'shows the figures of the place; a figure opens the list behind it, filtered, and exported as a file read back',
    { timeout: 120_000 },
    async () => {
      const code = urlPlace(page)!
      const figures = (await app.inject({ url: `/api/regions/${code}/grid-figures` })).json() as RegionGridFigures
      const governance = figures.layers.find((l) => l.layer === 'governance')!
      const section = page.getByTestId('grid-figures-governance')
      await section.waitFor({ timeout: 30_000 })
      await expect
        .poll(() => section.getByTestId('figure-grids').innerText())
        .toContain(governance.grids.toLocaleString('zh-CN'))
      expect(await section.getByTestId('figure-outside-norm').innerText()).toContain(String(governance.outsideNorm))
      await section.getByTestId('figure-grids').click()
      await expect.poll(() => page.getByTestId('item-row').count(), { timeout: 30_000 }).toBe(governance.grids)
      const first = await page.getByTestId('item-row').first().locator('td').first().innerText()
      await page.getByTestId('item-list-filter').fill(first)
      await expect.poll(() => page.getByTestId('item-row').count()).toBe(1)
      await page.getByTestId('item-list-filter').fill('')
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
      const bytes = await readFile((await download.path())!)
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      const lines = bytes.toString('utf8').trim().split(/\r\n/)
      expect(lines[0]).toContain('网格编码')
      expect(lines).toHaveLength(governance.grids + 1)
    },
  )

  it(
    'shows the place’s coverage, party and department figures; each opens its list, exported and read back',
    { timeout: 180_000 },
    async () => {
      const code = urlPlace(page)!
      const figures = (await app.inject({ url: `/api/regions/${code}/place-figures` })).json() as PlaceFigures
      const list = async (name: string, query = '') =>
        (await app.inject({ url: `/api/regions/${code}/lists/${name}?${query}` })).json() as PlaceList
      await page.getByTestId('place-more-figures').waitFor({ timeout: 60_000 })
      // uncovered residents: the figure, then its cells
      const uncovered = page.getByTestId('figure-centre-uncovered')
      await expect
        .poll(() => uncovered.innerText())
        .toContain(Math.round(figures.centreCoverage.uncovered).toLocaleString('zh-CN'))
      await uncovered.click()
      const cells = await list('uncovered_residents')
      await expect.poll(() => page.getByTestId('item-row').count(), { timeout: 30_000 }).toBe(cells.rows.length)
      // 应建未建: the figure counts the units its list holds; the XLSX export reads back
      const should = page.getByTestId('figure-place-should-establish')
      expect(await should.innerText()).toContain(figures.partyCoverage!.shouldEstablish.toLocaleString('zh-CN'))
      // the organizations by status, named in the words GET /api/party/vocabulary serves
      const statuses = (await app.inject({ url: '/api/party/vocabulary' })).json().statuses
      const partyText = await page.getByTestId('party-coverage').innerText()
      expect(Object.keys(figures.partyCoverage!.orgsByStatus).length).toBeGreaterThan(0)
      for (const [status, count] of Object.entries(figures.partyCoverage!.orgsByStatus))
        expect(partyText).toMatch(new RegExp(`${count.toLocaleString('zh-CN')}\\s*${statuses[status]['zh-CN']}`))
      await should.click()
      await expect
        .poll(() => page.getByTestId('item-row').count(), { timeout: 30_000 })
        .toBe(figures.partyCoverage!.shouldEstablish)
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()])
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load((await readFile((await xlsx.path())!)) as unknown as ArrayBuffer)
      expect(workbook.worksheets[0].getRow(1).getCell(2).value).toBe('单位名称')
      expect(workbook.worksheets[0].rowCount - 1).toBe(figures.partyCoverage!.shouldEstablish)
      // a department's grids and how each matches the unified grid; sorted by a click; the CSV reads back
      const layer = figures.departments.layers.find((l) => l.department === 'governance')!
      await page.getByTestId('figure-department-governance').click()
      await expect.poll(() => page.getByTestId('item-row').count(), { timeout: 30_000 }).toBe(layer.grids)
      // ascending by code (as the server sends it), then a second click turns it round
      await page.getByTestId('sort-code').click()
      await page.getByTestId('sort-code').click()
      await expect.poll(() => page.getByTestId('sort-code').innerText()).toContain('▼')
      const codes = await page.getByTestId('item-row').locator('td:nth-child(2)').allInnerTexts()
      expect(codes).toEqual([...codes].sort((a, b) => b.localeCompare(a, 'zh-CN')))
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
      const bytes = await readFile((await csv.path())!)
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      const lines = bytes.toString('utf8').trim().split(/\r\n/)
      expect(lines[0]).toMatch(/^\uFEFF?部门,网格编码,网格名称,社区/)
      expect(lines).toHaveLength(layer.grids + 1)
      // the department by name wherever a user reads it (the figure, the list); its code only in the export's last column
      const name = (await app.inject({ url: '/api/merge-runs/vocabulary' })).json().departments.governance as string
      expect(name).toBe('综治')
      expect(await page.getByTestId('department-match').innerText()).toContain(name)
      expect(await page.getByTestId('item-list').locator('th').allInnerTexts()).not.toContain('部门编码')
      const shown = await page.getByTestId('item-row').locator('td:nth-child(1)').allInnerTexts()
      expect(shown).toEqual(Array(layer.grids).fill(name))
      expect(await page.getByTestId('item-list').innerText()).not.toContain('governance')
      // the file speaks the page's language whatever the browser's (a link cannot send Accept-Language)
      expect(await page.getByTestId('export-csv').getAttribute('href')).toContain('lang=zh-CN')
      expect(lines[0]).toMatch(/,部门编码$/)
      for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`^${name},.*,governance$`))
    },
  )

  it(
    'lists the organizations behind each status count and the units behind each coverage rate, exported',
    { timeout: 180_000 },
    async () => {
      const code = urlPlace(page)!
      const figures = (await app.inject({ url: `/api/regions/${code}/place-figures` })).json() as PlaceFigures
      const party = figures.partyCoverage!
      await page.getByTestId('party-coverage').waitFor({ timeout: 60_000 })
      for (const [status, count] of Object.entries(party.orgsByStatus)) {
        const figure = page.getByTestId(`figure-orgs-${status}`)
        expect(await figure.innerText()).toContain(count.toLocaleString('zh-CN'))
        await figure.click()
        await expect.poll(() => page.getByTestId('item-row').count(), { timeout: 30_000 }).toBe(count)
      }
      for (const [id, rate] of [
        ['figure-org-rate', party.orgCoverageRate],
        ['figure-work-rate', party.workCoverageRate],
      ] as const) {
        expect(await page.getByTestId(id).getAttribute('data-numerator')).toBe(String(rate.numerator))
        await page.getByTestId(id).click()
        await expect.poll(() => page.getByTestId('item-row').count(), { timeout: 30_000 }).toBe(rate.numerator)
      }
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
      const lines = (await readFile((await csv.path())!)).toString('utf8').trim().split(/\r\n/)
      expect(lines[0]).toMatch(/^\uFEFF?单位编码,单位名称/)
      expect(lines).toHaveLength(party.workCoverageRate.numerator + 1)
    },
  )

  it('fetches nothing from outside the machine and meets no page or server errors', () => {
    expect(watched.outsideRequests).toEqual([])
    expect(watched.pageErrors).toEqual([])
    expect(watched.serverErrors).toEqual([])
  })
})
