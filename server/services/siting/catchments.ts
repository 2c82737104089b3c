// Stored catchments: each centre's profile (its radius and where it comes from, capacity, stored
// areas), and rebuilding every centre's radius circle or 5/10/15-minute walking areas.
import * as repo from '../../db/repositories/siting.repository.ts'
import { NotFoundError } from '../../errors.ts'
import {
  type CatchmentMethod,
  HOUSEHOLDS_PER_M2,
  type SitingData,
  type SitingScope,
  frameFor,
  project,
} from './siting-data.ts'
import { computeServiceAreas } from './walking-areas.ts'
import { snapPoints } from './walking-graph.ts'

export class Catchments {
  constructor(private readonly data: SitingData) {}

  async centreProfile(id: number, scope: SitingScope = {}) {
    const centre = await repo.findCentre(this.data.db, id, scope)
    if (!centre) throw new NotFoundError({ 'zh-CN': `服务中心 ${id} 不存在`, en: `Service center ${id} not found` })
    const { radiusM, source } = this.data.radiusOf(centre)
    const catchments = await repo.findCatchmentAreas(this.data.db, id)
    return {
      ...centre,
      radiusM,
      radiusSource: source,
      capacityHouseholds: centre.floorAreaM2 === null ? null : Math.floor(centre.floorAreaM2 * HOUSEHOLDS_PER_M2),
      catchments,
    }
  }

  /** Rebuilds the stored catchments of one method for every centre, and says so on the event bus. */
  async rebuildCatchments(method: CatchmentMethod) {
    const events = this.data.events
    events?.progress({ type: 'siting-progress', task: 'catchments', stage: 'started', region: null })
    try {
      const result = await this.storeCatchments(method)
      events?.progress({ type: 'siting-progress', task: 'catchments', stage: 'stored', region: null })
      await events?.recordChange({
        kind: 'catchments',
        layers: ['catchments', 'uncovered-cells', 'uncovered-residents'],
        regions: [],
        details: { method, catchments: result.catchments },
      })
      return result
    } catch (error) {
      events?.progress({ type: 'siting-progress', task: 'catchments', stage: 'failed', region: null })
      throw error
    }
  }

  private async storeCatchments(method: CatchmentMethod) {
    const started = performance.now()
    const centres = await repo.findCentres(this.data.db)
    if (method === 'radius') {
      await this.data.db.transaction().execute((trx) =>
        repo.replaceCatchments(
          trx,
          'radius',
          centres.map((c) => ({
            centerId: c.id,
            method: 'radius',
            minutes: null,
            radiusM: this.data.radiusOf(c).radiusM,
            networkId: null,
            lon: c.lon,
            lat: c.lat,
          })),
        ),
      )
      return { method, catchments: centres.length, unsnapped: [], ms: Math.round(performance.now() - started) }
    }
    const frame = frameFor(
      centres.map((c) => c.lon),
      centres.map((c) => c.lat),
    )
    const { networkId, graph } = await this.data.walkingGraph(frame)
    const c = project(
      frame,
      centres.map((x) => x.lon),
      centres.map((x) => x.lat),
    )
    const snapped = snapPoints(graph, c.x, c.y, this.data.settings.snapDistanceM)
    const areas = computeServiceAreas(graph, snapped, {
      speed: this.data.settings.walkingSpeed,
      bandsMinutes: [5, 10, 15],
    })
    const computedMs = performance.now() - started
    const rows: repo.CatchmentInput[] = []
    for (const area of areas.areas)
      for (const band of area.bands) {
        const s = band.segments
        const parts: string[] = []
        for (let k = 0; k < s.length; k += 4)
          parts.push(`(${frame.lon(s[k])} ${frame.lat(s[k + 1])}, ${frame.lon(s[k + 2])} ${frame.lat(s[k + 3])})`)
        if (parts.length === 0) continue
        rows.push({
          centerId: centres[area.source].id,
          method: 'network',
          minutes: band.minutes,
          radiusM: null,
          networkId,
          wkt: `MULTILINESTRING(${parts.join(', ')})`,
        })
      }
    await this.data.db
      .transaction()
      .execute((trx) => repo.replaceCatchments(trx, 'network', rows, Math.min(this.data.settings.snapDistanceM, 50)))
    return {
      method,
      catchments: rows.length,
      unsnapped: areas.unsnapped.map((i) => centres[i].code),
      computeMs: Math.round(computedMs),
      ms: Math.round(performance.now() - started),
    }
  }
}
