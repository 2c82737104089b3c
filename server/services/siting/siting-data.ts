// What every part of the siting capability shares: settings, the caller's scope, the local metric
// frame, and SitingData — the region within a scope, the population points (kept in memory while
// their version stands), the walking graph of the active road network, each centre's radius, and how
// many centres cover each point.
import type { Kysely } from 'kysely'
import type { ServiceRadii } from '../../config.ts'
import * as repo from '../../db/repositories/siting.repository.ts'
import { type RegionScope, regionCodePrefix } from '../../db/scope.ts'
import type { ChangeRecorder } from '../events/events.service.ts'
import type { Tables } from '../../db/tables.ts'
import { LocalizedInputError, NotFoundError } from '../../errors.ts'
import { isRegionCode } from '../../db/region-codes.ts'
import { PointGrid } from './point-grid.ts'
import { metresInMinutes, validateSpeed } from './walkability.ts'
import { assignNearestCentres, findCatchmentPairs } from './walking-areas.ts'
import { type WalkingGraph, buildWalkingGraph, snapPoints } from './walking-graph.ts'

export interface SitingSettings {
  serviceRadii: ServiceRadii
  walkingSpeed: number
  snapDistanceM: number
}

export type CatchmentMethod = 'radius' | 'network'

/** What the caller may see: a region-code prefix (a street official's street), or everything. */
export type SitingScope = RegionScope

const EARTH_RADIUS = 6_371_008.8
const RAD = Math.PI / 180
/** households one m² of floor area serves: 30 m² per 100 households (DOMAIN.md) */
export const HOUSEHOLDS_PER_M2 = 100 / 30

/** An equirectangular frame around (lon0, lat0): metres, accurate to ~0.2 % within 20 km. */
export class LocalFrame {
  private readonly kx: number
  private readonly ky = EARTH_RADIUS * RAD
  constructor(
    readonly lon0: number,
    readonly lat0: number,
  ) {
    this.kx = EARTH_RADIUS * RAD * Math.cos(lat0 * RAD)
  }
  x(lon: number): number {
    return (lon - this.lon0) * this.kx
  }
  y(lat: number): number {
    return (lat - this.lat0) * this.ky
  }
  lon(x: number): number {
    return this.lon0 + x / this.kx
  }
  lat(y: number): number {
    return this.lat0 + y / this.ky
  }
}
export interface Demand {
  frame: LocalFrame
  x: Float64Array
  y: Float64Array
  rows: repo.DemandRows
}

export function frameFor(lon: ArrayLike<number>, lat: ArrayLike<number>): LocalFrame {
  if (lon.length === 0) return new LocalFrame(0, 0)
  let minLon = Infinity
  let maxLon = -Infinity
  let minLat = Infinity
  let maxLat = -Infinity
  for (let i = 0; i < lon.length; i++) {
    minLon = Math.min(minLon, lon[i])
    maxLon = Math.max(maxLon, lon[i])
    minLat = Math.min(minLat, lat[i])
    maxLat = Math.max(maxLat, lat[i])
  }
  return new LocalFrame((minLon + maxLon) / 2, (minLat + maxLat) / 2)
}

export function project(frame: LocalFrame, lon: ArrayLike<number>, lat: ArrayLike<number>) {
  const x = new Float64Array(lon.length)
  const y = new Float64Array(lon.length)
  for (let i = 0; i < lon.length; i++) {
    x[i] = frame.x(lon[i])
    y[i] = frame.y(lat[i])
  }
  return { x, y }
}
/** The rows of `all` whose region code starts with `prefix` (every row for the empty prefix). */
function demandOf(all: repo.DemandRows, prefix: string): repo.DemandRows {
  if (prefix === '') return all
  const picked: number[] = []
  for (let i = 0; i < all.regionCode.length; i++) if (all.regionCode[i].startsWith(prefix)) picked.push(i)
  const column = (from: Float64Array) => Float64Array.from(picked, (i) => from[i])
  return {
    id: column(all.id),
    lon: column(all.lon),
    lat: column(all.lat),
    residents: column(all.residents),
    households: column(all.households),
    regionCode: picked.map((i) => all.regionCode[i]),
  }
}

export interface CoverageInputs {
  demand: Demand
  centres: repo.CentreRow[]
  subregions: repo.SitingRegion[]
  gridPoints: { pointId: number; code: string }[]
  times: Uint16Array
  nearest: Int32Array
  unsnapped: number[]
}

export class SitingData {
  private graphCache: { networkId: number; lines: repo.RoadEdgeRow[] } | undefined
  /**
   * Every population point, as columns, with the table's version when read (data_versions,
   * migration 0070): reading them costs seconds on PGlite, checking the version a millisecond, so a
   * coverage reads them again only after they have changed.
   */
  private demandCache: { version: number; rows: repo.DemandRows } | undefined
  /**
   * Per region and catchment method, what a coverage needs besides the summing: the points, centres,
   * subregions, unified-grid membership and each point's covering-centre count and nearest centre.
   * Kept while the versions of every table they come from stand (findCoverageInputVersion), so a
   * repeated coverage only sums; a change anywhere empties the cache.
   */
  private coverageCache: { version: string; entries: Map<string, Promise<CoverageInputs>> } | undefined

  constructor(
    readonly db: Kysely<Tables>,
    readonly settings: SitingSettings,
    /** told of stored catchments and scenarios, and of a run's stages */
    readonly events?: ChangeRecorder,
  ) {}

  /** A centre's radius and where it comes from (its own override, or the level default). */
  radiusOf(centre: Pick<repo.CentreRow, 'radiusM' | 'level' | 'isUrban'>): { radiusM: number; source: string } {
    if (centre.radiusM !== null && centre.radiusM > 0) return { radiusM: centre.radiusM, source: 'center' }
    const r = this.settings.serviceRadii
    switch (centre.level) {
      case 'community':
        return centre.isUrban
          ? { radiusM: r.communityUrban, source: 'level:community' }
          : { radiusM: r.village, source: 'level:village' }
      case 'street':
        return { radiusM: r.street, source: 'level:street' }
      case 'district':
        return { radiusM: r.district, source: 'level:district' }
      default:
        return { radiusM: r.station, source: 'level:station' }
    }
  }

  /**
   * The region asked for, within the caller's scope: a region containing the scope answers for the
   * scope's own region (a street official asking for the district gets their street), as does naming
   * none; a region beside it is not found (404, the answer for a code that does not exist to them).
   */
  async region(code: string | undefined, scope: SitingScope = {}) {
    // a scoped caller who names no region gets their own
    code ??= scope.regionPrefix?.padEnd(12, '0')
    if (!code || !isRegionCode(code))
      throw new LocalizedInputError(
        { 'zh-CN': `区划编码必须是 12 位数字（字段 region）`, en: `Region must be a 12-digit code (field region)` },
        [{ field: 'region' }],
      )
    const region = await repo.findRegion(this.db, code)
    if (!region)
      throw new LocalizedInputError(
        { 'zh-CN': `区划 ${code} 不存在（字段 region）`, en: `Unknown region ${code} (field region)` },
        [{ field: 'region' }],
      )
    const prefix = regionCodePrefix(code, region.level)
    const held = scope.regionPrefix
    if (!held || prefix.startsWith(held)) return { region, prefix }
    if (!held.startsWith(prefix))
      throw new NotFoundError({ 'zh-CN': `区划 ${code} 不在可查看范围内`, en: `Region ${code} is outside your scope` })
    const own = await repo.findRegion(this.db, held.padEnd(12, '0'))
    if (!own)
      throw new NotFoundError({ 'zh-CN': `区划 ${code} 不在可查看范围内`, en: `Region ${code} is outside your scope` })
    return { region: own, prefix: held }
  }

  async demand(prefix: string): Promise<Demand> {
    // the version is read before the rows: rows newer than their version are read again next time
    const version = await repo.findDataVersion(this.db, 'population_points')
    if (this.demandCache?.version !== version) this.demandCache = { version, rows: await repo.findDemand(this.db, '') }
    const rows = demandOf(this.demandCache.rows, prefix)
    const frame = frameFor(rows.lon, rows.lat)
    return { frame, ...project(frame, rows.lon, rows.lat), rows }
  }

  private async graph(): Promise<{ networkId: number; lines: repo.RoadEdgeRow[] } | undefined> {
    const network = await repo.findActiveNetwork(this.db)
    if (!network) return undefined
    if (this.graphCache?.networkId !== network.id)
      this.graphCache = { networkId: network.id, lines: await repo.findRoadEdges(this.db, network.id) }
    return this.graphCache
  }

  async walkingGraph(frame: LocalFrame): Promise<{ networkId: number; graph: WalkingGraph }> {
    const network = await this.graph()
    if (!network)
      throw new LocalizedInputError(
        { 'zh-CN': '没有路网：请先导入路网（字段 method）', en: 'No road network is loaded (field method)' },
        [{ field: 'method' }],
      )
    const lines = network.lines.map((line) => ({
      coordinates: line.coordinates.map(([lon, lat]) => [frame.x(lon), frame.y(lat)]),
      properties:
        line.class === 'river'
          ? { waterway: 'river' }
          : line.class === 'railway'
            ? { railway: 'rail' }
            : { highway: line.class },
    }))
    return { networkId: network.networkId, graph: buildWalkingGraph(lines) }
  }

  validateMinutes(minutes: number) {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60)
      throw new LocalizedInputError(
        { 'zh-CN': '步行时间必须是 1 到 60 分钟的整数（字段 minutes）', en: 'Minutes must be 1–60 (field minutes)' },
        [{ field: 'minutes' }],
      )
  }

  /** What a coverage of the prefix by the method needs (see `coverageCache`), read once per data version. */
  async coverageInputs(prefix: string, method: CatchmentMethod, minutes: number): Promise<CoverageInputs> {
    // the version is read before the rows: inputs newer than their version are read again next time
    const version = await repo.findCoverageInputVersion(this.db)
    if (this.coverageCache?.version !== version) this.coverageCache = { version, entries: new Map() }
    const { entries } = this.coverageCache
    const key = method === 'radius' ? `${prefix}|radius` : `${prefix}|network|${minutes}`
    let entry = entries.get(key)
    if (!entry) {
      entry = this.readCoverageInputs(prefix, method, minutes)
      // a handful of regions and methods are asked for again and again; keep the latest 64
      if (entries.size >= 64) entries.delete(entries.keys().next().value!)
      entries.set(key, entry)
      // a failed read (no network, bad minutes) is not kept
      entry.catch(() => {
        if (entries.get(key) === entry) entries.delete(key)
      })
    }
    return entry
  }

  private async readCoverageInputs(prefix: string, method: CatchmentMethod, minutes: number): Promise<CoverageInputs> {
    const [demand, centres, subregions, gridPoints] = await Promise.all([
      this.demand(prefix),
      repo.findCentres(this.db),
      repo.findSubregions(this.db, prefix),
      repo.findUnifiedGridPoints(this.db, prefix),
    ])
    const counts = await this.coverCounts(demand, centres, method, minutes, this.settings.walkingSpeed)
    return { demand, centres, subregions, gridPoints, ...counts }
  }

  /** How many centres cover each demand point, and each point's nearest centre. */
  async coverCounts(
    demand: Demand,
    centres: repo.CentreRow[],
    method: CatchmentMethod,
    minutes: number,
    speed: number,
  ): Promise<{ times: Uint16Array; nearest: Int32Array; unsnapped: number[] }> {
    const n = demand.x.length
    const times = new Uint16Array(n)
    const nearest = new Int32Array(n).fill(-1)
    const c = project(
      demand.frame,
      centres.map((x) => x.lon),
      centres.map((x) => x.lat),
    )
    if (method === 'radius') {
      const grid = new PointGrid(demand.x, demand.y, 500)
      centres.forEach((centre, j) => {
        grid.forEachWithin(c.x[j], c.y[j], this.radiusOf(centre).radiusM, (i) => {
          times[i] += 1
        })
      })
      for (let i = 0; i < n; i++) {
        let best = Infinity
        for (let j = 0; j < centres.length; j++) {
          const d = (demand.x[i] - c.x[j]) ** 2 + (demand.y[i] - c.y[j]) ** 2
          if (d < best) {
            best = d
            nearest[i] = j
          }
        }
      }
      return { times, nearest, unsnapped: [] }
    }
    validateSpeed(speed)
    this.validateMinutes(minutes)
    const { graph } = await this.walkingGraph(demand.frame)
    const demandSnap = snapPoints(graph, demand.x, demand.y, this.settings.snapDistanceM)
    const centreSnap = snapPoints(graph, c.x, c.y, this.settings.snapDistanceM)
    const pairs = findCatchmentPairs(graph, centreSnap, demandSnap, metresInMinutes(minutes, speed))
    for (let k = 0; k < pairs.demand.length; k++) times[pairs.demand[k]] += 1
    const assigned = assignNearestCentres(graph, centreSnap, demandSnap)
    nearest.set(assigned.centre)
    return { times, nearest, unsnapped: demandSnap.unsnapped }
  }
}
