// The siting capability over the database (app.services.siting): coverage of a region by radius or
// walking network, stored catchments, siting scenarios (maximal and set covering, greedy and exact)
// and the hypothetical-centre gain. Reads through the siting repository, computes with the pure core
// in this folder, in a local metric frame (metres east/north of the region's points: within 0.2 % of
// true distance over a district). The parts live beside it: siting-data.ts (what they share),
// coverage.ts, catchments.ts, what-if.ts and scenarios.ts.
import type { Kysely } from 'kysely'
import type { Tables } from '../../db/tables.ts'
import type { ChangeRecorder } from '../events/events.service.ts'
import type { ScenarioRequest } from '../../schemas/siting.schema.ts'
import { Catchments } from './catchments.ts'
import { CoverageReader, uncoveredCells } from './coverage.ts'
import { ExactRunner } from './exact-runner.ts'
import { Scenarios } from './scenarios.ts'
import { type CatchmentMethod, SitingData, type SitingScope, type SitingSettings } from './siting-data.ts'
import { WhatIf } from './what-if.ts'
import { findActiveNetwork, findRegion, insertRoadNetwork } from '../../db/repositories/siting.repository.ts'
import { readRoadFile } from './road-import.ts'
import { type SitingInputKind, importSitingInputs } from './siting-inputs-import.ts'
import type { ParseLimits } from '../imports/parse-limits.ts'

export type { CentreLoad, Coverage, CoverageFigures, UncoveredCells } from './coverage.ts'
export type { ProposedSite } from './scenarios.ts'
export { LocalFrame } from './siting-data.ts'
export type { CatchmentMethod, SitingScope, SitingSettings } from './siting-data.ts'

export class SitingService {
  private readonly data: SitingData
  private readonly coverageReader: CoverageReader
  private readonly catchments: Catchments
  private readonly whatIfs: WhatIf
  private readonly scenarios: Scenarios
  /** the exact solver's threads, kept warm between solves and stopped by `close` */
  readonly exactRunner = new ExactRunner()

  constructor(db: Kysely<Tables>, settings: SitingSettings, events?: ChangeRecorder) {
    this.data = new SitingData(db, settings, events)
    this.coverageReader = new CoverageReader(this.data)
    this.catchments = new Catchments(this.data)
    this.whatIfs = new WhatIf(this.data)
    this.scenarios = new Scenarios(this.data, this.exactRunner)
  }

  /** Stops the exact solver's threads (the app's close). */
  close(): Promise<void> {
    return this.exactRunner.close()
  }

  /** A centre's radius and where it comes from (its own override, or the level default). */
  radiusOf(centre: Parameters<SitingData['radiusOf']>[0]) {
    return this.data.radiusOf(centre)
  }

  centreProfile(id: number, scope: SitingScope = {}) {
    return this.catchments.centreProfile(id, scope)
  }

  coverage(query: { region?: string; method?: CatchmentMethod; minutes?: number }, scope: SitingScope = {}) {
    return this.coverageReader.coverage(query, scope)
  }

  /** The residents no centre covers (by radius), in cells of `cellM` metres, most residents first. */
  uncoveredCells(query: { region?: string; cellM: number; limit: number }, scope: SitingScope = {}) {
    return uncoveredCells(this.data, query, scope)
  }

  rebuildCatchments(method: CatchmentMethod) {
    return this.catchments.rebuildCatchments(method)
  }

  whatIf(input: { lon: number; lat: number; radiusM?: number }, scope: SitingScope = {}) {
    return this.whatIfs.whatIf(input, scope)
  }

  createScenario(input: ScenarioRequest, scope: SitingScope = {}) {
    return this.scenarios.createScenario(input, scope)
  }

  scenario(id: number, scope: SitingScope = {}) {
    return this.scenarios.scenario(id, scope)
  }

  /**
   * A road and path network from a file (road-import.ts), stored as the active network unless a dry
   * run; the previous network stays, inactive. Refused whole, nothing stored, on any bad line. The
   * stored walking service areas were computed on the previous network: they are rebuilt on the new
   * one at once (coverage by network reads the active network itself, by data version).
   */
  async importRoadNetwork(input: {
    file: { name: string; data: Uint8Array }
    dryRun: boolean
    name?: string
    crs?: string
    limits?: ParseLimits
  }) {
    const reading = await readRoadFile(this.data.db, input.file, { crs: input.crs, limits: input.limits })
    const networkId = input.dryRun
      ? null
      : await this.data.db
          .transaction()
          .execute((trx) =>
            insertRoadNetwork(trx, { name: input.name || input.file.name, source: input.file.name }, reading.roads),
          )
    const rebuilt = networkId === null ? null : await this.catchments.rebuildCatchments('network')
    return {
      networkId,
      dryRun: input.dryRun,
      format: reading.format,
      sourceCrs: reading.sourceCrs,
      lines: reading.roads.length,
      lengthKm: reading.lengthKm,
      closedToWalkers: reading.closedToWalkers,
      notWalkable: reading.notWalkable,
      serviceAreas: rebuilt && { rebuilt: rebuilt.catchments, unsnappedCentres: rebuilt.unsnapped },
    }
  }

  /**
   * 党群服务中心 or population points from a file (siting-inputs-import.ts): checked whole, then
   * stored unless a dry run. After centres, their stored catchments are rebuilt (radius, and walking
   * areas when a road network is active), so the map and the figures follow.
   */
  async importInputs(request: {
    kind: SitingInputKind
    file: { name: string; data: Uint8Array }
    crs?: string
    dryRun?: boolean
    replace?: boolean
  }) {
    const result = await importSitingInputs(this.data.db, request, async () => {
      let rebuilt = (await this.rebuildCatchments('radius')).catchments
      if (await findActiveNetwork(this.data.db)) rebuilt += (await this.rebuildCatchments('network')).catchments
      return rebuilt
    })
    if (!result.dryRun)
      await this.data.events?.recordChange({
        kind: 'import',
        layers:
          request.kind === 'service_centers'
            ? ['service-centers', 'catchments', 'uncovered-cells', 'uncovered-residents']
            : ['population', 'uncovered-cells', 'uncovered-residents'],
        regions: [],
        details: { importId: result.id, kind: request.kind, stored: result.counts.stored },
      })
    return result
  }

  /** A region's name by its code (for the documents a person reads: the printable summary), if it is stored. */
  async regionName(code: string | null): Promise<string | undefined> {
    return code ? (await findRegion(this.data.db, code))?.name : undefined
  }

  compareScenarios(ids: number[], scope: SitingScope = {}) {
    return this.scenarios.compareScenarios(ids, scope)
  }

  listScenarios(region?: string, scope: SitingScope = {}) {
    return this.scenarios.listScenarios(region, scope)
  }
}
