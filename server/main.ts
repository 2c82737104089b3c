// Entry point: load config, open and migrate the database, load the demo district into an empty
// one, build the app, listen, and close gracefully on SIGINT/SIGTERM.
import { buildApp } from './app.ts'
import { ConfigError, hidePassword, loadConfig } from './config.ts'
import { createDatabase } from './db/database.ts'
import { migrate } from './db/migrate.ts'
import { districtTables } from './db/repositories/demo.repository.ts'
import { failInterruptedImports } from './db/repositories/imports.repository.ts'
import { failInterruptedRuns } from './db/repositories/merge-runs.repository.ts'
import { analyseNeverAnalysed } from './db/statistics.ts'
import { hasAnyRegion, loadDemoDistrict } from './services/demo/demo.service.ts'

/**
 * The database, migrated. A server database that cannot be reached or used stops the start with
 * the configuration message naming DATABASE_URL (its password hidden), not a driver stack trace.
 */
async function openDatabase(config: ReturnType<typeof loadConfig>) {
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined
  try {
    database = await createDatabase(config)
    return { database, applied: await migrate(database.db) }
  } catch (error) {
    if (!config.databaseUrl) throw error
    await database?.close().catch(() => undefined)
    throw new ConfigError([
      `DATABASE_URL=${JSON.stringify(hidePassword(config.databaseUrl))}: cannot use the database: ${(error as Error).message}`,
    ])
  }
}

async function main(): Promise<void> {
  const started = performance.now()
  const config = loadConfig()
  const { database, applied } = await openDatabase(config)
  const where = config.databaseUrl ? 'server PostgreSQL' : `PGlite at ${config.dataDir}`
  console.log(
    `database: ${where}; ${applied.length} migration(s) applied (${Math.round(performance.now() - started)} ms)`,
  )
  if (config.loadDemo && !(await hasAnyRegion(database.db))) {
    const report = await loadDemoDistrict(database.db, {
      seed: config.demoSeed,
      scale: config.demoScale,
      realism: config.demoRealism,
    })
    console.log(`demo district loaded in ${report.ms} ms: ${JSON.stringify(report.counts)}`)
  }
  const analysed = await analyseNeverAnalysed(database.db, districtTables)
  if (analysed.length > 0) console.log(`planner statistics gathered for ${analysed.join(', ')}`)
  const interrupted = await failInterruptedRuns(database.db)
  if (interrupted > 0) console.log(`${interrupted} merge run(s) interrupted by the last stop marked failed`)
  const interruptedImports = await failInterruptedImports(database.db)
  if (interruptedImports > 0) console.log(`${interruptedImports} import(s) interrupted by the last stop marked failed`)
  const app = await buildApp({ config, database, ownsDatabase: true })
  await app.listen({ port: config.port, host: config.host })
  console.log(
    `网格治理一张图 ready at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (${Math.round(performance.now() - started)} ms since start)`,
  )

  let closing = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) return
      closing = true
      app.log.info(`${signal}: closing`)
      app.close().then(
        () => process.exit(0),
        (error) => {
          console.error(error)
          process.exit(1)
        },
      )
    })
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error)
  process.exit(1)
})
