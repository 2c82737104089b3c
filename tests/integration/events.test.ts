// Data versions and GET /api/events, on each driver, over HTTP on a real port: an import is logged
// in data_changes with the layers and regions it touched, moves the layer's tile URL to a new
// version, drops the cached summary (repeated reads do not query; the figures change at once), and
// reaches 200 open event streams within a second; a street official hears only of its street; the
// heartbeat comes within 15 s.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { heartbeatMs } from '../../server/routes/events.routes.ts'
import { type TestApp, credentialHeaders, serveTestApp, signIn, uploadFile } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { EventStream, firstCommunity, oneGridLayer } from '../helpers/events.ts'

describe.each(testDrivers())('data versions and events on %s', (driver) => {
  let database: Database
  let app: TestApp
  let origin: string
  let community: { code: string; lon: number; lat: number; street: string }

  beforeAll(async () => {
    database = await openTestDatabase(driver)
    ;({ app, origin } = await serveTestApp(database))
    const first = await firstCommunity(database.db)
    community = { ...first, street: `${first.code.slice(0, 9)}000` }
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  /** A one-grid party layer: a 40 m square inside the first community. */
  const gridLayer = (code: string) => oneGridLayer(community, code)

  it('serves the summary from its cache until an import, then the new figures at once', async () => {
    const summary = app.services.summary
    const first = (await app.inject('/api/summary')).json()
    const reads = summary.reads
    for (let i = 0; i < 5; i++) expect((await app.inject('/api/summary')).json()).toEqual(first)
    expect(summary.reads).toBe(reads) // five reads, no query

    const imported = await uploadFile(app, { name: 'one.geojson', data: gridLayer('W-1') }, { department: 'party' })
    expect(imported.statusCode, imported.body).toBe(200)
    const after = (await app.inject('/api/summary')).json()
    expect(summary.reads).toBe(reads + 1)
    const partyGrids = (s: { grids: { department: string; count: number }[] }) =>
      s.grids.find((g) => g.department === 'party')!.count
    expect(partyGrids(after)).toBe(1)
    expect(partyGrids(first)).toBeGreaterThan(1)
  })

  it('logs the change with its layer and regions and moves that layer’s tile URL to the new version', async () => {
    const { rows } = await sql<{ id: number; kind: string; layers: string[]; regions: string[] }>`
      SELECT id::int, kind, layers, regions FROM data_changes ORDER BY id DESC LIMIT 1`.execute(database.db)
    expect(rows[0]).toMatchObject({ kind: 'import', layers: ['grids-party'], regions: [community.code] })
    const { layers } = (await app.inject('/api/layers')).json()
    const tilesOf = (id: string) => layers.find((l: { id: string }) => l.id === id).tiles
    expect(tilesOf('grids-party')).toBe(`/tiles/grids-party/{z}/{x}/{y}.mvt?v=${rows[0].id}`)
    expect(tilesOf('grids-social')).toBe('/tiles/grids-social/{z}/{x}/{y}.mvt?v=0')
    const tile = await app.inject(`/tiles/grids-party/12/0/0.mvt?v=${rows[0].id}`)
    expect(tile.statusCode).toBe(204)
  })

  it('fans a change out to 200 open event streams within a second, and only in scope', async () => {
    const streams = Array.from({ length: 200 }, () => new EventStream(origin, app.credentials))
    await Promise.all(streams.map((s) => s.opened))
    await Promise.all(streams.map((s) => s.next('hello')))
    expect(app.services.events.subscriberCount).toBeGreaterThanOrEqual(200)

    // the moment the bus announced the change (this test runs in the server's process)
    let announcedAt = 0
    const unsubscribe = app.services.events.subscribe((event) => {
      if (event.type === 'data-changed') announcedAt = performance.now()
    })
    const started = performance.now()
    const imported = await uploadFile(app, { name: 'two.geojson', data: gridLayer('W-2') }, { department: 'party' })
    const answered = performance.now()
    expect(imported.statusCode, imported.body).toBe(200)
    const arrivals = await Promise.all(streams.map((s) => s.next('data-changed')))
    unsubscribe()
    const fanOutMs = Math.max(...arrivals.map((e) => e.at)) - announcedAt
    const { version } = arrivals[0].data
    for (const e of arrivals)
      expect(e.data).toMatchObject({ version, kind: 'import', layers: ['grids-party'], regions: [community.code] })
    console.log(
      `[${driver}] 200 SSE streams: import answered in ${Math.round(answered - started)} ms; ` +
        `the last of 200 streams had the change ${Math.round(fanOutMs)} ms after the bus announced it`,
    )
    expect(fanOutMs).toBeLessThan(1000)
    for (const s of streams) s.close()
  })

  it('tells a street official of changes in its street only', async () => {
    const otherStreet = await sql<{ code: string }>`
      SELECT code FROM regions WHERE level = 'street' AND code <> ${community.street} ORDER BY code LIMIT 1`.execute(
      database.db,
    )
    for (const [username, regionCode] of [
      ['street-here', community.street],
      ['street-elsewhere', otherStreet.rows[0].code],
    ]) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/users',
        payload: { username, role: 'street', regionCode, password: 'pw-long-enough-1' },
      })
      expect(created.statusCode, created.body).toBe(201)
    }
    const signedIn = async (username: string, password: string) => {
      const first = await signIn(app, username, password)
      const changed = await app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: credentialHeaders(first, 'POST'),
        payload: { currentPassword: password, newPassword: `${password}!` },
        anonymous: true,
      } as never)
      expect(changed.statusCode, changed.body).toBe(204)
      return signIn(app, username, `${password}!`)
    }
    const here = new EventStream(origin, await signedIn('street-here', 'pw-long-enough-1'))
    const elsewhere = new EventStream(origin, await signedIn('street-elsewhere', 'pw-long-enough-1'))
    await Promise.all([here.next('hello'), elsewhere.next('hello')])
    const imported = await uploadFile(app, { name: 'three.geojson', data: gridLayer('W-3') }, { department: 'party' })
    expect(imported.statusCode, imported.body).toBe(200)
    await here.next('data-changed')
    // the change has reached the street it touched: the other street's stream heard no change (a
    // heartbeat may fall in the window; it carries no data)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(elsewhere.events.map((e) => e.event).filter((event) => event !== 'heartbeat')).toEqual(['hello'])
    here.close()
    elsewhere.close()
  })

  it('beats a heartbeat at least every 15 s', async () => {
    expect(heartbeatMs).toBeLessThanOrEqual(15_000)
    const stream = new EventStream(origin, app.credentials)
    await stream.next('hello')
    const beat = await stream.next('heartbeat', 0, 16_000)
    expect(typeof beat.data.at).toBe('string')
    stream.close()
  })
})
