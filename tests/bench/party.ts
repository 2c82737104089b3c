// Party-coverage rules and figures on the demo district, timed; runnable alone:
//
//   npx tsx tests/bench/party.ts
//
//   PARTY_BENCH_SCALES=1,10   demo sizes on server PostGIS (default 1,10); PGlite runs ×1
//   PARTY_BENCH_RUNS=12       timed runs per measure (default 12)
//   PARTY_BENCH_MERGE=0       skip the merge that publishes unified grids (grid figures then empty)
//   BENCH_DATABASE_URL        an existing server (admin) database URL instead of a throwaway cluster
//   BENCH_SKIP_PGLITE=1 / BENCH_SKIP_SERVER=1
//   PARTY_BENCH_SKIP_BROWSER=1 skip the party page's first map drawn (Chromium, PGlite ×1; needs npm run build)
//
// Prints medians and p95 per rule and for all rules in one pass; asserts nothing.
import pg from 'pg'
import { type Database, createPgliteDatabase, createPostgresDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { loadDemoDistrict } from '../../server/services/demo/demo.service.ts'
import { stopIdleEngines } from '../../server/services/merge/merge-engine.ts'
import { mergeExecutionFor } from '../../server/services/merge/merge-run.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { PartyService } from '../../server/services/party/party.service.ts'
import type { PartyFindingsQuery, PartyRule } from '../../server/schemas/party.schema.ts'
import { startThrowawayCluster } from '../helpers/postgres-cluster.ts'
import { serveTestApp } from '../helpers/app.ts'
import { launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { median, percentile, printTable, timeIt } from './stats.ts'

const seed = 20241
const scales = (process.env.PARTY_BENCH_SCALES ?? '1,10').split(',').map(Number)
const withMerge = process.env.PARTY_BENCH_MERGE !== '0'
const rules: PartyRule[] = [
  'should_establish',
  'joint_proposals',
  'tier_mismatch',
  'weak_share',
  'hollow_suspects',
  'new_economy',
]
const query = (rule: PartyRule): PartyFindingsQuery => ({
  rule,
  limit: 100,
  offset: 0,
  maxDistanceM: 500,
  inactiveMonths: 12,
})

async function publishDemoMerge(database: Database): Promise<number> {
  const merges = new MergeService(database.db, { driver: database.driver })
  const execution = mergeExecutionFor(database.driver, undefined)
  const runId = await merges.createRun({ ...execution.request })
  const { ms, value: run } = await timeIt(() => merges.executeRun(runId, execution.hooks))
  if (run.status !== 'succeeded') throw new Error(`merge failed: ${run.error}`)
  await merges.publishRun(runId)
  return ms
}

async function benchParty(label: string, database: Database, target: string): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = []
  const party = new PartyService(database.db)
  const counts = await party.getCoverage({})
  const district = counts.rows.find((r) => r.level === 'district')!
  rows.push([
    `${label} data: ${district.figures.orgCoverageRate.denominator} units, ${Object.values(district.figures.orgsByStatus).reduce((a, b) => a + b)} orgs, ${counts.rows.filter((r) => r.level === 'grid' && !r.remainder).length} grids`,
    1,
    '',
    '',
    '—',
  ])
  const runs = Number(process.env.PARTY_BENCH_RUNS ?? 12)
  const time = async (name: string, fn: () => Promise<unknown>) => {
    await fn() // warm
    const samples: number[] = []
    for (let i = 0; i < runs; i++) samples.push((await timeIt(fn)).ms)
    rows.push([`${label} ${name}`, runs, median(samples), percentile(samples, 95), '—'])
    return samples
  }
  for (const rule of rules) await time(`findings ${rule}`, () => party.getFindings(query(rule)))
  await time('coverage figures (every level)', () => party.getCoverage({}))
  await time('joint committees', () => party.listJointCommittees())
  const all = await time('all rules + figures, one after another', async () => {
    for (const rule of rules) await party.getFindings(query(rule))
    await party.getCoverage({})
    await party.listJointCommittees()
  })
  rows[rows.length - 1][4] = target
  rows[rows.length - 1][2] = median(all)
  const shouldEstablish = await party.getFindings(query('should_establish'))
  const proposals = await party.getFindings(query('joint_proposals'))
  rows.push([
    `${label} 应建未建 ${shouldEstablish.total}, 未覆盖 ${district.figures.uncovered}, joint proposals ${proposals.total}`,
    1,
    '',
    '',
    '—',
  ])
  return rows
}

async function serverDatabase(adminUrl: string, scale: number, rows: (string | number)[][]): Promise<Database> {
  const name = `bench_party_${scale}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name}`)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const database = await createPostgresDatabase(url.href)
  await migrate(database.db)
  const load = await timeIt(() => loadDemoDistrict(database.db, { seed, scale }))
  rows.push([`server ×${scale}: demo load`, 1, load.ms, '', '—'])
  if (withMerge)
    rows.push([`server ×${scale}: merge + publish (for grid figures)`, 1, await publishDemoMerge(database), '', '—'])
  return database
}

/**
 * The party page's first map drawn: from navigation to the first frame with organizations on it (the
 * page records it in data-drawn-ms), in Chromium against the app on this database, a fresh page each time.
 */
async function benchFirstMapDrawn(label: string, database: Database): Promise<(string | number)[][]> {
  const { app, origin } = await serveTestApp(database, { serveWeb: true })
  const browser = await launchChromium()
  const samples: number[] = []
  let cold = 0
  try {
    for (let i = 0; i < 4; i++) {
      const { page } = await openWatchedPage(browser, { origin, credentials: app.credentials })
      await page.goto(`${origin}/#/party`)
      const drawn = page.getByTestId('party-page').and(page.locator('[data-drawn-ms]'))
      await drawn.waitFor({ state: 'attached', timeout: 120_000 })
      const ms = Number(await drawn.getAttribute('data-drawn-ms'))
      if (i === 0)
        cold = ms // the first fills the tile cache
      else samples.push(ms)
      await page.close()
    }
  } finally {
    await browser.close()
    await app.close()
  }
  return [
    [`${label} party page first map drawn (cold tile cache)`, 1, cold, '', '—'],
    [
      `${label} party page first map drawn (warm tile cache)`,
      samples.length,
      median(samples),
      percentile(samples, 95),
      '—',
    ],
  ]
}

async function main() {
  const rows: (string | number)[][] = []
  if (!process.env.BENCH_SKIP_SERVER) {
    const cluster = process.env.BENCH_DATABASE_URL ? undefined : await startThrowawayCluster()
    const adminUrl = process.env.BENCH_DATABASE_URL ?? cluster!.url
    try {
      for (const scale of scales) {
        const database = await serverDatabase(adminUrl, scale, rows)
        rows.push(...(await benchParty(`server ×${scale}:`, database, scale === 1 ? '≤ 500' : '≤ 3,000')))
        await database.close()
      }
    } finally {
      await cluster?.stop()
    }
  }
  if (!process.env.BENCH_SKIP_PGLITE) {
    const database = await createPgliteDatabase('memory://')
    await migrate(database.db)
    const load = await timeIt(() => loadDemoDistrict(database.db, { seed, scale: 1 }))
    rows.push(['pglite ×1: demo load', 1, load.ms, '', '—'])
    if (withMerge)
      rows.push(['pglite ×1: merge + publish (for grid figures)', 1, await publishDemoMerge(database), '', '—'])
    rows.push(...(await benchParty('pglite ×1:', database, '—')))
    if (!process.env.PARTY_BENCH_SKIP_BROWSER) rows.push(...(await benchFirstMapDrawn('pglite ×1:', database)))
    await database.close()
    await stopIdleEngines()
  }
  printTable('Party coverage rules (2-core machine; times in ms)', ['measure', 'n', 'p50 ms', 'p95 ms', 'target'], rows)
}

await main()
