// The web client in English and back in 中文, in a real browser on the demo: a zh-CN browser opened
// with ?lang=en reads the login screen, an API error, the header, the party page's figures panel and
// the map's controls in English (every API request saying so, the export links carrying lang=en);
// the header's switch to 中文 saves the choice and reloads in Chinese, the choice outlives a reload
// without ?lang=, and the API's errors come back in Chinese. A browser that speaks only English
// starts in English without being told.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, serveTestApp, testAdmin } from '../helpers/app.ts'
import { launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'

const chinese = /[\u3400-\u9fff]/u

describe('the web client in English and in 中文', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let origin: string

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  const text = (page: Page, testId: string) => page.getByTestId(testId).innerText()

  /** Signs in through the login screen, first with a wrong password: the API's refusal, as shown. */
  async function signIn(page: Page): Promise<string> {
    await page.getByTestId('login-form').waitFor({ timeout: 30_000 })
    await page.fill('input[name=username]', testAdmin.username)
    await page.fill('input[name=password]', 'wrong-password')
    await page.click('button[type=submit]')
    const refusal = page.getByTestId('login-form').getByRole('alert')
    await refusal.waitFor({ timeout: 30_000 })
    const message = await refusal.innerText()
    await page.fill('input[name=password]', testAdmin.password)
    await page.click('button[type=submit]')
    await page.getByTestId('user-badge').waitFor({ timeout: 30_000 })
    return message
  }

  /** The party page's figures panel once the coverage has loaded. */
  async function figuresPanel(page: Page): Promise<string> {
    await expect.poll(() => text(page, 'figure-shouldEstablish'), { timeout: 60_000 }).toMatch(/\d/)
    return text(page, 'party-figures')
  }

  it('opens in English with ?lang=en, switches to 中文, and keeps 中文 over a reload', async () => {
    const { page, pageErrors, serverErrors, outsideRequests } = await openWatchedPage(browser) // a zh-CN browser
    const languages = new Set<string>()
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/') && request.resourceType() === 'fetch')
        languages.add(request.headers()['accept-language'])
    })

    await page.goto(`${origin}/?lang=en#/party`)
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    expect(await page.title()).toBe('Grid governance on one map')
    expect(await page.getByTestId('login-form').locator('h1').innerText()).toBe('Grid governance on one map')
    expect(await signIn(page)).toBe('Wrong username or password')

    // the header
    expect(await page.locator('header h1').innerText()).toBe('Grid governance on one map')
    expect(await text(page, 'nav-party')).toBe('Party coverage')
    expect(await text(page, 'nav-merge')).toBe('Grid merge')
    expect(await page.getByTestId('language-en').getAttribute('aria-pressed')).toBe('true')
    await page.getByTestId('kpi-should-establish').waitFor({ timeout: 30_000 })
    const header = await page.locator('header').innerText()
    expect(header).toContain('Required but not set up')
    // Chinese in the header is only the switch's own name and the signed-in account's region, if any
    expect(header.replace('中文', '')).not.toMatch(chinese)

    // one page's panel: the party figures, the client's labels and the server's definitions
    const panel = await figuresPanel(page)
    expect(panel).toContain('Coverage')
    expect(panel).toContain('Organization coverage')
    expect(panel).toContain('Required but not set up')
    expect(panel).toContain('Uncovered units')
    // its labels are all English (the heading names the place: place names stay Chinese), and so is the
    // server's definition beside them
    const labels = await page.getByTestId('party-figures').locator('[data-figure] dt').allInnerTexts()
    expect(labels).toHaveLength(10)
    expect(labels.filter((label) => chinese.test(label))).toEqual([])
    expect(await text(page, 'figure-explain')).toContain('3 or more formal party members')
    // the map's controls and the export links follow
    expect(await page.locator('.maplibregl-ctrl-zoom-in').first().getAttribute('title')).toBe('Zoom in')
    expect(await page.getByTestId('export-csv').getAttribute('href')).toMatch(/[?&]lang=en$/)
    expect([...languages]).toEqual(['en'])

    // the switch: saves 中文, drops ?lang=en, reloads in Chinese
    languages.clear()
    await Promise.all([page.waitForEvent('load'), page.getByTestId('language-zh-CN').click()])
    expect(new URL(page.url()).searchParams.has('lang')).toBe(false)
    expect(new URL(page.url()).hash).toBe('#/party')
    const checkChinese = async () => {
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
      await page.getByTestId('user-badge').waitFor({ timeout: 30_000 })
      expect(await page.locator('header h1').innerText()).toBe('网格治理一张图')
      expect(await text(page, 'nav-party')).toBe('党组织覆盖')
      expect(await page.getByTestId('language-zh-CN').getAttribute('aria-pressed')).toBe('true')
      const figures = await figuresPanel(page)
      expect(figures).toContain('覆盖情况')
      expect(figures).toContain('应建未建')
      expect(figures).not.toContain('Required but not set up')
      expect(await page.locator('.maplibregl-ctrl-zoom-in').first().getAttribute('title')).toBe('放大')
      expect(await page.getByTestId('export-csv').getAttribute('href')).toMatch(/[?&]lang=zh-CN$/)
    }
    await checkChinese()
    expect(await page.evaluate(() => localStorage.getItem('grid-governance.lang'))).toBe('zh-CN')

    // the choice outlives a reload (no ?lang= in the address any more)
    await page.reload()
    await checkChinese()
    expect([...languages]).toEqual(['zh-CN'])

    // and the API's errors are Chinese again: signed out, a wrong password
    await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/api/auth/logout')),
      page.getByTestId('user-badge').getByRole('button', { name: '退出' }).click(),
    ])
    await page.reload()
    expect(await signIn(page)).toBe('用户名或密码错误')

    expect(pageErrors).toEqual([])
    expect(serverErrors).toEqual([])
    expect(outsideRequests).toEqual([])
    await page.close()
  })

  it('starts in English for a browser that speaks only English, and in 中文 for one that also speaks Chinese', async () => {
    const english = await openWatchedPage(browser, { origin, credentials: app.credentials }, undefined, 'en-US')
    await english.page.goto(`${origin}/#/party`)
    await english.page.getByTestId('user-badge').waitFor({ timeout: 30_000 })
    expect(await english.page.locator('html').getAttribute('lang')).toBe('en')
    expect(await english.page.locator('header h1').innerText()).toBe('Grid governance on one map')
    // its switch saves 中文 for this browser
    await Promise.all([english.page.waitForEvent('load'), english.page.getByTestId('language-zh-CN').click()])
    await english.page.getByTestId('user-badge').waitFor({ timeout: 30_000 })
    expect(await english.page.locator('header h1').innerText()).toBe('网格治理一张图')
    expect(english.pageErrors).toEqual([])
    await english.page.close()

    const chineseFirst = await openWatchedPage(browser, { origin, credentials: app.credentials })
    await chineseFirst.page.goto(`${origin}/#/party`)
    await chineseFirst.page.getByTestId('user-badge').waitFor({ timeout: 30_000 })
    expect(await chineseFirst.page.locator('html').getAttribute('lang')).toBe('zh-CN')
    expect(await chineseFirst.page.locator('header h1').innerText()).toBe('网格治理一张图')
    await chineseFirst.page.close()
  })
})
