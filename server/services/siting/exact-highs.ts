// The HiGHS side of the exact models (the `highs` package, WebAssembly): the compressed columns of
// the covering models over the reduced instance, the MIP start, and one run with its status, dual
// bound and incumbent. exact.ts builds the answers from it.

import * as highsPackage from 'highs'
import type { Highs, Model } from 'highs'
import type { ReducedCoverage } from './coverage-reduction.ts'

export interface ExactOptions {
  /** seconds HiGHS may run (presolve included); default 60 */
  timeLimitSeconds?: number
  /** relative gap at which HiGHS stops, as a fraction; default 0.001 (0.1 %) */
  relativeGap?: number
  /**
   * how HiGHS solves the MIP's LPs; default 'ipm'. On clustered instances the root LP of the
   * covering model is highly degenerate: the interior-point method with crossover finishes it many
   * times sooner than dual simplex.
   */
  lpSolver?: 'choose' | 'simplex' | 'ipm'
}

export type ExactStatus = 'optimal' | 'time_limit' | 'infeasible'

let highsLoading: Promise<Highs> | undefined

/** One WebAssembly instance per process: compiling the module takes longer than a small solve. */
export function loadSolver(): Promise<Highs> {
  // The package's types describe its CommonJS build; under Node's ESM loader `default` is the loader.
  const load = highsPackage.default as unknown as () => Promise<Highs>
  highsLoading ??= load()
  return highsLoading
}

/**
 * The columns of both models: x_j (one per reduced candidate) then y_r (one per row). Row r is the
 * link y_r − Σ x_j ≤ 0; the last row is the budget (Σ x ≤ k) or the coverage (Σ w·y ≥ W).
 */
export function buildColumns(reduced: ReducedCoverage, lastRow: 'budget' | 'coverage') {
  const m = reduced.candidateCount
  const rows = reduced.rowWeight.length
  const { candidateStarts, candidateRows, rowWeight } = reduced
  const starts = new Int32Array(m + rows + 1)
  const nonzeros = candidateRows.length + m * (lastRow === 'budget' ? 1 : 0) + rows * (lastRow === 'coverage' ? 2 : 1)
  const indices = new Int32Array(nonzeros)
  const values = new Float64Array(nonzeros)
  let at = 0
  for (let j = 0; j < m; j++) {
    starts[j] = at
    for (let k = candidateStarts[j]; k < candidateStarts[j + 1]; k++) {
      indices[at] = candidateRows[k]
      values[at++] = -1
    }
    if (lastRow === 'budget') {
      indices[at] = rows
      values[at++] = 1
    }
  }
  for (let r = 0; r < rows; r++) {
    starts[m + r] = at
    indices[at] = r
    values[at++] = 1
    if (lastRow === 'coverage') {
      indices[at] = rows
      values[at++] = rowWeight[r]
    }
  }
  starts[m + rows] = at
  return { starts, indices, values, numCols: m + rows, numRows: rows + 1 }
}

/** The residents a set of reduced candidates covers, counted on the rows (not trusted from the solver). */
export function coveredWeightOf(reduced: ReducedCoverage, chosen: Uint8Array): number {
  let total = 0
  for (let r = 0; r < reduced.rowWeight.length; r++)
    for (let k = reduced.rowStarts[r]; k < reduced.rowStarts[r + 1]; k++)
      if (chosen[reduced.rowCandidates[k]] === 1) {
        total += reduced.rowWeight[r]
        break
      }
  return total
}

/** The MIP start: x from the sites, y = 1 exactly where one of them covers the row. */
export function startFrom(reduced: ReducedCoverage, sites: number[]): Float64Array {
  const m = reduced.candidateCount
  const start = new Float64Array(m + reduced.rowWeight.length)
  for (const j of sites) start[j] = 1
  for (let r = 0; r < reduced.rowWeight.length; r++)
    for (let k = reduced.rowStarts[r]; k < reduced.rowStarts[r + 1]; k++)
      if (start[reduced.rowCandidates[k]] === 1) {
        start[m + r] = 1
        break
      }
  return start
}

export interface HighsRun {
  status: ExactStatus | 'other'
  statusCode: number
  chosen: Uint8Array | undefined
  bound: number
  solverGap: number
  seconds: number
}

export function runHighs(
  highs: Highs,
  reduced: ReducedCoverage,
  model: ReturnType<typeof buildColumns>,
  sense: 'maximize' | 'minimize',
  colCost: Float64Array,
  rowLower: Float64Array,
  rowUpper: Float64Array,
  start: Float64Array,
  options: Required<ExactOptions>,
): HighsRun {
  const m = reduced.candidateCount
  const colUpper = new Float64Array(model.numCols).fill(1)
  const integrality = new Int32Array(model.numCols)
  integrality.fill(highs.constants.variableType.integer, 0, m)
  let solver: Model | undefined
  try {
    solver = highs.createModel({
      numCols: model.numCols,
      numRows: model.numRows,
      sense: highs.constants.objectiveSense[sense],
      colCost,
      colLower: new Float64Array(model.numCols),
      colUpper,
      rowLower,
      rowUpper,
      matrix: {
        format: 'csc',
        numRows: model.numRows,
        numCols: model.numCols,
        starts: model.starts,
        indices: model.indices,
        values: model.values,
      },
      integrality,
    })
    solver.options.set({
      output_flag: false,
      time_limit: options.timeLimitSeconds,
      mip_rel_gap: options.relativeGap,
      mip_lp_solver: options.lpSolver,
      random_seed: 0,
    })
    solver.setSolution({ colValue: start })
    const { modelStatus } = solver.run()
    const codes = highs.constants.modelStatus
    const status: HighsRun['status'] =
      modelStatus === codes.optimal
        ? 'optimal'
        : modelStatus === codes.timeLimit
          ? 'time_limit'
          : modelStatus === codes.infeasible
            ? 'infeasible'
            : 'other'
    const hasPrimal = Number(solver.info.get('primal_solution_status')) === highs.constants.solutionStatus.feasible
    let chosen: Uint8Array | undefined
    if (hasPrimal) {
      const values = solver.getSolution().colValue
      chosen = new Uint8Array(m)
      for (let j = 0; j < m; j++) chosen[j] = values[j] > 0.5 ? 1 : 0
    }
    return {
      status,
      statusCode: modelStatus,
      chosen,
      bound: Number(solver.info.get('mip_dual_bound')),
      solverGap: Number(solver.info.get('mip_gap')),
      seconds: solver.getRunTime(),
    }
  } finally {
    solver?.dispose()
  }
}
