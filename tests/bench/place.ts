// The place panel's figures on PGlite, timed: the district's and a street's place figures (centre
// coverage, party coverage, department grids against the unified ones, merge issues), the first request
// (cold: nothing cached) and the next ones (warm), and a unified grid as a place. Runnable alone:
//
//   npx tsx tests/bench/place.ts
//
//   PLACE_BENCH_RUNS=5          timed warm runs per measure (default 5)
//   PLACE_BENCH_REALISM=clean   demo realism (clean: the tests' demo; real: npm start's)
//
// Prints medians; asserts nothing. The machine is shared: figures under load are inflated.
import { sql } from 'kysely'
import { createPgliteDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { loadDemoDistrict } from '../../server/services/demo/demo.service.ts'
import { mergeExecutionFor } from '../../server/services/merge/merge-run.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { stopIdleEngines } from '../../server/services/merge/merge-engine.ts'
import { buildTestApp } from '../helpers/app.ts'
import { median, printTable, timeIt } from './stats.ts'

const runs = Number(process.env.PLACE_BENCH_RUNS ?? 5)
const realism = (process.env.PLACE_BENCH_REALISM ?? 'clean') as 'clean' | 'real'

async function main() {
  const rows: (string | number)[][] = []
  const database = await createPgliteDatabase('memory://')
  await migrate(database.db)
  const load = await timeIt(() => loadDemoDistrict(database.db, { seed: 20241, scale: 1, realism }))
  rows.push([`PGlite ×1 (${realism}): demo load`, 1, load.ms, '—'])
  const merges = new MergeService(database.db, { driver: database.driver })
  const execution = mergeExecutionFor(database.driver, undefined)
  const runId = await merges.createRun({ ...execution.request })
  const merged = await timeIt(() => merges.executeRun(runId, execution.hooks))
  if (merged.value.status !== 'succeeded') throw new Error(`merge failed: ${merged.value.error}`)
  await merges.publishRun(runId)
  rows.push([`PGlite ×1: merge + publish`, 1, merged.ms, '—'])
  const app = await buildTestApp(database)
  const db = database.db
  const district = (await sql<{ code: string }>`SELECT code FROM regions WHERE level = 'district'`.execute(db)).rows[0]
    .code
  const street = (
    await sql<{ code: string }>`SELECT code FROM regions WHERE level = 'street' ORDER BY code`.execute(db)
  ).rows[0].code
  const grid = (
    await sql<{ code: string }>`SELECT u.code FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id
      AND m.is_published ORDER BY u.code LIMIT 1`.execute(db)
  ).rows[0].code
  const get = async (url: string) => {
    const response = await app.inject(url)
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`)
  }
  const measure = async (label: string, url: string) => {
    const cold = await timeIt(() => get(url))
    const samples: number[] = []
    for (let i = 0; i < runs; i++) samples.push((await timeIt(() => get(url))).ms)
    rows.push([`${label}: first request (cold)`, 1, cold.ms, '—'])
    rows.push([`${label}: warm`, runs, median(samples), '—'])
  }
  await measure('district place figures', `/api/regions/${district}/place-figures`)
  // what the district's figures read, each alone and warm: the centre coverage is what every request
  // computed before it was kept per data version
  const { siting, party, place } = app.services
  const part = async (label: string, read: () => Promise<unknown>) => {
    await read()
    const samples: number[] = []
    for (let i = 0; i < runs; i++) samples.push((await timeIt(read)).ms)
    rows.push([`  district ${label}: warm`, runs, median(samples), '—'])
  }
  await part('centre coverage computed (siting.coverage, as every request did before)', () =>
    siting.coverage({ region: district }, {}),
  )
  await part('party coverage', () => party.getCoverage({ region: district }, {}))
  await part('department overlay (kept per version)', () => place.departmentMatches(district.slice(0, 6)))
  await measure('street place figures', `/api/regions/${street}/place-figures`)
  if (process.env.PLACE_BENCH_GRID !== '0') await measure('unified grid as a place', `/api/unified-grids/${grid}`)
  // a data change (a population point moved): the centre coverage is computed again once, then cached
  await sql`UPDATE population_points SET residents = residents WHERE id = (SELECT min(id) FROM population_points)`.execute(
    db,
  )
  await measure('district place figures after a population change', `/api/regions/${district}/place-figures`)
  printTable('Place figures on PGlite', ['measure', 'runs', 'median ms', 'note'], rows)
  await app.close()
  await database.close()
  await stopIdleEngines()
}

await main()
