// Where a 多网合一 merge spends its time, and what it stores: the demo district merged (base strategy)
// as the API runs it, its phases printed; `--statements` runs it once more on one connection with every
// statement timed (summed by statement); `--out FILE` writes the unified grids (code, area, households,
// md5 of ST_AsBinary of the boundary) to compare two trees' results byte for byte.
//
//   npx tsx tests/bench/merge-profile.ts --driver pglite|server [--scale 1] [--statements] [--out FILE]
//     [--cache DIR]  (PGlite: the loaded demo kept as a dump there; server: PROFILE_DATABASE_URL's cluster)
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { type Database, createPgliteDatabase, createPostgresDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { PglitePool } from '../../server/db/pglite-pool.ts'
import type { Tables } from '../../server/db/tables.ts'
import { loadDemoDistrict } from '../../server/services/demo/demo.service.ts'
import { stopIdleEngines } from '../../server/services/merge/merge-engine.ts'
import { MergeService } from '../../server/services/merge/merge.service.ts'
import { mergeExecutionFor } from '../../server/services/merge/merge-run.ts'
import { executeMerge } from '../../server/services/merge/merge-run.ts'
import { startThrowawayCluster } from '../helpers/postgres-cluster.ts'
import { timeIt } from './stats.ts'

const { values } = parseArgs({
  options: {
    driver: { type: 'string', default: 'pglite' },
    scale: { type: 'string', default: '1' },
    statements: { type: 'boolean', default: false },
    out: { type: 'string' },
    cache: { type: 'string', default: '/tmp/merge-profile' },
  },
})
const scale = Number(values.scale)
const seed = 20241

async function open(): Promise<{ database: Database; done: () => Promise<void> }> {
  if (values.driver === 'pglite') {
    const dump = `${values.cache}-pglite-${scale}.tar.gz`
    if (existsSync(dump)) {
      const database = await createPgliteDatabase('memory://', new Blob([readFileSync(dump)]))
      return { database, done: () => database.close() }
    }
    const database = await createPgliteDatabase('memory://')
    await migrate(database.db)
    await loadDemoDistrict(database.db, { seed, scale })
    const blob = await database.pglite!.dumpDataDir('gzip')
    writeFileSync(dump, Buffer.from(await blob.arrayBuffer()))
    return { database, done: () => database.close() }
  }
  const cluster = process.env.PROFILE_DATABASE_URL ? undefined : await startThrowawayCluster()
  const adminUrl = process.env.PROFILE_DATABASE_URL ?? cluster!.url
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  const base = `profile_base_${scale}`
  const name = `profile_${scale}`
  const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [base])
  const urlOf = (db: string) => Object.assign(new URL(adminUrl), { pathname: `/${db}` }).href
  if (rows.length === 0) {
    await admin.query(`CREATE DATABASE ${base}`)
    const loading = await createPostgresDatabase(urlOf(base))
    await migrate(loading.db)
    await loadDemoDistrict(loading.db, { seed, scale })
    await loading.close()
  }
  // a copy of the loaded demo: no run before this one (codes carry over from one)
  await admin.query(`DROP DATABASE IF EXISTS ${name}`)
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${base}`)
  await admin.end()
  const database = await createPostgresDatabase(urlOf(name))
  return {
    database,
    done: async () => {
      await database.close()
      await cluster?.stop()
    },
  }
}

const { database, done } = await open()
try {
  const load = loadavg()
  const execution = mergeExecutionFor(database.driver)
  const merges = new MergeService(database.db, { driver: database.driver })
  const runId = await merges.createRun({ ...execution.request })
  const merged = await timeIt(() => merges.executeRun(runId, execution.hooks))
  if (merged.value.status !== 'succeeded') throw new Error(`merge failed: ${merged.value.error}`)
  const stats = merged.value.stats as Record<string, unknown>
  const published = await timeIt(() => merges.publishRun(runId))
  const after = loadavg()
  console.log(
    JSON.stringify({
      driver: database.driver,
      scale,
      mergeMs: Math.round(merged.ms),
      publishMs: Math.round(published.ms),
      loadBefore: load.map((l) => l.toFixed(1)),
      loadAfter: after.map((l) => l.toFixed(1)),
      stats,
    }),
  )
  if (values.out) {
    const { rows } = await sql<{ line: string }>`
      SELECT concat_ws(' ', community_code, code, round(area_m2::numeric, 6), households, md5(ST_AsBinary(boundary))) AS line
      FROM unified_grids WHERE merge_run_id = ${runId}::bigint ORDER BY code`.execute(database.db)
    writeFileSync(values.out, rows.map((r) => r.line).join('\n') + '\n')
    console.log(`${rows.length} unified grids written to ${values.out}`)
  }
  if (values.statements) {
    // the same merge on one connection, every statement timed
    const times = new Map<string, { ms: number; n: number }>()
    const pool =
      database.driver === 'pglite' ? (new PglitePool(database.pglite!) as unknown as pg.Pool) : database.pool!
    const logged = new Kysely<Tables>({
      dialect: new PostgresDialect({ pool }),
      log(event) {
        const key = event.query.sql.replace(/\s+/g, ' ').trim().slice(0, 110)
        const entry = times.get(key) ?? { ms: 0, n: 0 }
        entry.ms += event.queryDurationMillis
        entry.n++
        times.set(key, entry)
      },
    })
    const again = await merges.createRun({ ...execution.request })
    const run = await timeIt(() => executeMerge(logged, again, {}))
    if (run.value.status !== 'succeeded') throw new Error(`merge failed: ${run.value.error}`)
    const total = [...times.values()].reduce((s, t) => s + t.ms, 0)
    console.log(`one connection: ${Math.round(run.ms)} ms, statements ${Math.round(total)} ms`)
    console.log(JSON.stringify((run.value.stats as Record<string, unknown>) ?? {}))
    for (const [key, t] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
      console.log(
        `${String(Math.round(t.ms)).padStart(8)} ms ${((100 * t.ms) / total).toFixed(1).padStart(5)} % ×${t.n}  ${key}`,
      )
  }
} finally {
  await stopIdleEngines()
  await done()
}
