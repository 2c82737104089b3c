// Staying up through faults and hostile input: a dropped or restarted server PostgreSQL (503 and a
// degraded health while it is gone, service back by itself), malformed ids, geometries and tile
// coordinates (400 naming the field), interrupted and concurrent imports.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type Database, createPostgresDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { createMerge, executeMerge, mergeExecutionFor, publishMerge } from '../../server/services/merge.service.ts'
import { buildTestApp } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { type Cluster, startThrowawayCluster } from '../helpers/postgres-cluster.ts'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Ends the app's connections to its database from outside, as an administrator or a failover would. */
async function terminateBackends(databaseName: string, onlyBusy = false): Promise<number> {
  const admin = new pg.Client({ connectionString: inject('serverDatabaseUrl')! })
  await admin.connect()
  try {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE datname = $1 AND pid <> pg_backend_pid() AND ($2::boolean IS FALSE OR state <> 'idle')`,
      [databaseName, onlyBusy],
    )
    return rows[0].n
  } finally {
    await admin.end()
  }
}

/** The answer once it is not a 503 (requests during an outage may get 503 and succeed on retry). */
async function retryWhileUnavailable(app: FastifyInstance, url: string) {
  for (let attempt = 0; ; attempt++) {
    const response = await app.inject(url)
    if (response.statusCode !== 503 || attempt === 20) return response
    await pause(100)
  }
}

const serverTier = testDrivers().includes('postgres') ? ['postgres' as const] : []

describe.each(serverTier)('a dropped database connection on %s', () => {
  let database: Database
  let app: FastifyInstance
  let databaseName: string

  beforeAll(async () => {
    database = await openTestDatabase('postgres', 'demo')
    app = await buildTestApp(database)
    const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(database.db)
    databaseName = rows[0].name
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('keeps the process up when idle connections are terminated, and answers the next request', async () => {
    // several pooled connections open and idle
    await Promise.all(Array.from({ length: 6 }, () => app.inject('/api/summary')))
    expect(await terminateBackends(databaseName)).toBeGreaterThan(0)
    await pause(200)
    const summary = await retryWhileUnavailable(app, '/api/summary')
    expect(summary.statusCode).toBe(200)
    const health = await app.inject('/api/health')
    expect(health.statusCode).toBe(200)
    expect(health.json().status).toBe('ok')
  })

  it('answers requests cut off mid-load with 503 and a zh-CN message, then serves them again', async () => {
    const urls = ['/api/summary', '/api/regions', '/api/layers', '/api/summary', '/api/regions?level=community']
    const load = Array.from({ length: 4 }, () => urls.map((url) => app.inject(url))).flat()
    await pause(5)
    await terminateBackends(databaseName)
    const answers = await Promise.all(load)
    for (const answer of answers) {
      expect([200, 503]).toContain(answer.statusCode)
      if (answer.statusCode === 503) {
        expect(answer.json().error).toBe('database_unavailable')
        expect(answer.json().message).toMatch(/数据库暂时无法连接/)
      }
    }
    for (const url of urls) expect((await retryWhileUnavailable(app, url)).statusCode).toBe(200)
  })

  it('answers a 503 in English when Accept-Language prefers it', async () => {
    // a request on a connection terminated between its statements: a transaction-free read is enough
    const busy = app.inject({ url: '/api/summary', headers: { 'accept-language': 'en-US,en;q=0.9,zh;q=0.5' } })
    await terminateBackends(databaseName)
    const answer = await busy
    if (answer.statusCode === 503) expect(answer.json().message).toMatch(/database cannot be reached/)
    else expect(answer.statusCode).toBe(200)
    // the pool drops the clients whose connections ended once it hears of it
    await pause(200)
    expect((await retryWhileUnavailable(app, '/api/summary')).statusCode).toBe(200)
  })

  it('fails a merge cut off mid-run cleanly, leaving the published version as it was', async () => {
    const execution = mergeExecutionFor(database.driver)
    const published = await executeMerge(
      database.db,
      await createMerge(database.db, execution.request),
      execution.hooks,
    )
    expect(published.status).toBe('succeeded')
    await publishMerge(database.db, published.id)
    const publishedGrids = async () =>
      (
        await sql<{
          n: number
        }>`SELECT count(*)::int AS n FROM unified_grids WHERE merge_run_id = ${published.id}`.execute(database.db)
      ).rows[0].n
    const before = await publishedGrids()
    expect(before).toBeGreaterThan(0)

    const started = await app.inject({
      method: 'POST',
      url: '/api/merge-runs',
      payload: { strategy: 'base_department' },
    })
    expect(started.statusCode).toBe(202)
    const runId = started.json().id
    // cut the connections while a step's statement runs
    let cut = 0
    for (let tries = 0; cut === 0 && tries < 400; tries++) {
      const run = (await app.inject(`/api/merge-runs/${runId}`)).json()
      if (run.status === 'succeeded' || run.status === 'failed') break
      if (run.status === 'running') cut = await terminateBackends(databaseName, true)
      if (cut === 0) await pause(25)
    }
    expect(cut).toBeGreaterThan(0)
    let run
    for (let tries = 0; tries < 600; tries++) {
      const response = await app.inject(`/api/merge-runs/${runId}`)
      if (response.statusCode === 200) {
        run = response.json()
        if (run.status === 'failed' || run.status === 'succeeded') break
      }
      await pause(100)
    }
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/terminat|Connection/i)
    const left = await sql<{ grids: number; issues: number }>`
      SELECT (SELECT count(*)::int FROM unified_grids WHERE merge_run_id = ${runId}) AS grids,
             (SELECT count(*)::int FROM merge_issues WHERE merge_run_id = ${runId}) AS issues`.execute(database.db)
    expect(left.rows[0]).toEqual({ grids: 0, issues: 0 })
    expect(await publishedGrids()).toBe(before)
    const stillPublished = (await app.inject(`/api/merge-runs/${published.id}`)).json()
    expect(stillPublished.isPublished).toBe(true)
  }, 180_000)
})

describe.each(serverTier)('a restart of server PostgreSQL on %s', () => {
  let cluster: Cluster
  let database: Database
  let app: FastifyInstance

  beforeAll(async () => {
    cluster = await startThrowawayCluster()
    database = await createPostgresDatabase(cluster.url)
    await migrate(database.db)
    app = await buildTestApp(database)
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await database?.close()
    await cluster?.stop()
  })

  it('answers 503 and a degraded health while the database is down, and resumes without a restart', async () => {
    expect((await app.inject('/api/regions')).statusCode).toBe(200)
    expect((await app.inject('/api/health')).json().status).toBe('ok')

    await cluster.pause()
    const during = await app.inject('/api/regions')
    expect(during.statusCode).toBe(503)
    expect(during.json()).toMatchObject({ error: 'database_unavailable' })
    expect(during.json().message).toMatch(/数据库暂时无法连接/)
    const degraded = await app.inject('/api/health')
    expect(degraded.statusCode).toBe(503)
    expect(degraded.json()).toMatchObject({ status: 'degraded', driver: 'postgres' })
    expect(degraded.json().parts).toEqual([
      expect.objectContaining({
        part: 'database',
        status: 'unavailable',
        reason: expect.stringMatching(/ECONNREFUSED|connect|terminat/i),
      }),
    ])

    await cluster.resume()
    const health = await retryWhileUnavailable(app, '/api/health')
    expect(health.statusCode).toBe(200)
    expect(health.json().status).toBe('ok')
    expect((await app.inject('/api/regions')).statusCode).toBe(200)
  }, 120_000)
})
