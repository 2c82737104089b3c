// The siting capability over the database: coverage of a region by radius or walking network,
// stored catchments, siting scenarios (maximal and set covering, greedy and exact) and the
// hypothetical-centre gain. Reads through the siting repository, computes with the pure core in
// this folder, in a local metric frame (metres east/north of the region's points: within 0.2 % of
// true distance over a district).
import type { ChangeRecorder } from '../events/events.service.ts'
import type { Kysely } from 'kysely'
import type { ServiceRadii } from '../../config.ts'
import * as repo from '../../db/repositories/siting.repository.ts'
import type { Tables } from '../../db/tables.ts'
import type { Scenario, ScenarioRequest } from '../../schemas/siting.schema.ts'
import { InvalidInputError, NotFoundError } from '../../errors.ts'
import { codePrefixLength, isRegionCode } from '../regions/region-codes.ts'
import { PointGrid, buildCoverageSets, coverageSetsFromPairs, reduceCoverage, validateRadius } from './coverage-sets.ts'
import { graceSeconds, maximalCoveringExactWithDeadline, setCoveringExactWithDeadline } from './exact-runner.ts'
import { type SitingSolution, solveMaximalCoveringGreedy, solveSetCoveringGreedy, validateK } from './greedy.ts'
import {
  type WalkingGraph,
  assignNearestCentres,
  buildWalkingGraph,
  computeServiceAreas,
  findCatchmentPairs,
  metresInMinutes,
  snapPoints,
  validateSpeed,
} from './walking-graph.ts'

export interface SitingSettings {
  serviceRadii: ServiceRadii
  walkingSpeed: number
  snapDistanceM: number
}

export type CatchmentMethod = 'radius' | 'network'

const EARTH_RADIUS = 6_371_008.8
const RAD = Math.PI / 180
/** households one m² of floor area serves: 30 m² per 100 households (DOMAIN.md) */
const HOUSEHOLDS_PER_M2 = 100 / 30

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

export interface CoverageFigures {
  code: string
  name: string
  level: string
  residents: number
  covered: number
  uncovered: number
  coveredMoreThanOnce: number
  coveredShare: number
}

export interface CentreLoad {
  id: number
  code: string
  name: string
  level: string
  radiusM: number
  radiusSource: string
  assignedResidents: number
  assignedHouseholds: number
  capacityHouseholds: number | null
  overCapacity: boolean
}

export interface Coverage {
  region: { code: string; name: string; level: string }
  method: CatchmentMethod
  minutes: number | null
  totals: CoverageFigures
  streets: CoverageFigures[]
  communities: CoverageFigures[]
  unifiedGrids: CoverageFigures[]
  centres: CentreLoad[]
  /** network: demand points with no walkable edge within the snap distance (counted uncovered) */
  unsnapped: { points: number; residents: number } | null
  ms: number
}

interface Demand {
  frame: LocalFrame
  x: Float64Array
  y: Float64Array
  rows: repo.DemandRows
}

function frameFor(lon: ArrayLike<number>, lat: ArrayLike<number>): LocalFrame {
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

function project(frame: LocalFrame, lon: ArrayLike<number>, lat: ArrayLike<number>) {
  const x = new Float64Array(lon.length)
  const y = new Float64Array(lon.length)
  for (let i = 0; i < lon.length; i++) {
    x[i] = frame.x(lon[i])
    y[i] = frame.y(lat[i])
  }
  return { x, y }
}

function figures(region: { code: string; name: string; level: string }): CoverageFigures {
  return { ...region, residents: 0, covered: 0, uncovered: 0, coveredMoreThanOnce: 0, coveredShare: 0 }
}

function addTo(f: CoverageFigures, residents: number, times: number) {
  f.residents += residents
  if (times > 0) f.covered += residents
  else f.uncovered += residents
  if (times > 1) f.coveredMoreThanOnce += residents
}

function finish(f: CoverageFigures): CoverageFigures {
  f.coveredShare = f.residents > 0 ? f.covered / f.residents : 0
  return f
}

/** Ray casting over GeoJSON polygon rings (lon/lat): is the point inside (holes excluded)? */
function inPolygon(lon: number, lat: number, rings: number[][][]): boolean {
  let inside = false
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]
      const [xj, yj] = ring[j]
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside
    }
  return inside
}

/** The exclusion mask as polygons of rings, or a 400 naming the field when it is not one. */
function maskPolygons(mask: ScenarioRequest['exclusion']): number[][][][] | undefined {
  if (!mask) return undefined
  const polygons = (mask.type === 'Polygon' ? [mask.coordinates] : mask.coordinates) as unknown[]
  const isPosition = (p: unknown) =>
    Array.isArray(p) && p.length >= 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v))
  const ok = polygons.every(
    (polygon) =>
      Array.isArray(polygon) &&
      polygon.every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.every(isPosition)),
  )
  if (!ok)
    throw new InvalidInputError(
      '排除区不是有效的 Polygon/MultiPolygon 坐标（字段 exclusion）; invalid exclusion mask',
      [{ field: 'exclusion' }],
    )
  return polygons as number[][][][]
}

function inMask(lon: number, lat: number, polygons: number[][][][] | undefined): boolean {
  if (!polygons) return false
  return polygons.some((p) => inPolygon(lon, lat, p))
}

export interface ProposedSite {
  lon: number
  lat: number
  /** residents this site adds, in the order chosen */
  gain: number
  source?: string
}

interface SolverSummary {
  solver: 'greedy' | 'exact'
  status: string
  sites: ProposedSite[]
  newlyCovered: number
  covered: number
  coveredShare: number
  runtimeMs: number
  gap: number | null
  bestBound: number | null
  message: string | null
}

export class SitingService {
  private graphCache: { networkId: number; lines: repo.RoadEdgeRow[] } | undefined

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly settings: SitingSettings,
    /** told of stored catchments and scenarios, and of a run's stages */
    private readonly events?: ChangeRecorder,
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

  async centreProfile(id: number) {
    const centre = await repo.findCentre(this.db, id)
    if (!centre) throw new NotFoundError(`服务中心 ${id} 不存在; service center ${id} not found`)
    const { radiusM, source } = this.radiusOf(centre)
    const catchments = await repo.findCatchmentAreas(this.db, id)
    return {
      ...centre,
      radiusM,
      radiusSource: source,
      capacityHouseholds: centre.floorAreaM2 === null ? null : Math.floor(centre.floorAreaM2 * HOUSEHOLDS_PER_M2),
      catchments,
    }
  }

  private async region(code: string | undefined) {
    if (!code || !isRegionCode(code))
      throw new InvalidInputError(`区划编码必须是 12 位数字（字段 region）; region must be a 12-digit code`, [
        { field: 'region' },
      ])
    const region = await repo.findRegion(this.db, code)
    if (!region)
      throw new InvalidInputError(`区划 ${code} 不存在（字段 region）; unknown region ${code}`, [{ field: 'region' }])
    return { region, prefix: code.slice(0, codePrefixLength[region.level]) }
  }

  private async demand(prefix: string): Promise<Demand> {
    const rows = await repo.findDemand(this.db, prefix)
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

  private async walkingGraph(frame: LocalFrame): Promise<{ networkId: number; graph: WalkingGraph }> {
    const network = await this.graph()
    if (!network)
      throw new InvalidInputError('没有路网：请先导入路网（字段 method）; no road network is loaded', [
        { field: 'method' },
      ])
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

  private validateMinutes(minutes: number) {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60)
      throw new InvalidInputError('步行时间必须是 1 到 60 分钟的整数（字段 minutes）; minutes must be 1–60', [
        { field: 'minutes' },
      ])
  }

  /** How many centres cover each demand point, and each point's nearest centre. */
  private async coverCounts(
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

  async coverage(query: { region?: string; method?: CatchmentMethod; minutes?: number }): Promise<Coverage> {
    const started = performance.now()
    const method = query.method ?? 'radius'
    const minutes = query.minutes ?? 15
    const { region, prefix } = await this.region(query.region)
    const [demand, centres, subregions, gridPoints] = await Promise.all([
      this.demand(prefix),
      repo.findCentres(this.db),
      repo.findSubregions(this.db, prefix),
      repo.findUnifiedGridPoints(this.db, prefix),
    ])
    const { times, nearest, unsnapped } = await this.coverCounts(
      demand,
      centres,
      method,
      minutes,
      this.settings.walkingSpeed,
    )
    const totals = figures(region)
    const byCode = new Map<string, CoverageFigures>()
    for (const r of subregions) if (r.code !== region.code) byCode.set(r.code, figures(r))
    const loads = centres.map((centre) => {
      const { radiusM, source } = this.radiusOf(centre)
      return {
        id: centre.id,
        code: centre.code,
        name: centre.name,
        level: centre.level,
        radiusM,
        radiusSource: source,
        assignedResidents: 0,
        assignedHouseholds: 0,
        capacityHouseholds: centre.floorAreaM2 === null ? null : Math.floor(centre.floorAreaM2 * HOUSEHOLDS_PER_M2),
        overCapacity: false,
      }
    })
    const { rows } = demand
    const indexById = new Map<number, number>()
    for (let i = 0; i < times.length; i++) {
      const residents = rows.residents[i]
      indexById.set(rows.id[i], i)
      addTo(totals, residents, times[i])
      const code = rows.regionCode[i]
      const street = byCode.get(`${code.slice(0, 9)}000`)
      if (street && street.code !== code) addTo(street, residents, times[i])
      const community = byCode.get(code)
      if (community) addTo(community, residents, times[i])
      if (nearest[i] >= 0) {
        loads[nearest[i]].assignedResidents += residents
        loads[nearest[i]].assignedHouseholds += rows.households[i]
      }
    }
    const grids = new Map<string, CoverageFigures>()
    for (const p of gridPoints) {
      const i = indexById.get(p.pointId)
      if (i === undefined) continue
      let f = grids.get(p.code)
      if (!f) grids.set(p.code, (f = figures({ code: p.code, name: p.code, level: 'unified_grid' })))
      addTo(f, rows.residents[i], times[i])
    }
    for (const load of loads)
      load.overCapacity = load.capacityHouseholds !== null && load.assignedHouseholds > load.capacityHouseholds
    const all = [...byCode.values()].map(finish)
    let unsnappedResidents = 0
    for (const i of unsnapped) unsnappedResidents += rows.residents[i]
    return {
      region: { code: region.code, name: region.name, level: region.level },
      method,
      minutes: method === 'network' ? minutes : null,
      totals: finish(totals),
      streets: all.filter((f) => f.level === 'street'),
      communities: all.filter((f) => f.level === 'community'),
      unifiedGrids: [...grids.values()].map(finish).sort((a, b) => a.code.localeCompare(b.code)),
      centres: loads,
      unsnapped: method === 'network' ? { points: unsnapped.length, residents: unsnappedResidents } : null,
      ms: Math.round(performance.now() - started),
    }
  }

  /** Rebuilds the stored catchments of one method for every centre. */
  async rebuildCatchments(method: CatchmentMethod) {
    this.events?.progress({ type: 'siting-progress', task: 'catchments', stage: 'started', region: null })
    try {
      const result = await this.storeCatchments(method)
      this.events?.progress({ type: 'siting-progress', task: 'catchments', stage: 'stored', region: null })
      await this.events?.recordChange({
        kind: 'catchments',
        layers: ['catchments', 'uncovered-cells', 'uncovered-residents'],
        regions: [],
        details: { method, catchments: result.catchments },
      })
      return result
    } catch (error) {
      this.events?.progress({ type: 'siting-progress', task: 'catchments', stage: 'failed', region: null })
      throw error
    }
  }

  private async storeCatchments(method: CatchmentMethod) {
    const started = performance.now()
    const centres = await repo.findCentres(this.db)
    if (method === 'radius') {
      await this.db.transaction().execute((trx) =>
        repo.replaceCatchments(
          trx,
          'radius',
          centres.map((c) => ({
            centerId: c.id,
            method: 'radius',
            minutes: null,
            radiusM: this.radiusOf(c).radiusM,
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
    const { networkId, graph } = await this.walkingGraph(frame)
    const c = project(
      frame,
      centres.map((x) => x.lon),
      centres.map((x) => x.lat),
    )
    const snapped = snapPoints(graph, c.x, c.y, this.settings.snapDistanceM)
    const areas = computeServiceAreas(graph, snapped, { speed: this.settings.walkingSpeed, bandsMinutes: [5, 10, 15] })
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
    await this.db
      .transaction()
      .execute((trx) => repo.replaceCatchments(trx, 'network', rows, Math.min(this.settings.snapDistanceM, 50)))
    return {
      method,
      catchments: rows.length,
      unsnapped: areas.unsnapped.map((i) => centres[i].code),
      computeMs: Math.round(computedMs),
      ms: Math.round(performance.now() - started),
    }
  }

  /** Residents a hypothetical centre at (lon, lat) would add: within its radius and covered by no centre. */
  async whatIf(input: { lon: number; lat: number; radiusM?: number }) {
    const started = performance.now()
    const radiusM = input.radiusM ?? this.settings.serviceRadii.communityUrban
    validateRadius(radiusM, 'radiusM')
    if (
      !Number.isFinite(input.lon) ||
      !Number.isFinite(input.lat) ||
      Math.abs(input.lat) > 90 ||
      Math.abs(input.lon) > 180
    )
      throw new InvalidInputError('坐标无效（字段 lon/lat）; invalid coordinates', [{ field: 'lon' }])
    const maxRadius = Math.max(...Object.values(this.settings.serviceRadii))
    const [points, centres] = await Promise.all([
      repo.findDemandNear(this.db, input.lon, input.lat, radiusM),
      repo.findCentresNear(this.db, input.lon, input.lat, radiusM + maxRadius + 1),
    ])
    const frame = new LocalFrame(input.lon, input.lat)
    let residents = 0
    let households = 0
    let added = 0
    for (const p of points) {
      const x = frame.x(p.lon)
      const y = frame.y(p.lat)
      if (x * x + y * y > radiusM * radiusM) continue
      residents += p.residents
      const covered = centres.some((c) => {
        const r = this.radiusOf(c).radiusM
        return (frame.x(c.lon) - x) ** 2 + (frame.y(c.lat) - y) ** 2 <= r * r
      })
      if (!covered) {
        added += p.residents
        households += p.households
      }
    }
    return {
      lon: input.lon,
      lat: input.lat,
      radiusM,
      residentsWithin: residents,
      addedResidents: added,
      addedHouseholds: households,
      ms: Math.round(performance.now() - started),
    }
  }

  async createScenario(input: ScenarioRequest) {
    const started = performance.now()
    const objective = input.objective ?? 'max_covering'
    const method = input.method ?? 'radius'
    const solver = input.solver ?? 'greedy'
    const radiusM = input.radiusM ?? this.settings.serviceRadii.communityUrban
    const minutes = input.minutes ?? 15
    const speed = input.speed ?? this.settings.walkingSpeed
    const timeLimitSeconds = input.timeLimitSeconds ?? 10
    validateRadius(radiusM, 'radiusM')
    validateSpeed(speed)
    this.validateMinutes(minutes)
    const mask = maskPolygons(input.exclusion)
    if (!Number.isFinite(timeLimitSeconds) || timeLimitSeconds < 0.1 || timeLimitSeconds > 120)
      throw new InvalidInputError('求解时限必须在 0.1 到 120 秒之间（字段 timeLimitSeconds）', [
        { field: 'timeLimitSeconds' },
      ])
    if (objective === 'max_covering' && input.k === undefined)
      throw new InvalidInputError('最大覆盖需要新建数量 k（字段 k）; k is required', [{ field: 'k' }])
    if (objective === 'set_covering' && input.targetShare === undefined)
      throw new InvalidInputError('集合覆盖需要目标覆盖率（字段 targetShare）; targetShare is required', [
        { field: 'targetShare' },
      ])
    const { region, prefix } = await this.region(input.region)
    this.events?.progress({ type: 'siting-progress', task: 'scenario', stage: 'started', region: region.code })
    const demand = await this.demand(prefix)
    const total = demand.rows.residents.reduce((a, b) => a + b, 0)
    if (demand.x.length === 0 || total === 0)
      throw new InvalidInputError(`区划 ${region.code} 内没有常住人口（字段 region）; the region has no residents`, [
        { field: 'region' },
      ])
    const centres = await repo.findCentres(this.db)
    const { frame } = demand
    const { times } = await this.coverCounts(demand, centres, method, minutes, speed)
    const coveredByFixed = new Uint8Array(times.length)
    let coveredBefore = 0
    for (let i = 0; i < times.length; i++)
      if (times[i] > 0) {
        coveredByFixed[i] = 1
        coveredBefore += demand.rows.residents[i]
      }

    // candidates: supplied, or generated where residents are uncovered; minus the exclusion mask
    let offered: { lon: number; lat: number; source: string }[]
    if (input.candidates && input.candidates.length > 0) {
      input.candidates.forEach((c, j) => {
        if (!Number.isFinite(c.lon) || !Number.isFinite(c.lat) || Math.abs(c.lat) > 90 || Math.abs(c.lon) > 180)
          throw new InvalidInputError(`第 ${j} 个候选点坐标无效（字段 candidates）`, [
            { field: 'candidates', feature: j },
          ])
      })
      offered = input.candidates.map((c) => ({ lon: c.lon, lat: c.lat, source: 'supplied' }))
    } else if ((input.generate ?? 'cells') === 'cells') {
      const cellM = input.cellM ?? 500
      if (!Number.isFinite(cellM) || cellM < 50 || cellM > 5000)
        throw new InvalidInputError('候选网格边长必须在 50 到 5000 米之间（字段 cellM）', [{ field: 'cellM' }])
      const cells = new Map<string, { sx: number; sy: number; w: number }>()
      for (let i = 0; i < times.length; i++) {
        if (coveredByFixed[i]) continue
        const w = demand.rows.residents[i]
        if (w <= 0) continue
        const key = `${Math.floor(demand.x[i] / cellM)},${Math.floor(demand.y[i] / cellM)}`
        const cell = cells.get(key) ?? { sx: 0, sy: 0, w: 0 }
        cell.sx += demand.x[i] * w
        cell.sy += demand.y[i] * w
        cell.w += w
        cells.set(key, cell)
      }
      offered = [...cells.values()].map((c) => ({
        lon: frame.lon(c.sx / c.w),
        lat: frame.lat(c.sy / c.w),
        source: 'cell',
      }))
    } else {
      const uncoveredGrids = new Set<string>()
      const indexById = new Map<number, number>()
      for (let i = 0; i < times.length; i++) indexById.set(demand.rows.id[i], i)
      for (const p of await repo.findUnifiedGridPoints(this.db, prefix)) {
        const i = indexById.get(p.pointId)
        if (i !== undefined && !coveredByFixed[i] && demand.rows.residents[i] > 0) uncoveredGrids.add(p.code)
      }
      offered = (await repo.findUnifiedGridCentroids(this.db, prefix))
        .filter((g) => uncoveredGrids.has(g.code))
        .map((g) => ({ lon: g.lon, lat: g.lat, source: `unified_grid:${g.code}` }))
    }
    const excluded = offered.filter((c) => inMask(c.lon, c.lat, mask)).length
    const candidates = offered.filter((c) => !inMask(c.lon, c.lat, mask))
    if (candidates.length === 0)
      throw new InvalidInputError(
        `没有候选点${excluded > 0 ? `（${excluded} 个在排除区内）` : ''}（字段 candidates）; no candidates`,
        [{ field: 'candidates' }],
      )
    if (objective === 'max_covering') validateK(input.k!, candidates.length)

    const cxy = project(
      frame,
      candidates.map((c) => c.lon),
      candidates.map((c) => c.lat),
    )
    let sets
    let unsnappedCandidates: number[] = []
    let unsnappedDemand = 0
    if (method === 'radius') {
      sets = buildCoverageSets(
        { x: demand.x, y: demand.y, weight: demand.rows.residents },
        { x: cxy.x, y: cxy.y, radius: radiusM },
      )
      sets = coverageSetsFromPairs(demand.rows.residents, candidates.length, pairsOf(sets), coveredByFixed)
    } else {
      const { graph } = await this.walkingGraph(frame)
      const demandSnap = snapPoints(graph, demand.x, demand.y, this.settings.snapDistanceM)
      unsnappedDemand = demandSnap.unsnapped.length
      if (demandSnap.unsnapped.length === demand.x.length)
        throw new InvalidInputError(
          `路网中没有距离需求点 ${this.settings.snapDistanceM} 米以内的可步行道路（字段 method）; no walkable edge near the demand`,
          [{ field: 'method' }],
        )
      const candSnap = snapPoints(graph, cxy.x, cxy.y, this.settings.snapDistanceM)
      unsnappedCandidates = candSnap.unsnapped
      if (candSnap.unsnapped.length === candidates.length)
        throw new InvalidInputError(
          `没有候选点在可步行道路 ${this.settings.snapDistanceM} 米以内（字段 candidates）; no candidate near a walkable edge`,
          [{ field: 'candidates' }],
        )
      const pairs = findCatchmentPairs(graph, candSnap, demandSnap, metresInMinutes(minutes, speed))
      sets = coverageSetsFromPairs(
        demand.rows.residents,
        candidates.length,
        { candidate: pairs.centre, demand: pairs.demand },
        coveredByFixed,
      )
    }
    const reduced = reduceCoverage(sets)
    const summaries: SolverSummary[] = []
    const site = (solution: SitingSolution) =>
      solution.sites.map((j, n) => ({
        lon: candidates[j].lon,
        lat: candidates[j].lat,
        gain: solution.gains[n],
        source: candidates[j].source,
      }))
    const summarize = (solution: SitingSolution, extra: Partial<SolverSummary> = {}): SolverSummary => ({
      solver: solution.solver,
      status: 'ok',
      sites: site(solution),
      newlyCovered: solution.newlyCoveredWeight,
      covered: solution.coveredWeight,
      coveredShare: solution.coveredShare,
      runtimeMs: Math.round(solution.runtimeMs),
      gap: null,
      bestBound: null,
      message: null,
      ...extra,
    })
    this.events?.progress({ type: 'siting-progress', task: 'scenario', stage: 'solving', region: region.code })
    // greedy always runs (it is the exact solver's start and the fallback when a solve is stopped)
    const greedy =
      objective === 'max_covering'
        ? solveMaximalCoveringGreedy(reduced, input.k!)
        : solveSetCoveringGreedy(reduced, input.targetShare!)
    if ('status' in greedy && greedy.status === 'unreachable')
      throw new InvalidInputError(greedy.message, [{ field: 'targetShare' }])
    const greedySolution = greedy as SitingSolution
    if (solver !== 'exact') summaries.push(summarize(greedySolution))
    if (solver !== 'greedy') {
      const exact =
        objective === 'max_covering'
          ? await maximalCoveringExactWithDeadline(reduced, input.k!, timeLimitSeconds)
          : await setCoveringExactWithDeadline(reduced, input.targetShare!, timeLimitSeconds)
      if (exact === undefined)
        summaries.push(
          summarize(
            {
              ...greedySolution,
              solver: 'exact',
              runtimeMs: (timeLimitSeconds + graceSeconds(timeLimitSeconds)) * 1000,
            },
            {
              status: 'stopped',
              message: `精确求解超过时限 ${timeLimitSeconds} 秒仍未结束，已终止，返回贪心解; the exact solve overran its time limit and was stopped: greedy's answer is returned`,
            },
          ),
        )
      else if (exact.status === 'unreachable') throw new InvalidInputError(exact.message, [{ field: 'targetShare' }])
      else
        summaries.push(
          summarize(exact, {
            status: exact.status,
            gap: exact.gap,
            bestBound: exact.bestBound,
            message: exact.message ?? null,
          }),
        )
    }
    // the answer: the exact one when run (never worse than greedy's), else greedy's
    const best = summaries[summaries.length - 1]
    const runtimeMs = Math.round(performance.now() - started)
    const params = {
      objective,
      k: input.k ?? null,
      targetShare: input.targetShare ?? null,
      method,
      radiusM: method === 'radius' ? radiusM : null,
      minutes: method === 'network' ? minutes : null,
      speed: method === 'network' ? speed : null,
      generate: input.candidates?.length ? null : (input.generate ?? 'cells'),
      cellM: input.cellM ?? null,
      exclusion: input.exclusion ?? null,
      solver,
      timeLimitSeconds,
    }
    let households = 0
    for (let i = 0; i < demand.rows.households.length; i++) households += demand.rows.households[i]
    const result = {
      solvers: summaries,
      householdsPerResident: total > 0 ? households / total : 0,
      candidateCount: candidates.length,
      excludedCandidates: excluded,
      unsnappedCandidates: unsnappedCandidates.length,
      unsnappedDemand,
      uncoverable: reduced.uncoverableWeight,
    }
    const id = await repo.insertScenario(this.db, {
      name:
        input.name?.trim() ||
        `${region.name} ${objective === 'max_covering' ? `新建 ${input.k} 处` : `覆盖率 ${share(input.targetShare!)}`}`,
      regionCode: region.code,
      solver,
      objective,
      method,
      params,
      candidates,
      chosen: best.sites,
      coveredBefore,
      coveredAfter: best.covered,
      totalResidents: total,
      optimalityGap: best.gap,
      runtimeMs,
      result,
    })
    this.events?.progress({ type: 'siting-progress', task: 'scenario', stage: 'stored', region: region.code })
    await this.events?.recordChange({
      kind: 'siting',
      layers: [],
      regions: [region.code],
      details: { scenarioId: id },
    })
    return this.scenario(id)
  }

  async scenario(id: number) {
    const row = await repo.findScenario(this.db, id)
    if (!row) throw new NotFoundError(`选址方案 ${id} 不存在; siting scenario ${id} not found`)
    return scenarioOut(row)
  }

  /** Side by side: covered residents, new sites and a cost proxy (floor area the added households need). */
  async compareScenarios(ids: number[]) {
    const scenarios = await Promise.all(ids.map((id) => this.scenario(id)))
    return {
      scenarios: scenarios.map((s) => {
        const added = s.coveredAfter - s.coveredBefore
        const perResident = Number((s.result as { householdsPerResident?: number }).householdsPerResident ?? 0)
        return {
          id: s.id,
          name: s.name,
          method: s.method,
          objective: s.objective,
          newSites: s.chosen.length,
          coveredBefore: s.coveredBefore,
          coveredAfter: s.coveredAfter,
          coveredShareAfter: s.totalResidents > 0 ? s.coveredAfter / s.totalResidents : 0,
          addedResidents: added,
          costProxyM2: Math.round(added * perResident * 0.3),
        }
      }),
    }
  }

  async listScenarios(region?: string) {
    const prefix = region ? (await this.region(region)).prefix : undefined
    return (await repo.listScenarios(this.db, prefix)).map((row) => ({
      id: Number(row.id),
      name: row.name,
      regionCode: row.regionCode,
      solver: row.solver,
      objective: row.objective,
      method: row.method,
      newSites: (row.chosen as unknown[]).length,
      coveredBefore: Number(row.coveredBefore),
      coveredAfter: Number(row.coveredAfter),
      totalResidents: Number(row.totalResidents),
      optimalityGap: row.optimalityGap,
      runtimeMs: row.runtimeMs,
      createdAt: row.createdAt,
    }))
  }
}

function share(s: number): string {
  return `${(s * 100).toFixed(1)}%`
}

function pairsOf(sets: { candidateStarts: Int32Array; candidateDemand: Int32Array; candidateCount: number }) {
  const candidate = new Int32Array(sets.candidateDemand.length)
  for (let j = 0; j < sets.candidateCount; j++) candidate.fill(j, sets.candidateStarts[j], sets.candidateStarts[j + 1])
  return { candidate, demand: sets.candidateDemand }
}

function scenarioOut(row: NonNullable<Awaited<ReturnType<typeof repo.findScenario>>>): Scenario {
  return {
    id: Number(row.id),
    name: row.name,
    regionCode: row.regionCode,
    solver: row.solver,
    objective: row.objective,
    method: row.method,
    params: row.params,
    chosen: row.chosen as ProposedSite[],
    candidateCount: (row.candidates as unknown[]).length,
    coveredBefore: Number(row.coveredBefore),
    coveredAfter: Number(row.coveredAfter),
    totalResidents: Number(row.totalResidents),
    optimalityGap: row.optimalityGap,
    runtimeMs: row.runtimeMs,
    result: row.result as Scenario['result'],
    createdAt: row.createdAt,
  }
}
