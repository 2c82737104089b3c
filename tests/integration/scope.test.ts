// Born scoped: a street official and a community worker read every GET route of the access table
// (and the read-only what-if) on the demo district, with path parameters filled from real rows of
// their region and of another street, and find nothing of another street: every region code in a
// body (JSON, CSV, XLSX, HTML, vector tiles) starts with their prefix, no other street's region name
// appears, every tile and feature is a row of their region (ids checked against the database), the
// figures are their region's, and the other street's items answer 404. A GET route this test does not
// know fails it until it is read here or listed in `notRead` with a reason. On each driver.
import ExcelJS from 'exceljs'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import type { Tables } from '../../server/db/tables.ts'
import { accessTable } from '../../server/services/auth/access.ts'
import { codePrefixOf } from '../../server/db/region-codes.ts'
import { PartyRule } from '../../server/schemas/party.schema.ts'
import {
  type Credentials,
  type TestApp,
  buildTestApp,
  createAccount,
  credentialHeaders,
  tileAt,
} from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { decodeTile } from '../helpers/mvt.ts'

/** GET routes of the access table this test does not read, and why. */
const notRead: Record<string, string> = {
  'GET /api/events':
    "an endless Server-Sent Events stream: events.test.ts reads it as a street official and sees only its street's changes",
  'GET /api/service-maps/grid/:code.pdf':
    'a PDF (text read back with pdf.js): service-maps.test.ts prints nothing of another street for a street official',
  'GET /api/service-maps/community/:code.pdf':
    'a PDF (text read back with pdf.js): service-maps.test.ts prints nothing of another street for a street official',
  'GET /api/basemap.pmtiles':
    'the configured basemap archive (BASEMAP_PMTILES, a route only when set): background imagery, no region of anyone; basemap.test.ts reads it',
}

const partyRules = (PartyRule as unknown as { enum: string[] }).enum

type Bbox = [number, number, number, number]

/** The ids of a layer's rows whose region code starts with the prefix (the oracle tiles and features are held to). */
async function idsInScope(db: Kysely<Tables>, layer: string, prefix: string): Promise<Set<number>> {
  const p = `${prefix}%`
  const query = (() => {
    if (layer.startsWith('regions-') || layer === 'region-labels')
      return sql<{ id: number }>`SELECT code::bigint AS id FROM regions WHERE code LIKE ${p}`
    if (layer.startsWith('grids-')) return sql<{ id: number }>`SELECT id FROM grids WHERE community_code LIKE ${p}`
    switch (layer) {
      case 'service-centers':
        return sql<{ id: number }>`SELECT id FROM service_centers WHERE region_code LIKE ${p}`
      case 'party-orgs':
        return sql<{ id: number }>`SELECT id FROM party_orgs WHERE region_code LIKE ${p}`
      case 'units':
      case 'party-links': // a link is its unit's (fid = the unit's id)
        return sql<{ id: number }>`SELECT id FROM units WHERE region_code LIKE ${p}`
      case 'joint-committees': // fid = the committee's id
        return sql<{ id: number }>`SELECT id FROM party_orgs WHERE region_code LIKE ${p}`
      case 'population':
      case 'uncovered-residents':
        return sql<{ id: number }>`SELECT id FROM population_points WHERE region_code LIKE ${p}`
      case 'catchments':
        return sql<{ id: number }>`SELECT k.id FROM catchments k JOIN service_centers s ON s.id = k.center_id
                                   WHERE s.region_code LIKE ${p}`
      case 'unified-grids':
        return sql<{ id: number }>`SELECT id FROM unified_grids WHERE community_code LIKE ${p}`
      case 'merge-issues':
        return sql<{ id: number }>`SELECT id FROM merge_issues WHERE community_code LIKE ${p}`
      default:
        return undefined
    }
  })()
  // a layer added without an oracle here fails the test (its tiles cannot be checked)
  if (!query) throw new Error(`scope.test.ts knows no rows for layer "${layer}": add it to idsInScope`)
  return new Set((await query.execute(db)).rows.map((r) => Number(r.id)))
}

/** Tiles at zoom z covering a bbox, at most `max` of them (evenly spaced). */
function tilesCovering([w, s, e, n]: Bbox, z: number, max = 12) {
  const a = tileAt(w, n, z)
  const b = tileAt(e, s, z)
  const tiles: { z: number; x: number; y: number }[] = []
  for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) tiles.push({ z, x, y })
  if (tiles.length <= max) return tiles
  const step = tiles.length / max
  return Array.from({ length: max }, (_, i) => tiles[Math.floor(i * step)])
}

describe.each(testDrivers())('every route read as a street official and a community worker on %s', (driver) => {
  let database: Database
  let app: TestApp
  let regionCodes: Set<string>
  /** names of the regions of each street (and the street's own), by street code */
  let namesByStreet: Map<string, string[]>
  let district: { code: string; bbox: Bbox }
  let street: string
  let otherStreet: string
  let community: string
  let otherCommunity: string
  let streetBbox: Bbox
  let otherStreetBbox: Bbox
  let runs: { first: number; second: number }
  let scenarios: { own: number; other: number }
  let centres: { own?: number; community?: number; other: number }
  let catalog: { id: string; minzoom: number; sourceOfRun?: boolean }[]
  const users: { name: string; prefix: string; credentials: Credentials }[] = []
  /** every GET route read, by access-table key */
  const read = new Set<string>()

  const get = (credentials: Credentials, url: string) =>
    app.inject({ method: 'GET', url, anonymous: true, headers: credentialHeaders(credentials) } as never)

  async function waitForRun(id: number) {
    const deadline = Date.now() + 280_000
    while (Date.now() < deadline) {
      const run = (await app.inject(`/api/merge-runs/${id}`)).json()
      if (run.status === 'succeeded' || run.status === 'failed') return run
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new Error(`merge run ${id} did not finish`)
  }

  async function merge(departments: string[]) {
    const started = await app.inject({
      method: 'POST',
      url: '/api/merge-runs',
      payload: { departments },
    })
    expect(started.statusCode, started.body).toBe(202)
    const run = await waitForRun(started.json().id)
    expect(run.status, run.error).toBe('succeeded')
    return run.id as number
  }

  async function scenario(region: string, [w, s, e, n]: Bbox) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/siting-scenarios',
      payload: {
        name: `方案 ${region}`,
        region,
        k: 1,
        solver: 'greedy',
        candidates: [{ lon: (w + e) / 2, lat: (s + n) / 2 }],
      },
    })
    expect(response.statusCode, response.body).toBe(201)
    return response.json().id as number
  }

  /**
   * Fails on any region code outside the prefix, or any name of another street's regions, in a text.
   * The scope's ancestors (its district, its city; a community's street) may be named: they say where
   * the scope lies (a street's parentCode, the district row of party figures summed over the scope).
   */
  function expectNothingElsewhere(text: string, prefix: string, where: string) {
    const outside = new Set<string>()
    for (const match of text.matchAll(/\d{12,}/g)) {
      const head = match[0].slice(0, 12)
      const ancestor = match[0].length === 12 && prefix.startsWith(codePrefixOf(head))
      if (regionCodes.has(head) && !head.startsWith(prefix) && !ancestor) outside.add(match[0])
    }
    // a grid of the scope reaching into a neighbouring community names it (伸入相邻社区 …): the
    // official must know where their own grid reaches; nothing else may name another street's regions
    text = text.replace(/伸入相邻社区 [^"\n,]+/g, '')
    expect([...outside].slice(0, 5), `region codes outside ${prefix} in ${where}`).toEqual([])
    const ownStreet = `${prefix.slice(0, 9)}000`
    for (const [code, names] of namesByStreet)
      if (code !== ownStreet)
        for (const name of names) expect(text.includes(name), `${name} (of street ${code}) in ${where}`).toBe(false)
  }

  async function xlsxText(payload: Buffer): Promise<string> {
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(payload as unknown as ArrayBuffer)
    const cells: string[] = []
    workbook.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          cells.push(String(cell.text))
        }),
      ),
    )
    return cells.join('\n')
  }

  /** Reads a route as the user: 200 with nothing from elsewhere (files read back), or the status expected. */
  async function readAs(
    user: (typeof users)[number],
    route: string,
    url: string,
    expected = 200,
  ): Promise<{ json?: unknown; text: string; headers: Record<string, unknown> }> {
    read.add(route)
    const response = await get(user.credentials, url)
    expect(response.statusCode, `${user.name} GET ${url}: ${response.body.slice(0, 300)}`).toBe(expected)
    const type = String(response.headers['content-type'] ?? '')
    const text = type.includes('spreadsheetml') ? await xlsxText(response.rawPayload) : response.body
    if (expected === 200) expectNothingElsewhere(text, user.prefix, `${user.name} GET ${url}`)
    return { json: type.includes('json') ? response.json() : undefined, text, headers: response.headers }
  }

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'demo')
    app = await buildTestApp(database, { config: { loginRateLimit: 100 } })
    const db = database.db
    const regions = await db.selectFrom('regions').select(['code', 'name', 'level', 'parent_code']).execute()
    regionCodes = new Set(regions.map((r) => r.code))
    const streets = regions.filter((r) => r.level === 'street').sort((a, b) => a.code.localeCompare(b.code))
    ;[street, otherStreet] = [streets[0].code, streets[1].code]
    namesByStreet = new Map(
      streets.map((s) => [s.code, [s.name, ...regions.filter((r) => r.parent_code === s.code).map((r) => r.name)]]),
    )
    // a name shared by regions of two streets tells nothing: leave it out of the check
    const counts = new Map<string, number>()
    for (const names of namesByStreet.values()) for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1)
    for (const [code, names] of namesByStreet)
      namesByStreet.set(
        code,
        names.filter((n) => counts.get(n) === 1),
      )
    community = regions.filter((r) => r.parent_code === street).sort((a, b) => a.code.localeCompare(b.code))[0].code
    otherCommunity = regions.find((r) => r.parent_code === otherStreet)!.code

    const listed = (await app.inject('/api/regions')).json().regions as { code: string; level: string; bbox: Bbox }[]
    const d = listed.find((r) => r.level === 'district')!
    district = { code: d.code, bbox: d.bbox }
    streetBbox = listed.find((r) => r.code === street)!.bbox
    otherStreetBbox = listed.find((r) => r.code === otherStreet)!.bbox

    // what the other routes read: two merge runs (the second published), stored catchments, scenarios
    runs = { first: await merge(['governance']), second: await merge(['governance', 'party']) }
    expect((await app.inject({ method: 'POST', url: `/api/merge-runs/${runs.second}/publish` })).statusCode).toBe(200)
    const catchments = await app.inject({ method: 'POST', url: '/api/catchments', payload: { method: 'radius' } })
    expect(catchments.statusCode, catchments.body).toBe(200)
    scenarios = {
      own: await scenario(community, listed.find((r) => r.code === community)!.bbox),
      other: await scenario(otherStreet, otherStreetBbox),
    }
    const centreIn = async (prefix: string) =>
      (
        await db
          .selectFrom('service_centers')
          .select('id')
          .where('region_code', 'like', `${prefix}%`)
          .orderBy('id')
          .executeTakeFirst()
      )?.id
    centres = {
      own: await centreIn(street.slice(0, 9)),
      community: await centreIn(community),
      other: (await centreIn(otherStreet.slice(0, 9)))!,
    }
    expect(centres.own).toBeDefined()
    expect(centres.other).toBeDefined()
    catalog = ((await app.inject('/api/layers')).json().layers as { id: string; minzoom: number }[]).map((l) => ({
      id: l.id,
      minzoom: l.minzoom,
      sourceOfRun: l.id === 'unified-grids' || l.id === 'merge-issues',
    }))

    users.push({
      name: 'street official',
      prefix: street.slice(0, 9),
      credentials: await createAccount(app, { username: 'street-scope', role: 'street', regionCode: street }),
    })
    users.push({
      name: 'community worker',
      prefix: community,
      credentials: await createAccount(app, { username: 'community-scope', role: 'community', regionCode: community }),
    })
  }, 600_000)

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  it('answers 403 on every administrator GET route', async () => {
    for (const [key, entry] of Object.entries(accessTable)) {
      if (!key.startsWith('GET ') || entry.access !== 'admin') continue
      const url = key.slice(4).replace(/:[a-z]+/g, '1')
      for (const user of users) await readAs(user, key, url, 403)
    }
  })

  it('reads health, who-am-I, the layer catalog and the merge defaults and words with nothing of another street', async () => {
    for (const user of users) {
      await readAs(user, 'GET /api/health', '/api/health')
      const me = await readAs(user, 'GET /api/auth/me', '/api/auth/me')
      expect(me.json).toMatchObject({ scope: { regionCode: user.prefix.padEnd(12, '0') } })
      await readAs(user, 'GET /api/layers', '/api/layers')
      await readAs(user, 'GET /api/merge-runs/defaults', '/api/merge-runs/defaults')
      await readAs(user, 'GET /api/merge-runs/vocabulary', '/api/merge-runs/vocabulary')
      const providers = await readAs(user, 'GET /api/auth/providers', '/api/auth/providers')
      expect(providers.json).toEqual({ local: true, oidc: false })
      // no OIDC provider configured here: oidc.test.ts walks the sign-in against a real one
      await readAs(user, 'GET /api/auth/oidc/start', '/api/auth/oidc/start', 404)
      await readAs(user, 'GET /api/auth/oidc/callback', '/api/auth/oidc/callback?code=x&state=y', 404)
    }
  })

  it('plays only the steps of a wall tour that lie in the scope', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/wall-tours',
      payload: {
        name: '全区巡游',
        steps: [
          { region: community, layers: [], panel: null, dwellSeconds: 30 },
          { region: otherCommunity, layers: [], panel: null, dwellSeconds: 30 },
          { region: null, layers: [], panel: null, dwellSeconds: 30 },
        ],
      },
    })
    expect(created.statusCode, created.body).toBe(201)
    const id = created.json().id
    try {
      for (const user of users) {
        const list = (await readAs(user, 'GET /api/wall-tours', '/api/wall-tours')).json as {
          tours: { steps: { region: string | null }[] }[]
        }
        const one = (await readAs(user, 'GET /api/wall-tours/:id', `/api/wall-tours/${id}`)).json as {
          steps: { region: string | null }[]
        }
        for (const steps of [list.tours[0].steps, one.steps])
          expect(steps.map((step) => step.region)).toEqual(
            community.startsWith(user.prefix) ? [community, null] : [null],
          )
      }
    } finally {
      await app.inject({ method: 'DELETE', url: `/api/wall-tours/${id}` })
    }
  })

  it('lists only the regions of the scope and answers 404 for any other region', async () => {
    for (const user of users) {
      const route = 'GET /api/regions'
      for (const query of ['', '?level=district', '?level=street', '?level=community', `?parent=${street}`]) {
        const { json } = await readAs(user, route, `/api/regions${query}`)
        for (const r of (json as { regions: { code: string }[] }).regions)
          expect(r.code.startsWith(user.prefix)).toBe(true)
      }
      const all = (await readAs(user, route, '/api/regions')).json as { regions: { code: string }[] }
      const expected = [...regionCodes].filter((c) => c.startsWith(user.prefix)).sort()
      expect(all.regions.map((r) => r.code)).toEqual(expected)
      const empty = (await readAs(user, route, `/api/regions?parent=${otherStreet}`)).json as { regions: unknown[] }
      expect(empty.regions).toEqual([])

      const one = 'GET /api/regions/:code'
      const own = (await readAs(user, one, `/api/regions/${community}`)).json as { figures: { residents: number } }
      expect(own.figures.residents).toBeGreaterThan(0)
      for (const code of [otherStreet, otherCommunity, district.code])
        await readAs(user, one, `/api/regions/${code}`, 404)
      await readAs(user, one, `/api/regions/${street}`, street.startsWith(user.prefix) ? 200 : 404)
    }
  })

  it('gives the figures of the scope in the summary', async () => {
    const db = database.db
    for (const user of users) {
      const { json } = await readAs(user, 'GET /api/summary', '/api/summary')
      const s = json as {
        regions: { streets: number; communities: number }
        partyOrgs: { total: number }
        units: { total: number }
        population: { residents: number }
        unifiedGrids: number
        grids: { count: number }[]
      }
      const p = `${user.prefix}%`
      const count = async (table: 'party_orgs' | 'units', column: 'region_code') =>
        (
          await db
            .selectFrom(table)
            .select(sql<number>`count(*)::int`.as('n'))
            .where(column, 'like', p)
            .executeTakeFirstOrThrow()
        ).n
      const residents = (
        await sql<{ n: number }>`SELECT coalesce(sum(residents), 0)::int AS n FROM population_points
                                 WHERE region_code LIKE ${p}`.execute(db)
      ).rows[0].n
      const unified = (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM unified_grids WHERE merge_run_id = ${runs.second}
                                 AND community_code LIKE ${p}`.execute(db)
      ).rows[0].n
      const grids = (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM grids g JOIN grid_layers l ON l.id = g.layer_id
                                 AND l.is_active WHERE g.community_code LIKE ${p}`.execute(db)
      ).rows[0].n
      expect(s.regions.streets).toBe(user.prefix.length === 9 ? 1 : 0)
      expect(s.regions.communities).toBe(
        [...regionCodes].filter((c) => c.startsWith(user.prefix) && c !== street).length,
      )
      expect(s.partyOrgs.total).toBe(await count('party_orgs', 'region_code'))
      expect(s.units.total).toBe(await count('units', 'region_code'))
      expect(s.population.residents).toBe(residents)
      expect(s.unifiedGrids).toBe(unified)
      expect(s.grids.reduce((sum, g) => sum + g.count, 0)).toBe(grids)
      expect(residents).toBeGreaterThan(0)
    }
  })

  it('scopes a wall token given a street: the display shows that street’s figures and map only', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/wall-tokens',
      payload: { label: '街道大屏', regionCode: street },
    })
    expect(created.statusCode, created.body).toBe(201)
    const me = await app.inject({ url: `/api/auth/me?wall=${created.json().token}`, anonymous: true } as never)
    expect(me.json()).toMatchObject({ kind: 'wall', scope: { regionCode: street } })
    const cookie = me.cookies.find((c) => c.name === 'wg_wall')!
    const wall = {
      name: 'wall token',
      prefix: street.slice(0, 9),
      credentials: { cookie: `wg_wall=${cookie.value}`, csrfToken: null, origin: '' },
    }
    const summary = (await readAs(wall, 'GET /api/summary', '/api/summary')).json as { regions: { streets: number } }
    expect(summary.regions.streets).toBe(1)
    const regions = (await readAs(wall, 'GET /api/regions', '/api/regions')).json as { regions: { code: string }[] }
    expect(regions.regions.every((r) => r.code.startsWith(wall.prefix))).toBe(true)
    await readAs(wall, 'GET /api/regions/:code', `/api/regions/${otherStreet}`, 404)
    const features = await readAs(
      wall,
      'GET /api/layers/:layer/features',
      `/api/layers/units/features?bbox=${district.bbox.join(',')}&limit=10000`,
    )
    const ids = await idsInScope(database.db, 'units', wall.prefix)
    const unitIds = (features.json as { features: { id: number }[] }).features.map((f) => Number(f.id))
    expect(unitIds.length).toBeGreaterThan(0)
    expect(unitIds.filter((id) => !ids.has(id))).toEqual([])
    // the routes of the street official's map and the party profiles, as the wall token
    const found = (await readAs(wall, 'GET /api/search', `/api/search?q=${encodeURIComponent('社区')}&limit=50`))
      .json as { groups: { hits: { regionCode: string | null }[] }[] }
    const hits = found.groups.flatMap((g) => g.hits)
    expect(hits.length).toBeGreaterThan(0)
    expect(hits.filter((h) => !h.regionCode?.startsWith(wall.prefix))).toEqual([])
    await readAs(wall, 'GET /api/regions/:code/grid-figures', `/api/regions/${street}/grid-figures`)
    await readAs(wall, 'GET /api/regions/:code/grids.csv', `/api/regions/${district.code}/grids.csv`)
    await readAs(wall, 'GET /api/regions/:code/grids', `/api/regions/${otherStreet}/grids`, 404)
    const otherOrg = await database.db
      .selectFrom('party_orgs')
      .select('code')
      .where('region_code', 'like', `${otherStreet.slice(0, 9)}%`)
      .executeTakeFirstOrThrow()
    await readAs(wall, 'GET /api/party/orgs/:code', `/api/party/orgs/${otherOrg.code}`, 404)
  })

  it('draws only rows of the scope in every layer’s features, tiles and TileJSON, cached per scope', async () => {
    const db = database.db
    for (const user of users) {
      for (const layer of catalog) {
        // uncovered-cells sums points into cells (ids are cell numbers): checked by its total below
        const ids = layer.id === 'uncovered-cells' ? new Set<number>() : await idsInScope(db, layer.id, user.prefix)
        const runQueries = layer.sourceOfRun ? ['', `?run=${runs.first}`] : ['']
        // features of the whole district
        const features = await readAs(
          user,
          'GET /api/layers/:layer/features',
          `/api/layers/${layer.id}/features?bbox=${district.bbox.join(',')}&limit=10000`,
        )
        const collection = features.json as { features: { id: number; properties: Record<string, unknown> }[] }
        if (layer.id === 'uncovered-cells') {
          // cells add up the scope's uncovered residents only
          const total = collection.features.reduce((sum, f) => sum + Number(f.properties.residents), 0)
          const { rows } = await sql<{
            n: number
          }>`SELECT coalesce(sum(residents), 0)::int AS n FROM population_points p
            WHERE p.region_code LIKE ${`${user.prefix}%`}
              AND NOT EXISTS (SELECT 1 FROM catchments k WHERE k.method = 'radius' AND ST_Intersects(k.geom, p.location))`.execute(
            db,
          )
          expect(total, `${user.name} uncovered-cells`).toBe(rows[0].n)
        } else {
          const outside = collection.features.filter((f) => !ids.has(Number(f.id))).map((f) => f.id)
          expect(outside.slice(0, 5), `${user.name} features of ${layer.id} outside the scope`).toEqual([])
        }
        // tiles over both streets, at the layer's first zoom (12 at least)
        const z = Math.max(layer.minzoom, 12)
        const bbox: Bbox = [
          Math.min(streetBbox[0], otherStreetBbox[0]),
          Math.min(streetBbox[1], otherStreetBbox[1]),
          Math.max(streetBbox[2], otherStreetBbox[2]),
          Math.max(streetBbox[3], otherStreetBbox[3]),
        ]
        let drawn = 0
        for (const run of runQueries)
          for (const t of tilesCovering(bbox, z)) {
            read.add('GET /tiles/:layer/:z/:x/:y.mvt')
            const url = `/tiles/${layer.id}/${t.z}/${t.x}/${t.y}.mvt${run}`
            const response = await get(user.credentials, url)
            expect([200, 204], `${user.name} ${url}`).toContain(response.statusCode)
            if (response.statusCode === 204) continue
            const decoded = decodeTile(new Uint8Array(response.rawPayload))
            for (const features of Object.values(decoded)) {
              expectNothingElsewhere(JSON.stringify(features.map((f) => f.properties)), user.prefix, url)
              if (layer.id !== 'uncovered-cells') {
                const outside = features.filter((f) => !ids.has(Number(f.id))).map((f) => f.id)
                expect(outside.slice(0, 5), `${user.name} ${url}: features outside the scope`).toEqual([])
              }
              drawn += features.length
            }
          }
        if (
          ['regions-community', 'region-labels', 'service-centers', 'party-orgs', 'units', 'unified-grids'].includes(
            layer.id,
          )
        )
          expect(drawn, `${user.name} sees their own ${layer.id}`).toBeGreaterThan(0)

        const tileJson = await readAs(user, 'GET /tiles/:layer.json', `/tiles/${layer.id}.json`)
        const [w, s, e, n] = (tileJson.json as { bounds: Bbox }).bounds
        expect(w).toBeGreaterThanOrEqual(streetBbox[0] - 1e-6)
        expect(s).toBeGreaterThanOrEqual(streetBbox[1] - 1e-6)
        expect(e).toBeLessThanOrEqual(streetBbox[2] + 1e-6)
        expect(n).toBeLessThanOrEqual(streetBbox[3] + 1e-6)
      }
    }
  }, 600_000)

  it('never serves one scope’s cached tile to another', async () => {
    app.services.tiles.invalidate() // the tiles read above are cached: start from an empty cache
    const layer = catalog.find((l) => l.id === 'regions-community')!
    // a tile holding communities of both streets
    const lat = (streetBbox[1] + streetBbox[3]) / 2
    const candidates = tilesCovering(
      [Math.min(streetBbox[0], otherStreetBbox[0]), lat, Math.max(streetBbox[2], otherStreetBbox[2]), lat],
      12,
      50,
    )
    const codesIn = (bytes: Buffer) =>
      Object.values(decodeTile(new Uint8Array(bytes))).flatMap((fs) => fs.map((f) => String(f.properties.code)))
    let tested = 0
    for (const t of candidates) {
      const url = `/tiles/${layer.id}/${t.z}/${t.x}/${t.y}.mvt`
      const admin = await app.inject(url)
      if (admin.statusCode !== 200) continue
      const all = codesIn(admin.rawPayload)
      const official = users[0]
      if (!all.some((c) => c.startsWith(official.prefix)) || all.every((c) => c.startsWith(official.prefix))) continue
      expect((await app.inject(url)).headers['x-tile-cache']).toBe('hit')
      const first = await get(official.credentials, url)
      expect(first.headers['x-tile-cache'], 'a street official never gets the administrator’s cached tile').toBe('miss')
      const own = codesIn(first.rawPayload)
      expect(own.length).toBeGreaterThan(0)
      expect(own.every((c) => c.startsWith(official.prefix))).toBe(true)
      expect(own.length).toBeLessThan(all.length)
      const again = await get(official.credentials, url)
      expect(again.headers['x-tile-cache']).toBe('hit')
      expect(Buffer.compare(again.rawPayload, first.rawPayload)).toBe(0)
      expect(again.headers.etag).not.toBe(admin.headers.etag)
      const worker = await get(users[1].credentials, url)
      expect(worker.headers['x-tile-cache']).not.toBe('hit')
      tested += 1
      break
    }
    expect(tested, 'a tile holding communities of both streets').toBe(1)
  })

  it('lists a merge run’s issues and diff in the scope only', async () => {
    const db = database.db
    for (const user of users) {
      await readAs(user, 'GET /api/merge-runs/:id', `/api/merge-runs/${runs.second}`)
      const route = 'GET /api/merge-runs/:id/issues'
      const { json } = await readAs(user, route, `/api/merge-runs/${runs.second}/issues?limit=1000`)
      const list = json as { total: number; issues: { communityCode: string | null }[] }
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM merge_issues
        WHERE merge_run_id = ${runs.second} AND community_code LIKE ${`${user.prefix}%`}`.execute(db)
      expect(list.total).toBe(rows[0].n)
      for (const issue of list.issues) expect(issue.communityCode?.startsWith(user.prefix)).toBe(true)
      await readAs(user, route, `/api/merge-runs/${runs.second}/issues?region=${otherStreet}`, 404)
      await readAs(user, route, `/api/merge-runs/${runs.second}/issues?region=${community}`)

      const diff = (
        await readAs(user, 'GET /api/merge-runs/:id/diff/:other', `/api/merge-runs/${runs.first}/diff/${runs.second}`)
      ).json as Record<'added' | 'removed' | 'reshaped', { code: string }[]>
      const codes = new Set(
        (
          await db
            .selectFrom('unified_grids')
            .select('code')
            .where('merge_run_id', 'in', [runs.first, runs.second])
            .where('community_code', 'like', `${user.prefix}%`)
            .execute()
        ).map((r) => r.code),
      )
      const changed = [...diff.added, ...diff.removed, ...diff.reshaped]
      expect(changed.filter((c) => !codes.has(c.code)).slice(0, 5)).toEqual([])
    }
  })

  it('gives party figures, findings and their exports for the scope only', async () => {
    for (const user of users) {
      for (const format of ['', '.csv', '.xlsx']) {
        const route = `GET /api/party/coverage${format}`
        await readAs(user, route, `/api/party/coverage${format}`)
        await readAs(user, route, `/api/party/coverage${format}?region=${otherStreet}`, 404)
        for (const rule of partyRules) {
          const findings = `GET /api/party/findings${format}`
          await readAs(user, findings, `/api/party/findings${format}?rule=${rule}`)
        }
      }
      await readAs(user, 'GET /api/party/joint-committees', '/api/party/joint-committees')
      await readAs(user, 'GET /api/party/vocabulary', '/api/party/vocabulary')
    }
  })

  it('gives siting coverage, centres, what-if, scenarios and their exports for the scope only', async () => {
    for (const user of users) {
      const coverage = await readAs(user, 'GET /api/coverage', `/api/coverage?region=${community}`)
      const c = coverage.json as { totals: { residents: number }; centres: { id: number }[] }
      expect(c.totals.residents).toBeGreaterThan(0)
      for (const code of [otherStreet, otherCommunity])
        await readAs(user, 'GET /api/coverage', `/api/coverage?region=${code}`, 404)
      // the district's coverage is the scope's own (tests/integration/siting-scope.test.ts)
      const narrowed = await readAs(user, 'GET /api/coverage', `/api/coverage?region=${district.code}`)
      expect((narrowed.json as { totals: { code: string } }).totals.code.startsWith(user.prefix)).toBe(true)

      const centre = 'GET /api/service-centers/:id'
      const own = user.prefix.length === 9 ? centres.own : centres.community
      if (own !== undefined) await readAs(user, centre, `/api/service-centers/${own}`)
      await readAs(user, centre, `/api/service-centers/${centres.other}`, 404)

      // what-if changes nothing, so readers may ask: only their own residents count
      const [w, s, e, n] = otherStreetBbox
      const elsewhere = await app.inject({
        method: 'POST',
        url: '/api/siting/what-if',
        anonymous: true,
        headers: credentialHeaders(user.credentials, 'POST'),
        payload: { lon: (w + e) / 2, lat: (s + n) / 2, radiusM: 300 },
      } as never)
      expect(elsewhere.statusCode, elsewhere.body).toBe(200)
      expect(elsewhere.json()).toMatchObject({ residentsWithin: 0, addedResidents: 0 })

      const list = await readAs(user, 'GET /api/siting-scenarios', '/api/siting-scenarios')
      const listed = (list.json as { scenarios: { id: number; regionCode: string }[] }).scenarios
      expect(listed.map((x) => x.id)).toContain(scenarios.own)
      expect(listed.map((x) => x.id)).not.toContain(scenarios.other)
      await readAs(user, 'GET /api/siting-scenarios', `/api/siting-scenarios?region=${otherStreet}`, 404)
      const one = 'GET /api/siting-scenarios/:id'
      await readAs(user, one, `/api/siting-scenarios/${scenarios.own}`)
      await readAs(user, one, `/api/siting-scenarios/${scenarios.other}`, 404)
      const compare = 'GET /api/siting-scenarios/compare'
      await readAs(user, compare, `/api/siting-scenarios/compare?ids=${scenarios.own},${scenarios.own}`)
      await readAs(user, compare, `/api/siting-scenarios/compare?ids=${scenarios.own},${scenarios.other}`, 404)
      for (const format of ['geojson', 'csv', 'xlsx', 'html']) {
        const route = 'GET /api/siting-scenarios/:id/export/:format'
        await readAs(user, route, `/api/siting-scenarios/${scenarios.own}/export/${format}`)
        await readAs(user, route, `/api/siting-scenarios/${scenarios.other}/export/${format}`, 404)
      }
    }
  })

  it('opens the profiles of the scope’s organizations and units only; another street’s answer 404', async () => {
    const db = database.db
    // in the scope: an organization covering units of another street, if any, and a unit covered from
    // another street, if any (what the profiles must not carry across), else the first row
    const orgs = (
      await sql<{ code: string; region_code: string; outside: number }>`
        SELECT o.code, o.region_code, count(u.id) FILTER (WHERE left(u.region_code, 9) <> left(o.region_code, 9))::int AS outside
        FROM party_orgs o LEFT JOIN unit_coverage c ON c.party_org_id = o.id LEFT JOIN units u ON u.id = c.unit_id
        WHERE o.region_code IS NOT NULL GROUP BY o.id ORDER BY outside DESC, o.code`.execute(db)
    ).rows
    const units = (
      await sql<{ code: string; region_code: string; outside: boolean }>`
        SELECT u.code, u.region_code,
          coalesce(right(o.region_code, 6) <> '000000' AND left(o.region_code, 9) <> left(u.region_code, 9), false) AS outside
        FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id LEFT JOIN party_orgs o ON o.id = c.party_org_id
        WHERE u.region_code IS NOT NULL ORDER BY outside DESC, u.code`.execute(db)
    ).rows
    const otherPrefix = otherStreet.slice(0, 9)
    for (const user of users) {
      const ownOrg = orgs.find((o) => o.region_code.startsWith(user.prefix))
      const ownUnit = units.find((u) => u.region_code.startsWith(user.prefix))
      expect(ownUnit, `${user.name} has a unit`).toBeDefined()
      if (ownOrg) {
        const profile = (await readAs(user, 'GET /api/party/orgs/:code', `/api/party/orgs/${ownOrg.code}`)).json as {
          coveredUnits: { code: string }[]
          regionCodes: string[]
        }
        const inScope = new Set(units.filter((u) => u.region_code.startsWith(user.prefix)).map((u) => u.code))
        expect(profile.coveredUnits.filter((u) => !inScope.has(u.code)).slice(0, 5)).toEqual([])
        expect(profile.regionCodes.filter((c) => !c.startsWith(user.prefix))).toEqual([])
      }
      const unit = (await readAs(user, 'GET /api/party/units/:code', `/api/party/units/${ownUnit!.code}`)).json as {
        regionCode: string
      }
      expect(unit.regionCode.startsWith(user.prefix)).toBe(true)
      const otherOrg = orgs.find((o) => o.region_code.startsWith(otherPrefix))!
      const otherUnit = units.find((u) => u.region_code.startsWith(otherPrefix))!
      await readAs(user, 'GET /api/party/orgs/:code', `/api/party/orgs/${otherOrg.code}`, 404)
      await readAs(user, 'GET /api/party/units/:code', `/api/party/units/${otherUnit.code}`, 404)
    }
    // a unit of the street covered by another street's organization: its secretary is not the official's to read
    const crossing = units.find((u) => u.outside && u.region_code.startsWith(users[0].prefix))
    if (crossing) {
      const profile = (await readAs(users[0], 'GET /api/party/units/:code', `/api/party/units/${crossing.code}`))
        .json as { coveringOrg: unknown }
      expect(profile.coveringOrg).toBeNull()
    }
  })

  it('names no other street’s organization beside a unit of the scope, nor its units beside an organization', async () => {
    // the demo covers each unit from its own community; a register import may cross streets: make one
    const db = database.db
    const official = users[0]
    const rowIn = async (table: 'units' | 'party_orgs', prefix: string) =>
      db
        .selectFrom(table)
        .select(['id', 'code'])
        .where('region_code', 'like', `${prefix}%`)
        .where('location', 'is not', null)
        .orderBy('id')
        .executeTakeFirstOrThrow()
    const otherPrefix = otherStreet.slice(0, 9)
    const [unit, otherUnit, org, otherOrg] = [
      await rowIn('units', official.prefix),
      await rowIn('units', otherPrefix),
      await rowIn('party_orgs', official.prefix),
      await rowIn('party_orgs', otherPrefix),
    ]
    const units = [unit.id, otherUnit.id]
    const saved = await db.selectFrom('unit_coverage').selectAll().where('unit_id', 'in', units).execute()
    await db.deleteFrom('unit_coverage').where('unit_id', 'in', units).execute()
    await db
      .insertInto('unit_coverage')
      .values([
        { unit_id: unit.id, party_org_id: otherOrg.id, mode: 'affiliated', instructor_name: null },
        { unit_id: otherUnit.id, party_org_id: org.id, mode: 'affiliated', instructor_name: null },
      ])
      .execute()
    try {
      const profile = (await readAs(official, 'GET /api/party/units/:code', `/api/party/units/${unit.code}`)).json as {
        coverage: string
        coveringOrg: unknown
      }
      expect(profile).toMatchObject({ coverage: 'affiliated', coveringOrg: null })
      const orgProfile = (await readAs(official, 'GET /api/party/orgs/:code', `/api/party/orgs/${org.code}`)).text
      expect(orgProfile.includes(otherUnit.code)).toBe(false)
      const features = async (who: Credentials | null, layer: string) => {
        const url = `/api/layers/${layer}/features?bbox=${district.bbox.join(',')}&limit=10000`
        const response = who ? await get(who, url) : await app.inject(url)
        expect(response.statusCode, response.body.slice(0, 200)).toBe(200)
        return response.json().features as { id: number; properties: Record<string, unknown> }[]
      }
      const own = (await features(official.credentials, 'units')).find((f) => Number(f.id) === unit.id)!
      expect(own.properties).toMatchObject({ coverage: 'affiliated', orgCode: null })
      const links = (await features(official.credentials, 'party-links')).filter((f) => Number(f.id) === unit.id)
      expect(links).toEqual([])
      // the administrator sees the link: the row is there, the scope keeps it from the official
      const all = (await features(null, 'party-links')).filter((f) => Number(f.id) === unit.id)
      expect(all.map((f) => f.properties.orgCode)).toEqual([otherOrg.code])
    } finally {
      await db.deleteFrom('unit_coverage').where('unit_id', 'in', units).execute()
      if (saved.length > 0) await db.insertInto('unit_coverage').values(saved).execute()
      app.services.tiles.invalidate()
    }
  })

  it('finds only the scope’s places and things in search', async () => {
    const db = database.db
    const otherNames = namesByStreet.get(otherStreet)!
    const otherOrg = await db
      .selectFrom('party_orgs')
      .select(['code', 'name'])
      .where('region_code', 'like', `${otherStreet.slice(0, 9)}%`)
      .orderBy('code')
      .executeTakeFirstOrThrow()
    const queries = ['社区', '街道', '网格', '党', '委', 'sq', 'jd', street.slice(0, 6)]
    for (const user of users) {
      let hits = 0
      for (const q of queries) {
        const { json } = await readAs(user, 'GET /api/search', `/api/search?q=${encodeURIComponent(q)}&limit=50`)
        const groups = (json as { groups: { hits: { regionCode: string | null; code: string }[] }[] }).groups
        for (const hit of groups.flatMap((g) => g.hits)) {
          expect(hit.regionCode?.startsWith(user.prefix), `${user.name} search ${q}: ${hit.code}`).toBe(true)
          hits += 1
        }
      }
      expect(hits, `${user.name} finds their own`).toBeGreaterThan(0)
      for (const q of [otherOrg.name, ...otherNames.slice(0, 3)]) {
        const response = await get(user.credentials, `/api/search?q=${encodeURIComponent(q)}`)
        const groups = response.json().groups as { hits: { regionCode: string | null }[] }[]
        expect(groups.flatMap((g) => g.hits).filter((h) => !h.regionCode?.startsWith(user.prefix))).toEqual([])
      }
      // the other street's code and an organization of it find nothing (the body echoes the query)
      for (const q of [otherStreet, otherOrg.code]) {
        const response = await get(user.credentials, `/api/search?q=${q}`)
        expect(response.statusCode).toBe(200)
        expect(response.json().groups).toEqual([])
      }
    }
  })

  it('gives grid figures, lists and their exports for the scope only; another street’s region 404', async () => {
    const db = database.db
    for (const user of users) {
      const p = `${user.prefix}%`
      const { rows } = await sql<{ n: number }>`SELECT
          (SELECT count(*) FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
           WHERE u.community_code LIKE ${p})
        + (SELECT count(*) FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active
           WHERE g.community_code LIKE ${p}) AS n`.execute(db)
      const expected = Number(rows[0].n)
      expect(expected).toBeGreaterThan(0)
      // the scope's own region, and the district (narrowed to the scope)
      for (const code of [user.prefix.length === 9 ? street : community, district.code]) {
        const figures = (await readAs(user, 'GET /api/regions/:code/grid-figures', `/api/regions/${code}/grid-figures`))
          .json as { layers: { grids: number }[] }
        expect(
          figures.layers.reduce((sum, l) => sum + l.grids, 0),
          `${user.name} grid figures of ${code}`,
        ).toBe(expected)
        for (const list of ['all', 'outside_norm', 'without_chief', 'understaffed']) {
          const grids = (await readAs(user, 'GET /api/regions/:code/grids', `/api/regions/${code}/grids?list=${list}`))
            .json as { grids: { communityCode: string | null }[] }
          for (const g of grids.grids) expect(g.communityCode?.startsWith(user.prefix)).toBe(true)
          if (list === 'all') expect(grids.grids.length).toBe(expected)
          for (const format of ['csv', 'xlsx']) {
            const file = await readAs(
              user,
              `GET /api/regions/:code/grids.${format}`,
              `/api/regions/${code}/grids.${format}?list=${list}`,
            )
            if (list === 'all') expect(file.text.split('\n').filter((l) => l.trim() !== '').length).toBeGreaterThan(1)
          }
        }
      }
      for (const code of [otherStreet, otherCommunity]) {
        await readAs(user, 'GET /api/regions/:code/grid-figures', `/api/regions/${code}/grid-figures`, 404)
        await readAs(user, 'GET /api/regions/:code/grids', `/api/regions/${code}/grids`, 404)
        for (const format of ['csv', 'xlsx'])
          await readAs(user, `GET /api/regions/:code/grids.${format}`, `/api/regions/${code}/grids.${format}`, 404)
      }
    }
  })

  it(
    'gives the place’s other figures, the lists behind them and their exports for the scope only',
    { timeout: 600_000 },
    async () => {
      for (const user of users) {
        for (const code of [user.prefix.length === 9 ? street : community, district.code]) {
          const own = code !== district.code
          const figures = (
            await readAs(user, 'GET /api/regions/:code/place-figures', `/api/regions/${code}/place-figures`)
          ).json as { code: string; departments: { layers: { grids: number }[] } }
          expect(figures.code.startsWith(user.prefix)).toBe(true)
          for (const list of ['merge_issues', 'uncovered_residents', 'should_establish', 'department_grids']) {
            const found = (
              await readAs(user, 'GET /api/regions/:code/lists/:list', `/api/regions/${code}/lists/${list}`)
            ).json as { code: string; rows: unknown[] }
            expect(found.code, `${user.name} ${list}`).toBe(figures.code)
            if (list === 'department_grids')
              expect(found.rows.length).toBe(figures.departments.layers.reduce((s, l) => s + l.grids, 0))
            // the exports once, of the scope's own region (the district's, narrowed, is the same list)
            if (own)
              for (const format of ['csv', 'xlsx'])
                await readAs(
                  user,
                  `GET /api/regions/:code/lists/:list.${format}`,
                  `/api/regions/${code}/lists/${list}.${format}`,
                )
          }
        }
        // a unified grid as a place: one of the scope's, and one of another street (404, its lists too)
        const gridIn = async (prefix: string) =>
          (
            await sql<{ code: string }>`
              SELECT u.code FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
              WHERE u.community_code LIKE ${`${prefix}%`} ORDER BY u.code LIMIT 1`.execute(database.db)
          ).rows[0]?.code
        const ownGrid = await gridIn(user.prefix)
        const otherGrid = await gridIn(otherStreet.slice(0, 9))
        if (ownGrid) {
          const grid = (await readAs(user, 'GET /api/unified-grids/:code', `/api/unified-grids/${ownGrid}`)).json as {
            community: { code: string }
          }
          expect(grid.community.code.startsWith(user.prefix)).toBe(true)
          await readAs(user, 'GET /api/regions/:code/lists/:list', `/api/regions/${ownGrid}/lists/party_orgs`)
        }
        if (otherGrid) {
          await readAs(user, 'GET /api/unified-grids/:code', `/api/unified-grids/${otherGrid}`, 404)
          await readAs(user, 'GET /api/regions/:code/lists/:list', `/api/regions/${otherGrid}/lists/units`, 404)
        }
        for (const code of [otherStreet, otherCommunity]) {
          await readAs(user, 'GET /api/regions/:code/place-figures', `/api/regions/${code}/place-figures`, 404)
          await readAs(user, 'GET /api/regions/:code/lists/:list', `/api/regions/${code}/lists/merge_issues`, 404)
          for (const format of ['csv', 'xlsx'])
            await readAs(
              user,
              `GET /api/regions/:code/lists/:list.${format}`,
              `/api/regions/${code}/lists/should_establish.${format}`,
              404,
            )
        }
      }
    },
  )

  // last: every GET route of the access table was read above or is listed with a reason
  it('has read every GET route of the access table', () => {
    const unread = Object.keys(accessTable).filter(
      (key) => key.startsWith('GET ') && !read.has(key) && !(key in notRead),
    )
    expect(unread).toEqual([])
  })
})
