// Staying up through faults and hostile input: a dropped or restarted server PostgreSQL (503 and a
// degraded health while it is gone, service back by itself), malformed ids, geometries and tile
// coordinates (400 naming the field), interrupted and concurrent imports.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import pg from 'pg'
import { zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type Database, createPostgresDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { failInterruptedImports, insertGridLayerVersion } from '../../server/db/repositories/imports.repository.ts'
import { mergeExecutionFor } from '../../server/services/merge/merge-run.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { buildTestApp, uploadFile as uploadFileIn } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { toLonLat } from '../helpers/local-frame.ts'
import { buildMergeDistrict } from '../helpers/merge-district.ts'
import { type Cluster, startThrowawayCluster } from '../helpers/postgres-cluster.ts'
import { writePolygonShapefile } from '../helpers/shapefile.ts'

/** Uploads read back in zh-CN, the product's first language: the caps' messages are asserted in it. */
const uploadFile = (...[app, file, fields]: Parameters<typeof uploadFileIn>) => uploadFileIn(app, file, fields, 'zh-CN')

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
    const merges = new MergeService(database.db, { driver: database.driver })
    const execution = mergeExecutionFor(database.driver)
    const published = await merges.executeRun(await merges.createRun(execution.request), execution.hooks)
    expect(published.status).toBe('succeeded')
    await merges.publishRun(published.id)
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
    expect(run.error).toMatch(/^合并中断：数据库连接断开（.+），已发布的版本未受影响/)
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

const wgs84Prj =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'

/** A closed ring of `vertices` points around a circle of 30 m, `x` metres east of the test origin. */
function ring(vertices: number, x = 40): [number, number][] {
  const points = Array.from({ length: vertices - 1 }, (_, i) => {
    const angle = (2 * Math.PI * i) / (vertices - 1)
    return toLonLat(x + 30 * Math.cos(angle), 40 + 30 * Math.sin(angle))
  })
  return [...points, points[0]]
}

const geojson = (geometries: unknown[]) =>
  JSON.stringify({
    type: 'FeatureCollection',
    features: geometries.map((geometry, i) => ({ type: 'Feature', properties: { code: `R-${i}` }, geometry })),
  })

/** A zipped Shapefile of `count` null-shape records (12 bytes each), as the 1.1 MB upload that unpacked to 200 MB. */
function emptyRecordsZip(count: number, { indexed = count, declared = count } = {}): Uint8Array {
  const shp = new DataView(new ArrayBuffer(100 + 12 * count))
  const shx = new DataView(new ArrayBuffer(100 + 8 * indexed))
  for (const [view, bytes] of [
    [shp, 100 + 12 * count],
    [shx, 100 + 8 * indexed],
  ] as const) {
    view.setInt32(0, 9994, false)
    view.setInt32(24, bytes / 2, false)
    view.setInt32(28, 1000, true)
    view.setInt32(32, 5, true)
  }
  for (let i = 0; i < count; i++) {
    shp.setInt32(100 + i * 12, i + 1, false)
    shp.setInt32(104 + i * 12, 2, false)
    shp.setInt32(108 + i * 12, 0, true)
    if (i >= indexed) continue
    shx.setInt32(100 + i * 8, (100 + i * 12) / 2, false)
    shx.setInt32(104 + i * 8, 2, false)
  }
  // a DBF with one character field and `count` records of spaces
  const dbf = new Uint8Array(32 + 32 + 1 + count * 11 + 1)
  const dv = new DataView(dbf.buffer)
  dbf[0] = 3
  dv.setUint32(4, declared, true)
  dv.setUint16(8, 65, true)
  dv.setUint16(10, 11, true)
  dbf.set(new TextEncoder().encode('code'), 32)
  dbf[32 + 11] = 'C'.charCodeAt(0)
  dbf[32 + 16] = 10
  dbf[64] = 0x0d
  // each record its own code, so that the archive compresses as real files do (not as a zip bomb)
  const encoder = new TextEncoder()
  for (let i = 0; i < count; i++) dbf.set(encoder.encode(` E${String(i).padStart(9, '0')}`), 65 + i * 11)
  dbf[dbf.length - 1] = 0x1a
  return zipSync({
    'a.shp': new Uint8Array(shp.buffer),
    'a.shx': new Uint8Array(shx.buffer),
    'a.dbf': dbf,
    'a.prj': new TextEncoder().encode(wgs84Prj),
  })
}

function polygonZip(vertices: number): Uint8Array {
  const files = writePolygonShapefile([
    { rings: [ring(vertices).reverse()], attributes: { code: new TextEncoder().encode('S-1') } },
  ])
  return zipSync({
    'a.shp': files.shp,
    'a.shx': files.shx,
    'a.dbf': files.dbf,
    'a.prj': new TextEncoder().encode(wgs84Prj),
  })
}

describe.each(testDrivers())('hostile and unlucky input on %s', (driver) => {
  let database: Database
  let app: FastifyInstance
  /** the same database behind caps small enough to test */
  let capped: FastifyInstance

  const storedCounts = async () =>
    (
      await sql<{ layers: number; grids: number; regions: number }>`
        SELECT (SELECT count(*)::int FROM grid_layers) AS layers, (SELECT count(*)::int FROM grids) AS grids,
               (SELECT count(*)::int FROM regions) AS regions`.execute(database.db)
    ).rows[0]

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
    app = await buildTestApp(database)
    capped = await buildTestApp(database, {
      limits: { importMaxFeatures: 5, importMaxFeatureVertices: 50, importMaxVertices: 100 },
    })
  })

  afterAll(async () => {
    await capped?.close()
    await app?.close()
    await database?.close()
  })

  it.each([
    ['/api/merge-runs/99999999999999999999', 'params.id'],
    ['/api/merge-runs/9007199254740992', 'params.id'],
    ['/api/merge-runs/99999999999999999999/issues', 'params.id'],
    ['/api/merge-runs/1/diff/99999999999999999999', 'params.other'],
    ['/api/imports/99999999999999999999', 'params.id'],
    ['/tiles/unified-grids/10/838/410.mvt?run=99999999999999999999', 'querystring.run'],
  ])('answers an id beyond bigint, %s, with a 400 naming the field', async (url, field) => {
    const response = await app.inject(url)
    expect(response.statusCode).toBe(400)
    expect(response.json().details).toEqual([expect.objectContaining({ field })])
  })

  it('answers the largest id JavaScript and bigint both hold with a 404, not a database error', async () => {
    expect((await app.inject('/api/merge-runs/9007199254740991')).statusCode).toBe(404)
    expect((await app.inject('/api/imports/9007199254740991')).statusCode).toBe(404)
    const publish = await app.inject({ method: 'POST', url: '/api/merge-runs/99999999999999999999/publish' })
    expect(publish.statusCode).toBe(400)
  })

  it.each([
    ['1e3', 'x'],
    ['0x10', 'x'],
    ['1.0', 'x'],
    ['-1', 'x'],
  ])('refuses the tile column %s with a 400 naming params.%s', async (value, field) => {
    const response = await app.inject(`/tiles/grids-party/10/${value}/410.mvt`)
    expect(response.statusCode).toBe(400)
    expect(response.json().details).toEqual([expect.objectContaining({ field: `params.${field}` })])
  })

  it('refuses zoom 0x10 and row 1e3 alike, and still serves plain digits', async () => {
    expect((await app.inject('/tiles/grids-party/0x10/1/1.mvt')).json().details[0].field).toBe('params.z')
    expect((await app.inject('/tiles/grids-party/10/838/1e3.mvt')).json().details[0].field).toBe('params.y')
    expect([200, 204]).toContain((await app.inject('/tiles/grids-party/10/838/410.mvt')).statusCode)
  })

  it.each([
    ['coordinates that are a string', { type: 'Polygon', coordinates: '113.6,34.6' }],
    ['no coordinates at all', { type: 'Polygon' }],
    ['a position where a ring belongs', { type: 'Polygon', coordinates: [113.6, 34.6] }],
    ['rings nested a level too deep', { type: 'Polygon', coordinates: [[[[113.6, 34.6]]]] }],
    ['a MultiPolygon whose coordinates are an object', { type: 'MultiPolygon', coordinates: { a: 1 } }],
  ])('refuses a polygon with %s: 400 naming the feature and geometry.coordinates', async (_, geometry) => {
    const before = await storedCounts()
    const response = await uploadFile(
      app,
      { name: 'bad.geojson', data: geojson([{ type: 'Polygon', coordinates: [ring(8)] }, geometry]) },
      { department: 'party' },
    )
    expect(response.statusCode).toBe(400)
    expect(response.json().details.errors[0]).toMatchObject({
      file: 'bad.geojson',
      feature: 1,
      field: 'geometry.coordinates',
    })
    expect(await storedCounts()).toEqual(before)
  })

  it('refuses coordinates nested 100,000 deep with a 400, not a stack overflow', async () => {
    const before = await storedCounts()
    const deep = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"D"},"geometry":{"type":"Polygon","coordinates":${'['.repeat(100_000)}113.6,34.6${']'.repeat(100_000)}}}]}`
    const response = await uploadFile(app, { name: 'deep.geojson', data: deep }, { department: 'party' })
    expect(response.statusCode).toBe(400)
    expect(response.json().details.errors[0]).toMatchObject({ file: 'deep.geojson' })
    expect(response.json().message).toMatch(/deep\.geojson/)
    expect(await storedCounts()).toEqual(before)
  })

  it('refuses properties nested 100,000 deep with a 400 naming the field', async () => {
    const deep = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"D","x":${'['.repeat(100_000)}1${']'.repeat(100_000)}},"geometry":{"type":"Polygon","coordinates":${JSON.stringify([ring(8)])}}}]}`
    const response = await uploadFile(app, { name: 'deep.geojson', data: deep }, { department: 'party' })
    expect(response.statusCode).toBe(400)
    expect(response.json().details.errors[0]).toMatchObject({ file: 'deep.geojson', feature: 0, field: 'properties' })
  })

  it('refuses a WKT nested 100,000 deep with a 400 naming the column', async () => {
    const csv = `code,wkt\nW-1,"POLYGON${'('.repeat(100_000)}113.6 34.6${')'.repeat(100_000)}"\n`
    const response = await uploadFile(app, { name: 'deep.csv', data: csv }, { department: 'party' })
    expect(response.statusCode).toBe(400)
    expect(response.json().details.errors[0]).toMatchObject({ file: 'deep.csv', feature: 0, field: 'wkt' })
  })

  it('refuses a GeoJSON with more features than allowed: 413 naming the file, nothing stored', async () => {
    const before = await storedCounts()
    const response = await uploadFile(
      capped,
      {
        name: 'many.geojson',
        data: geojson(Array.from({ length: 6 }, (_, i) => ({ type: 'Polygon', coordinates: [ring(5, i * 70)] }))),
      },
      { department: 'party' },
    )
    expect(response.statusCode).toBe(413)
    expect(response.json()).toMatchObject({ error: 'too_large' })
    expect(response.json().message).toMatch(/many\.geojson：共 6 个要素，超过上限 5（IMPORT_MAX_FEATURES）/)
    expect(await storedCounts()).toEqual(before)
    const run = (await app.inject(`/api/imports/${response.json().details.importId}`)).json()
    expect(run).toMatchObject({ status: 'failed' })
  })

  it('answers the cap in English when Accept-Language prefers it', async () => {
    const form = new FormData()
    form.append('department', 'party')
    const data = geojson(Array.from({ length: 6 }, (_, i) => ({ type: 'Polygon', coordinates: [ring(5, i * 70)] })))
    form.append('file', new Blob([data]), 'many.geojson')
    const request = new Request('http://localhost/api/imports', { method: 'POST', body: form })
    const response = await capped.inject({
      method: 'POST',
      url: '/api/imports',
      headers: { 'content-type': request.headers.get('content-type')!, 'accept-language': 'en' },
      payload: Buffer.from(await request.arrayBuffer()),
    })
    expect(response.statusCode).toBe(413)
    expect(response.json().message).toMatch(/many\.geojson: 6 features, over the limit of 5 \(IMPORT_MAX_FEATURES\)/)
  })

  it('refuses a feature with more vertices than allowed: 413 naming the file and feature', async () => {
    const before = await storedCounts()
    const response = await uploadFile(
      capped,
      {
        name: 'dense.geojson',
        data: geojson([
          { type: 'Polygon', coordinates: [ring(8)] },
          { type: 'Polygon', coordinates: [ring(60, 200)] },
        ]),
      },
      { department: 'party' },
    )
    expect(response.statusCode).toBe(413)
    expect(response.json().details.errors[0]).toMatchObject({ file: 'dense.geojson', feature: 1, field: 'geometry' })
    expect(response.json().message).toMatch(/dense\.geojson 第 2 个要素：60 个顶点/)
    expect(await storedCounts()).toEqual(before)
  })

  it('refuses a file whose vertices add up to more than allowed: 413 naming the file', async () => {
    const before = await storedCounts()
    const response = await uploadFile(
      capped,
      {
        name: 'heavy.geojson',
        data: geojson(Array.from({ length: 5 }, (_, i) => ({ type: 'Polygon', coordinates: [ring(30, i * 70)] }))),
      },
      { department: 'party' },
    )
    expect(response.statusCode).toBe(413)
    expect(response.json().message).toMatch(/heavy\.geojson：到第 4 个要素为止顶点总数已超过整个文件的上限 100/)
    expect(await storedCounts()).toEqual(before)
  })

  // the GeoJSON reader parses feature by feature: a fault far into a file is met after the features
  // before it are read, and must refuse the file as a whole just the same
  const threeFeatures = geojson([
    { type: 'Polygon', coordinates: [ring(8)] },
    { type: 'Polygon', coordinates: [ring(8, 100)] },
    { type: 'Polygon', coordinates: [ring(8, 200)] },
  ])

  it.each([
    [
      'breaks off inside the third feature',
      threeFeatures.slice(0, threeFeatures.lastIndexOf('[[') + 5),
      { feature: 2, field: 'geometry' },
      /^broken\.geojson 第 3 个要素 字段“geometry”：JSON 格式错误：文件在此要素中途结束（第 1 行第 \d+ 列）$/,
      /^broken\.geojson feature 3 field "geometry": malformed JSON: the file ends inside this feature \(line 1, column \d+\)$/,
    ],
    [
      'has a bad token in the second feature’s properties',
      threeFeatures.replace('"code":"R-1"', '"code":R-1'),
      { feature: 1, field: 'properties' },
      /^broken\.geojson 第 2 个要素 字段“properties”：JSON 格式错误：.*R-1/,
      /^broken\.geojson feature 2 field "properties": malformed JSON: .*R-1/,
    ],
    [
      'lacks the comma after the first feature',
      threeFeatures.replace('},{"type":"Feature"', '} {"type":"Feature"'),
      { feature: 0 },
      /^broken\.geojson 第 1 个要素：JSON 格式错误：此要素之后应为“,”或“\]”，出现了“\{”（第 1 行第 \d+ 列）$/,
      /^broken\.geojson feature 1: malformed JSON: expected "," or "\]" after this feature, found "\{" \(line 1, column \d+\)$/,
    ],
    [
      'has a bracket that does not match in the third feature',
      threeFeatures.replace(/\]\]\}\}\]\}$/, ']}}]}'),
      { feature: 2, field: 'geometry' },
      /^broken\.geojson 第 3 个要素 字段“geometry”：JSON 格式错误：括号不配对，出现了“\}”/,
      /^broken\.geojson feature 3 field "geometry": malformed JSON: brackets do not match, found "\}"/,
    ],
    [
      'has more after its end',
      `${threeFeatures}\n{}`,
      {},
      /^broken\.geojson：JSON 格式错误：JSON 结束之后还有内容，出现了“\{”（第 2 行第 1 列）$/,
      /^broken\.geojson: malformed JSON: more after the end of the JSON, found "\{" \(line 2, column 1\)$/,
    ],
  ])(
    'refuses a GeoJSON that %s: 400 naming the file, feature and field in zh-CN and English, nothing stored',
    async (_, data, where, zh, en) => {
      const before = await storedCounts()
      const file = { name: 'broken.geojson', data }
      const refused = await uploadFile(app, file, { department: 'party' })
      expect(refused.statusCode).toBe(400)
      expect(refused.json().message).toMatch(zh)
      expect(refused.json().details.errors[0]).toEqual(expect.objectContaining({ file: 'broken.geojson', ...where }))
      const english = await uploadFileIn(app, file, { department: 'party' }, 'en')
      expect(english.statusCode).toBe(400)
      expect(english.json().message).toMatch(en)
      expect(await storedCounts()).toEqual(before)
      const run = (await app.inject(`/api/imports/${refused.json().details.importId}`)).json()
      expect(run).toMatchObject({ status: 'failed' })
    },
  )

  it('stores the features of a well-formed file read feature by feature, as they were', async () => {
    const response = await uploadFile(app, { name: 'three.geojson', data: threeFeatures }, { department: 'party' })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ status: 'succeeded', counts: { features: 3, accepted: 3 } })
    const codes = await database.db
      .selectFrom('grids as g')
      .innerJoin('grid_layers as l', 'l.id', 'g.layer_id')
      .select('g.code')
      .where('l.department', '=', 'party')
      .where('l.version', '=', response.json().layer.version)
      .orderBy('g.code')
      .execute()
    expect(codes.map((g) => g.code)).toEqual(['R-0', 'R-1', 'R-2'])
  })

  it('refuses a GeoJSON over the feature cap with its whole count, without parsing the features past the cap', async () => {
    const before = await storedCounts()
    const features = Array.from({ length: 7 }, (_, i) => ({ type: 'Polygon', coordinates: [ring(5, i * 70)] }))
    // the seventh feature is not JSON: only counted, never parsed, it cannot be what refuses the file
    const data = geojson(features).replace('"code":"R-6"', '"code":R-6')
    const response = await uploadFile(capped, { name: 'many.geojson', data }, { department: 'party' })
    expect(response.statusCode).toBe(413)
    expect(response.json().message).toMatch(/many\.geojson：共 7 个要素，超过上限 5（IMPORT_MAX_FEATURES）/)
    expect(await storedCounts()).toEqual(before)
  })

  it('refuses a feature over the vertex cap before parsing it', async () => {
    const before = await storedCounts()
    const data = geojson([
      { type: 'Polygon', coordinates: [ring(8)] },
      { type: 'Polygon', coordinates: [ring(60, 200)] },
    ]).replace('"code":"R-1"', '"code":R-1')
    const response = await uploadFile(capped, { name: 'dense.geojson', data }, { department: 'party' })
    expect(response.statusCode).toBe(413)
    expect(response.json().details.errors[0]).toMatchObject({ file: 'dense.geojson', feature: 1, field: 'geometry' })
    expect(response.json().message).toMatch(/dense\.geojson 第 2 个要素：60 个顶点/)
    expect(await storedCounts()).toEqual(before)
  })

  it('refuses a Shapefile of more records than allowed from its headers, before parsing', async () => {
    const before = await storedCounts()
    const response = await uploadFile(capped, { name: 'empty.zip', data: emptyRecordsZip(50) }, { department: 'party' })
    expect(response.statusCode).toBe(413)
    expect(response.json().details.errors[0]).toMatchObject({ file: 'empty.zip/a.shp', field: 'features' })
    expect(response.json().message).toMatch(/empty\.zip\/a\.shp：共 50 个要素，超过上限 5.*未解析/)
    expect(await storedCounts()).toEqual(before)
  })

  it('refuses a Shapefile whose index understates its records, from the .dbf header or the .shp records', async () => {
    const byDbf = await uploadFile(
      capped,
      { name: 'a.zip', data: emptyRecordsZip(50, { indexed: 2 }) },
      { department: 'party' },
    )
    expect(byDbf.statusCode).toBe(413)
    expect(byDbf.json().message).toMatch(/a\.zip\/a\.shp：共 50 个要素/)
    const byShp = await uploadFile(
      capped,
      { name: 'b.zip', data: emptyRecordsZip(50, { indexed: 2, declared: 2 }) },
      { department: 'party' },
    )
    expect(byShp.statusCode).toBe(413)
    expect(byShp.json().message).toMatch(/b\.zip\/a\.shp：共 6 个要素，超过上限 5/)
  })

  it('refuses a Shapefile polygon with too many vertices from its record header', async () => {
    const response = await uploadFile(capped, { name: 'dense.zip', data: polygonZip(60) }, { department: 'party' })
    expect(response.statusCode).toBe(413)
    expect(response.json().details.errors[0]).toMatchObject({ file: 'dense.zip/a.shp', feature: 0 })
    // under the cap the same file imports
    const fine = await uploadFile(
      capped,
      { name: 'fine.zip', data: polygonZip(40) },
      { department: 'party', dryRun: 'true' },
    )
    expect(fine.statusCode).toBe(200)
  })

  it('refuses a 150,000-record Shapefile of empty records at the default caps from its headers, within seconds', async () => {
    const data = emptyRecordsZip(150_000)
    const before = await storedCounts()
    const started = performance.now()
    const response = await uploadFile(app, { name: 'bomb.zip', data }, { department: 'party' })
    const ms = performance.now() - started
    expect(response.statusCode).toBe(413)
    expect(response.json().message).toMatch(/bomb\.zip\/a\.shp：共 150,000 个要素，超过上限 100,000/)
    expect(ms).toBeLessThan(5000)
    expect(await storedCounts()).toEqual(before)
  })

  it('refuses a file that takes longer to parse than its budget', async () => {
    const slow = await buildTestApp(database, { limits: { importParseMs: 0 } })
    try {
      const response = await uploadFile(
        slow,
        { name: 'slow.geojson', data: geojson([{ type: 'Polygon', coordinates: [ring(8)] }]) },
        { department: 'party' },
      )
      expect(response.statusCode).toBe(413)
      expect(response.json().message).toMatch(/slow\.geojson：解析超过时间预算 0 秒（IMPORT_PARSE_SECONDS）/)
    } finally {
      await slow.close()
    }
  })

  it('marks an import left running by a stop as failed at the next start, and no other', async () => {
    const inserted = await database.db
      .insertInto('import_runs')
      .values([
        { kind: 'grids', department: 'party', file_name: 'killed.geojson', dry_run: false, status: 'running' },
        { kind: 'grids', department: 'party', file_name: 'done.geojson', dry_run: false, status: 'succeeded' },
      ] as never)
      .returning(['id', 'status'])
      .execute()
    expect(await failInterruptedImports(database.db)).toBe(1)
    const [killed, done] = await Promise.all(inserted.map((r) => app.inject(`/api/imports/${r.id}`)))
    expect(killed.json()).toMatchObject({ status: 'failed', error: expect.stringMatching(/interrupted/) })
    expect(killed.json().finishedAt).not.toBeNull()
    expect(done.json().status).toBe('succeeded')
    expect(await failInterruptedImports(database.db)).toBe(0)
  })

  it('stores two imports of the same department sent at once as two versions, one active', async () => {
    const versionsBefore = (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM grid_layers WHERE department = 'urban'`.execute(
        database.db,
      )
    ).rows[0].n
    const send = (code: string) =>
      uploadFile(
        app,
        { name: `${code}.geojson`, data: geojson([{ type: 'Polygon', coordinates: [ring(12)] }]).replace('R-0', code) },
        { department: 'urban' },
      )
    const answers = await Promise.all([send('U-1'), send('U-2')])
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200])
    const versions = answers.map((a) => a.json().layer.version).sort()
    expect(versions).toEqual([versionsBefore + 1, versionsBefore + 2])
    const { rows } = await sql<{ active: number }>`
      SELECT count(*) FILTER (WHERE is_active)::int AS active FROM grid_layers WHERE department = 'urban'`.execute(
      database.db,
    )
    expect(rows[0].active).toBe(1)
  })

  it('makes a second store of the same department wait for the first instead of failing on its version', async () => {
    const run = await database.db
      .insertInto('import_runs')
      .values({ kind: 'grids', department: 'social', file_name: 'x', dry_run: false } as never)
      .returning('id')
      .executeTakeFirstOrThrow()
    const layer = { department: 'social', title: 't', importRunId: run.id, sourceCrs: 'EPSG:4326' }
    // the first holds its transaction open after storing until the second is seen waiting: on server
    // PostgreSQL for the department's lock; on PGlite its one connection queues the second anyway
    let stored!: () => void
    const firstStored = new Promise<void>((resolve) => (stored = resolve))
    let issued!: () => void
    const secondIssued = new Promise<void>((resolve) => (issued = resolve))
    const lockWaiters = async () =>
      (
        await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND NOT granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(database.db)
      ).rows[0].n
    const first = database.db.transaction().execute(async (trx) => {
      const mine = await insertGridLayerVersion(trx, layer, [])
      stored()
      await secondIssued
      if (driver === 'postgres')
        for (let tries = 0; (await lockWaiters()) === 0; tries++) {
          if (tries > 1000) throw new Error('the second store never waited for the first')
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
      return mine.version
    })
    await firstStored
    const second = database.db
      .transaction()
      .execute(async (trx) => (await insertGridLayerVersion(trx, layer, [])).version)
    issued()
    const [a, b] = await Promise.all([first, second])
    expect(b).toBe(a + 1)
  })
})
