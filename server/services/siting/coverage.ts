// Coverage of a region (GET /api/coverage): residents covered by at least one centre, not covered
// and covered more than once, for the region, each street, community and published unified grid,
// and each centre's load (nearest centre) against its capacity.
import * as repo from '../../db/repositories/siting.repository.ts'
import { type CatchmentMethod, HOUSEHOLDS_PER_M2, type SitingData, type SitingScope } from './siting-data.ts'

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

export class CoverageReader {
  constructor(private readonly data: SitingData) {}

  async coverage(
    query: { region?: string; method?: CatchmentMethod; minutes?: number },
    scope: SitingScope = {},
  ): Promise<Coverage> {
    const started = performance.now()
    const method = query.method ?? 'radius'
    const minutes = query.minutes ?? 15
    const { region, prefix } = await this.data.region(query.region, scope)
    // everything but the sums is kept per data version (SitingData.coverageInputs)
    const { demand, centres, subregions, gridPoints, times, nearest, unsnapped } = await this.data.coverageInputs(
      prefix,
      method,
      minutes,
    )
    const totals = figures(region)
    const byCode = new Map<string, CoverageFigures>()
    for (const r of subregions) if (r.code !== region.code) byCode.set(r.code, figures(r))
    const loads = centres.map((centre) => {
      const { radiusM, source } = this.data.radiusOf(centre)
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
    // a point's street and community figures, looked up once per region code (not once per point)
    const placeOf = new Map<string, { street: CoverageFigures | undefined; community: CoverageFigures | undefined }>()
    for (let i = 0; i < times.length; i++) {
      const residents = rows.residents[i]
      addTo(totals, residents, times[i])
      const code = rows.regionCode[i]
      let place = placeOf.get(code)
      if (!place) {
        const street = byCode.get(`${code.slice(0, 9)}000`)
        place = { street: street && street.code !== code ? street : undefined, community: byCode.get(code) }
        placeOf.set(code, place)
      }
      if (place.street) addTo(place.street, residents, times[i])
      if (place.community) addTo(place.community, residents, times[i])
      if (nearest[i] >= 0) {
        loads[nearest[i]].assignedResidents += residents
        loads[nearest[i]].assignedHouseholds += rows.households[i]
      }
    }
    const grids = new Map<string, CoverageFigures>()
    const indexById = new Map<number, number>()
    if (gridPoints.length > 0) for (let i = 0; i < times.length; i++) indexById.set(rows.id[i], i)
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
      // every centre counts towards coverage (one across the boundary still serves residents), but only
      // the scope's centres are listed with their loads
      centres: loads.filter((_, j) => inPrefix(centres[j].regionCode, scope.regionPrefix)),
      unsnapped: method === 'network' ? { points: unsnapped.length, residents: unsnappedResidents } : null,
      ms: Math.round(performance.now() - started),
    }
  }
}

export interface UncoveredCell {
  /** the mean position of the cell's uncovered points */
  lon: number
  lat: number
  points: number
  residents: number
  households: number
  bbox: [number, number, number, number]
}

export interface UncoveredCells {
  region: { code: string; name: string; level: string }
  cellM: number
  /** all the region's uncovered points and residents (the cells listed may be fewer: see truncated) */
  points: number
  residents: number
  /** how many cells hold uncovered residents (the cells listed may be fewer: see truncated) */
  cellCount: number
  cells: UncoveredCell[]
  truncated: boolean
}

/**
 * The residents no centre covers (by radius), added up in square cells of `cellM` metres of the
 * region's local frame, most residents first, at most `limit` cells.
 */
export async function uncoveredCells(
  data: SitingData,
  query: { region?: string; cellM: number; limit: number },
  scope: SitingScope = {},
): Promise<UncoveredCells> {
  const { region, prefix } = await data.region(query.region, scope)
  const [demand, centres] = await Promise.all([data.demand(prefix), repo.findCentres(data.db)])
  const { times } = await data.coverCounts(demand, centres, 'radius', 15, data.settings.walkingSpeed)
  const { rows } = demand
  const cells = new Map<string, UncoveredCell & { lonSum: number; latSum: number }>()
  let points = 0
  let residents = 0
  for (let i = 0; i < times.length; i++) {
    if (times[i] > 0) continue
    points++
    residents += rows.residents[i]
    const key = `${Math.floor(demand.x[i] / query.cellM)},${Math.floor(demand.y[i] / query.cellM)}`
    let cell = cells.get(key)
    if (!cell) {
      const [lon, lat] = [rows.lon[i], rows.lat[i]]
      cells.set(
        key,
        (cell = { lon, lat, lonSum: 0, latSum: 0, points: 0, residents: 0, households: 0, bbox: [lon, lat, lon, lat] }),
      )
    }
    cell.points++
    cell.residents += rows.residents[i]
    cell.households += rows.households[i]
    cell.lonSum += rows.lon[i]
    cell.latSum += rows.lat[i]
    cell.bbox = [
      Math.min(cell.bbox[0], rows.lon[i]),
      Math.min(cell.bbox[1], rows.lat[i]),
      Math.max(cell.bbox[2], rows.lon[i]),
      Math.max(cell.bbox[3], rows.lat[i]),
    ]
  }
  const sorted = [...cells.values()]
    .map(({ lonSum, latSum, ...cell }) => ({
      ...cell,
      lon: Math.round((lonSum / cell.points) * 1e6) / 1e6,
      lat: Math.round((latSum / cell.points) * 1e6) / 1e6,
    }))
    .sort((a, b) => b.residents - a.residents || a.lon - b.lon || a.lat - b.lat)
  return {
    region: { code: region.code, name: region.name, level: region.level },
    cellM: query.cellM,
    points,
    residents,
    cellCount: sorted.length,
    cells: sorted.slice(0, query.limit),
    truncated: sorted.length > query.limit,
  }
}

const inPrefix = (code: string | null, prefix: string | undefined) =>
  prefix === undefined || (code !== null && code.startsWith(prefix))
