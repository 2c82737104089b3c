// Rebuilding the web client under a running server, in a real browser: the app serves a copy of
// web/dist, the page renders; the copy is then replaced by a build whose hashed asset names all
// differ (every asset renamed, every reference to it rewritten, the old files removed, as a new
// `npm run build` leaves the folder), and a reload renders the page again without a restart: the
// server serves the files there now. index.html is never cached, hashed assets are immutable.
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'
import type { Database } from '../../server/db/database.ts'
import { webDist } from '../../server/plugins/web.plugin.ts'
import { testAdmin } from '../helpers/app.ts'
import { launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'

/** Another build in `to`: web/dist with each asset renamed (`r1-` before its name) and referred to so. */
async function renamedBuild(to: string, prefix: string): Promise<string[]> {
  await cp(webDist, to, { recursive: true })
  const assets = await readdir(path.join(to, 'assets'))
  const texts = async (dir: string): Promise<string[]> =>
    (await readdir(dir, { recursive: true }))
      .filter((f) => /\.(html|js|mjs|css|json)$/.test(f))
      .map((f) => path.join(dir, f))
  for (const file of await texts(to)) {
    let content = await readFile(file, 'utf8')
    for (const asset of assets) content = content.split(asset).join(`${prefix}${asset}`)
    await writeFile(file, content)
  }
  for (const asset of assets)
    await cp(path.join(to, 'assets', asset), path.join(to, 'assets', `${prefix}${asset}`), { recursive: true })
  for (const asset of assets) await rm(path.join(to, 'assets', asset), { recursive: true })
  return assets.map((a) => `${prefix}${a}`)
}

describe('a rebuilt web client under a running server', () => {
  let database: Database
  let app: Awaited<ReturnType<typeof buildApp>>
  let browser: Browser
  let origin: string
  let work: string

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'wg-web-'))
    await cp(webDist, path.join(work, 'dist'), { recursive: true })
    database = await openTestDatabase('pglite')
    app = await buildApp({
      config: loadConfig(
        {},
        {
          logLevel: 'warn',
          serveWeb: true,
          uploadLimitBytes: 10 * 1024 * 1024,
          adminUsername: testAdmin.username,
          adminPassword: testAdmin.password,
        },
      ),
      database,
      webRoot: path.join(work, 'dist'),
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    if (!address || typeof address === 'string') throw new Error('the app has no TCP port')
    origin = `http://127.0.0.1:${address.port}`
    browser = await launchChromium()
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
    if (work) await rm(work, { recursive: true, force: true })
  })

  it('renders after the build is replaced, without a restart', { timeout: 180_000 }, async () => {
    const watched = await openWatchedPage(browser, undefined, { width: 1366, height: 768 })
    const { page } = watched
    const missing: string[] = []
    page.on('response', (r) => {
      if (r.status() === 404) missing.push(r.url())
    })
    await page.goto(origin)
    await expect.poll(() => page.getByTestId('login-form').count(), { timeout: 60_000 }).toBe(1)
    const first = await page.evaluate(() =>
      Array.from(document.scripts)
        .map((s) => s.src)
        .filter(Boolean),
    )

    // the new build: written beside, then moved in place of the old one's files
    const next = path.join(work, 'next')
    const renamed = await renamedBuild(next, 'r1-')
    const dist = path.join(work, 'dist')
    await rm(path.join(dist, 'assets'), { recursive: true })
    await cp(path.join(next, 'assets'), path.join(dist, 'assets'), { recursive: true })
    await cp(path.join(next, 'index.html'), path.join(dist, 'index.html'))

    await page.reload()
    await expect.poll(() => page.getByTestId('login-form').count(), { timeout: 60_000 }).toBe(1)
    const second = await page.evaluate(() =>
      Array.from(document.scripts)
        .map((s) => s.src)
        .filter(Boolean),
    )
    expect(second.length).toBeGreaterThan(0)
    for (const src of second) {
      expect(first).not.toContain(src)
      expect(renamed).toContain(path.basename(new URL(src).pathname))
    }
    expect(missing).toEqual([])
    expect(watched.pageErrors).toEqual([])
    expect(watched.outsideRequests).toEqual([])

    // what a browser may keep: index.html never without asking, the hashed assets for good
    const index = await fetch(`${origin}/`)
    expect(index.headers.get('cache-control')).toBe('no-cache')
    expect(await index.text()).toContain('r1-')
    const asset = await fetch(new URL(second[0]))
    expect(asset.status).toBe(200)
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    // the old build's assets are gone, a client route still falls back to index.html
    expect((await fetch(first[0])).status).toBe(404)
    const route = await fetch(`${origin}/wall`)
    expect(route.status).toBe(200)
    expect(route.headers.get('cache-control')).toBe('no-cache')
    expect(await route.text()).toContain('r1-')
    // nothing outside the build is served
    expect((await fetch(`${origin}/..%2Fpackage.json`)).status).toBe(404)
    expect((await fetch(`${origin}/assets/..%2F..%2Fpackage.json`)).status).toBe(404)
    await page.close()
  })
})
