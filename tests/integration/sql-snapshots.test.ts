// The SQL each repository sends, written to tests/sql/<repository>.sql so that a change to a query
// shows in review: a small district goes through every service (merge, imports, regions, summary,
// layers and tiles) on a database that records each statement by the repository function that sent
// it. Same files on both drivers: the SQL does not depend on the driver. Update with `vitest -u`.
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import {
  readRunInputs,
  readStepInputs,
  readTilingInputs,
} from '../../server/db/repositories/merge-engine.repository.ts'
import { failInterruptedImports } from '../../server/db/repositories/imports.repository.ts'
import {
  deleteRunResults,
  failInterruptedRuns,
  findMetricSrid,
} from '../../server/db/repositories/merge-runs.repository.ts'
import { findRunTiling } from '../../server/db/repositories/merge-tiling.repository.ts'
import { defaultSliverRule } from '../../server/services/merge/merge-params.ts'
import { findHouseholdNorms } from '../../server/db/repositories/regions.repository.ts'
import {
  findDepartmentMatches,
  findGridIssues,
  findPlaceOrgs,
  findPlaceUnits,
  findUnifiedGridPlace,
  readPlaceCoverageVersion,
} from '../../server/db/repositories/place.repository.ts'
import * as siting from '../../server/db/repositories/siting.repository.ts'
import * as sitingImports from '../../server/db/repositories/siting-imports.repository.ts'
import { findTileFeatures, postgisTileQuery } from '../../server/db/repositories/tiles.repository.ts'
import type { Tables } from '../../server/db/tables.ts'
import { ImportService } from '../../server/services/imports/imports.service.ts'
import { LayerService } from '../../server/services/tiles/layers.service.ts'
import { AuditService } from '../../server/services/auth/audit.service.ts'
import { AuthService } from '../../server/services/auth/auth.service.ts'
import { PartyService } from '../../server/services/party/party.service.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { RegionService } from '../../server/services/regions/regions.service.ts'
import { SearchService } from '../../server/services/search/search.service.ts'
import { SummaryService } from '../../server/services/summary/summary.service.ts'
import { EventService } from '../../server/services/events/events.service.ts'
import { WallTourService } from '../../server/services/wall/wall-tours.service.ts'
import { ServiceMapService } from '../../server/services/print/service-map.service.ts'
import { tileBounds } from '../../server/services/tiles/tile-math.ts'
import { openTestDatabase, testDrivers } from '../helpers/databases.ts'
import { toLonLat } from '../helpers/local-frame.ts'
import { buildMergeDistrict, communityA } from '../helpers/merge-district.ts'
import { SqlRecorder, repositoriesDir } from '../helpers/sql-recorder.ts'
import { tileAt } from '../helpers/app.ts'

const repositories = readdirSync(repositoriesDir)
  .filter((file) => file.endsWith('.repository.ts'))
  .map((file) => file.replace('.repository.ts', ''))
  .sort()

/**
 * Exported repository functions this test does not run, and why. Every other exported function must
 * have sent SQL (the last test checks).
 */
const notRun: Record<string, string> = {
  // the demo district is loaded by the test setup, before any test file starts
  'demo.hasAnyRegion': 'demo loader',
  'demo.insertRegions': 'demo loader',
  'demo.insertGridLayer': 'demo loader',
  'demo.countGridPopulation': 'demo loader',
  'demo.insertPopulation': 'demo loader',
  'demo.insertPartyOrgs': 'demo loader',
  'demo.insertUnits': 'demo loader',
  'demo.insertServiceCenters': 'demo loader',
  'demo.startImportRun': 'demo loader',
  'demo.finishImportRun': 'demo loader',
  'demo.findDemoRegionCodes': 'region import with replaceDemo',
  'demo.deleteDemoDistrict': 'region import with replaceDemo',
  // these run inside an embedded engine's worker thread (PGlite only), out of this test's reach
  'merge-engine.prepareEngine': 'engine thread',
  'merge-engine.loadRunInputs': 'engine thread',
  'merge-engine.loadStepInputs': 'engine thread',
  'merge-engine.readStepResults': 'engine thread',
  'merge-engine.storeStepResults': 'stores what an engine thread computed',
  'merge-engine.loadTilingInputs': 'engine thread',
  // builders whose SQL is part of their callers' statements
  'layers.selectLayerRows': 'part of findFeaturesInBbox and findTileFeatures',
  'layers.envelopeOfBbox': 'part of findFeaturesInBbox',
  'tiles.encodeTileWithPostgis': 'sends postgisTileQuery, recorded as compiled',
  'party.isShouldEstablish':
    'the 应建未建 condition, part of findShouldEstablish, countCoverageCells, findSummary and the units layer',
  'party.regionFilter': 'the scope and street/community condition, part of every party query',
  // register imports with parents or projected coordinates: run by party-imports.test.ts, not yet here
  'party-imports.findStoredOrgCodes': 'register import naming a stored parent organization',
  'party-imports.transformPoints': 'register import with coordinates in another frame',
  // region imports: covered by the grid import's shared statements and its own test file
  'region-imports.findRegionLevels': 'region import',
  'region-imports.findRegionNames': 'region import whose regions lie outside their parents (warnings name them)',
  'region-imports.checkRegionShapes': 'region import',
  'region-imports.upsertRegions': 'region import',
  'imports.checkStagedGeometries': 'region import',
  'imports.findActiveGridCodes': 'grid import of a file without codes (imports.test.ts)',
  'imports.measureStagedAreas': 'features of more than ~4,000 vertices only (import-statements.test.ts)',
  'import-engine.readStagedCopy': 'engine thread (import-off-thread.test.ts)',
  'import-engine.replaceEngineRegions': 'engine thread (import-off-thread.test.ts)',
  'import-engine.findRegionFamilies': 'region import holding a huge region (import-off-thread.test.ts)',
  'import-engine.writeStagedParts':
    'sends its SQL for insertStagedCopy, recorded under it; region import holding a huge region',
  'import-engine.deleteStagedParts':
    'sends its SQL for insertStagedCopy, recorded under it; region import holding a huge region',
  'region-imports.readRegionShapes': 'engine thread (region import holding a huge region, import-off-thread.test.ts)',
  'merge-engine.rowsAsJson': 'sends its SQL for readRunInputs and import-engine.findRegionsAround, recorded under them',
  'merge-engine.insertJsonRows': 'engine thread',
}

/** A GeoJSON layer of one 100 m square grid in community A. */
function oneGrid(): Uint8Array {
  const ring = [toLonLat(0, 0), toLonLat(100, 0), toLonLat(100, 100), toLonLat(0, 100), toLonLat(0, 0)]
  return new TextEncoder().encode(
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: `${communityA}901`, name: '快照网格', households: 300 },
          geometry: { type: 'Polygon', coordinates: [ring] },
        },
      ],
    }),
  )
}

describe.each(testDrivers())('the SQL each repository sends, on %s', (driver) => {
  let database: Database
  const recorder = new SqlRecorder()

  beforeAll(async () => {
    database = await openTestDatabase(driver, 'empty')
    await buildMergeDistrict(database.db)
    const db: Kysely<Tables> = database.db.withPlugin(recorder)

    // data changes: each publish and import below is logged with its layers and regions
    const events = new EventService(db)
    const merges = new MergeService(db, { driver, events })
    const first = await merges.createRun({ batchSize: 1, snapToleranceM: 0.2 })
    expect((await merges.executeRun(first)).status).toBe('succeeded')
    await merges.publishRun(first)
    // the printed service maps of the published run: one grid, and its community
    const printed = await database.db
      .selectFrom('unified_grids')
      .select('code')
      .where('merge_run_id', '=', first)
      .where('community_code', '=', communityA)
      .orderBy('code')
      .executeTakeFirstOrThrow()
    const maps = new ServiceMapService(db)
    await maps.gridPdf(printed.code, null, {})
    await maps.communityPdf(communityA, '410199001', {})
    // a unified grid as a place, its organizations and units, the merge issues touching it
    const gridPlace = await findUnifiedGridPlace(db, printed.code, '410199001')
    expect(gridPlace?.code).toBe(printed.code)
    await findGridIssues(db, first, gridPlace!.id)
    await findPlaceOrgs(db, { prefix: communityA, status: 'weak', grid: printed.code, limit: 10 })
    await findPlaceUnits(db, { prefix: communityA.slice(0, 9), coverage: 'org', limit: 10 })
    await readPlaceCoverageVersion(db)
    const second = await merges.createRun({ strategy: 'household_balanced' })
    expect((await merges.executeRun(second)).status).toBe('succeeded')
    // households from a grid layer's 户数 (findPieceHouseholds), then back to none
    await sql`UPDATE grids SET households = 500 FROM grid_layers l WHERE l.id = grids.layer_id AND l.department = 'governance'`.execute(
      database.db,
    )
    const fromLayer = await merges.createRun({ strategy: 'household_balanced' })
    expect((await merges.executeRun(fromLayer)).householdSource).toBe('grid_layers')
    await sql`UPDATE grids SET households = NULL`.execute(database.db)
    await merges.listIssues(second, { kind: 'gap', department: 'party', region: communityA, limit: 10, offset: 0 })
    await merges.diffRuns(first, second)
    // as a street official: every read filtered by the street's region-code prefix
    const street = { regionPrefix: communityA.slice(0, 9) }
    await merges.listIssues(second, { limit: 10, offset: 0 }, street)
    await merges.diffRuns(first, second, street)
    expect(await failInterruptedRuns(db)).toBe(0)
    expect(await failInterruptedImports(db)).toBe(0)
    await deleteRunResults(db, 999_999)
    const run = await merges.getRun(first)
    await readRunInputs(db, run.layerIds)
    await readStepInputs(db, { communities: [communityA], layerIds: run.layerIds, previousRunId: first })
    await readTilingInputs(db, first, [communityA])
    await findRunTiling(db, first, defaultSliverRule, { srid: await findMetricSrid(db), communities: [communityA] })

    const regions = new RegionService(db)
    await regions.listRegions({ parent: '410199001000' })
    await regions.describeRegion(communityA)
    await regions.listRegions({}, street)
    await regions.describeRegion(communityA, street)
    await regions.describeGrids(communityA, undefined)
    await findHouseholdNorms(db, [communityA])
    await findDepartmentMatches(db, communityA.slice(0, 9))
    await new SummaryService(db).getSummary()
    await new SummaryService(db).getSummary(street)

    const imports = new ImportService(db, events)
    const imported = await imports.importGridLayer({
      file: { name: 'grids.geojson', data: oneGrid() },
      department: 'health',
      dryRun: false,
    })
    expect(imported.layer).not.toBeNull()
    expect((await imports.getImport(imported.id)).status).toBe('succeeded')
    expect((await events.dataVersions()).layers['grids-health']).toBeGreaterThan(0)
    // the same grid staged and checked on an engine thread (as a huge one is on PGlite): what the app's
    // connection sends for it
    const offThread = await new ImportService(db, events, { offThreadFrom: 1 }).importGridLayer({
      file: { name: 'grids.geojson', data: oneGrid() },
      department: 'health',
      dryRun: false,
    })
    expect(offThread.layer!.version).toBe(imported.layer!.version + 1)
    // another process's change, heard (NOTIFY) and after a lost listener (the catch-up): read from the log
    await events.heard(999_999)
    await events.catchUp()

    const tours = new WallTourService(db, async () => ['grids-health'])
    const step = { region: communityA, layers: ['grids-health'], panel: 'orgs' as const, dwellSeconds: 30 }
    const tour = await tours.create({ name: '快照巡游', steps: [step] }, null)
    await tours.update(tour.id, { name: '快照巡游', steps: [step, { ...step, region: null }] })
    expect(await tours.list()).toHaveLength(1)
    await tours.remove(tour.id)

    const auth = new AuthService(db, { sessionHours: 1, adminUsername: 'admin', adminPassword: 'snapshot-password' })
    await auth.ensureInitialAdmin()
    const session = await auth.login('admin', 'snapshot-password')
    expect(session).toBeDefined()
    await auth.principalOfSession(session!.token)
    await auth.changeOwnPassword(
      session!.principal,
      session!.token,
      'snapshot-password',
      'snapshot-password-2',
      undefined,
    )
    const user = await auth.createUser(
      { username: 'street', role: 'street', regionCode: '410199001000', password: 'street-password' },
      undefined,
    )
    await auth.updateUser(session!.principal, user.id, { isActive: false }, undefined)
    await auth.listUsers()
    const wall = await auth.createWallToken(session!.principal, '大屏', null, undefined)
    await auth.principalOfWallToken(wall.token)
    await auth.listWallTokens()
    await auth.revokeWallToken(wall.id, undefined)
    await auth.logout(session!.token)
    const audit = new AuditService(db)
    await audit.record({ actor: 'snapshot', action: 'export', entity: 'party-findings', status: 200 })
    await audit.counts()
    await audit.list({ limit: 10, offset: 0 })

    const party = new PartyService(db)
    await party.getCoverage({})
    for (const rule of [
      'should_establish',
      'joint_proposals',
      'tier_mismatch',
      'weak_share',
      'hollow_suspects',
      'new_economy',
    ] as const)
      await party.getFindings(
        { rule, limit: 10, offset: 0, maxDistanceM: 500, inactiveMonths: 12 },
        { regionPrefix: '410199001' },
      )
    await party.listJointCommittees()
    await party.importRegister({
      kind: 'units',
      file: {
        name: 'units.csv',
        data: new TextEncoder().encode(
          '单位编码,单位名称,单位类别,正式党员数,区划代码\nU1,快照单位,非公企业,3,' + communityA + '\n',
        ),
      },
    })

    const [orgLon, orgLat] = toLonLat(50, 50)
    const orgs = `组织编码,组织名称,组织类别,所属领域,党员数,区划代码,经度,纬度\nO1,快照党支部,党支部,非公企业,5,${communityA},${orgLon},${orgLat}\n`
    await party.importRegister({ kind: 'party_orgs', file: { name: 'orgs.csv', data: new TextEncoder().encode(orgs) } })
    // a star-history file for a stored organization (its region looked up), its ratings upserted
    await party.importRegister({
      kind: 'party_orgs',
      file: { name: 'stars.csv', data: new TextEncoder().encode('组织编码,年度,星级\nO1,2024,4\n') },
    })
    await party.getOrgProfile('O1', { regionPrefix: communityA })
    await party.getUnitProfile('U1', { regionPrefix: communityA })
    const [lon, lat] = toLonLat(50, 50)
    const networkId = await siting.insertRoadNetwork(db, { name: '快照路网', source: 'test' }, [
      { class: 'residential', name: null, coordinates: [toLonLat(0, 0), toLonLat(400, 0)] },
    ])
    await siting.findActiveNetwork(db)
    await siting.findRoadEdges(db, networkId)
    await siting.findRegion(db, communityA)
    await siting.findSubregions(db, communityA.slice(0, 9))
    await siting.findDemand(db, communityA)
    await siting.findDataVersion(db, 'population_points')
    await siting.findCoverageInputVersion(db)
    await siting.findUnifiedGridPoints(db, communityA)
    await siting.findUnifiedGridCentroids(db, communityA)
    await siting.findDemandNear(db, lon, lat, 500)
    await siting.findDemandNear(db, lon, lat, 500, street)
    await siting.findRegion(db, communityA, street)
    await siting.findCentres(db)
    await siting.findCentresNear(db, lon, lat, 500)
    await siting.findCentre(db, 1)
    await siting.findCentre(db, 1, street)
    await siting.replaceCatchments(db, 'radius', [])
    await siting.findCatchmentAreas(db, 1)
    const scenario = await siting.insertScenario(db, {
      name: '快照方案',
      regionCode: communityA,
      solver: 'greedy',
      objective: 'max_covering',
      method: 'radius',
      params: {},
      candidates: [],
      chosen: [],
      coveredBefore: 0,
      coveredAfter: 0,
      totalResidents: 0,
      optimalityGap: null,
      runtimeMs: 0,
      result: {},
    })
    await siting.findScenario(db, scenario)
    await siting.findScenario(db, scenario, street)
    await siting.listScenarios(db, { regionPrefix: communityA.slice(0, 6) })
    // centres and population points in (siting-imports.test.ts runs the whole import)
    await sitingImports.findRegionCodes(db, [communityA])
    await sitingImports.findRegionsAt(db, [[lon, lat]], ['community'])
    const centreCodes = await sitingImports.findCentreCodes(db)
    await db.transaction().execute(async (trx) => {
      await sitingImports.upsertCentres(trx, [
        {
          code: 'SNAP-1',
          name: '快照中心',
          level: 'community',
          status: 'new',
          floorAreaM2: 300,
          radiusM: null,
          regionCode: communityA,
          lon,
          lat,
        },
      ])
      await sitingImports.deleteCentresExcept(trx, [...centreCodes, 'SNAP-1'])
      const { rows } = await sql<{ residents: number; households: number; region: string; lon: number; lat: number }>`
        SELECT residents, households, region_code AS region, ST_X(location) AS lon, ST_Y(location) AS lat FROM population_points`.execute(
        trx,
      )
      await sitingImports.replacePopulation(
        trx,
        rows.map((r) => ({ ...r, regionCode: r.region })),
      )
    })

    const layers = new LayerService(db)
    const catalog = await layers.list()
    const unified = catalog.find((layer) => layer.id === 'unified-grids')!
    const [west, south] = toLonLat(0, 0)
    const [east, north] = toLonLat(400, 200)
    await layers.features('unified-grids', `${west},${south},${east},${north}`, 10)
    await layers.tileJson('unified-grids', 'http://localhost')
    for (const id of ['party-orgs', 'units', 'party-links', 'joint-committees'])
      await layers.features(id, `${west},${south},${east},${north}`, 10)
    const official = {
      kind: 'user',
      id: 1,
      role: 'street',
      scope: { regionCode: `${street.regionPrefix}000` },
    } as const
    await layers.features('unified-grids', `${west},${south},${east},${north}`, 10, official)
    await layers.tileJson('unified-grids', 'http://localhost', street)
    const search = new SearchService(db)
    await search.search({ q: '社区' }, null)
    await search.search({ q: 'sq' }, communityA.slice(0, 9))
    const { z, x, y } = tileAt(west, south, 14)
    await findTileFeatures(db, unified.source, tileBounds(z, x, y))
    await findTileFeatures(db, unified.source, tileBounds(z, x, y), street)
    for (const scope of [{}, street])
      recorder.record(
        'tiles',
        'postgisTileQuery',
        postgisTileQuery(unified.source, 'unified', tileBounds(z, x, y), scope).compile(db).sql,
      )
  })
  afterAll(async () => database?.close())

  it.each(repositories)('writes the SQL of %s.repository to tests/sql', async (repository) => {
    await expect(recorder.render(repository)).toMatchFileSnapshot(`../sql/${repository}.sql`)
  })

  it('has run every exported repository function but those it names', () => {
    const missing = repositories.flatMap((repository) => {
      const source = readFileSync(path.join(repositoriesDir, `${repository}.repository.ts`), 'utf8')
      const exported = [...source.matchAll(/^export (?:async )?function (\w+)/gm)].map((m) => m[1])
      const sent = recorder.statements.get(repository) ?? new Map()
      return exported
        .filter((fn) => !sent.has(fn) && !(`${repository}.${fn}` in notRun))
        .map((fn) => `${repository}.${fn}`)
    })
    expect(missing).toEqual([])
  })
})
