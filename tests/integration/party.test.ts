// Party-coverage rules, figures and exports on a hand-built world with known answers, on both drivers.
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { PartyService } from '../../server/services/party/party.service.ts'
import { parseCsvRows } from '../../server/services/imports/import-formats.ts'
import { buildTestApp } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { C11, C12, D, S1, S2, loadPartyWorld } from '../helpers/party.ts'

const page = { limit: 1000, offset: 0 }
const codes = (rows: { code: string }[]) => rows.map((r) => r.code).sort()

describe.each(testDrivers())('party coverage on %s', (driver) => {
  let database: Database
  let app: FastifyInstance
  let party: PartyService

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await loadPartyWorld(database.db)
    app = await buildTestApp(database)
    party = new PartyService(database.db)
  })

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  describe('应建未建', () => {
    it('lists units with 3 or more formal members and no organization of their own, whatever their other coverage', async () => {
      const rows = await party.findShouldEstablish(page)
      expect(rows.map((r) => [r.code, r.coverage]).sort()).toEqual([
        ['U-3NONE', 'none'],
        ['U-3WORK', 'work'],
        ['U-4AFF', 'affiliated'],
        ['U-5JOINT', 'joint'],
      ])
    })

    it('does not list a unit with 2 members, nor one with its own organization', async () => {
      const rows = await party.findShouldEstablish(page)
      expect(rows.map((r) => r.code)).not.toContain('U-2NONE')
      expect(rows.map((r) => r.code)).not.toContain('U-10OWN')
      expect(rows.map((r) => r.code)).not.toContain('N-OWN')
    })

    it('filters by coverage state and names the covering organization and instructor', async () => {
      const [joint] = await party.findShouldEstablish({ ...page, status: 'joint' })
      expect(joint.code).toBe('U-5JOINT')
      expect(joint.orgCode).toBe('O-JOINT')
      const [work] = await party.findShouldEstablish({ ...page, status: 'work' })
      expect(work.instructorName).toBe('王指导')
      expect(work.streetCode).toBe(S1)
      expect(work.point).toHaveLength(2)
    })
  })

  describe('joint-branch proposals', () => {
    it('groups the same park first, then by distance, inside one street, each to at least 3 members', async () => {
      const proposals = await party.proposeJointBranches({})
      expect(proposals.map((p) => [p.basis, p.units.map((u) => u.code)])).toEqual([
        ['same_site', ['J-B', 'J-A']],
        ['distance', ['J-C', 'J-D']],
      ])
      for (const p of proposals) expect(p.members).toBeGreaterThanOrEqual(3)
      expect(proposals[0].point).toEqual(proposals[0].units[0].point)
    })

    it('never groups across a street boundary, even 80 m apart, and follows the distance parameter', async () => {
      const near = await party.proposeJointBranches({}, 500)
      expect(near.flatMap((p) => p.units.map((u) => u.code))).not.toContain('J-E')
      const far = await party.proposeJointBranches({}, 1000)
      const withE = far.find((p) => p.units.some((u) => u.code === 'J-E'))!
      expect(withE.units.map((u) => u.code).sort()).toEqual(['J-E', 'U-2NONE'])
      expect(far.flatMap((p) => p.units.map((u) => u.code))).not.toContain('J-F')
    })

    it('puts no unit in two proposals', async () => {
      for (const distance of [100, 500, 1000, 3000]) {
        const all = (await party.proposeJointBranches({}, distance)).flatMap((p) => p.units.map((u) => u.code))
        expect(new Set(all).size).toBe(all.length)
      }
    })

    it('leaves out units covered by an organization', async () => {
      const all = (await party.proposeJointBranches({}, 3000)).flatMap((p) => p.units.map((u) => u.code))
      expect(all).not.toContain('U-1JOINT')
    })
  })

  describe('tier check', () => {
    it('lists the tier mismatches at the 2/3, 49/50 and 99/100 boundaries with the tier the count calls for', async () => {
      const rows = await party.findTierMismatches(page)
      const tiers = Object.fromEntries(rows.filter((r) => !r.tierMatches).map((r) => [r.code, r.expectedTier]))
      expect(tiers).toEqual({
        'T-B50': 'general_branch',
        'T-G49': 'branch',
        'T-C99': 'general_branch',
        'T-B2': 'none',
        'H-ZERO': 'none',
      })
    })

    it('checks branch committees at 6/7 members where the register says', async () => {
      const rows = await party.findTierMismatches(page)
      const committees = Object.fromEntries(
        rows
          .filter((r) => r.branchCommittee !== 'unknown' && r.branchCommittee !== 'ok')
          .map((r) => [r.code, r.branchCommittee]),
      )
      expect(committees).toEqual({ 'T-B6Y': 'not_allowed', 'T-B7N': 'missing' })
      expect(rows.map((r) => r.code)).not.toContain('T-B7Y')
      expect(rows.map((r) => r.code)).not.toContain('T-B6N')
      expect(rows.map((r) => r.code)).not.toContain('T-B49')
      expect(rows.map((r) => r.code)).not.toContain('T-C100')
      expect(rows.map((r) => r.code)).not.toContain('T-J3')
    })
  })

  describe('软弱涣散 share', () => {
    it('gives the share per district and street against the 5–10 % guideline', async () => {
      const rows = await party.findWeakShare({})
      const byCode = Object.fromEntries(rows.map((r) => [r.code, r]))
      expect(byCode[D].share).toEqual({ value: 0.087, numerator: 2, denominator: 23 })
      expect(byCode[D].verdict).toBe('within')
      expect(byCode[S1].share).toEqual({ value: 0.1667, numerator: 1, denominator: 6 })
      expect(byCode[S1].verdict).toBe('above')
      expect(byCode[S2].share.numerator).toBe(1)
      expect(byCode[S2].share.denominator).toBe(17)
      expect(byCode[S2].verdict).toBe('within')
      expect(rows[0].level).toBe('district')
    })
  })

  describe('hollow-branch suspects', () => {
    it('flags no members, and members with a last activity more than 12 months back (not exactly 12)', async () => {
      const rows = await party.findHollowSuspects(page, 12, '2025-06-01')
      expect(rows.map((r) => [r.code, r.reasons])).toEqual([
        ['H-OLD', ['no_activity']],
        ['H-ZERO', ['no_members']],
      ])
    })
  })

  describe('新业态', () => {
    it('counts courier hubs per street by coverage, with workers and new-economy organizations', async () => {
      const rows = await party.findNewEconomy({})
      const s1 = rows.find((r) => r.streetCode === S1)!
      expect(s1).toMatchObject({
        hubs: 3,
        hubsOrgCovered: 1,
        hubsWorkOnly: 1,
        hubsUncovered: 1,
        workers: 35,
        workersOrgCovered: 20,
        organizations: 1,
        organizationMembers: 8,
      })
      expect(s1.orgCoverageRate.value).toBeCloseTo(1 / 3, 4)
      expect(rows.find((r) => r.streetCode === S2)).toMatchObject({ hubs: 0, organizations: 0 })
    })
  })

  describe('area-wide joint committees', () => {
    it('draws the committee’s area as the union of its member communities, with what lies inside', async () => {
      const { committees } = await party.listJointCommittees()
      expect(committees).toHaveLength(1)
      const [jc] = committees
      expect(jc.code).toBe('JC-S1')
      expect(jc.regionCodes).toEqual([C11, C12])
      expect(jc.organizationsInside).toBe(4)
      expect(jc.unitsInside).toBe(16)
      expect((jc.area as { type: string }).type).toBe('MultiPolygon')
      const [w, s, e, n] = jc.bbox!
      expect(e - w).toBeCloseTo(2000 / (111_195 * Math.cos((34.605 * Math.PI) / 180)), 5)
      expect(n - s).toBeCloseTo(1000 / 111_195, 5)
    })

    it('shows a committee only to a scope holding one of its regions', async () => {
      expect((await party.listJointCommittees({ regionPrefix: S2.slice(0, 9) })).committees).toHaveLength(0)
      expect((await party.listJointCommittees({ regionPrefix: C12 })).committees).toHaveLength(1)
    })
  })

  describe('coverage figures', () => {
    it('adds up from grids to communities, streets and the district', async () => {
      const { rows } = await party.getCoverage({})
      const numbers = (f: (typeof rows)[number]['figures']) => [
        f.orgCoverageRate.numerator,
        f.orgCoverageRate.denominator,
        f.workCoverageRate.numerator,
        f.shouldEstablish,
        f.uncovered,
        f.orgsByStatus.normal,
        f.orgsByStatus.weak,
        f.orgsByStatus.rectifying,
        f.orgsByStatus.hollow,
        f.averageStarRating.numerator,
        f.averageStarRating.denominator,
        f.membersPer100Residents.numerator,
        f.membersPer100Residents.denominator,
      ]
      const parents = { street: 'district', community: 'street', grid: 'community' } as const
      for (const [level, parentLevel] of Object.entries(parents)) {
        for (const parent of rows.filter((r) => r.level === parentLevel && !r.remainder)) {
          const children = rows.filter((r) => r.level === level && r.parentCode === parent.code)
          expect(children.length, `${level} under ${parent.code}`).toBeGreaterThan(0)
          const sum = children.map((c) => numbers(c.figures)).reduce((a, b) => a.map((v, i) => v + b[i]))
          expect(sum, `${level} rows under ${parent.code}`).toEqual(numbers(parent.figures))
        }
      }
    })

    it('gives known figures for a community, its grids and what lies outside them', async () => {
      const { rows } = await party.getCoverage({})
      const c11 = rows.find((r) => r.level === 'community' && r.code === C11)!
      expect(c11.figures.orgCoverageRate).toEqual({ value: 0.5, numerator: 4, denominator: 8 })
      expect(c11.figures.workCoverageRate).toEqual({ value: 0.625, numerator: 5, denominator: 8 })
      expect(c11.figures.shouldEstablish).toBe(4)
      expect(c11.figures.uncovered).toBe(3)
      expect(c11.figures.membersPer100Residents).toEqual({ value: 1.0667, numerator: 16, denominator: 1500 })
      const west = rows.find((r) => r.code === `${C11}001`)!
      expect(west.figures.orgCoverageRate.denominator).toBe(6)
      const outside = rows.find((r) => r.level === 'grid' && r.remainder && r.code === C12)!
      expect(outside.name).toContain('未入格')
      expect(outside.figures.orgCoverageRate.denominator).toBe(2)
      expect(outside.figures.membersPer100Residents.denominator).toBe(300)
      const streetOwn = rows.find((r) => r.level === 'community' && r.remainder && r.code === S1)!
      expect(streetOwn.name).toContain('街道本级')
      expect(streetOwn.figures.membersPer100Residents.numerator).toBe(40)
      const district = rows.find((r) => r.level === 'district')!
      expect(district.figures.orgCoverageRate.denominator).toBe(17)
      expect(district.figures.membersPer100Residents.denominator).toBe(2400)
    })

    it('starts at the requested region and says what each figure counts, 应建未建 beside 未覆盖', async () => {
      const response = await app.inject(`/api/party/coverage?region=${S1}`)
      expect(response.statusCode).toBe(200)
      const body = response.json()
      expect(body.region).toMatchObject({ code: S1, level: 'street' })
      expect(body.rows.map((r: { level: string }) => r.level)).not.toContain('district')
      expect(body.rows.some((r: { code: string }) => r.code.startsWith(S2.slice(0, 9)))).toBe(false)
      expect(body.definitions.shouldEstablish.counts['zh-CN']).toContain('未覆盖')
      expect(body.definitions.uncovered.counts['zh-CN']).toContain('应建未建')
      expect(body.definitions.orgCoverageRate.numerator.en).toBeTruthy()
    })

    it('answers 404 for a region that does not exist', async () => {
      const response = await app.inject('/api/party/coverage?region=410199009000')
      expect(response.statusCode).toBe(404)
      expect(response.json().message).toMatch(/没有区划/)
    })

    it('follows a unit moved out of its grid and new residents after the figures were read (kept per data version)', async () => {
      const figuresOf = (
        rows: Awaited<ReturnType<PartyService['getCoverage']>>['rows'],
        code: string,
        remainder = false,
      ) => rows.find((r) => r.code === code && r.level === 'grid' && Boolean(r.remainder) === remainder)?.figures
      const before = await party.getCoverage({})
      const { rows } = await sql<{ id: string }>`
        SELECT u.id::text AS id FROM units u JOIN unified_grids g ON g.code = ${`${C11}001`}
          AND ST_Covers(g.boundary, u.location)
        ORDER BY u.id LIMIT 1`.execute(database.db)
      // 1° east: in its community still, in none of its grids
      await sql`UPDATE units SET location = ST_Translate(location, 1, 0) WHERE id = ${rows[0].id}::bigint`.execute(
        database.db,
      )
      const { rows: added } = await sql<{ id: string }>`
        INSERT INTO population_points (region_code, residents, households, location)
        VALUES (${C11}, 90, 30, ST_SetSRID(ST_MakePoint(150, 10), 4326)) RETURNING id::text AS id`.execute(database.db)
      try {
        const moved = await party.getCoverage({})
        expect(figuresOf(moved.rows, `${C11}001`)!.orgCoverageRate.denominator).toBe(
          figuresOf(before.rows, `${C11}001`)!.orgCoverageRate.denominator - 1,
        )
        const outside = (rows: typeof moved.rows) => figuresOf(rows, C11, true)?.orgCoverageRate.denominator ?? 0
        expect(outside(moved.rows)).toBe(outside(before.rows) + 1)
        const c11 = (rows: typeof moved.rows) => rows.find((r) => r.level === 'community' && r.code === C11)!.figures
        expect(c11(moved.rows).membersPer100Residents.denominator).toBe(
          c11(before.rows).membersPer100Residents.denominator + 90,
        )
        // the same figures as a service that has kept nothing
        expect(moved).toEqual(await new PartyService(database.db).getCoverage({}))
      } finally {
        await sql`UPDATE units SET location = ST_Translate(location, -1, 0) WHERE id = ${rows[0].id}::bigint`.execute(
          database.db,
        )
        await sql`DELETE FROM population_points WHERE id = ${added[0].id}::bigint`.execute(database.db)
      }
      expect(await party.getCoverage({})).toEqual(before)
    })
  })

  describe('region scope', () => {
    const street2 = { regionPrefix: S2.slice(0, 9) }
    const community11 = { regionPrefix: C11 }

    it('returns nothing from another street, rule by rule', async () => {
      expect(await party.findShouldEstablish({ ...page, ...street2 })).toEqual([])
      expect(codes(await party.findShouldEstablish({ ...page, ...community11 }))).toEqual([
        'U-3NONE',
        'U-3WORK',
        'U-4AFF',
        'U-5JOINT',
      ])
      expect(await party.proposeJointBranches(street2, 3000)).toEqual([])
      expect((await party.findTierMismatches({ ...page, regionPrefix: S1.slice(0, 9) })).length).toBe(0)
      expect((await party.findHollowSuspects({ ...page, regionPrefix: S1.slice(0, 9) }, 12, '2025-06-01')).length).toBe(
        0,
      )
      expect((await party.findWeakShare(street2)).map((r) => r.code)).toEqual([D, S2])
      expect((await party.findNewEconomy(street2)).map((r) => r.streetCode)).toEqual([S2])
    })

    it('scopes the figures, and refuses a region outside the scope', async () => {
      const { rows } = await party.getCoverage({}, street2)
      expect(rows.filter((r) => r.level !== 'district').every((r) => r.code.startsWith(S2.slice(0, 9)))).toBe(true)
      expect(rows.find((r) => r.level === 'district')!.figures.orgCoverageRate.denominator).toBe(1)
      await expect(party.getCoverage({ region: C11 }, street2)).rejects.toThrow(/不在可查看范围内/)
    })
  })

  describe('findings API and exports', () => {
    it('pages a rule’s findings with the total and zoom-to boxes', async () => {
      const response = await app.inject('/api/party/findings?rule=tier_mismatch&limit=2&offset=1')
      expect(response.statusCode).toBe(200)
      const body = response.json()
      expect(body.total).toBe(7)
      expect(body.rows).toHaveLength(2)
      expect(body.title['zh-CN']).toBe('组织层级与党员数不符')
      expect(body.rows[0].bbox).toHaveLength(4)
    })

    it('filters by street, community, domain and status', async () => {
      const inStreet = (await app.inject(`/api/party/findings?rule=should_establish&street=${S2}`)).json()
      expect(inStreet.total).toBe(0)
      const inCommunity = (await app.inject(`/api/party/findings?rule=joint_proposals&community=${C12}`)).json()
      expect(inCommunity.total).toBe(2)
      const weakOrgs = (await app.inject('/api/party/findings?rule=hollow_suspects&status=rectifying')).json()
      expect(weakOrgs.rows.map((r: { code: string }) => r.code)).toEqual(['H-OLD'])
      const domain = (await app.inject('/api/party/findings?rule=should_establish&domain=new_economy')).json()
      expect(domain.total).toBe(0)
    })

    it('refuses a filter the rule does not have, naming it', async () => {
      const response = await app.inject('/api/party/findings?rule=new_economy&domain=rural')
      expect(response.statusCode).toBe(400)
      expect(response.json().message).toContain('domain')
      const bad = await app.inject(`/api/party/findings?rule=should_establish&street=${C11}`)
      expect(bad.statusCode).toBe(400)
      expect(bad.json().message).toContain('不是街道编码')
    })

    it('exports findings as CSV with a BOM and Chinese headers, read back to the same rows', async () => {
      const response = await app.inject('/api/party/findings.csv?rule=should_establish')
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toMatch(/text\/csv/)
      expect(response.headers['content-disposition']).toContain("filename*=UTF-8''")
      const bytes = response.rawPayload
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      const [header, ...rows] = parseCsvRows(bytes.toString('utf8').slice(1))
      expect(header.slice(0, 6)).toEqual(['单位编码', '单位名称', '单位类别', '从业人员数', '正式党员数', '现覆盖方式'])
      expect(rows.map((r) => r[0]).sort()).toEqual(['U-3NONE', 'U-3WORK', 'U-4AFF', 'U-5JOINT'])
      expect(rows.find((r) => r[0] === 'U-5JOINT')![5]).toBe('联合建')
    })

    it('exports findings and figures as XLSX read back by exceljs', async () => {
      const response = await app.inject('/api/party/findings.xlsx?rule=joint_proposals')
      expect(response.statusCode).toBe(200)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer)
      const sheet = workbook.worksheets[0]
      expect(sheet.name).toBe('联合党支部建议')
      expect(sheet.getRow(1).getCell(1).value).toBe('建议编号')
      expect(sheet.rowCount).toBe(3)
      expect(sheet.getRow(2).getCell(5).value).toBe(3)

      const figures = await app.inject(`/api/party/coverage.xlsx?region=${D}`)
      const book = new ExcelJS.Workbook()
      await book.xlsx.load(figures.rawPayload as unknown as ArrayBuffer)
      const table = book.worksheets[0]
      expect(table.getRow(1).getCell(7).value).toBe('组织覆盖率(%)')
      const districtRow = table.getRow(2)
      expect(districtRow.getCell(2).value).toBe(D)
      expect(districtRow.getCell(5).value).toBe(17)
    })
  })

  describe('vocabulary', () => {
    it('serves every word of party coverage with zh-CN and en labels, the same words the exports write', async () => {
      const response = await app.inject({ url: '/api/party/vocabulary', headers: { 'accept-language': 'en' } })
      expect(response.statusCode).toBe(200)
      const vocabulary = response.json() as Record<string, Record<string, { 'zh-CN': string; en: string }>>
      expect(Object.keys(vocabulary).sort()).toEqual(
        [
          'coverageCategories',
          'coverageModes',
          'domains',
          'establishments',
          'expectedTiers',
          'rules',
          'statuses',
          'tiers',
          'unitKinds',
        ].sort(),
      )
      for (const table of Object.values(vocabulary))
        for (const label of Object.values(table)) {
          expect(label['zh-CN']).toMatch(/\S/)
          expect(label.en).toMatch(/^[\x20-\x7e–]+$/)
        }
      expect(vocabulary.tiers.branch).toEqual({ 'zh-CN': '党支部', en: 'Branch' })
      expect(vocabulary.statuses.weak['zh-CN']).toBe('软弱涣散')
      expect(vocabulary.coverageCategories.should_establish['zh-CN']).toBe('应建未建')
      expect(Object.keys(vocabulary.rules).sort()).toEqual([
        'hollow_suspects',
        'joint_proposals',
        'new_economy',
        'should_establish',
        'tier_mismatch',
        'weak_share',
      ])
      // the export writes the served word: U-5JOINT's coverage, joint
      const csv = await app.inject('/api/party/findings.csv?rule=should_establish')
      const [, ...rows] = parseCsvRows(csv.rawPayload.toString('utf8').slice(1))
      expect(rows.find((r) => r[0] === 'U-5JOINT')![5]).toBe(vocabulary.coverageModes.joint['zh-CN'])
    })
  })
})
