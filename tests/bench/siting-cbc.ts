// The native reference of the exact siting figure: the bench's 10,000 × 1,000 instances (seeds
// 101–103, tests/bench/siting-city.ts) written as CPLEX LP files and solved by COIN-OR CBC when the
// `cbc` program is installed (a development measurement only, never a product dependency:
// `apt-get install coinor-cbc`). Runnable alone: npx tsx tests/bench/siting-cbc.ts
//
//   BENCH_SITING_CBC_DIR=/tmp/siting-cbc   where the LP files go (default: the OS temp folder)
//   BENCH_SITING_CBC_MODEL=reduced|raw     the merged demand patterns (the solvers' model, default)
//                                          or one row per demand point
//   BENCH_SITING_CBC_SEEDS=101,102,103     the instances
//   BENCH_SITING_CBC_GAP=0.001             CBC's relative gap (ratioGap)
//   BENCH_SITING_CBC_SECONDS=600           CBC's time limit (its `sec`)
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ReducedCoverage, reduceCoverage } from '../../server/services/siting/coverage-reduction.ts'
import { buildCoverageSets } from '../../server/services/siting/coverage-sets.ts'
import { generateCity } from './siting-city.ts'

/** Maximal covering as a CPLEX LP file: max Σ w_r·y_r, y_r ≤ Σ_{j∈N(r)} x_j, Σ x_j ≤ k. */
export function maximalCoveringLp(reduced: ReducedCoverage, k: number): string {
  const { rowWeight, rowStarts, rowCandidates, candidateCount: m } = reduced
  const lines: string[] = ['Maximize', ' obj:']
  for (let r = 0; r < rowWeight.length; r++) lines.push(`  + ${rowWeight[r]} y${r}`)
  lines.push('Subject To')
  for (let r = 0; r < rowWeight.length; r++) {
    const terms = [`y${r}`]
    for (let q = rowStarts[r]; q < rowStarts[r + 1]; q++) terms.push(`- x${rowCandidates[q]}`)
    lines.push(` c${r}: ${terms.join(' ')} <= 0`)
  }
  const card: string[] = []
  for (let j = 0; j < m; j++) card.push(`${j === 0 ? '' : '+ '}x${j}`)
  lines.push(` card: ${card.join(' ')} <= ${k}`)
  lines.push('Bounds')
  for (let r = 0; r < rowWeight.length; r++) lines.push(` 0 <= y${r} <= 1`)
  lines.push('Binaries')
  for (let j = 0; j < m; j++) lines.push(` x${j}`)
  lines.push('End', '')
  return lines.join('\n')
}

/** Writes `maximalCoveringLp` to a file named `name`.lp in the OS temp folder; returns its path. */
export function writeMaximalCoveringLp(
  reduced: ReducedCoverage,
  k: number,
  name: string,
  dir = join(tmpdir(), 'siting-cbc'),
): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}.lp`)
  writeFileSync(file, maximalCoveringLp(reduced, k))
  return file
}

/** The instance with one row per demand point (no merging), for comparison with the reduced one. */
function rawCoverage(seed: number): ReducedCoverage {
  const { demand, candidates } = generateCity(seed, 10_000, 1000)
  const sets = buildCoverageSets(demand, candidates)
  const reduced = reduceCoverage(sets)
  // one row per covered demand point: the candidate lists of `reduced` expanded back
  const rows: number[] = []
  const weights: number[] = []
  for (let i = 0; i < sets.demandCount; i++)
    if (reduced.demandRow[i] >= 0) {
      rows.push(reduced.demandRow[i])
      weights.push(sets.weight[i])
    }
  const rowStarts = new Int32Array(rows.length + 1)
  for (let p = 0; p < rows.length; p++)
    rowStarts[p + 1] = rowStarts[p] + reduced.rowStarts[rows[p] + 1] - reduced.rowStarts[rows[p]]
  const rowCandidates = new Int32Array(rowStarts[rows.length])
  for (let p = 0; p < rows.length; p++)
    rowCandidates.set(
      reduced.rowCandidates.subarray(reduced.rowStarts[rows[p]], reduced.rowStarts[rows[p] + 1]),
      rowStarts[p],
    )
  return { ...reduced, rowWeight: Float64Array.from(weights), rowStarts, rowCandidates }
}

export interface CbcRun {
  /** wall-clock seconds of the whole run, reading the file included */
  seconds: number
  /** CBC's own CPU seconds */
  cpuSeconds: number
  objective: number
  bound: number
  nodes: number
  status: string
  log: string
}

/** Solves an LP file with `cbc`; `undefined` when the program is not installed. */
export function runCbc(file: string, gap: number, seconds = 600): CbcRun | undefined {
  const started = performance.now()
  const run = spawnSync('cbc', [file, 'ratioGap', String(gap), 'sec', String(seconds), 'threads', '1', 'solve'], {
    encoding: 'utf8',
    // `sec` is CPU time: on a loaded machine the wall clock runs far ahead of it
    timeout: (seconds * 20 + 60) * 1000,
  })
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined
  const log = run.stdout ?? ''
  const wall = (performance.now() - started) / 1000
  const objective = Number(/Objective value:\s+(-?[\d.e+]+)/.exec(log)?.[1] ?? NaN)
  // proven optimal (within the gap): CBC prints no bound; stopped: its "Lower bound" (of the minimization)
  const stopped = /Lower bound:\s+(-?[\d.e+]+)/.exec(log)?.[1]
  const bound = stopped !== undefined ? Number(stopped) : objective
  const nodes = Number(/Enumerated nodes:\s+(\d+)/.exec(log)?.[1] ?? NaN)
  const cpu = Number(/Time \(CPU seconds\):\s+([\d.]+)/.exec(log)?.[1] ?? NaN)
  const status = /Result - ([^\n]+)/.exec(log)?.[1]?.trim() ?? 'unknown'
  return { seconds: wall, cpuSeconds: cpu, objective: Math.abs(objective), bound: Math.abs(bound), nodes, status, log }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.env.BENCH_SITING_CBC_DIR ?? join(tmpdir(), 'siting-cbc')
  const model = process.env.BENCH_SITING_CBC_MODEL ?? 'reduced'
  const seeds = (process.env.BENCH_SITING_CBC_SEEDS ?? '101,102,103').split(',').map(Number)
  const gap = Number(process.env.BENCH_SITING_CBC_GAP ?? 0.001)
  for (const seed of seeds) {
    let coverage: ReducedCoverage
    if (model === 'raw') coverage = rawCoverage(seed)
    else {
      const { demand, candidates } = generateCity(seed, 10_000, 1000)
      coverage = reduceCoverage(buildCoverageSets(demand, candidates))
    }
    const file = writeMaximalCoveringLp(coverage, 20, `seed-${seed}-${model}`, dir)
    const run = runCbc(file, gap, Number(process.env.BENCH_SITING_CBC_SECONDS ?? 600))
    if (!run) {
      console.log(`seed ${seed}: cbc is not installed (apt-get install coinor-cbc); wrote ${file}`)
      continue
    }
    writeFileSync(file.replace(/\.lp$/, '.log'), run.log)
    console.log(
      `seed ${seed} (${model}: ${coverage.rowWeight.length} rows × ${coverage.candidateCount} candidates): ` +
        `${run.status}; objective ${run.objective}, bound ${run.bound}, ${run.nodes} nodes, ${run.cpuSeconds} s CPU, ${run.seconds.toFixed(2)} s wall`,
    )
  }
}
