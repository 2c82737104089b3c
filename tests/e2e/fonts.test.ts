// On a machine without any Chinese font the map and the UI still show Chinese: Chromium runs with a
// fontconfig that sees only DejaVu (Latin, Greek, Cyrillic: no CJK), and the pixels of a street name
// on the map, of the header's title and panel headings, and of the wall's title are checked — each
// character a shape of its own, where a missing glyph draws the same box (or nothing) for every
// character, as the controls drawn in a family that does not exist show.
//
// Not a fontconfig with no font at all: such a Chromium is no machine anyone has. It has no font to
// stand in while a url() web font loads, so layout drops the loading face and every face of the
// family fails with "NetworkError" (the UI stayed blank in that state), and it aborts (SkFontMgr
// "Not implemented") as soon as text needs a fallback font for a character.
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'

/** Debian's fonts-dejavu-core: no CJK glyph in it. */
const latinFonts = '/usr/share/fonts/truetype/dejavu'

/** Ink masks of equal cells of an RGBA image, split left to right (dark pixels: text, not halo or fill). */
function cellsOf(data: Uint8ClampedArray | number[], width: number, height: number, count: number): boolean[][] {
  const cellWidth = Math.floor(width / count)
  return Array.from({ length: count }, (_, c) => {
    const mask: boolean[] = []
    for (let y = 0; y < height; y++)
      for (let x = c * cellWidth; x < (c + 1) * cellWidth; x++) {
        const i = (y * width + x) * 4
        mask.push(data[i] * 0.3 + data[i + 1] * 0.59 + data[i + 2] * 0.11 < 110 && data[i + 3] > 128)
      }
    return mask
  })
}

/** How unlike two ink masks are: pixels inked in one only, over pixels inked in either (0 alike … 1). */
function unlikeness(a: boolean[], b: boolean[]): number {
  let either = 0
  let one = 0
  for (let i = 0; i < a.length; i++) {
    if (a[i] || b[i]) either++
    if (a[i] !== b[i]) one++
  }
  return either === 0 ? 0 : one / either
}

/** The pairs of cells holding different characters, with how unlike their ink is. */
function pairsOf(text: string, cells: boolean[][]): { pair: string; unlike: number }[] {
  const chars = Array.from(text)
  const pairs: { pair: string; unlike: number }[] = []
  for (let i = 0; i < chars.length; i++)
    for (let j = i + 1; j < chars.length; j++)
      if (chars[i] !== chars[j]) pairs.push({ pair: chars[i] + chars[j], unlike: unlikeness(cells[i], cells[j]) })
  return pairs
}

/** Draws a text on a canvas in the page, in a font, and returns its pixels (a control, or the shipped font). */
async function drawnText(page: Page, text: string, font: string) {
  return page.evaluate(
    async ({ text, font }) => {
      // a family no face declares loads nothing (and may reject): only the shipped one is awaited
      await document.fonts.load(font, text).catch(() => undefined)
      const canvas = document.createElement('canvas')
      canvas.width = 40 * text.length
      canvas.height = 48
      const context = canvas.getContext('2d')!
      context.fillStyle = '#ffffff'
      context.fillRect(0, 0, canvas.width, canvas.height)
      context.fillStyle = '#000000'
      context.font = font
      context.textBaseline = 'middle'
      Array.from(text).forEach((char, i) => context.fillText(char, i * 40 + 2, 24))
      return { data: Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data), width: canvas.width }
    },
    { text, font },
  )
}

/** The RGBA pixels of a PNG screenshot, decoded in the page (its CSP lets images read data: URLs). */
async function decoded(page: Page, png: Buffer) {
  return page.evaluate(async (base64) => {
    const image = new Image()
    image.src = `data:image/png;base64,${base64}`
    await image.decode()
    const canvas = new OffscreenCanvas(image.width, image.height)
    const context = canvas.getContext('2d')!
    context.drawImage(image, 0, 0)
    return {
      data: Array.from(context.getImageData(0, 0, image.width, image.height).data),
      width: image.width,
      height: image.height,
    }
  }, png.toString('base64'))
}

/**
 * The Chinese characters of a DOM element as drawn: each character's box (a Range over it) cut out of
 * a screenshot as an ink mask — pixels unlike the box's most common colour, whatever the text's and
 * background's colours — all boxes the size of the smallest so that they compare pixel for pixel.
 */
async function drawnCharacters(page: Page, selector: string): Promise<{ chars: string[]; cells: boolean[][] }> {
  const boxes = await page.evaluate((selector) => {
    const element = document.querySelector(selector)
    if (!element) throw new Error(`no element ${selector}`)
    element.scrollIntoView({ block: 'center' })
    const found: { char: string; x: number; y: number; width: number; height: number }[] = []
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue ?? ''
      for (let i = 0; i < text.length; i++) {
        if (!/\p{Script=Han}/u.test(text[i])) continue
        const range = document.createRange()
        range.setStart(node, i)
        range.setEnd(node, i + 1)
        const { x, y, width, height } = range.getBoundingClientRect()
        found.push({ char: text[i], x, y, width, height })
      }
    }
    return found
  }, selector)
  expect(boxes.length, `Chinese characters in ${selector}`).toBeGreaterThan(1)
  const width = Math.floor(Math.min(...boxes.map((b) => b.width)))
  const height = Math.floor(Math.min(...boxes.map((b) => b.height)))
  // a box of no size: nothing was laid out (the text of a face that failed has no line box at all)
  if (width < 4 || height < 4) return { chars: boxes.map((b) => b.char), cells: boxes.map(() => []) }
  const cells: boolean[][] = []
  for (const box of boxes) {
    const shot = await page.screenshot({ clip: { x: Math.round(box.x), y: Math.round(box.y), width, height } })
    const { data } = await decoded(page, shot)
    const counts = new Map<number, number>()
    const key = (i: number) => ((data[i] >> 3) << 10) | ((data[i + 1] >> 3) << 5) | (data[i + 2] >> 3)
    for (let i = 0; i < data.length; i += 4) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1)
    const background = [...counts].sort((a, b) => b[1] - a[1])[0][0]
    const [r, g, b] = [(background >> 10) << 3, ((background >> 5) & 31) << 3, (background & 31) << 3]
    const mask: boolean[] = []
    for (let i = 0; i < data.length; i += 4)
      mask.push(Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) > 120)
    cells.push(mask)
  }
  return { chars: boxes.map((b) => b.char), cells }
}

/**
 * Each character inked, and every two different characters unlike (not one box or blank repeated):
 * dense glyphs in a bold heading share many pixels (图层 in the layer panel's 15 px heading: 0.19
 * apart), while the same box or blank repeated stays under 0.1 (the controls).
 */
function expectDistinctGlyphs({ chars, cells }: { chars: string[]; cells: boolean[][] }): void {
  for (const [i, cell] of cells.entries()) expect(cell.filter(Boolean).length, `ink of ${chars[i]}`).toBeGreaterThan(5)
  for (const { pair, unlike } of pairsOf(chars.join(''), cells)) expect(unlike, pair).toBeGreaterThan(0.15)
}

/** Waits (the font's subsets arrive after the text) until an element's characters draw distinct glyphs. */
async function expectGlyphsDrawn(page: Page, selector: string): Promise<void> {
  await expect
    .poll(
      async () => {
        try {
          expectDistinctGlyphs(await drawnCharacters(page, selector))
          return 'distinct glyphs'
        } catch (failure) {
          return (failure as Error).message
        }
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBe('distinct glyphs')
}

describe('Chinese on a machine without Chinese fonts', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let watched: WatchedPage
  let page: Page
  let fontDir: string

  beforeAll(async () => {
    // a fontconfig that knows DejaVu only: Chromium finds Latin fonts and no Chinese one
    if (!existsSync(path.join(latinFonts, 'DejaVuSans.ttf')))
      throw new Error(`DejaVu is missing at ${latinFonts}: apt-get install fonts-dejavu-core (.ci/run does)`)
    fontDir = await mkdtemp(path.join(tmpdir(), 'wg-nocjk-'))
    const config = path.join(fontDir, 'fonts.conf')
    await writeFile(
      config,
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${latinFonts}</dir><cachedir>${fontDir}/cache</cachedir></fontconfig>\n`,
    )
    database = await openTestDatabase('pglite')
    ;({ app } = await serveTestApp(database, { serveWeb: true }).then((served) => ((origin = served.origin), served)))
    browser = await launchChromium({ FONTCONFIG_FILE: config })
    watched = await openWatchedPage(browser, { origin, credentials: app.credentials }, { width: 1920, height: 1080 })
    page = watched.page
    await page.goto(origin)
    await page.waitForFunction(
      () => {
        const map = window.__wgMaps?.overview
        return !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['region-labels-label-street'] }).length > 0
      },
      undefined,
      { timeout: 90_000, polling: 250 },
    )
    await page.evaluate(() => document.fonts.ready)
  })
  let origin: string

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
    await rm(fontDir, { recursive: true, force: true })
  })

  it('has no Chinese font of its own: a family that does not exist draws every character alike (the control)', async () => {
    const text = '网格治理'
    const control = await drawnText(page, text, '32px "no-such-font-family"')
    const cells = cellsOf(control.data, control.width, 48, text.length)
    for (const { pair, unlike } of pairsOf(text, cells)) expect(unlike, pair).toBeLessThan(0.1)
  })

  it('draws a street name on the map in the shipped font, each character its own shape', async () => {
    const label = await page.evaluate(() => {
      const map = window.__wgMaps!.overview
      const labels = map.queryRenderedFeatures({ layers: ['region-labels-label-street'] })
      const canvas = map.getCanvas().getBoundingClientRect()
      const inView = labels
        .map((f) => ({
          name: String(f.properties.name),
          point: map.project((f.geometry as GeoJSON.Point).coordinates as [number, number]),
        }))
        .filter(
          ({ point }) => point.x > 500 && point.x < canvas.width - 400 && point.y > 60 && point.y < canvas.height - 60,
        )
      const first = inView[0]
      return first ? { name: first.name, x: first.point.x + canvas.left, y: first.point.y + canvas.top } : null
    })
    expect(label).not.toBeNull()
    const chars = Array.from(label!.name)
    // street labels are 15 px: the text is about 15 px a character, centred on its point
    const width = 15 * chars.length
    const shot = await page.screenshot({ clip: { x: label!.x - width / 2, y: label!.y - 9, width, height: 18 } })
    const pixels = await page.evaluate(async (png) => {
      // an <img> decodes the screenshot (the page's CSP lets images, not fetches, read data: URLs)
      const image = new Image()
      image.src = `data:image/png;base64,${png}`
      await image.decode()
      const canvas = new OffscreenCanvas(image.width, image.height)
      const context = canvas.getContext('2d')!
      context.drawImage(image, 0, 0)
      return {
        data: Array.from(context.getImageData(0, 0, image.width, image.height).data),
        width: image.width,
        height: image.height,
      }
    }, shot.toString('base64'))
    const cells = cellsOf(pixels.data, pixels.width, pixels.height, chars.length)
    for (const cell of cells) expect(cell.filter(Boolean).length).toBeGreaterThan(5)
    for (const { pair, unlike } of pairsOf(label!.name, cells)) expect(unlike, pair).toBeGreaterThan(0.2)
  })

  it("draws the UI's own text in the shipped font: the header title and panel headings", async () => {
    await page.getByTestId('layer-panel').locator('h2').first().waitFor()
    await expectGlyphsDrawn(page, 'header h1')
    await expectGlyphsDrawn(page, '[data-testid="layer-panel"] h2')
    await expectGlyphsDrawn(page, '[data-testid="current-place"]')
  })

  it('draws the same text alike in a family that does not exist (the control in the DOM)', async () => {
    await page.evaluate(() => {
      const control = document.createElement('h1')
      control.id = 'font-control'
      control.textContent = document.querySelector('header h1')!.textContent
      Object.assign(control.style, {
        fontFamily: '"no-such-font-family"',
        position: 'fixed',
        left: '600px',
        top: '400px',
        zIndex: '1000',
        background: '#ffffff',
        color: '#000000',
        margin: '0',
      })
      document.body.append(control)
    })
    const { chars, cells } = await drawnCharacters(page, '#font-control')
    for (const { pair, unlike } of pairsOf(chars.join(''), cells)) expect(unlike, pair).toBeLessThan(0.1)
    await page.evaluate(() => document.getElementById('font-control')!.remove())
  })

  it("draws the wall's title in the shipped font too", { timeout: 120_000 }, async () => {
    const created = await app.inject({ method: 'POST', url: '/api/wall-tokens', payload: { label: '字体检查' } })
    const wall = await openWatchedPage(browser, undefined, { width: 1920, height: 1080 })
    try {
      await wall.page.goto(`${origin}/wall?token=${created.json().token}`)
      await wall.page.getByTestId('wall').locator('h1').waitFor({ timeout: 60_000 })
      await expectGlyphsDrawn(wall.page, '[data-testid="wall"] h1')
      await expectGlyphsDrawn(wall.page, '[data-testid="wall"] h2')
      expect(wall.outsideRequests).toEqual([])
      expect(wall.pageErrors).toEqual([])
    } finally {
      await wall.page.close()
    }
  })

  it('fetched the font from this server only', () => {
    expect(watched.outsideRequests).toEqual([])
    expect(watched.pageErrors).toEqual([])
  })
})
