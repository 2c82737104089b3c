// The place panel's other sections on both drivers: residents covered by 党群服务中心, party
// coverage, department grids against the unified ones, open merge issues. A street's figures add up
// to the district's, shares lie in [0, 1], each figure matches the list behind it, the lists hold the
// street's items only, exports read back (CSV with BOM, XLSX, Chinese headers, audited), born scoped.
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { findDepartmentMatches } from '../../server/db/repositories/place.repository.ts'
import type { GridPlace, PlaceFigures, PlaceList } from '../../server/schemas/place.schema.ts'
import { parseCsvRows } from '../../server/services/imports/import-formats.ts'
import { type TestApp, buildTestApp, credentialHeaders, signIn } from '../helpers/app.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'

describe.each(testDrivers())('the figures of a place on %s', (driver) => {
  let database: Database
  let app: TestApp
  let district: string
  let streets: { code: string; name: string }[]
  let communities: Map<string, string>
  let bowTie: string

  beforeAll(async () => {
    database = await openTestDatabase(driver)
    app = await buildTestApp(database)
    const db = database.db
    district = (await sql<{ code: string }>`SELECT code FROM regions WHERE level = 'district'`.execute(db)).rows[0].code
    streets = (
      await sql<{
        code: string
        name: string
      }>`SELECT code, name FROM regions WHERE level = 'street' ORDER BY code`.execute(db)
    ).rows
    communities = new Map(
      (
        await sql<{ code: string; name: string }>`SELECT code, name FROM regions WHERE level = 'community'`.execute(db)
      ).rows.map((r) => [r.name, r.code]),
    )
    // a published unified grid to match the department grids against, and its run's issues
    const started = await app.inject({
      method: 'POST',
      url: '/api/merge-runs',
      payload: { departments: ['governance', 'party'] },
    })
    expect(started.statusCode, started.body).toBe(202)
    const id = started.json().id as number
    const deadline = Date.now() + 280_000
    let status = ''
    while (Date.now() < deadline && status !== 'succeeded' && status !== 'failed') {
      await new Promise((resolve) => setTimeout(resolve, 200))
      status = (await app.inject(`/api/merge-runs/${id}`)).json().status
    }
    expect(status).toBe('succeeded')
    expect((await app.inject({ method: 'POST', url: `/api/merge-runs/${id}/publish` })).statusCode).toBe(200)
    // a department grid redrawn as a bow tie (a self-crossing ring) after the merge: measured as made valid
    bowTie = (
      await sql<{ code: string }>`
        UPDATE grids SET boundary = ST_Multi(ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[
          ST_MakePoint(ST_XMin(boundary), ST_YMin(boundary)), ST_MakePoint(ST_XMax(boundary), ST_YMax(boundary)),
          ST_MakePoint(ST_XMax(boundary), ST_YMin(boundary)), ST_MakePoint(ST_XMin(boundary), ST_YMax(boundary)),
          ST_MakePoint(ST_XMin(boundary), ST_YMin(boundary))])), 4326))
        WHERE id = (SELECT g.id FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active
                    WHERE l.department = 'party' AND left(g.community_code, 9) = ${streets[0].code.slice(0, 9)}
                    ORDER BY g.id LIMIT 1)
        RETURNING code`.execute(db)
    ).rows[0].code
  }, 300_000)

  afterAll(async () => {
    await app?.close()
    await database?.close()
  })

  const figuresOf = async (code: string, headers: Record<string, string> = {}) => {
    const response = await app.inject({ url: `/api/regions/${code}/place-figures`, headers })
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as PlaceFigures
  }
  const listOf = async (code: string, list: string, query = '', headers: Record<string, string> = {}) => {
    const response = await app.inject({ url: `/api/regions/${code}/lists/${list}?${query}`, headers })
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as PlaceList
  }
  const column = (list: PlaceList, key: string) => {
    const i = list.columns.findIndex((c) => c.key === key)
    expect(i, key).toBeGreaterThanOrEqual(0)
    return list.rows.map((r) => r.cells[i])
  }
  const inStreet = (street: string) => (community: unknown) =>
    typeof community === 'string' && communities.get(community)?.startsWith(street.slice(0, 9)) === true

  it(
    'computes the department overlay once per data version, each place filtering it',
    { timeout: 600_000 },
    async () => {
      const { place, siting, party, merge } = app.services
      const prefix = district.slice(0, 6)
      // what each figure source of the district costs (printed for the report: machine load inflates it)
      const timed = async <T>(label: string, read: () => Promise<T>) => {
        const started = performance.now()
        const value = await read()
        console.info(`place figures on ${driver}: ${label} ${Math.round(performance.now() - started)} ms`)
        return value
      }
      const before = place.overlays
      const run = (await sql<{ id: number }>`SELECT id FROM merge_runs WHERE is_published`.execute(database.db)).rows[0]
      await timed('centre coverage', () => siting.coverage({ region: district }, {}))
      await timed('party coverage', () => party.getCoverage({ region: district }, {}))
      await timed('merge issues', () => merge.listIssues(run.id, { region: district, limit: 1 }, {}))
      const whole = await timed('department overlay (first)', () => place.departmentMatches(prefix))
      await timed('department overlay (cached)', () => place.departmentMatches(prefix))
      await timed('district figures (cached overlay)', () => figuresOf(district))
      for (const street of streets) await figuresOf(street.code)
      expect(place.overlays - before).toBe(1)
      // a street's rows are the district's under its prefix, as the repository reads them for that prefix
      const street = streets[0].code.slice(0, 9)
      const own = await place.departmentMatches(street)
      expect(own.length).toBeGreaterThan(0)
      expect(own).toEqual(whole.filter((r) => r.communityCode?.startsWith(street)))
      expect(own).toEqual(await findDepartmentMatches(database.db, street))
      // a change of what it reads (a department layer) drops it, the next read computes it again; a
      // change of other data (catchments) keeps it
      place.invalidate(0, ['catchments', 'uncovered-cells'])
      await place.departmentMatches(street)
      expect(place.overlays - before).toBe(1)
      place.invalidate(0, ['grids-party'])
      expect(await place.departmentMatches(street)).toEqual(own)
      expect(place.overlays - before).toBe(2)
    },
  )

  it('adds the streets’ figures up to the district’s, every share in [0, 1]', { timeout: 300_000 }, async () => {
    const whole = await figuresOf(district)
    const parts = await Promise.all(streets.map((s) => figuresOf(s.code)))
    const sum = (pick: (f: PlaceFigures) => number) => parts.reduce((s, f) => s + pick(f), 0)
    expect(sum((f) => f.centreCoverage.residents)).toBeCloseTo(whole.centreCoverage.residents, 3)
    // each place's distances are measured in its own local frame (within 0.2 % of true distance, see
    // server/services/siting): a point at a radius's very edge may fall either side
    for (const key of ['covered', 'uncovered', 'coveredMoreThanOnce'] as const)
      expect(Math.abs(sum((f) => f.centreCoverage[key]) - whole.centreCoverage[key]), key).toBeLessThanOrEqual(
        whole.centreCoverage.residents * 0.002,
      )
    expect(whole.centreCoverage.residents).toBeGreaterThan(0)
    expect(whole.partyCoverage).not.toBeNull()
    expect(sum((f) => f.partyCoverage?.shouldEstablish ?? 0)).toBeLessThanOrEqual(whole.partyCoverage!.shouldEstablish)
    expect(sum((f) => f.partyCoverage?.units ?? 0)).toBeLessThanOrEqual(whole.partyCoverage!.units)
    expect(whole.departments.layers.length).toBeGreaterThan(0)
    for (const layer of whole.departments.layers)
      expect(sum((f) => f.departments.layers.find((l) => l.department === layer.department)?.grids ?? 0)).toBe(
        layer.grids,
      )
    expect(whole.mergeIssues).not.toBeNull()
    expect(sum((f) => f.mergeIssues?.total ?? 0)).toBe(whole.mergeIssues!.total)
    for (const f of [whole, ...parts]) {
      for (const share of [
        f.centreCoverage.coveredShare,
        ...f.departments.layers.flatMap((l) => [l.matchedShare, l.meanIou]),
      ]) {
        expect(share).toBeGreaterThanOrEqual(0)
        expect(share).toBeLessThanOrEqual(1)
      }
      for (const rate of [f.partyCoverage?.orgCoverageRate.value, f.partyCoverage?.workCoverageRate.value])
        if (rate != null) expect(rate >= 0 && rate <= 1).toBe(true)
      expect(f.centreCoverage.covered + f.centreCoverage.uncovered).toBeCloseTo(f.centreCoverage.residents, 3)
    }
  })

  it('matches each figure with the list behind it, the street’s items only', { timeout: 300_000 }, async () => {
    const street = streets[0]
    const figures = await figuresOf(street.code)
    expect(figures.departments.published).toBe(true)
    for (const layer of figures.departments.layers) {
      const list = await listOf(street.code, 'department_grids', `department=${layer.department}`)
      expect(list.total).toBe(layer.grids)
      expect(list.rows).toHaveLength(layer.grids)
      const shares = column(list, 'share') as number[]
      expect(shares.filter((s) => s >= 0.9)).toHaveLength(layer.wellMatched)
      for (const s of [...shares, ...(column(list, 'iou') as number[])]) expect(s >= 0 && s <= 1).toBe(true)
      expect(column(list, 'community').every(inStreet(street.code))).toBe(true)
    }

    const party = await listOf(street.code, 'department_grids', 'department=party')
    expect(column(party, 'code'), 'the bow-tie grid is listed, its share measured').toContain(bowTie)

    const issues = await listOf(street.code, 'merge_issues')
    expect(issues.total).toBe(figures.mergeIssues!.total)
    expect(issues.rows.length).toBe(Math.min(issues.total, 1000))
    expect(column(issues, 'community').every(inStreet(street.code))).toBe(true)
    for (const [kind, n] of Object.entries(figures.mergeIssues!.byKind))
      expect((await listOf(street.code, 'merge_issues', `kind=${kind}`)).total).toBe(n)

    const units = await listOf(street.code, 'should_establish')
    expect(units.total).toBe(figures.partyCoverage!.shouldEstablish)
    expect(column(units, 'street').every((s) => s === street.name)).toBe(true)

    const cells = await listOf(street.code, 'uncovered_residents')
    expect(cells.truncated).toBe(false)
    const residents = (column(cells, 'residents') as number[]).reduce((s, n) => s + n, 0)
    expect(Math.abs(residents - figures.centreCoverage.uncovered)).toBeLessThanOrEqual(cells.rows.length)
    for (const row of cells.rows) expect(row.bbox).not.toBeNull()
  })

  it('exports a street’s list as CSV (UTF-8 with BOM, Chinese headers) and XLSX, read back, and audits them', async () => {
    const street = streets[0]
    const list = await listOf(street.code, 'department_grids')
    const csv = await app.inject({ url: `/api/regions/${street.code}/lists/department_grids.csv` })
    expect(csv.statusCode, csv.body).toBe(200)
    expect(csv.headers['content-type']).toMatch(/text\/csv/)
    expect(csv.headers['content-disposition']).toContain(encodeURIComponent('部门网格与全科网格匹配'))
    expect([...csv.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const [headers, ...rows] = parseCsvRows(csv.rawPayload.toString('utf8').replace(/^\uFEFF/, ''))
    expect(headers).toEqual(list.columns.map((c) => c.header))
    expect(headers[0]).toBe('部门')
    const data = rows.filter((r) => r.length > 1)
    expect(data).toHaveLength(list.rows.length)
    for (const row of data) expect(inStreet(street.code)(row[3])).toBe(true)

    const units = await listOf(street.code, 'should_establish')
    const xlsx = await app.inject({ url: `/api/regions/${street.code}/lists/should_establish.xlsx` })
    expect(xlsx.statusCode, xlsx.body).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    const sheet = workbook.worksheets[0]
    expect(sheet.name).toBe('应建未建单位')
    expect(sheet.getRow(1).getCell(1).value).toBe('单位编码')
    expect(sheet.getRow(1).getCell(3).value).toBe('街道')
    expect(sheet.rowCount - 1).toBe(units.rows.length)
    for (let i = 0; i < units.rows.length; i++) expect(sheet.getRow(i + 2).getCell(3).value).toBe(street.name)

    const audit = (await app.inject('/api/audit?limit=5')).json() as { entries: { action: string; entity: string }[] }
    expect(audit.entries.filter((e) => e.action === 'export' && e.entity === 'region-list').length).toBeGreaterThan(1)
  })

  it('names departments where a user reads them (zh-CN, English by Accept-Language), codes in their own column', async () => {
    const street = streets[0]
    const english = { 'accept-language': 'en-US,en;q=0.9,zh;q=0.5' }
    const words = async (headers: Record<string, string>) =>
      (await app.inject({ url: '/api/merge-runs/vocabulary', headers })).json().departments as Record<string, string>
    const [zh, en] = [await words({}), await words(english)]
    // the figures: each department by name
    for (const [headers, names] of [
      [{}, zh],
      [english, en],
    ] as const) {
      const figures = await figuresOf(street.code, headers)
      expect(figures.departments.layers.length).toBeGreaterThan(0)
      for (const layer of figures.departments.layers) expect(layer.name).toBe(names[layer.department])
      const grid = (
        await sql<{ code: string }>`
        SELECT u.code FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
        WHERE left(u.community_code, 9) = ${street.code.slice(0, 9)} ORDER BY u.code LIMIT 1`.execute(database.db)
      ).rows[0].code
      for (const layer of (await gridOf(grid, headers)).departments.layers)
        expect(layer.name).toBe(names[layer.department])
      // the lists (of a street and of a unified grid): the name where a user reads it, the code last
      for (const [code, list] of [
        [street.code, 'department_grids'],
        [street.code, 'merge_issues'],
        [grid, 'department_grids'],
        [grid, 'merge_issues'],
      ]) {
        const found = await listOf(code, list, '', headers)
        expect(found.columns.at(-1)).toEqual({ key: 'departmentCode', header: '部门编码', type: 'text' })
        const [shown, codes] = [column(found, 'department'), column(found, 'departmentCode')]
        for (const [i, c] of codes.entries()) expect(shown[i]).toBe(c === null ? null : names[c as string])
        if (list === 'department_grids') expect(codes.filter((c) => c !== null).length).toBeGreaterThan(0)
      }
    }
    // the exports: CSV and XLSX, the department's name in English and its code last
    const list = await listOf(street.code, 'department_grids', '', english)
    const csv = await app.inject({ url: `/api/regions/${street.code}/lists/department_grids.csv`, headers: english })
    expect(csv.statusCode, csv.body).toBe(200)
    const [headers, ...rows] = parseCsvRows(csv.rawPayload.toString('utf8').replace(/^\uFEFF/, ''))
    expect([headers[0], headers.at(-1)]).toEqual(['部门', '部门编码'])
    const data = rows.filter((r) => r.length > 1)
    expect(data.map((r) => [r[0], r.at(-1)])).toEqual(list.rows.map((r) => [r.cells[0], r.cells.at(-1)]))
    for (const row of data) expect(row[0]).toBe(en[row.at(-1)!])
    // a download link cannot set Accept-Language: `lang` states the language, over the header
    const stated = async (url: string, headers: Record<string, string> = {}) => {
      const response = await app.inject({ url, headers })
      expect(response.statusCode, response.body).toBe(200)
      return parseCsvRows(response.rawPayload.toString('utf8').replace(/^\uFEFF/, '')).filter((r) => r.length > 1)
    }
    const inChinese = await stated(`/api/regions/${street.code}/lists/department_grids.csv?lang=zh-CN`, english)
    for (const row of inChinese.slice(1)) expect(row[0]).toBe(zh[row.at(-1)!])
    const inEnglish = await stated(`/api/regions/${street.code}/lists/department_grids.csv?lang=en`)
    expect(inEnglish.slice(1).map((r) => r[0])).toEqual(data.map((r) => r[0]))
    const refused = await app.inject({ url: `/api/regions/${street.code}/lists/department_grids.csv?lang=fr` })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('lang')
    const xlsx = await app.inject({ url: `/api/regions/${street.code}/lists/merge_issues.xlsx` })
    expect(xlsx.statusCode, xlsx.body).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    const sheet = workbook.worksheets[0]
    const last = sheet.getRow(1).cellCount
    expect([sheet.getRow(1).getCell(3).value, sheet.getRow(1).getCell(last).value]).toEqual(['部门', '部门编码'])
    let named = 0
    for (let r = 2; r <= sheet.rowCount; r++) {
      const code = sheet.getRow(r).getCell(last).value
      if (code === null || code === undefined || code === '') continue
      expect(sheet.getRow(r).getCell(3).value).toBe(zh[String(code)])
      named += 1
    }
    expect(named).toBeGreaterThan(0)
    // the grids' export names the published unified grid too; the layer catalog names each department's layer
    const grids = await app.inject({ url: `/api/regions/${street.code}/grids.csv`, headers: english })
    const gridRows = parseCsvRows(grids.rawPayload.toString('utf8').replace(/^\uFEFF/, '')).filter((r) => r.length > 1)
    expect(gridRows.find((r) => r.at(-1) === 'unified')?.[0]).toBe('Unified grid')
    const catalog = (await app.inject('/api/layers')).json().layers as {
      department?: string
      title: { 'zh-CN': string; en: string }
    }[]
    for (const layer of catalog.filter((l) => l.department)) {
      expect(layer.title['zh-CN']).toBe(`${zh[layer.department!]}网格`)
      expect(layer.title.en).toBe(`${en[layer.department!]} grids`)
    }
  })

  it('shows a street official their own street only', async () => {
    const username = `place-${driver}`
    const created = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username, role: 'street', regionCode: streets[0].code, password: 'street-password-1' },
    })
    expect(created.statusCode, created.body).toBe(201)
    const first = await signIn(app, username, 'street-password-1')
    await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: credentialHeaders(first, 'POST'),
      payload: { currentPassword: 'street-password-1', newPassword: 'street-password-2' },
      anonymous: true,
    } as never)
    const headers = { cookie: (await signIn(app, username, 'street-password-2')).cookie }
    expect((await app.inject({ url: `/api/regions/${streets[1].code}/place-figures`, headers })).statusCode).toBe(404)
    expect(
      (await app.inject({ url: `/api/regions/${streets[1].code}/lists/merge_issues.csv`, headers })).statusCode,
    ).toBe(404)
    // the district, as they see it, is their street
    const wide = await figuresOf(district, headers)
    expect(wide).toEqual(await figuresOf(streets[0].code))
    const issues = await listOf(district, 'merge_issues', '', headers)
    expect(issues.code).toBe(streets[0].code)
    expect(column(issues, 'community').every(inStreet(streets[0].code))).toBe(true)
  })

  const gridOf = async (code: string, headers: Record<string, string> = {}) => {
    const response = await app.inject({ url: `/api/unified-grids/${code}`, headers })
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as GridPlace
  }
  const streetHeaders = async (name: string, street: string) => {
    const username = `${name}-${driver}`
    const created = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username, role: 'street', regionCode: street, password: 'street-password-1' },
    })
    expect(created.statusCode, created.body).toBe(201)
    const first = await signIn(app, username, 'street-password-1')
    await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: credentialHeaders(first, 'POST'),
      payload: { currentPassword: 'street-password-1', newPassword: 'street-password-2' },
      anonymous: true,
    } as never)
    return { cookie: (await signIn(app, username, 'street-password-2')).cookie }
  }

  it(
    'lists the organizations behind each status count and the units behind each coverage rate',
    { timeout: 300_000 },
    async () => {
      for (const code of [district, streets[0].code, streets[1].code]) {
        const party = (await figuresOf(code)).partyCoverage!
        for (const [status, n] of Object.entries(party.orgsByStatus)) {
          const orgs = await listOf(code, 'party_orgs', `status=${status}`)
          expect(orgs.total, `${code} ${status}`).toBe(n)
          expect(orgs.rows.length).toBe(Math.min(n, 1000))
          expect(orgs.truncated).toBe(n > 1000)
        }
        const all = (await listOf(code, 'party_orgs')).total
        expect(all).toBe(Object.values(party.orgsByStatus).reduce((a, b) => a + b, 0))
        expect((await listOf(code, 'units', 'coverage=org')).total).toBe(party.orgCoverageRate.numerator)
        expect((await listOf(code, 'units', 'coverage=work')).total).toBe(party.workCoverageRate.numerator)
        expect((await listOf(code, 'units')).total).toBe(party.orgCoverageRate.denominator)
        expect((await listOf(code, 'units', 'coverage=none')).total).toBe(party.uncovered)
      }
      // a street's lists hold its items only, and their exports read back with the same rows
      const street = streets[0]
      const weak = await listOf(street.code, 'units', 'coverage=org')
      expect(weak.rows.length).toBeGreaterThan(0)
      expect(column(weak, 'street').every((s) => s === street.name)).toBe(true)
      expect(column(weak, 'coverage').every((c) => ['单独建', '联合建', '挂靠建'].includes(String(c)))).toBe(true)
      const csv = await app.inject({ url: `/api/regions/${street.code}/lists/units.csv?coverage=org` })
      expect(csv.statusCode, csv.body).toBe(200)
      const [headers, ...rows] = parseCsvRows(csv.rawPayload.toString('utf8').replace(/^\uFEFF/, ''))
      expect(headers[0]).toBe('单位编码')
      expect(rows.filter((r) => r.length > 1)).toHaveLength(weak.rows.length)
      const orgs = await listOf(street.code, 'party_orgs')
      const xlsx = await app.inject({ url: `/api/regions/${street.code}/lists/party_orgs.xlsx` })
      expect(xlsx.statusCode, xlsx.body).toBe(200)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
      expect(workbook.worksheets[0].getRow(1).getCell(1).value).toBe('党组织编码')
      expect(workbook.worksheets[0].rowCount - 1).toBe(orgs.rows.length)
      const bad = await app.inject({ url: `/api/regions/${street.code}/lists/party_orgs?status=bogus` })
      expect(bad.statusCode).toBe(400)
      expect(bad.body).toMatch(/status/)
    },
  )

  it(
    'opens a published unified grid as a place: its figures add up against its community and its lists',
    { timeout: 600_000 },
    async () => {
      const db = database.db
      const community = (
        await sql<{ code: string }>`
          SELECT u.community_code AS code FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
          GROUP BY u.community_code HAVING count(*) > 1 ORDER BY count(*) DESC, u.community_code LIMIT 1`.execute(db)
      ).rows[0].code
      const stored = (
        await sql<{ id: number; code: string; households: number }>`
          SELECT u.id::int AS id, u.code, u.households FROM unified_grids u
          JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
          WHERE u.community_code = ${community} ORDER BY u.code`.execute(db)
      ).rows
      const grids = [] as GridPlace[]
      for (const g of stored) grids.push(await gridOf(g.code))
      const whole = await figuresOf(community)
      const sum = (pick: (g: GridPlace) => number) => grids.reduce((s, g) => s + pick(g), 0)
      for (const [i, grid] of grids.entries()) {
        expect(grid.code).toBe(stored[i].code)
        expect(grid.community.code).toBe(community)
        expect(grid.street.code).toBe(`${community.slice(0, 9)}000`)
        expect(grid.households.count).toBe(stored[i].households)
        if (grid.households.normMin !== null)
          expect(grid.households.outsideNorm).toBe(
            grid.households.count < grid.households.normMin || grid.households.count > grid.households.normMax!,
          )
        // the residents inside it are those the centre coverage counts there
        expect(grid.centreCoverage.residents).toBe(grid.population.residents)
        expect(grid.centreCoverage.covered + grid.centreCoverage.uncovered).toBeCloseTo(
          grid.centreCoverage.residents,
          3,
        )
        const staff = (
          await sql<{ role: string; n: number }>`
            SELECT st.role, count(DISTINCT (st.role, st.name, st.phone))::int AS n FROM unified_grid_sources src
            JOIN grid_staff st ON st.grid_id = src.grid_id WHERE src.unified_grid_id = ${stored[i].id} GROUP BY st.role`.execute(
            db,
          )
        ).rows
        const n = (role: string) => staff.find((r) => r.role === role)?.n ?? 0
        expect([grid.staff.chiefs, grid.staff.fullTime, grid.staff.partTime]).toEqual([
          n('chief'),
          n('full_time'),
          n('part_time'),
        ])
        expect(grid.staff.understaffed).toBe(grid.staff.fullTime < grid.staff.fullTimeNorm)
        // each figure is the length of the list behind it
        for (const layer of grid.departments.layers) {
          const list = await listOf(grid.code, 'department_grids', `department=${layer.department}`)
          expect(list.code).toBe(grid.code)
          expect(list.total).toBe(layer.grids)
          expect(column(list, 'unifiedCode').every((c) => c === grid.code)).toBe(true)
        }
        expect((await listOf(grid.code, 'merge_issues')).total).toBe(grid.mergeIssues?.total ?? 0)
        if (grid.partyCoverage) {
          for (const [status, count] of Object.entries(grid.partyCoverage.orgsByStatus))
            expect((await listOf(grid.code, 'party_orgs', `status=${status}`)).total).toBe(count)
          expect((await listOf(grid.code, 'units')).total).toBe(grid.partyCoverage.units)
          expect((await listOf(grid.code, 'units', 'coverage=org')).total).toBe(
            grid.partyCoverage.orgCoverageRate.numerator,
          )
        }
      }
      // the community's department grids matched to one of its grids, and its residents, are the grids' sums
      const matched = (await listOf(community, 'department_grids')).rows.filter(
        (_, i, rows) => rows[i].cells[5] !== null,
      ).length
      expect(sum((g) => g.departments.layers.reduce((s, l) => s + l.grids, 0))).toBe(matched)
      expect(sum((g) => g.centreCoverage.residents)).toBeLessThanOrEqual(whole.centreCoverage.residents)
      expect(sum((g) => g.partyCoverage?.units ?? 0)).toBeLessThanOrEqual(whole.partyCoverage!.units)
      // a grid's exports carry its code and its rows
      const csv = await app.inject({ url: `/api/regions/${grids[0].code}/lists/units.csv` })
      expect(csv.statusCode, csv.body).toBe(200)
      expect(csv.headers['content-disposition']).toContain(grids[0].code)
      // not a list of a grid, a code of no grid, a code of the wrong length: clear refusals
      const cells = await app.inject({ url: `/api/regions/${grids[0].code}/lists/uncovered_residents` })
      expect(cells.statusCode).toBe(400)
      expect(cells.body).toMatch(/list/)
      expect((await app.inject({ url: `/api/unified-grids/${community}999` })).statusCode).toBe(404)
      const short = await app.inject({ url: `/api/unified-grids/${community}9` })
      expect(short.statusCode).toBe(400)
      expect(short.body).toMatch(/code/)
    },
  )

  it('shows a street official the grids of their own street only (404 for another street’s)', async () => {
    const db = database.db
    const gridIn = async (street: string) =>
      (
        await sql<{ code: string }>`
          SELECT u.code FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
          WHERE left(u.community_code, 9) = ${street.slice(0, 9)} ORDER BY u.code LIMIT 1`.execute(db)
      ).rows[0].code
    const own = await gridIn(streets[0].code)
    const other = await gridIn(streets[1].code)
    const headers = await streetHeaders('grid-place', streets[0].code)
    const mine = await gridOf(own, headers)
    const asAdmin = await gridOf(own)
    expect({ ...mine, staff: { ...mine.staff, chief: null } }).toEqual({
      ...asAdmin,
      staff: { ...asAdmin.staff, chief: null },
    })
    expect((await app.inject({ url: `/api/unified-grids/${other}`, headers })).statusCode).toBe(404)
    expect((await app.inject({ url: `/api/regions/${other}/lists/units`, headers })).statusCode).toBe(404)
    expect((await app.inject({ url: `/api/regions/${other}/lists/party_orgs.csv`, headers })).statusCode).toBe(404)
    expect((await app.inject({ url: `/api/unified-grids/${own}`, anonymous: true } as never)).statusCode).toBe(401)
  })

  it('computes the centre coverage once per data version of what it reads', { timeout: 300_000 }, async () => {
    const { place } = app.services
    const street = streets[0].code
    await figuresOf(street)
    const before = place.centreCoverages
    const first = await figuresOf(street)
    expect(place.centreCoverages).toBe(before)
    // a centre moved a metre and back (migration 0135 versions the centres): computed again, same figures
    await sql`UPDATE service_centers SET location = ST_Translate(location, 0.00001, 0) WHERE id = (SELECT min(id) FROM service_centers)`.execute(
      database.db,
    )
    await sql`UPDATE service_centers SET location = ST_Translate(location, -0.00001, 0) WHERE id = (SELECT min(id) FROM service_centers)`.execute(
      database.db,
    )
    expect(await figuresOf(street)).toEqual(first)
    expect(place.centreCoverages).toBe(before + 1)
    await figuresOf(street)
    expect(place.centreCoverages).toBe(before + 1)
  })

  it('refuses an unknown list or kind, naming the field, and an unknown region', async () => {
    const bad = await app.inject({ url: `/api/regions/${streets[0].code}/lists/bogus` })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toMatch(/list/)
    const kind = await app.inject({ url: `/api/regions/${streets[0].code}/lists/merge_issues?kind=bogus` })
    expect(kind.statusCode).toBe(400)
    expect(kind.body).toMatch(/kind/)
    expect((await app.inject({ url: '/api/regions/999999999999/place-figures' })).statusCode).toBe(404)
  })
})
