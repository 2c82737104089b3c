// A road and path network imported through the API, on each driver: a real OpenStreetMap extract
// (data/osm/bautzen.osm, moved into China by a fixed translation: the importer refuses lines abroad)
// and GeoJSON lines become the active network, lengths measured by PostGIS; bad files are refused
// naming file, feature and field, and leave the stored networks as they were.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, buildTestApp, uploadFile } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

/** bautzen.osm (lon 14.41, lat 51.19) moved by +99° of longitude and −17° of latitude: Zhengzhou's latitude band. */
const movedBautzen = readFileSync(join(import.meta.dirname, '../../data/osm/bautzen.osm'), 'utf8')
  .replace(/\blat="([-\d.]+)"/g, (_, lat) => `lat="${(Number(lat) - 17).toFixed(7)}"`)
  .replace(/\blon="([-\d.]+)"/g, (_, lon) => `lon="${(Number(lon) + 99).toFixed(7)}"`)

const line = (coordinates: number[][], properties: Record<string, unknown> = { highway: 'footway' }) => ({
  type: 'Feature',
  properties,
  geometry: { type: 'LineString', coordinates },
})
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features })

describe.each(testDrivers())('road network import on %s', (driver) => {
  let database: Database
  let app: TestApp
  const upload = (name: string, data: string, fields: Record<string, string> = {}, language = 'zh-CN') =>
    uploadFile(app, { name, data }, fields, language, '/api/road-networks')
  /** What the import may change: the networks and their edges, as counts and a digest. */
  const stored = async () =>
    (
      await sql<{ networks: number; active: number | null; edges: number; digest: string | null }>`
        SELECT (SELECT count(*)::int FROM road_networks) AS networks,
               (SELECT max(id)::int FROM road_networks WHERE is_active) AS active,
               (SELECT count(*)::int FROM road_edges) AS edges,
               (SELECT md5(string_agg(class || ST_AsText(geom), '|' ORDER BY id)) FROM road_edges) AS digest`.execute(
        database.db,
      )
    ).rows[0]

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    app = await buildTestApp(database)
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('stores a real OSM extract as the active network, lengths by PostGIS on the spheroid', async () => {
    const dry = await upload('bautzen.osm', movedBautzen, { dryRun: 'true' })
    expect(dry.statusCode, dry.body).toBe(200)
    expect(dry.json()).toMatchObject({ networkId: null, dryRun: true })
    expect(dry.json().lines).toBeGreaterThan(20)
    expect((await stored()).networks).toBe(0)

    const real = await upload('bautzen.osm', movedBautzen, { name: '包岑测试路网' })
    expect(real.statusCode, real.body).toBe(200)
    const { networkId, lines } = real.json()
    expect(lines).toBe(dry.json().lines)
    const after = await stored()
    expect(after).toMatchObject({ networks: 1, active: networkId, edges: lines })
    const { rows } = await sql<{ km: number; name: string; classes: number }>`
      SELECT sum(length_m) / 1000 AS km, (SELECT name FROM road_networks WHERE id = ${networkId}) AS name,
             count(DISTINCT class)::int AS classes
      FROM road_edges WHERE network_id = ${networkId}`.execute(database.db)
    expect(rows[0].name).toBe('包岑测试路网')
    expect(rows[0].classes).toBeGreaterThan(1)
    // a few streets of a town: some kilometres, measured on the spheroid where they now lie
    expect(Number(rows[0].km)).toBeGreaterThan(1)
    expect(Number(rows[0].km)).toBeLessThan(50)
  })

  it('takes GeoJSON lines, a MultiLineString split into lines, and leaves out lines closed to walkers', async () => {
    const before = await stored()
    const response = await upload(
      'paths.geojson',
      collection(
        line([
          [113.6, 34.7],
          [113.601, 34.7],
        ]),
        {
          type: 'Feature',
          properties: { class: 'residential', name: '纬五路' },
          geometry: {
            type: 'MultiLineString',
            coordinates: [
              [
                [113.601, 34.7],
                [113.602, 34.7],
              ],
              [
                [113.602, 34.7],
                [113.602, 34.701],
              ],
            ],
          },
        },
        line(
          [
            [113.6, 34.701],
            [113.601, 34.701],
          ],
          { highway: 'service', access: 'private' },
        ),
      ),
    )
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ dryRun: false, lines: 3, closedToWalkers: 1 })
    const after = await stored()
    expect(after.networks).toBe(before.networks + 1)
    expect(after.active).toBe(response.json().networkId)
    const { rows } = await sql<{ class: string; name: string | null; m: number }>`
      SELECT class, name, round(length_m)::int AS m FROM road_edges WHERE network_id = ${after.active} ORDER BY id`.execute(
      database.db,
    )
    expect(rows.map((r) => [r.class, r.name])).toEqual([
      ['footway', null],
      ['residential', '纬五路'],
      ['residential', '纬五路'],
    ])
    // 0.001° of longitude at 34.7° N ≈ 91.6 m; of latitude ≈ 110.9 m
    expect(rows.map((r) => r.m)).toEqual([92, 92, 111])
  })

  it('refuses bad files with 400, naming file, feature and field, and stores nothing', async () => {
    const before = await stored()
    const cases: [string, string, RegExp, Record<string, unknown>][] = [
      [
        'points.geojson',
        collection(
          line([
            [113.6, 34.7],
            [113.601, 34.7],
          ]),
          {
            type: 'Feature',
            properties: {},
            geometry: { type: 'Point', coordinates: [113.6, 34.7] },
          },
        ),
        /第 2 个要素 \[geometry\] 须为 LineString 或 MultiLineString，得到 Point（文件 points\.geojson）/,
        { file: 'points.geojson', feature: 2, field: 'geometry' },
      ],
      [
        'abroad.geojson',
        collection(
          line([
            [14.41, 51.19],
            [14.42, 51.19],
          ]),
        ),
        /第 1 个要素 \[geometry\] 的线须有至少两个位于中国境内的 WGS84 经纬度点（文件 abroad\.geojson）/,
        { file: 'abroad.geojson', feature: 1, field: 'geometry' },
      ],
      [
        'bautzen.osm',
        readFileSync(join(import.meta.dirname, '../../data/osm/bautzen.osm'), 'utf8'),
        /位于中国境外.*（文件 bautzen\.osm）/,
        { file: 'bautzen.osm' },
      ],
      ['roads.kml', '<kml/>', /不支持的路网文件类型.*（文件 roads\.kml）/, { file: 'roads.kml' }],
      ['broken.geojson', '{"type": "FeatureCollection", "features": [', /GeoJSON 无法解析/, { file: 'broken.geojson' }],
      ['empty.geojson', collection(), /没有可步行的道路线（文件 empty\.geojson）/, { file: 'empty.geojson' }],
    ]
    for (const [name, data, message, location] of cases) {
      const response = await upload(name, data)
      expect(response.statusCode, `${name}: ${response.body}`).toBe(400)
      expect(response.json().message).toMatch(message)
      expect(response.json().details).toEqual([expect.objectContaining(location)])
    }
    expect(await stored()).toEqual(before)
  })

  it('is an administrator’s: a request without a session is refused and stores nothing', async () => {
    const before = await stored()
    const form = await app.inject({ method: 'POST', url: '/api/road-networks', anonymous: true } as never)
    expect([401, 403]).toContain(form.statusCode)
    expect(await stored()).toEqual(before)
  })
})
