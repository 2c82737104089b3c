// A real browser opens the built product: before any publish the map draws the base department's
// grids from vector tiles, the layer panel toggles the others, the inspector shows a clicked grid in Chinese, and nothing is
// requested from outside the machine.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { openTestDatabase } from '../helpers/databases.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'

const screenshots = path.join(import.meta.dirname, 'screenshots')
const gridLayers = ['grids-party', 'grids-governance', 'grids-urban', 'grids-social']
/** the merge's default base department: the first screen's grid layer before any publish */
const baseLayer = 'grids-governance'

describe('the map in a real browser', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let page: Page
  let watched: WatchedPage
  let origin: string

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    browser = await launchChromium()
    watched = await openWatchedPage(browser, { origin, credentials: app.credentials })
    page = watched.page
    await page.goto(origin)
    await page.waitForFunction(
      (layers) => {
        const map = window.__wgMaps?.overview
        return (
          !!map &&
          map.loaded() &&
          layers.every((id) => map.queryRenderedFeatures({ layers: [`${id}-fill`] }).length > 0)
        )
      },
      [baseLayer],
      { timeout: 60_000, polling: 250 },
    )
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  it('draws the base department’s grids from vector tiles, and no other department’s, before any publish', async () => {
    const counts = await page.evaluate(
      (layers) =>
        layers.map((id) => window.__wgMaps!.overview.queryRenderedFeatures({ layers: [`${id}-fill`] }).length),
      gridLayers,
    )
    expect(Object.fromEntries(gridLayers.map((id, i) => [id, counts[i] > 10]))).toEqual({
      'grids-party': false,
      'grids-governance': true,
      'grids-urban': false,
      'grids-social': false,
    })
  })

  it('lists the departments in the layer panel, each with a toggle, the base department on', async () => {
    const panel = page.getByTestId('layer-panel')
    for (const name of ['党建网格', '综治网格', '城管网格', '社保网格'])
      await expect(panel.getByText(name).count()).resolves.toBeGreaterThan(0)
    for (const id of gridLayers)
      await expect(page.getByTestId(`layer-toggle-${id}`).isChecked()).resolves.toBe(id === baseLayer)
  })

  it('shows a department layer one click away, and hides it again', async () => {
    const toggle = page.getByTestId('layer-toggle-grids-urban')
    await toggle.check()
    await expect
      .poll(() => page.evaluate(() => window.__wgMaps!.overview.getLayoutProperty('grids-urban-fill', 'visibility')))
      .not.toBe('none')
    await expect
      .poll(() =>
        page.evaluate(() => window.__wgMaps!.overview.queryRenderedFeatures({ layers: ['grids-urban-line'] }).length),
      )
      .toBeGreaterThan(10)
    await toggle.uncheck()
    await expect
      .poll(() => page.evaluate(() => window.__wgMaps!.overview.getLayoutProperty('grids-urban-fill', 'visibility')))
      .toBe('none')
  })

  it('shows a clicked grid in the inspector with Chinese labels', async () => {
    const point = await page.evaluate(() => {
      const map = window.__wgMaps!.overview
      const [feature] = map.queryRenderedFeatures({ layers: ['grids-governance-fill'] })
      const geometry = feature.geometry as GeoJSON.Polygon | GeoJSON.MultiPolygon
      const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0]
      const lon = ring.reduce((s, p) => s + p[0], 0) / ring.length
      const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length
      return map.project([lon, lat])
    })
    const box = await page.getByTestId('map').boundingBox()
    await page.mouse.click(box!.x + point.x, box!.y + point.y)
    const inspector = page.getByTestId('inspector')
    await inspector.waitFor({ state: 'visible', timeout: 10_000 })
    const text = await inspector.innerText()
    expect(text).toMatch(/网格/)
    expect(await page.getByTestId('inspector-row').count()).toBeGreaterThan(3)
    expect(text).not.toMatch(/\b(households|communityName|chiefPhone)\b/)
  })

  it('selects the topmost clicked feature through its layer’s own click handler, and a click on nothing clears it', async () => {
    const box = (await page.getByTestId('map').boundingBox())!
    const target = await page.evaluate(() => {
      const map = window.__wgMaps!.overview
      const [feature] = map.queryRenderedFeatures({ layers: ['grids-governance-fill'] })
      const geometry = feature.geometry as GeoJSON.Polygon | GeoJSON.MultiPolygon
      const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0]
      const lon = ring.reduce((s, p) => s + p[0], 0) / ring.length
      const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length
      return map.project([lon, lat])
    })
    // what is drawn under the point, topmost first, as MapLibre itself orders it
    const under = await page.evaluate(
      ({ x, y }) =>
        window
          .__wgMaps!.overview.queryRenderedFeatures([x, y])
          .filter((f) => f.layer.type === 'fill' || f.layer.type === 'circle')
          .map((f) => ({ source: f.source, sourceLayer: f.sourceLayer!, id: f.id as number, name: f.properties.name })),
      target,
    )
    expect(under.length).toBeGreaterThan(1)
    await page.mouse.click(box.x + target.x, box.y + target.y)
    const top = under[0]
    await expect.poll(() => page.getByTestId('inspector').locator('h2').innerText()).toBe(String(top.name))
    const selected = () => page.evaluate((feature) => window.__wgMaps!.overview.getFeatureState(feature).selected, top)
    expect(await selected()).toBe(true)
    // every layer under the click reported its features: the others are listed
    expect(await page.getByTestId('inspector').locator('li').count()).toBe(
      new Set(under.map((f) => `${f.source}/${f.id}`)).size - 1,
    )
    // far outside the district no layer reports anything: the selection and its highlight go
    await page.mouse.click(box.x + 5, box.y + 5)
    await page.getByTestId('inspector').waitFor({ state: 'detached', timeout: 10_000 })
    expect(await selected()).toBe(false)
  })

  it('fetches nothing from outside the machine and meets no page or server errors', async () => {
    await mkdir(screenshots, { recursive: true })
    await page.screenshot({ path: path.join(screenshots, 'map.png') })
    expect(watched.outsideRequests).toEqual([])
    expect(watched.pageErrors).toEqual([])
    expect(watched.serverErrors).toEqual([])
  })
})
