// TRUST_PROXY: behind a reverse proxy the per-IP sign-in limit must key on the client's address
// (X-Forwarded-For) — and only when the proxy is trusted, or anyone could dodge the limit by sending
// the header themselves. On each driver, plus the setting's parsing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { type TestApp, buildTestApp, injectOrigin } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

describe('TRUST_PROXY', () => {
  it('is off by default and reads true, a hop count, or addresses and CIDRs', () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true)
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ])
  })

  it('refuses anything else, naming the variable', () => {
    for (const bad of ['yes', '10.0.0.0/40', 'proxy.example', '0', '1.2.3.4/8/1'])
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrowError(/TRUST_PROXY/)
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrowError(ConfigError)
  })
})

describe.each(testDrivers())('the sign-in limit behind a reverse proxy on %s', (driver) => {
  let database: Database

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
  }, 120_000)

  afterAll(async () => {
    await database?.close()
  })

  let attempt = 0

  /** Failed sign-ins as distinct usernames (so the per-username limit never trips), each from the given forwarded address. */
  async function attempts(app: TestApp, forwardedFor: (i: number) => string, count: number): Promise<number[]> {
    const statuses: number[] = []
    for (let i = 0; i < count; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        anonymous: true,
        headers: { origin: injectOrigin, 'x-forwarded-for': forwardedFor(i) },
        payload: { username: `nobody${(attempt += 1)}`, password: 'not-the-password' },
      } as never)
      statuses.push(response.statusCode)
    }
    return statuses
  }

  it('ignores X-Forwarded-For when off: every attempt is the proxy’s address, one limit for all', async () => {
    const app = await buildTestApp(database, { config: { loginRateLimit: 3, trustProxy: false } })
    try {
      // the helper's own sign-in (from 127.0.0.1) was the first of three
      expect(await attempts(app, (i) => `203.0.113.${i + 1}`, 4)).toEqual([401, 401, 429, 429])
    } finally {
      await app.close()
    }
  })

  it('keys the limit on the forwarded client address when on', async () => {
    const app = await buildTestApp(database, { config: { loginRateLimit: 3, trustProxy: ['127.0.0.1'] } })
    try {
      // each client its own limit: four different clients are never refused
      expect(await attempts(app, (i) => `203.0.113.${i + 1}`, 4)).toEqual([401, 401, 401, 401])
      // one client is, after three attempts, while another client still may try
      expect(await attempts(app, () => '198.51.100.7', 4)).toEqual([401, 401, 401, 429])
      expect(await attempts(app, () => '198.51.100.8', 1)).toEqual([401])
      // a client naming a forged address before the proxy's own entry is still keyed by the proxy's entry
      expect(await attempts(app, () => '192.0.2.1, 198.51.100.7', 1)).toEqual([429])
    } finally {
      await app.close()
    }
  })

  it('trusts a hop count the same way', async () => {
    const app = await buildTestApp(database, { config: { loginRateLimit: 2, trustProxy: 1 } })
    try {
      expect(await attempts(app, () => '198.51.100.9', 3)).toEqual([401, 401, 429])
      expect(await attempts(app, () => '198.51.100.10', 1)).toEqual([401])
    } finally {
      await app.close()
    }
  })
})
