// Debian's Chromium driven by playwright-core, with what every browser test watches: requests that
// would leave the machine (aborted and recorded), uncaught page errors, and 5xx answers.
import { existsSync } from 'node:fs'
import { type Browser, type Page, chromium } from 'playwright-core'
import type { Credentials } from './app.ts'

export const chromiumPath = '/usr/bin/chromium'

/** Chromium; `env` for its process (e.g. FONTCONFIG_FILE to hide the system's fonts). */
export async function launchChromium(env?: Record<string, string>): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(`Chromium is missing at ${chromiumPath}: apt-get install chromium (.ci/run does)`)
  return chromium.launch({
    executablePath: chromiumPath,
    ...(env ? { env: { ...(process.env as Record<string, string>), ...env } } : {}),
    // software WebGL for MapLibre; no background traffic to Google's hosts on a closed network
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

export interface WatchedPage {
  page: Page
  outsideRequests: string[]
  pageErrors: string[]
  serverErrors: string[]
}

/**
 * A page that watches what it requests; with a session, signed in as that account (its session
 * cookie set for the app's origin, as the login route would have set it). The browser speaks
 * `locale` (navigator.languages): zh-CN as the users' browsers do, not the headless default en-US,
 * which the client would take for a wish to read English.
 */
export async function openWatchedPage(
  browser: Browser,
  session?: { origin: string; credentials: Credentials },
  viewport = { width: 1600, height: 1000 },
  locale = 'zh-CN',
): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport, locale })
  if (session) {
    const [name, value] = session.credentials.cookie.split(/=(.*)/s)
    await page.context().addCookies([{ name, value, url: session.origin, httpOnly: true, sameSite: 'Strict' }])
  }
  const watched: WatchedPage = { page, outsideRequests: [], pageErrors: [], serverErrors: [] }
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url())
    if (
      url.protocol === 'data:' ||
      url.protocol === 'blob:' ||
      url.hostname === '127.0.0.1' ||
      url.hostname === 'localhost'
    )
      return route.continue()
    watched.outsideRequests.push(url.href)
    return route.abort()
  })
  page.on('pageerror', (error) => watched.pageErrors.push(error.message))
  page.on('response', (response) => {
    if (response.status() >= 500) watched.serverErrors.push(`${response.status()} ${response.url()}`)
  })
  return watched
}
