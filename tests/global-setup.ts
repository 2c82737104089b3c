// Runs once per test run: finds the server-PostGIS tier (TEST_DATABASE_URL, else a throwaway cluster
// when PostgreSQL and PostGIS are installed), and builds the databases every test file starts from —
// migrated and empty, and migrated with the demo district — on both drivers, concurrently.
import { execFile } from 'node:child_process'
import { writeFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { createPgliteDatabase, createPostgresDatabase } from '../server/db/database.ts'
import { migrate } from '../server/db/migrate.ts'
import { loadDemoDistrict } from '../server/services/demo/demo.service.ts'
import { type Cluster, findPostgresBinaries, hasPostgis, startThrowawayCluster } from './helpers/postgres-cluster.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the server-PostGIS tier, or null when it is skipped. */
    serverDatabaseUrl: string | null
    pgliteEmptyDump: string
    pgliteDemoDump: string
  }
}

export const demoOptions = { seed: 20241, scale: 1 }
export const templates = { empty: 'wg_tpl_empty', demo: 'wg_tpl_demo' } as const

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.href
}

async function buildServerTemplates(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    for (const name of Object.values(templates)) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.query(`CREATE DATABASE ${name}`)
    }
  } finally {
    await admin.end()
  }
  for (const [kind, name] of Object.entries(templates)) {
    const database = await createPostgresDatabase(databaseUrl(adminUrl, name))
    try {
      await migrate(database.db)
      if (kind === 'demo') await loadDemoDistrict(database.db, demoOptions)
    } finally {
      await database.close()
    }
  }
}

async function buildPgliteDumps(dir: string): Promise<{ empty: string; demo: string }> {
  const database = await createPgliteDatabase('memory://')
  try {
    await migrate(database.db)
    const empty = path.join(dir, 'pglite-empty.tar.gz')
    await writeFile(empty, Buffer.from(await (await database.pglite!.dumpDataDir('gzip')).arrayBuffer()))
    await loadDemoDistrict(database.db, demoOptions)
    const demo = path.join(dir, 'pglite-demo.tar.gz')
    await writeFile(demo, Buffer.from(await (await database.pglite!.dumpDataDir('gzip')).arrayBuffer()))
    return { empty, demo }
  } finally {
    await database.close()
  }
}

/**
 * The merge engines' template, made once before test files start engines at once (each would make
 * it). In a process of its own: the engine threads load through tsx, which this runner's loader is not.
 */
function ensureEngineTemplate(): Promise<void> {
  const script = `import(${JSON.stringify(pathToFileURL(path.join(import.meta.dirname, '..', 'server', 'services', 'merge', 'merge-engine.ts')).href)}).then((m) => m.ensureEngineTemplate())`
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '-e', script], (error, _stdout, stderr) =>
      error ? reject(new Error(`merge engine template: ${stderr || error.message}`)) : resolve(),
    )
  })
}

function warnLoudly(reason: string): void {
  const bar = '!'.repeat(78)
  console.warn(
    `\n${bar}\n!! SERVER-POSTGIS TEST TIER SKIPPED: ${reason}\n!! Only PGlite is tested. Install postgresql-15-postgis-3 or set TEST_DATABASE_URL.\n${bar}\n`,
  )
}

export default async function setup(project: TestProject) {
  const started = performance.now()
  const dir = await mkdtemp(path.join(tmpdir(), 'wangge-test-'))
  let cluster: Cluster | undefined
  let serverUrl: string | null = process.env.TEST_DATABASE_URL ?? null
  if (!serverUrl) {
    const bindir = findPostgresBinaries()
    const reason = !bindir
      ? 'no PostgreSQL server binaries (initdb, pg_ctl)'
      : !hasPostgis(bindir)
        ? `no PostGIS extension for ${bindir}`
        : undefined
    if (reason) {
      if (process.env.CI === 'true')
        throw new Error(`CI=true requires the server-PostGIS test tier, but there is ${reason}`)
      warnLoudly(reason)
    } else {
      cluster = await startThrowawayCluster()
      serverUrl = cluster.url
    }
  }
  // the merge engines' template too: test files starting engines at once would each make it
  const [dumps] = await Promise.all([
    buildPgliteDumps(dir),
    serverUrl ? buildServerTemplates(serverUrl) : Promise.resolve(),
    ensureEngineTemplate(),
  ])
  project.provide('serverDatabaseUrl', serverUrl)
  project.provide('pgliteEmptyDump', dumps.empty)
  project.provide('pgliteDemoDump', dumps.demo)
  console.log(
    `test databases ready in ${((performance.now() - started) / 1000).toFixed(1)} s (server tier: ${serverUrl ? (cluster ? 'throwaway cluster' : 'TEST_DATABASE_URL') : 'skipped'})`,
  )

  return async () => {
    await cluster?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
