// Party map layers (units by category, unit→organization links, joint-committee areas), profiles on
// click, and 应建未建 counted one way everywhere — on the hand-built world and on the demo, both drivers.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { PartyService } from '../../server/services/party/party.service.ts'
import { type TestApp, buildTestApp, signIn, tileAt } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { decodeTile } from '../helpers/mvt.ts'
import { C11, C12, S2, at, loadPartyWorld } from '../helpers/party.ts'

const page = { limit: 1000, offset: 0 }
const [west, south] = at(-100, -100)
const [east, north] = at(2100, 2100)
const bbox = [west, south, east, north].join(',')

interface Feature {
  id: number
  geometry: { type: string; coordinates: unknown }
  properties: Record<string, unknown>
}

describe.each(testDrivers())('party layers and profiles on %s', (driver) => {
  let database: Database
  let app: TestApp
  let party: PartyService

  const features = async (layer: string): Promise<Feature[]> => {
    const response = await app.inject(`/api/layers/${layer}/features?bbox=${bbox}&limit=10000`)
    expect(response.statusCode).toBe(200)
    return response.json().features
  }

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await loadPartyWorld(database.db)
    // a star history and a secretary for one organization
    await sql`UPDATE party_orgs SET secretary_name = '李书记', secretary_phone = '13812345678' WHERE code = 'O-JOINT'`.execute(
      database.db,
    )
    await sql`INSERT INTO party_org_star_ratings (party_org_id, year, star_rating)
      SELECT id, y, s FROM party_orgs, (VALUES (2023, 2), (2024, 3), (2025, 3)) AS v(y, s) WHERE code = 'O-JOINT'`.execute(
      database.db,
    )
    app = await buildTestApp(database)
    party = new PartyService(database.db)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  describe('应建未建 counted one way', () => {
    // U-3WORK, U-4AFF and U-5JOINT have 3+ members and a coverage row that is not their own
    // organization: "no coverage row" would leave them out, the party rule counts them
    const expected = ['U-3NONE', 'U-3WORK', 'U-4AFF', 'U-5JOINT']

    it('gives the same units in the findings, the units layer, the summary and the coverage figures', async () => {
      const findings = (await party.findShouldEstablish(page)).map((r) => r.code).sort()
      expect(findings).toEqual(expected)
      const layer = (await features('units')).filter((f) => f.properties.shouldEstablish === true)
      expect(layer.map((f) => f.properties.code).sort()).toEqual(expected)
      const summary = (await app.inject('/api/summary')).json()
      expect(summary.units.shouldEstablish).toBe(expected.length)
      const { rows } = await party.getCoverage({})
      expect(rows.find((r) => r.level === 'district')!.figures.shouldEstablish).toBe(expected.length)
    })

    it('colours a unit by 应建未建 before its coverage mode, so the categories partition the units', async () => {
      const byCode = new Map((await features('units')).map((f) => [f.properties.code, f.properties]))
      expect(byCode.get('U-5JOINT')).toMatchObject({ coverage: 'joint', category: 'should_establish' })
      expect(byCode.get('U-3WORK')).toMatchObject({ coverage: 'work', category: 'should_establish' })
      expect(byCode.get('U-2NONE')).toMatchObject({ coverage: 'none', category: 'none' })
      expect(byCode.get('U-1JOINT')).toMatchObject({ coverage: 'joint', category: 'joint', orgCode: 'O-JOINT' })
      expect(byCode.get('U-10OWN')).toMatchObject({ coverage: 'own', category: 'own' })
      const legend = (await app.inject('/api/layers'))
        .json()
        .layers.find((l: { id: string }) => l.id === 'units').legend
      const categories = legend.items.map((i: { value: string }) => i.value)
      expect(categories).toEqual(['own', 'joint', 'affiliated', 'work', 'should_establish', 'none'])
      for (const properties of byCode.values()) expect(categories).toContain(properties.category)
    })
  })

  describe('layers', () => {
    it('draws a line from each unit to the organization covering it, none for work coverage', async () => {
      const links = await features('party-links')
      const pairs = links.map((f) => `${f.properties.unitCode}→${f.properties.orgCode}:${f.properties.mode}`).sort()
      expect(pairs).toEqual([
        'N-OWN→O-NE:own',
        'U-10OWN→O-OWN:own',
        'U-1JOINT→O-JOINT:joint',
        'U-4AFF→O-S1:affiliated',
        'U-5JOINT→O-JOINT:joint',
      ])
      const link = links.find((f) => f.properties.unitCode === 'U-5JOINT')!
      expect(link.geometry.type).toBe('LineString')
      const [from, to] = link.geometry.coordinates as [number, number][]
      expect(from[0]).toBeCloseTo(at(300, 300)[0], 5)
      expect(to[0]).toBeCloseTo(at(150, 150)[0], 5)
    })

    it('draws an area-wide joint committee as the union of its member regions', async () => {
      const [committee, ...others] = await features('joint-committees')
      expect(others).toHaveLength(0)
      expect(committee.properties).toMatchObject({ code: 'JC-S1', regions: 2, memberCount: 40 })
      const { rows } = await sql<{ area: number; same: boolean }>`
        SELECT ST_Area(g::geography) AS area,
          ST_Equals(ST_SnapToGrid(g, 1e-6), ST_SnapToGrid((SELECT ST_Union(boundary) FROM regions WHERE code IN (${C11}, ${C12})), 1e-6)) AS same
        FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(committee.geometry)}), 4326) AS g) t`.execute(
        database.db,
      )
      expect(rows[0].area).toBeGreaterThan(1.9e6)
      expect(rows[0].area).toBeLessThan(2.1e6)
      expect(rows[0].same).toBe(true)
    })

    it('gives every feature of every party layer its region code, for scoped tiles', async () => {
      for (const layer of ['party-orgs', 'units', 'party-links', 'joint-committees']) {
        const all = await features(layer)
        expect(all.length).toBeGreaterThan(0)
        for (const f of all) expect(f.properties.regionCode).toMatch(/^\d{12}$/)
      }
    })

    it('encodes the new layers as vector tiles: lines and polygons', async () => {
      const [lon, lat] = at(300, 300)
      const { z, x, y } = tileAt(lon, lat, 14)
      const links = decodeTile((await app.inject(`/tiles/party-links/${z}/${x}/${y}.mvt`)).rawPayload)['party-links']
      expect(links.length).toBeGreaterThan(0)
      expect(links.every((f) => f.type === 2)).toBe(true)
      const areas = decodeTile((await app.inject(`/tiles/joint-committees/${z}/${x}/${y}.mvt`)).rawPayload)[
        'joint-committees'
      ]
      expect(areas.map((f) => f.properties.code)).toEqual(['JC-S1'])
      expect(areas[0].type).toBe(3)
      const orgs = decodeTile((await app.inject(`/tiles/party-orgs/${z}/${x}/${y}.mvt`)).rawPayload)['party-orgs']
      const joint = orgs.find((f) => f.properties.code === 'O-JOINT')!
      expect(joint.properties).toMatchObject({ stars: '★★★', tier: 'joint_branch', status: 'normal' })
    })
  })

  describe('profiles', () => {
    it('shows an organization with its tier, members, masked secretary phone, star history and units covered', async () => {
      const response = await app.inject('/api/party/orgs/O-JOINT')
      expect(response.statusCode).toBe(200)
      const profile = response.json()
      expect(profile).toMatchObject({
        code: 'O-JOINT',
        tier: 'joint_branch',
        members: 6,
        expectedTier: 'branch',
        secretary: { name: '李书记', phone: '138****5678' },
        parent: { code: 'O-S1' },
        starHistory: [
          { year: 2023, starRating: 2 },
          { year: 2024, starRating: 3 },
          { year: 2025, starRating: 3 },
        ],
        regionCode: C11,
      })
      expect(profile.coveredUnits.map((u: { code: string }) => u.code)).toEqual(['U-1JOINT', 'U-5JOINT'])
      expect((await app.inject('/api/party/orgs/JC-S1')).json().regionCodes).toEqual([C11, C12])
    })

    it('shows a unit with its coverage, 应建未建 and the covering organization', async () => {
      const unit = (await app.inject('/api/party/units/U-5JOINT')).json()
      expect(unit).toMatchObject({
        code: 'U-5JOINT',
        members: 5,
        coverage: 'joint',
        shouldEstablish: true,
        coveringOrg: { code: 'O-JOINT', tier: 'joint_branch', secretary: { phone: '138****5678' } },
      })
      const none = (await app.inject('/api/party/units/U-2NONE')).json()
      expect(none).toMatchObject({ coverage: 'none', shouldEstablish: false, coveringOrg: null })
      expect((await app.inject('/api/party/units/P-PARK')).json().hasFootprint).toBe(true)
    })

    it('answers 404 for a code that does not exist or lies outside the caller’s street, and masks the name for a viewer', async () => {
      expect((await app.inject('/api/party/units/NO-SUCH')).statusCode).toBe(404)
      await app.inject({
        method: 'POST',
        url: '/api/users',
        payload: { username: 'north', role: 'street', regionCode: S2, password: 'north-street-pw' },
      })
      await app.inject({
        method: 'POST',
        url: '/api/users',
        payload: { username: 'viewer', role: 'viewer', password: 'viewer-only-pw' },
      })
      // as if each had changed the password the administrator gave them
      await sql`UPDATE users SET must_change_password = false WHERE username IN ('north', 'viewer')`.execute(
        database.db,
      )
      const street = await signIn(app as FastifyInstance, 'north', 'north-street-pw')
      const outside = await app.inject({ url: '/api/party/orgs/O-JOINT', headers: { cookie: street.cookie } })
      expect(outside.statusCode).toBe(404)
      const inside = await app.inject({ url: '/api/party/orgs/T-B49', headers: { cookie: street.cookie } })
      expect(inside.statusCode).toBe(200)
      const viewer = await signIn(app as FastifyInstance, 'viewer', 'viewer-only-pw')
      const masked = (await app.inject({ url: '/api/party/orgs/O-JOINT', headers: { cookie: viewer.cookie } })).json()
      expect(masked.secretary).toEqual({ name: '***', phone: '138****5678' })
    })
  })
})

describe.each(testDrivers())('the demo’s party details on %s', (driver) => {
  let database: Database
  let party: PartyService

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'demo')
    party = new PartyService(database.db)
  })

  afterAll(async () => {
    await database?.close()
  })

  it('records activity dates, secretaries, star histories, site footprints and joint committees', async () => {
    const { rows } = await sql<{
      orgs: number
      dated: number
      secretaries: number
      rated: number
      sites: number
      committees: number
    }>`
      SELECT (SELECT count(*)::int FROM party_orgs) AS orgs,
        (SELECT count(*)::int FROM party_orgs WHERE last_activity_on IS NOT NULL) AS dated,
        (SELECT count(*)::int FROM party_orgs WHERE secretary_phone IS NOT NULL) AS secretaries,
        (SELECT count(DISTINCT party_org_id)::int FROM party_org_star_ratings) AS rated,
        (SELECT count(*)::int FROM units WHERE footprint IS NOT NULL) AS sites,
        (SELECT count(DISTINCT party_org_id)::int FROM party_org_regions) AS committees`.execute(database.db)
    const r = rows[0]
    expect(r.dated / r.orgs).toBeGreaterThan(0.9)
    expect(r.secretaries).toBe(r.orgs)
    expect(r.rated).toBe(r.orgs)
    expect(r.sites).toBeGreaterThan(20)
    expect(r.committees).toBeGreaterThanOrEqual(3)
    const { committees } = await party.listJointCommittees()
    expect(committees.every((c) => c.regionCodes.length >= 3 && c.area !== null)).toBe(true)
  })

  it('finds hollow suspects by activity and joint proposals on the same site', async () => {
    const suspects = await party.findHollowSuspects(page, 12, '2026-06-30')
    expect(suspects.some((s) => s.reasons.includes('no_activity'))).toBe(true)
    const proposals = await party.proposeJointBranches({})
    expect(proposals.some((p) => p.basis === 'same_site')).toBe(true)
  })
})
