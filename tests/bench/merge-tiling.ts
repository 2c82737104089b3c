// Whether a merge's stored result tiles each community (issue 19, item 1), from the stored rows in
// EPSG:4326 with areas on the spheroid: the demo district merged (base strategy) and measured, for
// the clean demo and the one drawn as real files are. Prints figures; asserts nothing.
//
//   npx tsx tests/bench/merge-tiling.ts [--scale 1] [--realism clean,real] [--strategy base_department]
//
// On an embedded database (PGlite in memory, the merge on its engines), so that it runs alone.
import { parseArgs } from 'node:util'
import { createPgliteDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { type CommunityTiling, findRunTiling } from '../../server/db/repositories/merge-tiling.repository.ts'
import type { DemoRealism } from '../../data/district/index.ts'
import { findMetricSrid } from '../../server/db/repositories/merge-runs.repository.ts'
import { loadDemoDistrict } from '../../server/services/demo/demo.service.ts'
import { stopIdleEngines } from '../../server/services/merge/merge-engine.ts'
import { defaultSliverRule } from '../../server/services/merge/merge-params.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { mergeExecutionFor } from '../../server/services/merge/merge-run.ts'
import { printTable, timeIt } from './stats.ts'

/** The targets of DESIGN.md and issue 19. */
export const tilingTargets = { symDifferenceM2: 0.5, overlapM2: 0.01, vertexOutsideM: 0.05 }

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    realism: { type: 'string', default: 'clean,real' },
    strategy: { type: 'string', default: 'base_department' },
  },
})
const scale = Number(values.scale)
const realisms = values.realism.split(',') as DemoRealism[]
const strategy = values.strategy as 'base_department' | 'household_balanced'

/** One line of figures for a run: the worst community on each check and how many break each target. */
export function tilingRows(label: string, tiling: CommunityTiling[]): (string | number)[][] {
  const worst = (pick: (c: CommunityTiling) => number) =>
    tiling.reduce((best, c) => (pick(c) > pick(best) ? c : best), tiling[0])
  const sum = (pick: (c: CommunityTiling) => number) => tiling.reduce((s, c) => s + pick(c), 0)
  const symmetric = worst((c) => c.symDifferenceM2)
  const uncovered = worst((c) => c.uncoveredM2)
  const outside = worst((c) => c.outsideM2)
  const overlap = worst((c) => c.maxOverlapM2)
  const vertex = worst((c) => c.maxVertexOutsideM)
  const smallest = Math.min(...tiling.map((c) => c.smallestGridM2 ?? Infinity))
  return [
    [`${label} communities / unified grids`, tiling.length, sum((c) => c.grids), ''],
    [
      `${label} symmetric difference, largest (m²)`,
      symmetric.symDifferenceM2,
      symmetric.code,
      `${tiling.filter((c) => c.symDifferenceM2 > tilingTargets.symDifferenceM2).length} over 0.5 m²; ${sum((c) => c.symDifferenceM2).toFixed(1)} m² in all`,
    ],
    [
      `${label}   of which uncovered, largest (m²)`,
      uncovered.uncoveredM2,
      uncovered.code,
      `${sum((c) => c.uncoveredM2).toFixed(1)} m² in all`,
    ],
    [
      `${label}   of which outside, largest (m²)`,
      outside.outsideM2,
      outside.code,
      `${sum((c) => c.outsideM2).toFixed(1)} m² in all`,
    ],
    [
      `${label} overlap of two unified grids, largest (m²)`,
      overlap.maxOverlapM2,
      overlap.code,
      `${tiling.filter((c) => c.maxOverlapM2 > tilingTargets.overlapM2).length} communities over 0.01 m²`,
    ],
    [
      `${label} vertex outside its community, farthest (m)`,
      vertex.maxVertexOutsideM,
      vertex.code,
      `${tiling.filter((c) => c.maxVertexOutsideM > tilingTargets.vertexOutsideM).length} communities over 5 cm`,
    ],
    [
      `${label} crumbs: unified grids under the sliver thresholds`,
      sum((c) => c.slivers),
      '',
      `smallest grid ${smallest.toFixed(4)} m²`,
    ],
  ]
}

const rows: (string | number)[][] = []
for (const realism of realisms) {
  const label = `×${scale} ${realism}:`
  const database = await createPgliteDatabase('memory://')
  try {
    await migrate(database.db)
    const load = await timeIt(() => loadDemoDistrict(database.db, { seed: 20241, scale, realism }))
    const execution = mergeExecutionFor(database.driver)
    const merges = new MergeService(database.db, { driver: database.driver })
    const runId = await merges.createRun({ ...execution.request, strategy })
    const merged = await timeIt(() => merges.executeRun(runId, execution.hooks))
    rows.push([`${label} demo load (ms) / merge (ms)`, load.ms, merged.ms, merged.value.status])
    if (merged.value.status !== 'succeeded') {
      rows.push([`${label} merge failed`, '', '', merged.value.error ?? ''])
      continue
    }
    const srid = await findMetricSrid(database.db)
    const measured = await timeIt(() => findRunTiling(database.db, runId, defaultSliverRule, { srid }))
    rows.push([`${label} tiling check (ms)`, measured.ms, '', ''], ...tilingRows(label, measured.value))
  } finally {
    await stopIdleEngines()
    await database.close()
  }
}
printTable(
  `多网合一: the stored result against its communities (EPSG:4326, spheroid), ${strategy}`,
  ['what', 'figure', 'where', 'note'],
  rows,
)
