// The HTTP API over the demo district, through app.inject, on each driver.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, pgliteMemoryBytes } from '../../server/db/database.ts'
import { listMigrations } from '../../server/db/migrate.ts'
import { buildTestApp, tileAt } from '../helpers/app.ts'
import { openTestDatabase, plannerEstimate, testDrivers } from '../helpers/databases.ts'
import { decodeTile } from '../helpers/mvt.ts'

describe.each(testDrivers())('API on %s', (driver) => {
  let database: Database
  let app: FastifyInstance
  let district: { code: string; bbox: [number, number, number, number] }

  beforeAll(async () => {
    database = await openTestDatabase(driver)
    app = await buildTestApp(database)
    const { regions } = (await app.inject('/api/regions?level=district')).json()
    district = regions[0]
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  const center = () => [(district.bbox[0] + district.bbox[2]) / 2, (district.bbox[1] + district.bbox[3]) / 2] as const

  it('reports its driver, database versions and migration level', async () => {
    const response = await app.inject('/api/health')
    expect(response.statusCode).toBe(200)
    const health = response.json()
    expect(health.driver).toBe(driver)
    expect(health.postgis).toMatch(/^3\.\d+/)
    expect(health.postgres).toMatch(/^\d+\.\d+/)
    expect(health.migration).toBe((await listMigrations()).at(-1)!.version)
    expect(health.migration).toMatch(/^\d{4}$/)
    expect(health.tileEncoder).toBe(driver === 'postgres' ? 'postgis' : 'node')
  })

  it('reports the embedded database’s WebAssembly memory in whole 64 KiB pages, null on server PostgreSQL', async () => {
    const { wasmMemoryBytes } = (await app.inject('/api/health')).json()
    if (driver === 'postgres') expect(wasmMemoryBytes).toBeNull()
    else {
      // at least the 16 MB a PostgreSQL heap starts from, at most PGlite's 2 GB, and what the engine holds now
      expect(wasmMemoryBytes).toBeGreaterThanOrEqual(16 * 1024 * 1024)
      expect(wasmMemoryBytes).toBeLessThanOrEqual(2 ** 31)
      expect(wasmMemoryBytes % 65_536).toBe(0)
      expect(wasmMemoryBytes).toBe(pgliteMemoryBytes(database.pglite!))
    }
  })

  it('has planner statistics for the demo district it loaded (PGlite has no autovacuum to gather them)', async () => {
    for (const table of ['regions', 'grids', 'population_points'] as const) {
      const counts = await plannerEstimate(database.db, table)
      expect(counts.estimated, table).toBe(counts.stored)
    }
  })

  describe('regions', () => {
    it('has one district at the root with its bbox in China', async () => {
      const { regions } = (await app.inject('/api/regions?level=district')).json()
      expect(regions).toHaveLength(1)
      const [west, south, east, north] = regions[0].bbox
      expect(west).toBeGreaterThan(73)
      expect(east).toBeLessThan(135)
      expect(south).toBeGreaterThan(18)
      expect(north).toBeLessThan(54)
    })

    it('lists the streets of the district as its children', async () => {
      const { regions } = (await app.inject(`/api/regions?parent=${district.code}`)).json()
      expect(regions.length).toBeGreaterThanOrEqual(8)
      expect(regions.length).toBeLessThanOrEqual(12)
      expect(
        regions.every(
          (r: { level: string; parentCode: string }) => r.level === 'street' && r.parentCode === district.code,
        ),
      ).toBe(true)
    })

    it('describes one region with its figures, matching the database', async () => {
      const response = await app.inject(`/api/regions/${district.code}`)
      expect(response.statusCode).toBe(200)
      const region = response.json()
      const { rows } = await sql<{
        residents: number
      }>`SELECT sum(residents)::int AS residents FROM population_points`.execute(database.db)
      expect(region.figures.residents).toBe(rows[0].residents)
      expect(region.figures.grids.map((g: { department: string }) => g.department).sort()).toEqual([
        'governance',
        'party',
        'social',
        'urban',
      ])
      expect(region.areaKm2).toBeGreaterThan(50)
    })

    it('answers 404 for a code that does not exist', async () => {
      const response = await app.inject('/api/regions/999999999999')
      expect(response.statusCode).toBe(404)
      expect(response.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('999999999999') })
    })

    it('answers 400 for a malformed code, naming the field', async () => {
      const response = await app.inject(`/api/regions/${encodeURIComponent("1' OR '1'='1")}`)
      expect(response.statusCode).toBe(400)
      expect(response.json().details[0].field).toContain('code')
    })
  })

  describe('layers', () => {
    it('lists the four department grid layers with tile templates', async () => {
      const { layers } = (await app.inject('/api/layers')).json()
      const ids = layers.map((l: { id: string }) => l.id)
      for (const id of [
        'regions-district',
        'regions-street',
        'regions-community',
        'grids-party',
        'grids-governance',
        'grids-urban',
        'grids-social',
        'service-centers',
        'party-orgs',
      ]) {
        expect(ids).toContain(id)
      }
      const party = layers.find((l: { id: string }) => l.id === 'grids-party')
      expect(party).toMatchObject({
        geometryType: 'polygon',
        tiles: '/tiles/grids-party/{z}/{x}/{y}.mvt?v=0',
        department: 'party',
        title: { 'zh-CN': '党建网格' },
      })
    })

    it('gives every layer the style hints the web draws it from', async () => {
      const { layers } = (await app.inject('/api/layers')).json()
      const byId = new Map(layers.map((l: { id: string }) => [l.id, l]))
      expect(byId.get('regions-community')).toMatchObject({
        style: { fill: { opacity: 0, selectedOpacity: 0.12 }, line: { width: 0.8, dash: [3, 2] } },
      })
      // street and community names: one label point each, from their own layer
      expect(byId.get('region-labels')).toMatchObject({
        geometryType: 'point',
        style: { label: { field: 'name', byProperty: { property: 'level' } } },
      })
      // department grids: outlines (a transparent fill to click), red where outside the household norm
      expect(byId.get('grids-urban')).toMatchObject({
        style: {
          fill: { opacity: 0, selectedOpacity: 0.45 },
          line: { width: 1.2, selectedWidth: 3, flag: { property: 'outsideNorm' } },
        },
      })
      expect(byId.get('service-centers')).toMatchObject({
        style: { circle: { radius: { property: 'level', values: { district: 9 }, otherwise: 4 } } },
      })
      expect(byId.get('population')).toMatchObject({ style: { circle: { opacity: 0.55, strokeWidth: 0 } } })
      for (const layer of layers) expect(Object.keys(layer.style).length, layer.id).toBeGreaterThan(0)
    })

    it('serves GeoJSON features of a layer in a bbox', async () => {
      const response = await app.inject(
        `/api/layers/grids-governance/features?bbox=${district.bbox.join(',')}&limit=50`,
      )
      expect(response.statusCode).toBe(200)
      const collection = response.json()
      expect(collection.type).toBe('FeatureCollection')
      expect(collection.features).toHaveLength(50)
      expect(collection.truncated).toBe(true)
      expect(collection.features[0].geometry.type).toBe('MultiPolygon')
      expect(collection.features[0].properties).toMatchObject({
        department: 'governance',
        code: expect.stringMatching(/^\d{15}$/),
      })
    })

    it('finds nothing in a bbox far from the district', async () => {
      const response = await app.inject('/api/layers/party-orgs/features?bbox=0,0,1,1')
      expect(response.json()).toMatchObject({ numberReturned: 0, truncated: false })
    })

    it.each([
      ['a non-numeric bbox', 'bbox=a,b,c,d'],
      ['a bbox with west > east', 'bbox=114,34,113,35'],
      ['a bbox with SQL in it', `bbox=${encodeURIComponent('113,34,114,35); DROP TABLE grids; --')}`],
      ['a missing bbox', ''],
      ['a limit above the cap', 'bbox=113,34,114,35&limit=100000'],
    ])('rejects %s with 400', async (_case, query) => {
      const response = await app.inject(`/api/layers/grids-party/features?${query}`)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toHaveProperty('message')
    })

    it('answers 404 for an unknown layer', async () => {
      const response = await app.inject('/api/layers/grids-nobody/features?bbox=113,34,114,35')
      expect(response.statusCode).toBe(404)
      expect(response.json().message).toContain('grids-nobody')
    })

    it('describes a layer as TileJSON with the data bounds', async () => {
      const tilejson = (await app.inject('/tiles/grids-social.json')).json()
      expect(tilejson.tilejson).toBe('3.0.0')
      expect(tilejson.tiles[0]).toMatch(/\/tiles\/grids-social\/\{z\}\/\{x\}\/\{y\}\.mvt$/)
      expect(tilejson.bounds).toEqual(district.bbox.map((v) => expect.closeTo(v, 4)))
      expect(tilejson.vector_layers[0].fields).toHaveProperty('households', 'Number')
    })
  })

  describe('vector tiles', () => {
    it('serves department grids with their attributes at z13', async () => {
      const [lon, lat] = center()
      const { z, x, y } = tileAt(lon, lat, 13)
      const response = await app.inject(`/tiles/grids-governance/${z}/${x}/${y}.mvt`)
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe('application/vnd.mapbox-vector-tile')
      const features = decodeTile(response.rawPayload)['grids-governance']
      expect(features.length).toBeGreaterThan(0)
      expect(features[0].type).toBe(3)
      expect(features[0].properties).toMatchObject({
        department: 'governance',
        // one mask for every length: at most 3 digits in front and 4 at the end (a 13-digit number hides 6)
        chiefPhone: expect.stringMatching(/^\d{3}\*{4,}\d{4}$/),
      })
    })

    it('serves the same tile from its cache the second time', async () => {
      const [lon, lat] = center()
      const { z, x, y } = tileAt(lon, lat, 12)
      const first = await app.inject(`/tiles/party-orgs/${z}/${x}/${y}.mvt`)
      const second = await app.inject(`/tiles/party-orgs/${z}/${x}/${y}.mvt`)
      expect(first.headers['x-tile-cache']).toBe('miss')
      expect(second.headers['x-tile-cache']).toBe('hit')
      expect(Buffer.compare(first.rawPayload, second.rawPayload)).toBe(0)
    })

    it('answers 204 for a tile with nothing in it', async () => {
      const response = await app.inject('/tiles/grids-party/10/0/0.mvt')
      expect(response.statusCode).toBe(204)
    })

    it('answers HEAD with the status and headers of GET, without a body, for an empty tile and a full one', async () => {
      const empty = await app.inject({ method: 'HEAD', url: '/tiles/grids-party/10/0/0.mvt' })
      expect(empty.statusCode).toBe(204)
      expect(empty.rawPayload.byteLength).toBe(0)
      expect(empty.headers['content-type']).toBe('application/vnd.mapbox-vector-tile')
      const [lon, lat] = center()
      const { z, x, y } = tileAt(lon, lat, 13)
      const url = `/tiles/grids-governance/${z}/${x}/${y}.mvt`
      const full = await app.inject({ method: 'HEAD', url })
      expect(full.statusCode).toBe(200)
      expect(full.rawPayload.byteLength).toBe(0)
      expect(full.headers.etag).toBe((await app.inject(url)).headers.etag)
    })

    it.each([
      ['zoom above 22', '/tiles/grids-party/23/0/0.mvt', 400],
      ['x beyond the zoom level', '/tiles/grids-party/2/4/0.mvt', 400],
      ['y beyond the zoom level', '/tiles/grids-party/2/0/4.mvt', 400],
      ['a negative column', '/tiles/grids-party/2/-1/0.mvt', 400],
      ['an unknown layer', '/tiles/nothing-here/2/0/0.mvt', 404],
      ['a layer name with SQL', `/tiles/${encodeURIComponent("x'; DROP TABLE grids;--")}/2/0/0.mvt`, 400],
    ])('rejects %s', async (_case, url, status) => {
      const response = await app.inject(url)
      expect(response.statusCode).toBe(status)
      expect(response.json()).toHaveProperty('error')
    })
  })

  it('publishes its OpenAPI description at /docs/json', async () => {
    const response = await app.inject('/docs/json')
    expect(response.statusCode).toBe(200)
    const paths = Object.keys(response.json().paths)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/regions',
        '/api/regions/{code}',
        '/api/layers',
        '/api/layers/{layer}/features',
        '/tiles/{layer}/{z}/{x}/{y}.mvt',
        '/api/summary',
      ]),
    )
  })
})
