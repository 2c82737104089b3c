// The party-coverage page in a real browser on the demo: the map draws the organizations, the figures
// follow the chosen street and match the API, the choropleth's legend counts every community, the
// rule lists match the API's totals and export, zoom-to moves the map, and a click opens a profile.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import type { PartyCoverage, PartyFindings } from '../../server/schemas/party.schema.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { openTestDatabase } from '../helpers/databases.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'

const screenshots = path.join(import.meta.dirname, 'screenshots')
const formatCount = (n: number) => n.toLocaleString('zh-CN')

describe('the party-coverage page in a real browser', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let page: Page
  let watched: WatchedPage
  let origin: string
  let coverage: PartyCoverage

  const api = async <T>(url: string): Promise<T> => (await app.inject(url)).json() as T

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    coverage = await api<PartyCoverage>('/api/party/coverage')
    browser = await launchChromium()
    watched = await openWatchedPage(browser, { origin, credentials: app.credentials })
    page = watched.page
    await page.goto(`${origin}/#/party`)
    await page.waitForFunction(
      () => {
        const map = window.__wgMaps?.party
        return !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['party-orgs-circle'] }).length > 0
      },
      undefined,
      { timeout: 90_000, polling: 250 },
    )
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  it('draws the organizations and records when the map was first drawn', async () => {
    const drawn = await page.getByTestId('party-page').getAttribute('data-drawn-ms')
    expect(Number(drawn)).toBeGreaterThan(0)
    console.info(`party page: first map drawn ${drawn} ms after navigation (PGlite, shared machine)`)
    expect(await page.getByTestId('nav-party').getAttribute('class')).toContain('active')
  })

  it('shows the district’s figures as the API counts them, 应建未建 as the header does', async () => {
    const district = coverage.rows.find((r) => r.level === 'district')!
    await expect
      .poll(() => page.getByTestId('figure-shouldEstablish').innerText())
      .toBe(formatCount(district.figures.shouldEstablish))
    const summary = await api<{ units: { shouldEstablish: number } }>('/api/summary')
    expect(summary.units.shouldEstablish).toBe(district.figures.shouldEstablish)
    expect(await page.getByTestId('figure-uncovered').innerText()).toBe(formatCount(district.figures.uncovered))
    expect(await page.getByTestId('figure-explain').innerText()).toMatch(/应建未建[\s\S]*未覆盖/)
    // the header's tile says the same beside its figure
    const tile = await page.getByTestId('kpi-should-establish').innerText()
    expect(tile).toContain(formatCount(summary.units.shouldEstablish))
    expect(tile).toMatch(/应建未建[\s\S]*未覆盖/)
  })

  it('follows the chosen street: its figures, and the lists filtered to it', async () => {
    const street = coverage.rows.find((r) => r.level === 'street' && !r.remainder)!
    await page.getByTestId('party-street').selectOption(street.code)
    await expect
      .poll(() => page.getByTestId('figure-shouldEstablish').innerText())
      .toBe(formatCount(street.figures.shouldEstablish))
    expect(await page.getByTestId('figure-orgsWeak').innerText()).toBe(formatCount(street.figures.orgsByStatus.weak))
    const findings = await api<PartyFindings>(`/api/party/findings?rule=should_establish&street=${street.code}`)
    await expect.poll(() => page.getByTestId('findings-total').getAttribute('data-total')).toBe(String(findings.total))
    expect(findings.total).toBe(street.figures.shouldEstablish)
  })

  it('lists another rule with the API’s total, and exports it as CSV with a BOM', async () => {
    const street = (await page.getByTestId('party-street').inputValue())!
    await page.getByTestId('findings-rule').selectOption('tier_mismatch')
    const findings = await api<PartyFindings>(`/api/party/findings?rule=tier_mismatch&street=${street}`)
    await expect.poll(() => page.getByTestId('findings-total').getAttribute('data-total')).toBe(String(findings.total))
    const href = await page.getByTestId('export-csv').getAttribute('href')
    expect(href).toBe(`/api/party/findings.csv?rule=tier_mismatch&street=${street}&lang=zh-CN`)
    const response = await page.request.get(`${origin}${href}`)
    expect(response.status()).toBe(200)
    const body = await response.body()
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(body.toString('utf8').trim().split(/\r?\n/)).toHaveLength(findings.total + 1)
    await page.getByTestId('findings-rule').selectOption('should_establish')
  })

  it('zooms to a finding and opens the unit’s profile on a click', async () => {
    const street = await page.getByTestId('party-street').inputValue()
    const findings = await api<PartyFindings & { rule: 'should_establish' }>(
      `/api/party/findings?rule=should_establish&street=${street}&limit=1`,
    )
    const first = findings.rows[0]
    await expect.poll(() => page.getByTestId('findings-total').getAttribute('data-total')).toBe(String(findings.total))
    await page.getByTestId('finding-zoom').first().click()
    await expect
      .poll(() => page.evaluate(() => window.__wgMaps!.party.getZoom()), { timeout: 10_000 })
      .toBeGreaterThan(15)
    const center = await page.evaluate(() => window.__wgMaps!.party.getCenter().toArray())
    expect(center[0]).toBeCloseTo(first.point![0], 4)
    expect(center[1]).toBeCloseTo(first.point![1], 4)
    // the unit is drawn at the centre once its tiles arrive
    await page.waitForFunction(
      (code) =>
        window
          .__wgMaps!.party.queryRenderedFeatures({ layers: ['units-circle'] })
          .some((f) => f.properties.code === code),
      first.code,
      { timeout: 30_000, polling: 250 },
    )
    const point = await page.evaluate((p) => window.__wgMaps!.party.project(p), first.point!)
    const box = (await page.getByTestId('map').boundingBox())!
    await page.mouse.click(box.x + point.x, box.y + point.y)
    const profile = page.getByTestId('party-profile')
    await profile.waitFor({ state: 'visible', timeout: 10_000 })
    await expect.poll(() => page.getByTestId('profile-name').innerText()).toBe(first.name)
    expect(await page.getByTestId('profile-members').innerText()).toBe(formatCount(first.members))
    await page.getByTestId('profile-should-establish').waitFor({ state: 'visible' })
  })

  it('opens an organization’s profile with tier, masked phone and star history', async () => {
    const target = await page.evaluate(() => {
      const map = window.__wgMaps!.party
      map.jumpTo({ zoom: 13 })
      return null
    })
    expect(target).toBeNull()
    await page.waitForFunction(
      () => {
        const map = window.__wgMaps!.party
        return map.loaded() && map.queryRenderedFeatures({ layers: ['party-orgs-circle'] }).length > 0
      },
      undefined,
      { timeout: 30_000, polling: 250 },
    )
    // an organization with no unit drawn over it
    const found = await page.evaluate(() => {
      const map = window.__wgMaps!.party
      for (const f of map.queryRenderedFeatures({ layers: ['party-orgs-circle'] })) {
        const p = map.project((f.geometry as GeoJSON.Point).coordinates as [number, number])
        const under = map.queryRenderedFeatures([p.x, p.y], { layers: ['units-circle'] })
        if (under.length === 0 && p.x > 320 && p.x < 1100 && p.y > 40 && p.y < 900)
          return { code: f.properties.code as string, x: p.x, y: p.y }
      }
      return null
    })
    expect(found).not.toBeNull()
    const org = await api<{ name: string; tier: string; secretary: { phone: string | null } }>(
      `/api/party/orgs/${found!.code}`,
    )
    const box = (await page.getByTestId('map').boundingBox())!
    await page.mouse.click(box.x + found!.x, box.y + found!.y)
    await expect.poll(() => page.getByTestId('profile-name').innerText()).toBe(org.name)
    expect(await page.getByTestId('profile-phone').innerText()).toBe(org.secretary.phone)
    expect(org.secretary.phone).toMatch(/\*{3}/)
    expect(await page.getByTestId('profile-stars').locator('li').count()).toBe(4)
  })

  it('classes the communities by a figure with a legend that counts each of them once', async () => {
    await page.getByTestId('party-street').selectOption('')
    await page.getByTestId('choropleth-figure').selectOption('orgCoverageRate')
    const communities = coverage.rows.filter((r) => r.level === 'community' && !r.remainder)
    const legendTotal = async () => {
      const counts = await page
        .locator('[data-testid=choropleth-class], [data-testid=choropleth-nodata]')
        .evaluateAll((items) => items.map((i) => Number(i.getAttribute('data-count'))))
      return counts.reduce((a, b) => a + b, 0)
    }
    await expect.poll(legendTotal).toBe(communities.length)
    expect(await page.getByTestId('choropleth-class').count()).toBe(5)
    const noData = communities.filter((r) => r.figures.orgCoverageRate.value === null).length
    expect(Number(await page.getByTestId('choropleth-nodata').getAttribute('data-count'))).toBe(noData)
    for (const method of ['equal_interval', 'jenks']) {
      await page.getByTestId('choropleth-method').selectOption(method)
      await expect.poll(legendTotal).toBe(communities.length)
    }
    await page.evaluate(() => window.__wgMaps!.party.jumpTo({ zoom: 11 }))
    await page.waitForFunction(
      () => window.__wgMaps!.party.queryRenderedFeatures({ layers: ['party-choropleth-fill'] }).length > 0,
      undefined,
      { timeout: 30_000, polling: 250 },
    )
  })

  it('draws only the organizations of the chosen tier', async () => {
    await page.getByTestId('party-org-tier').selectOption('committee')
    await expect
      .poll(() =>
        page.evaluate(() => {
          const tiers = window
            .__wgMaps!.party.queryRenderedFeatures({ layers: ['party-orgs-circle'] })
            .map((f) => f.properties.tier as string)
          return tiers.length > 0 && tiers.every((tier) => tier === 'committee')
        }),
      )
      .toBe(true)
    await page.getByTestId('party-org-tier').selectOption('')
  })

  it('fetches nothing from outside the machine and meets no page or server errors', async () => {
    await mkdir(screenshots, { recursive: true })
    await page.screenshot({ path: path.join(screenshots, 'party.png') })
    expect(watched.outsideRequests).toEqual([])
    expect(watched.pageErrors).toEqual([])
    expect(watched.serverErrors).toEqual([])
  })
})
