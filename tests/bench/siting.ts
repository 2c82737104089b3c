// Siting benchmark, runnable alone: npx tsx tests/bench/siting.ts
// The issue-15 targets for the pure siting core, on seeded clustered instances (a city: dense
// blobs of demand of different sizes, candidates mostly where people live). Prints medians, p95
// and ratios against references measured in the same run; asserts nothing.
//
//   BENCH_SITING_REPEATS=3       runs per timed figure (default 3)
//   BENCH_SITING_CAP_SECONDS=60  time limit of the 100,000 × 5,000 exact solve (default 60)
//   BENCH_SITING_SMALL_CAP_SECONDS=2  time limit of each 10,000 × 1,000 exact solve (default 2, the
//                                target: the row reports the gap proven within it)
//   BENCH_SITING_SKIP_LARGE=1    skip the 100,000 × 5,000 exact solve
//   BENCH_SITING_SCALE=0.01      shrink every instance (a quick smoke run; figures then mean nothing)
//   BENCH_SITING_ONLY=greedy,exact  run only these parts (greedy, exact, quality, large, walking); default
//                                all. quality: greedy's and the fast solver's shortfall per 10,000 × 1,000
//                                seed, against the exact solves of the exact part (run here when skipped)
//   BENCH_SITING_QUALITY_CAP_SECONDS=20  time limit of the quality part's own exact solves (when the
//                                exact part did not run; default 20)
//   BENCH_SITING_BEST_KNOWN=101:51210,102:47374  best values known per seed from elsewhere (a longer
//                                solve, CBC), used when above what the exact solve of this run found
//   BENCH_SITING_EXACT_SEEDS=20  instances of the 10,000 × 1,000 exact sample (seeds 101, 102, …)
//   BENCH_SITING_SPREAD="80,400;150,1200"  the exact sample's classes, blob spreads in metres (default
//                                both: compact residential blocks, where cbc proves about half the
//                                instances within 1 s as the issue says, and the wider class of every other
//                                part, whose LP bound lies 0.3–0.9 % above the optimum); the quality part
//                                takes the last one
//   BENCH_SITING_CBC_SECONDS=30  also solve each 10,000 × 1,000 instance with COIN-OR cbc (when the
//                                `cbc` program is installed: a development reference, not a product
//                                dependency) within this many CPU seconds, as the native reference;
//                                off by default (it takes minutes; tests/bench/siting-cbc.ts alone)
//   BENCH_SITING_CBC_GAP=0.001   cbc's relative gap (default the target's; 0 proves optima for the
//                                quality part)
import { join } from 'node:path'
import { reduceCoverage } from '../../server/services/siting/coverage-reduction.ts'
import { type CoverageMatrix, asCoverageMatrix, buildCoverageSets } from '../../server/services/siting/coverage-sets.ts'
import { solveMaximalCoveringExact } from '../../server/services/siting/exact.ts'
import {
  pickMaximalCoveringGreedy,
  pickMaximalCoveringPolished,
  solveMaximalCoveringFast,
  solveMaximalCoveringGreedy,
} from '../../server/services/siting/greedy.ts'
import { projectRoadsToLocalMetres, readOsmRoads } from '../../server/services/siting/osm-reader.ts'
import { metresInMinutes } from '../../server/services/siting/walkability.ts'
import {
  assignNearestCentres,
  computeServiceAreas,
  findCatchmentPairs,
} from '../../server/services/siting/walking-areas.ts'
import { buildWalkingGraph, snapPoints } from '../../server/services/siting/walking-graph.ts'
import { median, percentile, printRow, printTable } from './stats.ts'
import { createRandom } from '../../data/district/random.ts'
import { runCbc, writeMaximalCoveringLp } from './siting-cbc.ts'
import { generateCity } from './siting-city.ts'

const repeats = Number(process.env.BENCH_SITING_REPEATS ?? 3)
const capSeconds = Number(process.env.BENCH_SITING_CAP_SECONDS ?? 60)
const smallCapSeconds = Number(process.env.BENCH_SITING_SMALL_CAP_SECONDS ?? 2)
const qualityCapSeconds = Number(process.env.BENCH_SITING_QUALITY_CAP_SECONDS ?? 20)
const cbcSeconds = Number(process.env.BENCH_SITING_CBC_SECONDS ?? 0)
const cbcGap = Number(process.env.BENCH_SITING_CBC_GAP ?? 0.001)
const exactSeeds = Number(process.env.BENCH_SITING_EXACT_SEEDS ?? 20)
const spreads = (process.env.BENCH_SITING_SPREAD ?? '80,400;150,1200')
  .split(';')
  .map((pair) => pair.split(',').map(Number) as [number, number])
const scale = Number(process.env.BENCH_SITING_SCALE ?? 1)
const sized = (count: number) => Math.max(50, Math.round(count * scale))

/** A seeded sequence (mulberry32, the demo generator's), so random cases repeat exactly. */
const random = (seed: number): (() => number) => createRandom(seed).next

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now()
  const value = fn()
  return { ms: performance.now() - start, value }
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now()
  const value = await fn()
  return { ms: performance.now() - start, value }
}

/** Plain greedy without lazy evaluation: every candidate's gain recomputed every round (the reference). */
function plainGreedy(matrix: CoverageMatrix, k: number): number {
  const covered = new Uint8Array(matrix.rowWeight.length)
  let total = 0
  for (let round = 0; round < k; round++) {
    let best = -1
    let bestGain = 0
    for (let j = 0; j < matrix.candidateCount; j++) {
      let gain = 0
      for (let q = matrix.candidateStarts[j]; q < matrix.candidateStarts[j + 1]; q++)
        if (covered[matrix.candidateRows[q]] === 0) gain += matrix.rowWeight[matrix.candidateRows[q]]
      if (gain > bestGain) {
        bestGain = gain
        best = j
      }
    }
    if (best === -1) break
    for (let q = matrix.candidateStarts[best]; q < matrix.candidateStarts[best + 1]; q++)
      covered[matrix.candidateRows[q]] = 1
    total += bestGain
  }
  return total
}

const stat = (samples: number[]) => [samples.length, median(samples), percentile(samples, 95)] as const

async function benchGreedyMillion(rows: (string | number)[][]): Promise<void> {
  const { demand, candidates } = generateCity(1, sized(1_000_000), sized(5000))
  const build: number[] = []
  const reduce: number[] = []
  const lazy: number[] = []
  const lazyReduced: number[] = []
  const plain: number[] = []
  const fast: number[] = []
  const fastNotes: string[] = []
  let pairs = 0
  let reducedRows = 0
  let evaluations = 0
  let agree = true
  for (let r = 0; r < repeats; r++) {
    const sets = time(() => buildCoverageSets(demand, candidates))
    build.push(sets.ms)
    pairs = sets.value.candidateDemand.length
    const matrix = asCoverageMatrix(sets.value)
    const picks = time(() => pickMaximalCoveringGreedy(matrix, 20))
    lazy.push(picks.ms)
    evaluations = picks.value.evaluations
    // The fast solver as a whole, within the 2 s target: build, greedy, then the polish with its row
    // index (at most the polish's default budget, and stopped at 2 s from the start of the build).
    const started = performance.now()
    const cpu = process.cpuUsage()
    const fastSets = buildCoverageSets(demand, candidates)
    const polished = pickMaximalCoveringPolished(asCoverageMatrix(fastSets), 20, {
      deadline: started + 2000,
    })
    fast.push(performance.now() - started)
    // CPU time says how much of the wall-clock time a loaded machine took from the run
    const used = process.cpuUsage(cpu)
    const gain = polished.coveredWeight / polished.greedy.coveredWeight - 1
    fastNotes.push(
      `${polished.heuristic}, ${polished.moves} moves in ${polished.polishMs.toFixed(0)} ms, +${(gain * 100).toFixed(2)} % on greedy, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`,
    )
    const reduced = time(() => reduceCoverage(sets.value))
    reduce.push(reduced.ms)
    reducedRows = reduced.value.rowWeight.length
    const onReduced = time(() => solveMaximalCoveringGreedy(reduced.value, 20))
    lazyReduced.push(onReduced.ms)
    const reference = time(() => plainGreedy(matrix, 20))
    plain.push(reference.ms)
    agree &&= Math.abs(reference.value - picks.value.coveredWeight) < 1e-6
  }
  rows.push(['greedy 1M × 5,000: coverage sets (grid index)', ...stat(build), '—', `${pairs.toLocaleString()} pairs`])
  rows.push([
    'greedy 1M × 5,000, k = 20: lazy greedy (CELF)',
    ...stat(lazy),
    median(lazy) / median(plain),
    `≤ 2,000 ms; ${evaluations} gain evaluations`,
  ])
  rows.push([
    '  reference: plain greedy, all gains every round',
    ...stat(plain),
    1,
    agree ? 'same coverage' : 'DIFFERENT',
  ])
  rows.push(['greedy 1M × 5,000: reduction', ...stat(reduce), '—', `${reducedRows.toLocaleString()} rows`])
  rows.push(['greedy 1M × 5,000, k = 20: lazy greedy on reduced', ...stat(lazyReduced), '—', '—'])
  rows.push([
    'greedy 1M × 5,000, k = 20: build + lazy greedy',
    ...stat(build.map((b, i) => b + lazy[i])),
    '—',
    'end to end, pure part',
  ])
  rows.push([
    'fast solver 1M × 5,000, k = 20: build + greedy + interchange polish',
    ...stat(fast),
    '—',
    `≤ 2,000 ms (polish stopped at 2 s from the build's start); ${fastNotes.join('; ')}`,
  ])
}

/** The exact solves of the 10,000 × 1,000 seeds by class and seed (kept by the exact part for the quality part). */
const exactReferences = new Map<string, { objective: number; bound: number; optimal: boolean }>()
const referenceKey = (spread: readonly [number, number], seed: number) => `${spread.join(',')}:${seed}`

/**
 * Greedy's and the fast solver's (greedy + interchange) shortfall on each 10,000 × 1,000 seed, against
 * the best value known (the exact solve's, or BENCH_SITING_BEST_KNOWN's when higher) and against the
 * exact solve's proven bound (an overstatement unless the solve proved optimality). Target ≤ 2 %.
 */
async function benchQuality(rows: (string | number)[][]): Promise<void> {
  const known = new Map(
    (process.env.BENCH_SITING_BEST_KNOWN ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split(':').map(Number) as [number, number]),
  )
  const pct = (short: number) => `${(short * 100).toFixed(2)} %`
  const worst = { greedy: 0, fast: 0 }
  const spread = spreads[spreads.length - 1]
  for (const seed of [101, 102, 103]) {
    const { demand, candidates } = generateCity(seed, sized(10_000), sized(1000), spread)
    const reduced = reduceCoverage(buildCoverageSets(demand, candidates))
    let reference = exactReferences.get(referenceKey(spread, seed))
    if (!reference) {
      const exact = await solveMaximalCoveringExact(reduced, 20, {
        timeLimitSeconds: qualityCapSeconds,
        relativeGap: 0.001,
      })
      reference = { objective: exact.objective, bound: exact.bestBound, optimal: exact.status === 'optimal' }
    }
    const greedy = solveMaximalCoveringGreedy(reduced, 20)
    const fast = time(() => solveMaximalCoveringFast(reduced, 20))
    const best = Math.max(reference.objective, fast.value.newlyCoveredWeight, known.get(seed) ?? 0)
    // where the best known value comes from (the fast solver's own makes its shortfall 0 by definition)
    const source =
      best === reference.objective
        ? 'the exact solve'
        : best === (known.get(seed) ?? 0)
          ? 'BENCH_SITING_BEST_KNOWN'
          : 'the fast solver itself'
    const short = (value: number) => (best - value) / best
    const shortOfBound = (value: number) => (reference.bound - value) / reference.bound
    worst.greedy = Math.max(worst.greedy, short(greedy.newlyCoveredWeight))
    worst.fast = Math.max(worst.fast, short(fast.value.newlyCoveredWeight))
    const against = reference.optimal
      ? `proven optimum ${best.toLocaleString()}`
      : `best known ${best.toLocaleString()} from ${source} (exact bound ${Math.floor(reference.bound).toLocaleString()})`
    rows.push([
      `shortfall seed ${seed} (10,000 × 1,000, k = 20): greedy`,
      1,
      '—',
      '—',
      '—',
      `${pct(short(greedy.newlyCoveredWeight))} short of ${against}; ≤ ${pct(shortOfBound(greedy.newlyCoveredWeight))} of the bound; target ≤ 2 %`,
    ])
    rows.push([
      `shortfall seed ${seed}: fast solver (${fast.value.heuristic})`,
      1,
      fast.ms,
      fast.ms,
      '—',
      `${pct(short(fast.value.newlyCoveredWeight))} short; ≤ ${pct(shortOfBound(fast.value.newlyCoveredWeight))} of the bound; target ≤ 2 %; ${fast.value.newlyCoveredWeight.toLocaleString()} against greedy's ${greedy.newlyCoveredWeight.toLocaleString()}`,
    ])
  }
  rows.push([
    'shortfall, worst of the seeds: greedy / fast solver',
    3,
    '—',
    '—',
    '—',
    `${pct(worst.greedy)} / ${pct(worst.fast)} against the best known; target ≤ 2 %: ${worst.fast <= 0.02 ? 'met' : 'MISSED'} by the fast solver`,
  ])
}

/** One exact 10,000 × 1,000 solve of the sample, ours and (when run) cbc's. */
interface SampleSolve {
  seed: number
  ms: number
  proven: boolean
  gap: number
  nodes: number | undefined
  cbc?: { cpuMs: number; proven: boolean; objective: number; nodes: number }
}

/**
 * The exact target on a sample of the clustered class (seeds 101, 102, …): how many instances the
 * exact solver proves within 0.1 % inside the time limit, the gaps it leaves on the others, and, when
 * `cbc` runs, the native reference on the same instances and the same gap: how many it proves within
 * 1 s, 2 s and its cap. A sample, not three seeds: how hard an instance is varies across the class
 * more than any solver's speed (the LP bound alone proves some; on others it lies 0.3–0.9 % above
 * the optimum and only long branching closes it).
 */
async function benchExactTenThousand(rows: (string | number)[][], spread: readonly [number, number]): Promise<void> {
  const build: number[] = []
  const greedyMs: number[] = []
  const sample: SampleSolve[] = []
  let size = ''
  let cbcMissing = false
  // Warm the solver's code once (JIT): a one-off per process, not part of a solve.
  {
    const warm = generateCity(999, 2000, 200)
    await solveMaximalCoveringExact(reduceCoverage(buildCoverageSets(warm.demand, warm.candidates)), 5)
  }
  const spreadNote = `, blobs ${spread[0].toLocaleString()}–${spread[1].toLocaleString()} m`
  console.log(`exact 10,000 × 1,000${spreadNote}:`)
  for (let seed = 101; seed < 101 + exactSeeds; seed++) {
    const { demand, candidates } = generateCity(seed, sized(10_000), sized(1000), spread)
    const prepared = time(() => reduceCoverage(buildCoverageSets(demand, candidates)))
    build.push(prepared.ms)
    const reduced = prepared.value
    size = `${reduced.rowWeight.length.toLocaleString()} rows × ${reduced.candidateCount} candidates after reduction`
    greedyMs.push(time(() => solveMaximalCoveringGreedy(reduced, 20)).ms)
    const exact = await timeAsync(() =>
      solveMaximalCoveringExact(reduced, 20, { timeLimitSeconds: smallCapSeconds, relativeGap: 0.001 }),
    )
    const solve: SampleSolve = {
      seed,
      ms: exact.ms,
      proven: exact.value.status === 'optimal',
      gap: exact.value.gap,
      nodes: exact.value.search?.nodes,
    }
    // The native reference on the same instance: same model (merged rows), same gap.
    let reference = {
      objective: exact.value.objective,
      bound: exact.value.bestBound,
      optimal: solve.proven && solve.gap === 0,
    }
    if (cbcSeconds > 0 && !cbcMissing) {
      const run = runCbc(writeMaximalCoveringLp(reduced, 20, `seed-${seed}`), cbcGap, cbcSeconds)
      if (!run) cbcMissing = true
      else {
        const proven = run.status.startsWith('Optimal')
        solve.cbc = { cpuMs: run.cpuSeconds * 1000, proven, objective: run.objective, nodes: run.nodes }
        // the quality part's reference: cbc's optimum when it proved one at gap 0
        if (proven && cbcGap === 0) reference = { objective: run.objective, bound: run.objective, optimal: true }
        else if (run.objective > reference.objective) reference = { ...reference, objective: run.objective }
      }
    }
    exactReferences.set(referenceKey(spread, seed), reference)
    sample.push(solve)
    printRow([
      `  seed ${seed}`,
      `ours ${solve.ms.toFixed(0)} ms, ${solve.proven ? 'proven' : 'open'}, gap ${(solve.gap * 100).toFixed(3)} %, ${solve.nodes ?? 0} nodes`,
      solve.cbc
        ? `cbc ${(solve.cbc.cpuMs / 1000).toFixed(2)} s CPU, ${solve.cbc.proven ? 'proven' : 'stopped'}, ${solve.cbc.objective}, ${solve.cbc.nodes} nodes`
        : '',
    ])
  }
  const proven = sample.filter((s) => s.proven)
  const gaps = sample.map((s) => s.gap * 100)
  rows.push([`exact 10,000 × 1,000${spreadNote}: coverage sets + reduction`, ...stat(build), '—', size])
  rows.push([
    `exact 10,000 × 1,000, k = 20, 500 m${spreadNote}: Lagrangian + branch and bound, ${sample.length} instances`,
    ...stat(sample.map((s) => s.ms)),
    median(sample.map((s) => s.ms)) / median(greedyMs),
    `target: proven within 0.1 % in ≤ ${(smallCapSeconds * 1000).toLocaleString()} ms: ${proven.length} of ${sample.length} (median ${proven.length > 0 ? median(proven.map((s) => s.ms)).toFixed(0) : '—'} ms); gap left median ${median(gaps).toFixed(2)} %, p95 ${percentile(gaps, 95).toFixed(2)} %, max ${Math.max(...gaps).toFixed(2)} %`,
  ])
  rows.push(['  reference: lazy greedy on the same instances', ...stat(greedyMs), 1, '—'])
  if (cbcSeconds <= 0) return
  if (cbcMissing) {
    rows.push([
      '  native reference: cbc',
      0,
      '—',
      '—',
      '—',
      'skipped: the cbc program is not installed (apt-get install coinor-cbc)',
    ])
    return
  }
  const cbcMs = sample.map((s) => s.cbc!.cpuMs)
  const within = (limitMs: number) => sample.filter((s) => s.cbc!.proven && s.cbc!.cpuMs <= limitMs)
  const cbcWithinCap = within(smallCapSeconds * 1000)
  // the instances cbc proves within the time limit that ours does not (none: ours matches the reference)
  const missed = cbcWithinCap.filter((s) => !s.proven).map((s) => s.seed)
  const both = sample.filter((s) => s.proven && s.cbc!.proven)
  rows.push([
    `  native reference: cbc to ${(cbcGap * 100).toFixed(1)} % (CPU, 1 thread, cap ${cbcSeconds} s)`,
    ...stat(cbcMs),
    both.length > 0 ? median(both.map((s) => s.ms / s.cbc!.cpuMs)) : '—',
    `proven within 1 s: ${within(1000).length}, within ${smallCapSeconds} s: ${cbcWithinCap.length}, within its cap: ${within(cbcSeconds * 1000).length} of ${sample.length}; ` +
      `of those within ${smallCapSeconds} s ours proves ${cbcWithinCap.length - missed.length}${missed.length > 0 ? ` (not seeds ${missed.join(', ')})` : ''}; ratio: median ours ÷ cbc where both prove`,
  ])
}

async function benchExactLarge(rows: (string | number)[][]): Promise<void> {
  const { demand, candidates } = generateCity(7, sized(100_000), sized(5000))
  const prepared = time(() => reduceCoverage(buildCoverageSets(demand, candidates)))
  const reduced = prepared.value
  const exact = await timeAsync(() => solveMaximalCoveringExact(reduced, 20, { timeLimitSeconds: capSeconds }))
  const e = exact.value
  rows.push([
    `exact 100,000 × 5,000, k = 20: coverage sets + reduction`,
    1,
    prepared.ms,
    prepared.ms,
    '—',
    `${reduced.rowWeight.length.toLocaleString()} rows × ${reduced.candidateCount} candidates`,
  ])
  rows.push([
    `exact 100,000 × 5,000, k = 20, cap ${capSeconds} s`,
    1,
    exact.ms,
    exact.ms,
    '—',
    `${e.status}, returned ${e.returned}, bound by ${e.boundSource}${e.search ? ` (${e.search.nodes} nodes)` : ''}, gap ${(e.gap * 100).toFixed(3)} %, objective ${e.objective.toFixed(0)}, bound ${e.bestBound.toFixed(0)}, greedy ${e.greedy.newlyCoveredWeight.toFixed(0)}`,
  ])
}

async function benchWalking(rows: (string | number)[][]): Promise<void> {
  const reading = await readOsmRoads(join(import.meta.dirname, '../../data/osm/andorra.osm.pbf'))
  const graph = buildWalkingGraph(projectRoadsToLocalMetres(reading.roads).lines)
  const next = random(81)
  // 81 centres and 50,000 residents placed near random network nodes of the main valley network.
  const near = (count: number) => {
    const x = new Float64Array(count)
    const y = new Float64Array(count)
    for (let i = 0; i < count; i++) {
      const u = Math.floor(next() * graph.nodeCount)
      x[i] = graph.nodeX[u] + (next() - 0.5) * 60
      y[i] = graph.nodeY[u] + (next() - 0.5) * 60
    }
    return { x, y }
  }
  const centrePoints = near(81)
  const residentPoints = near(sized(50_000))
  const areas: number[] = []
  const pairs: number[] = []
  const nearest: number[] = []
  let segments = 0
  for (let r = 0; r < repeats; r++) {
    const t = time(() => {
      const centres = snapPoints(graph, centrePoints.x, centrePoints.y)
      return computeServiceAreas(graph, centres)
    })
    areas.push(t.ms)
    segments = t.value.areas.reduce((sum, a) => sum + a.bands.reduce((s, b) => s + b.segments.length / 4, 0), 0)
    const centres = snapPoints(graph, centrePoints.x, centrePoints.y)
    const residents = snapPoints(graph, residentPoints.x, residentPoints.y)
    pairs.push(time(() => findCatchmentPairs(graph, centres, residents, metresInMinutes(15, 1.2))).ms)
    nearest.push(time(() => assignNearestCentres(graph, centres, residents)).ms)
  }
  const size = `${graph.edgeCount.toLocaleString()} edges (Andorra)`
  rows.push([
    'walking: 81 centres × 5/10/15 min reached segments',
    ...stat(areas),
    '—',
    `pure part of ≤ 5 s / ≤ 15 s; ${size}; ${segments.toLocaleString()} segments`,
  ])
  rows.push(['walking: 50,000 residents, centres within 15 min', ...stat(pairs), '—', size])
  rows.push(['walking: 50,000 residents, nearest centre', ...stat(nearest), '—', size])
}

const rows: (string | number)[][] = []
const started = performance.now()
const only = process.env.BENCH_SITING_ONLY?.split(',').map((part) => part.trim())
const runs = (part: 'greedy' | 'exact' | 'quality' | 'large' | 'walking') => !only || only.includes(part)
if (runs('greedy')) await benchGreedyMillion(rows)
if (runs('exact')) for (const spread of spreads) await benchExactTenThousand(rows, spread)
if (runs('quality')) await benchQuality(rows)
if (runs('large') && !process.env.BENCH_SITING_SKIP_LARGE) await benchExactLarge(rows)
if (runs('walking')) await benchWalking(rows)
printTable(
  `Siting (pure core), ${repeats} runs per figure, ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
  ['what', 'runs', 'median ms', 'p95 ms', 'ratio to reference', 'target / note'],
  rows,
)
