// Signing in through the page, a wall link, and the security headers the browser enforces: the
// login screen for a stranger, the map and its user badge after signing in, a wall token's link
// signing in read-only, and no content-security-policy violation on the map or the API docs.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, serveTestApp, testAdmin } from '../helpers/app.ts'
import { launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'

describe('signing in with a real browser', () => {
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

  it('shows a stranger the login screen, and the map with their name once signed in, with no CSP violation', async () => {
    const { page, pageErrors, serverErrors, outsideRequests } = await openWatchedPage(browser)
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
    })
    await page.goto(origin)
    await page.getByTestId('login-form').waitFor({ timeout: 30_000 })
    await page.fill('input[name=username]', testAdmin.username)
    await page.fill('input[name=password]', 'wrong-password')
    await page.click('button[type=submit]')
    await page.getByText('用户名或密码错误').waitFor({ timeout: 30_000 })
    await page.fill('input[name=password]', testAdmin.password)
    await page.click('button[type=submit]')
    await page.getByTestId('user-badge').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('user-badge').textContent()).toContain('admin')
    await page.waitForFunction(() => !!window.__wgMaps?.overview && window.__wgMaps?.overview.loaded(), undefined, {
      timeout: 60_000,
    })
    await page.waitForFunction(() => (window.__wgMaps?.overview?.queryRenderedFeatures().length ?? 0) > 0, undefined, {
      timeout: 60_000,
      polling: 250,
    })
    expect(violations).toEqual([])
    expect(pageErrors).toEqual([])
    expect(serverErrors).toEqual([])
    expect(outsideRequests).toEqual([])
    await page.close()
  })

  it('signs a wall display in read-only from its link, without a login screen', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/wall-tokens', payload: { label: '大屏' } })
    const { token } = created.json()
    const { page } = await openWatchedPage(browser)
    await page.goto(`${origin}/?wall=${token}`)
    await page.getByTestId('user-badge').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('user-badge').textContent()).toContain('大屏')
    expect(page.url()).not.toContain(token)
    await page.close()
  })

  it('draws the API docs under the content security policy', async () => {
    const { page, pageErrors } = await openWatchedPage(browser)
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
    })
    await page.goto(`${origin}/docs`)
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 30_000 })
    expect(violations).toEqual([])
    expect(pageErrors).toEqual([])
    await page.close()
  })
})
