// Who each site covers within its radius (the reduction both solvers start from is in
// coverage-reduction.ts, the grid in point-grid.ts). Pure and
// database-free: points arrive in a metric frame (metres), so "within the radius" is a plain
// Euclidean test. Candidate→demand lists are found through a uniform grid over the demand points,
// never by testing every pair (1,000,000 × 5,000 pairs would take minutes).

import { InvalidInputError, LocalizedInputError } from '../../errors.ts'
import { IntList, PointGrid } from './point-grid.ts'

/** Demand points (residents) in a metric frame. `weight` is the number of residents at the point. */
export interface Demand {
  x: ArrayLike<number>
  y: ArrayLike<number>
  weight: ArrayLike<number>
}

/** Sites (candidates or existing centres) in a metric frame, each with its own radius or one for all. */
export interface Sites {
  x: ArrayLike<number>
  y: ArrayLike<number>
  /** metres; a single number applies to every site */
  radius: number | ArrayLike<number>
}

/**
 * Which demand each candidate covers, with demand already covered by a fixed centre taken out.
 * `candidateStarts`/`candidateDemand` are compressed rows: candidate j covers demand indexes
 * `candidateDemand[candidateStarts[j] .. candidateStarts[j + 1])`, ascending.
 */
export interface CoverageSets {
  demandCount: number
  candidateCount: number
  weight: Float64Array
  /** 1 where a fixed (existing) centre already covers the demand point */
  coveredByFixed: Uint8Array
  candidateStarts: Int32Array
  candidateDemand: Int32Array
  totalWeight: number
  fixedCoveredWeight: number
}

/**
 * The solvers' view of an instance: rows of demand with their weight, and which rows each candidate
 * covers. Both `CoverageSets` (one row per demand point) and `ReducedCoverage` (merged rows) are one.
 */
export interface CoverageMatrix {
  candidateCount: number
  rowWeight: Float64Array
  candidateStarts: Int32Array
  candidateRows: Int32Array
}

/** Radii and speeds outside these bounds are input mistakes, not planning choices. */
export const radiusBounds = { min: 1, max: 50_000 } as const

export function validateRadius(radius: number, field = 'radius'): void {
  if (!Number.isFinite(radius) || radius < radiusBounds.min || radius > radiusBounds.max)
    throw new LocalizedInputError(
      {
        'zh-CN': `服务半径必须在 ${radiusBounds.min} 到 ${radiusBounds.max} 米之间（字段 ${field}）`,
        en: `The service radius must be between ${radiusBounds.min} and ${radiusBounds.max} m (field ${field})`,
      },
      [{ field }],
    )
}

function radiusOf(sites: Sites, j: number): number {
  return typeof sites.radius === 'number' ? sites.radius : sites.radius[j]
}

function validateSites(sites: Sites, field: string): void {
  if (sites.x.length !== sites.y.length)
    throw new InvalidInputError(`${field} 的 x 与 y 数量不一致（字段 ${field}）`, [{ field }])
  if (typeof sites.radius === 'number') validateRadius(sites.radius, `${field}.radius`)
  else {
    if (sites.radius.length !== sites.x.length)
      throw new InvalidInputError(`${field} 的半径数量与点数不一致（字段 ${field}.radius）`, [
        { field: `${field}.radius` },
      ])
    for (let j = 0; j < sites.radius.length; j++) validateRadius(sites.radius[j], `${field}.radius`)
  }
  for (let j = 0; j < sites.x.length; j++)
    if (!Number.isFinite(sites.x[j]) || !Number.isFinite(sites.y[j]))
      throw new InvalidInputError(`${field} 第 ${j} 个点的坐标不是有限数（字段 ${field}）`, [{ field, feature: j }])
}

function validateDemand(demand: Demand): void {
  const n = demand.x.length
  if (demand.y.length !== n || demand.weight.length !== n)
    throw new InvalidInputError('需求点的 x、y、weight 数量不一致（字段 demand）', [{ field: 'demand' }])
  for (let i = 0; i < n; i++) {
    const w = demand.weight[i]
    if (!Number.isFinite(w) || w < 0)
      throw new InvalidInputError(`需求点 ${i} 的人口数必须是非负数（字段 weight）`, [{ field: 'weight', feature: i }])
    if (!Number.isFinite(demand.x[i]) || !Number.isFinite(demand.y[i]))
      throw new InvalidInputError(`需求点 ${i} 的坐标不是有限数（字段 demand）`, [{ field: 'demand', feature: i }])
  }
}

function maxRadius(sites: Sites): number {
  if (typeof sites.radius === 'number') return sites.radius
  let max = 0
  for (let j = 0; j < sites.radius.length; j++) if (sites.radius[j] > max) max = sites.radius[j]
  return max
}

/**
 * Builds, through a grid over the demand, which demand each candidate covers within its radius,
 * after removing the demand any fixed (existing) centre already covers.
 */
export function buildCoverageSets(demand: Demand, candidates: Sites, fixed?: Sites): CoverageSets {
  validateDemand(demand)
  validateSites(candidates, 'candidates')
  if (fixed) validateSites(fixed, 'fixed')
  const n = demand.x.length
  const m = candidates.x.length
  const weight = Float64Array.from(demand.weight)
  let totalWeight = 0
  for (let i = 0; i < n; i++) totalWeight += weight[i]
  const radii = [maxRadius(candidates), fixed && fixed.x.length > 0 ? maxRadius(fixed) : 0].filter((r) => r > 0)
  const grid = new PointGrid(demand.x, demand.y, radii.length > 0 ? Math.min(...radii) : 1)

  const coveredByFixed = new Uint8Array(n)
  let fixedCoveredWeight = 0
  if (fixed)
    for (let j = 0; j < fixed.x.length; j++)
      grid.forEachWithin(fixed.x[j], fixed.y[j], radiusOf(fixed, j), (i) => {
        if (coveredByFixed[i] === 0) {
          coveredByFixed[i] = 1
          fixedCoveredWeight += weight[i]
        }
      })

  // The grid scan inlined (no callback per point): millions of pairs at the 1,000,000 × 5,000 scale.
  const starts = new Int32Array(m + 1)
  const covered = new IntList(m * 64)
  let found = new Int32Array(1024)
  const { cellSize, columns, rows: gridRows, cellStarts, cellPoints } = grid
  // the coordinates in the grid's cell order: a candidate's scan then reads memory in sequence, and
  // only a point within the radius costs a random read (1,000,000 points: 16 MB, mostly cache misses)
  const gx = new Float64Array(n)
  const gy = new Float64Array(n)
  for (let q = 0; q < n; q++) {
    gx[q] = grid.x[cellPoints[q]]
    gy[q] = grid.y[cellPoints[q]]
  }
  for (let j = 0; j < m; j++) {
    let count = 0
    const px = candidates.x[j]
    const py = candidates.y[j]
    const radius = radiusOf(candidates, j)
    const r2 = radius * radius
    const c0 = Math.max(0, Math.floor((px - radius - grid.minX) / cellSize))
    const c1 = Math.min(columns - 1, Math.floor((px + radius - grid.minX) / cellSize))
    const r0 = Math.max(0, Math.floor((py - radius - grid.minY) / cellSize))
    const r1 = Math.min(gridRows - 1, Math.floor((py + radius - grid.minY) / cellSize))
    for (let r = r0; r <= r1; r++) {
      const from = cellStarts[r * columns + c0]
      const to = cellStarts[r * columns + c1 + 1]
      // the cells of one grid row are contiguous in cellPoints
      if (count + (to - from) > found.length) {
        const grown = new Int32Array(Math.max(found.length * 2, count + (to - from)))
        grown.set(found.subarray(0, count))
        found = grown
      }
      for (let q = from; q < to; q++) {
        const ex = gx[q] - px
        const ey = gy[q] - py
        if (ex * ex + ey * ey <= r2) {
          const i = cellPoints[q]
          if (coveredByFixed[i] === 0) found[count++] = i
        }
      }
    }
    // Cells are visited row by row, so indexes are ascending only within a cell: sort once here.
    const list = found.subarray(0, count).sort()
    covered.pushAll(list)
    starts[j + 1] = covered.length
  }
  return {
    demandCount: n,
    candidateCount: m,
    weight,
    coveredByFixed,
    candidateStarts: starts,
    candidateDemand: covered.toArray(),
    totalWeight,
    fixedCoveredWeight,
  }
}

/**
 * Coverage sets from pairs already known (e.g. the walking network's centre → demand within a
 * band), so the solvers work the same on radius and network catchments.
 */
export function coverageSetsFromPairs(
  weights: ArrayLike<number>,
  candidateCount: number,
  pairs: { candidate: ArrayLike<number>; demand: ArrayLike<number> },
  coveredByFixed?: Uint8Array,
): CoverageSets {
  const n = weights.length
  const weight = Float64Array.from(weights)
  const fixedMask = coveredByFixed ?? new Uint8Array(n)
  let totalWeight = 0
  let fixedCoveredWeight = 0
  for (let i = 0; i < n; i++) {
    totalWeight += weight[i]
    if (fixedMask[i] === 1) fixedCoveredWeight += weight[i]
  }
  const counts = new Int32Array(candidateCount + 1)
  for (let k = 0; k < pairs.candidate.length; k++) {
    const j = pairs.candidate[k]
    const i = pairs.demand[k]
    if (j < 0 || j >= candidateCount || i < 0 || i >= n)
      throw new InvalidInputError(`覆盖关系第 ${k} 对的候选点或需求点编号越界（字段 pairs）`, [
        { field: 'pairs', feature: k },
      ])
    if (fixedMask[i] === 0) counts[j + 1] += 1
  }
  for (let j = 0; j < candidateCount; j++) counts[j + 1] += counts[j]
  const fill = counts.slice(0, candidateCount)
  const demandOf = new Int32Array(counts[candidateCount])
  for (let k = 0; k < pairs.candidate.length; k++) {
    const i = pairs.demand[k]
    if (fixedMask[i] === 0) demandOf[fill[pairs.candidate[k]]++] = i
  }
  // Sort and de-duplicate each candidate's list: the reduction compares lists for equality.
  const starts = new Int32Array(candidateCount + 1)
  let write = 0
  for (let j = 0; j < candidateCount; j++) {
    const list = demandOf.subarray(counts[j], counts[j + 1]).sort()
    let previous = -1
    for (let k = 0; k < list.length; k++)
      if (list[k] !== previous) {
        demandOf[write++] = list[k]
        previous = list[k]
      }
    starts[j + 1] = write
  }
  return {
    demandCount: n,
    candidateCount,
    weight,
    coveredByFixed: fixedMask,
    candidateStarts: starts,
    candidateDemand: demandOf.slice(0, write),
    totalWeight,
    fixedCoveredWeight,
  }
}

/** The solvers' view of coverage sets: one row per demand point, fixed-covered rows weigh nothing. */
export function asCoverageMatrix(sets: CoverageSets): CoverageMatrix {
  return {
    candidateCount: sets.candidateCount,
    rowWeight: sets.weight,
    candidateStarts: sets.candidateStarts,
    candidateRows: sets.candidateDemand,
  }
}
