// Two API processes on one server PostgreSQL (a common deployment), as two app instances on one
// database each with its own pool: an import through A reaches an event stream open on B, and B's
// tile cache serves the new data at once; B keeps hearing changes after its listening connection is
// terminated (pg_terminate_backend), and catches up on a change made while it was away; B's siting
// population cache (keyed on data_versions in the shared database) follows a change made through A.
// PGlite is one process: this tier runs on server PostgreSQL only (required under CI=true).
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type Database, createPostgresDatabase } from '../../server/db/database.ts'
import type { TestApp } from '../helpers/app.ts'
import { serveTestApp, tileAt, uploadFile } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { decodeTile } from '../helpers/mvt.ts'
import { EventStream, firstCommunity, oneGridLayer } from '../helpers/events.ts'

const serverTier = testDrivers().includes('postgres') ? ['postgres' as const] : []
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(serverTier)('two API processes on one %s database', () => {
  let databaseA: Database
  let databaseB: Database
  let a: TestApp
  let b: TestApp
  let originB: string
  let community: { code: string; lon: number; lat: number }

  beforeAll(async () => {
    databaseA = await openTestDatabase('postgres', 'demo')
    // process B: its own pool on the same database
    databaseB = await createPostgresDatabase(databaseA.pool!.options.connectionString!)
    ;({ app: a } = await serveTestApp(databaseA))
    ;({ app: b, origin: originB } = await serveTestApp(databaseB))
    community = await firstCommunity(databaseA.db)
  })

  afterAll(async () => {
    await b?.close()
    await a?.close()
    await databaseB?.close()
    await databaseA?.close()
  })

  /** A one-grid party layer: a 40 m square inside the first community. */
  const gridLayer = (code: string) => oneGridLayer(community, code)

  /** B's party-grid tile at the community: the grid codes in it and whether B's cache served it. */
  const tileOnB = async () => {
    const { z, x, y } = tileAt(community.lon, community.lat, 14)
    const response = await b.inject(`/tiles/grids-party/${z}/${x}/${y}.mvt`)
    expect([200, 204]).toContain(response.statusCode)
    const features = response.statusCode === 204 ? [] : Object.values(decodeTile(response.rawPayload)).flat()
    return { codes: features.map((f) => f.properties.code).sort(), cache: response.headers['x-tile-cache'] }
  }

  /** Terminates B's LISTEN connection from outside, as an administrator or a failover would. */
  const terminateListenerOfB = async () => {
    const pid = await b.services.events.listenerPid()
    expect(pid).toBeTypeOf('number')
    const admin = new pg.Client({ connectionString: inject('serverDatabaseUrl')! })
    await admin.connect()
    try {
      const { rows } = await admin.query<{ done: boolean }>('SELECT pg_terminate_backend($1) AS done', [pid])
      expect(rows[0].done).toBe(true)
    } finally {
      await admin.end()
    }
  }

  it('both processes listen for the other’s changes', async () => {
    for (const app of [a, b]) expect((await app.inject('/api/health')).json()).toMatchObject({ events: 'listening' })
  })

  it('an import through A reaches an event stream on B, and B’s tile cache serves the new grid', async () => {
    const before = await tileOnB()
    expect((await tileOnB()).cache).toBe('hit')
    expect(before.codes).not.toContain('X-1')
    const versionBefore = (await b.inject('/api/layers'))
      .json()
      .layers.find((l: { id: string }) => l.id === 'grids-party').tiles

    const stream = new EventStream(originB, b.credentials, 10_000)
    await stream.opened
    await stream.next('hello')
    const startedAt = performance.now()
    const imported = await uploadFile(a, { name: 'x1.geojson', data: gridLayer('X-1') }, { department: 'party' })
    expect(imported.statusCode, imported.body).toBe(200)
    const answeredAt = performance.now()
    const change = await stream.next('data-changed')
    console.log(
      `[postgres] import through A: answered in ${Math.round(answeredAt - startedAt)} ms; ` +
        `its change reached a stream on B ${Math.round(change.at - startedAt)} ms after the upload began`,
    )
    const { rows } = await sql<{ id: number }>`SELECT max(id)::int AS id FROM data_changes`.execute(databaseA.db)
    expect(change.data).toMatchObject({
      version: rows[0].id,
      kind: 'import',
      layers: ['grids-party'],
      regions: [community.code],
    })

    const after = await tileOnB()
    expect(after.cache).toBe('miss')
    expect(after.codes).toContain('X-1')
    // B's catalog moves the layer's tile URL to the change's version
    const layer = (await b.inject('/api/layers')).json().layers.find((l: { id: string }) => l.id === 'grids-party')
    expect(layer.tiles).not.toBe(versionBefore)
    expect(layer.tiles).toBe(`/tiles/grids-party/{z}/{x}/{y}.mvt?v=${rows[0].id}`)
    // A announced its own change once, not again when it heard its own NOTIFY
    expect(stream.events.filter((e) => e.event === 'data-changed')).toHaveLength(1)
    stream.close()
  })

  it('announces a change once in the process that made it', async () => {
    const heard: number[] = []
    const unsubscribe = a.services.events.subscribe((event) => {
      if (event.type === 'data-changed') heard.push(event.version)
    })
    const imported = await uploadFile(a, { name: 'x2.geojson', data: gridLayer('X-2') }, { department: 'party' })
    expect(imported.statusCode, imported.body).toBe(200)
    await pause(500) // its own NOTIFY has come back by now
    unsubscribe()
    expect(heard).toHaveLength(1)
  })

  it('keeps hearing changes after B’s listening connection is terminated', async () => {
    const stream = new EventStream(originB, b.credentials, 10_000)
    await stream.opened
    await stream.next('hello')
    await terminateListenerOfB()
    await pause(30)
    // B knows its listener is away (it comes back after 250 ms at the earliest) …
    expect((await b.inject('/api/health')).json().events).toBe('reconnecting')
    // … and a change logged meanwhile (here by another writer, as a command-line import would) is
    // announced on B once it is back: the catch-up
    const { rows } = await sql<{ id: number }>`
      INSERT INTO data_changes (kind, layers, regions) VALUES ('import', '["grids-party"]', ${JSON.stringify([community.code])})
      RETURNING id::int`.execute(databaseA.db)
    const caughtUp = await stream.next('data-changed')
    expect(caughtUp.data).toMatchObject({ version: rows[0].id, kind: 'import', layers: ['grids-party'] })
    for (let i = 0; i < 100 && (await b.inject('/api/health')).json().events !== 'listening'; i++) await pause(100)
    expect((await b.inject('/api/health')).json().events).toBe('listening')
    // … and the next change after the reconnection arrives as any other
    const seen = stream.events.length
    const next = await uploadFile(a, { name: 'x4.geojson', data: gridLayer('X-4') }, { department: 'party' })
    expect(next.statusCode, next.body).toBe(200)
    const heard = await stream.next('data-changed', seen)
    expect(heard.data.version).toBeGreaterThan(caughtUp.data.version as number)
    expect((await tileOnB()).codes).toContain('X-4')
    // each change once
    const versions = stream.events.filter((e) => e.event === 'data-changed').map((e) => e.data.version)
    expect(new Set(versions).size).toBe(versions.length)
    stream.close()
  })

  it('B’s siting population cache follows population changed through A (data_versions in the shared database)', async () => {
    const residentsOnB = async () => {
      const response = await b.inject(`/api/coverage?region=${community.code}`)
      expect(response.statusCode, response.body).toBe(200)
      return response.json().totals.residents as number
    }
    const before = await residentsOnB()
    expect(await residentsOnB()).toBe(before) // from B's cache
    await sql`UPDATE population_points SET residents = residents * 2`.execute(databaseA.db)
    expect(await residentsOnB()).toBe(before * 2)
  })
})
