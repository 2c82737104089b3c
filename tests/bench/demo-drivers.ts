// The demo district (×1) on each driver for a bench part: embedded PGlite in memory, then a database
// of its own on a throwaway server PostGIS cluster, each migrated and loaded with the same seed, and
// closed after `measure` ran on it. BENCH_SKIP_PGLITE=1 / BENCH_SKIP_SERVER=1 skip a driver.
import pg from 'pg'
import { type Database, createPgliteDatabase, createPostgresDatabase } from '../../server/db/database.ts'
import { migrate } from '../../server/db/migrate.ts'
import { loadDemoDistrict } from '../../server/services/demo/demo.service.ts'
import { startThrowawayCluster } from '../helpers/postgres-cluster.ts'

export async function onDemoDrivers(
  name: string,
  seed: number,
  measure: (label: 'pglite' | 'server', database: Database) => Promise<void>,
): Promise<void> {
  if (!process.env.BENCH_SKIP_PGLITE) {
    const database = await createPgliteDatabase('memory://')
    try {
      await migrate(database.db)
      await loadDemoDistrict(database.db, { seed, scale: 1 })
      await measure('pglite', database)
    } finally {
      await database.close()
    }
  }
  if (!process.env.BENCH_SKIP_SERVER) {
    const cluster = await startThrowawayCluster()
    try {
      const admin = new pg.Client({ connectionString: cluster.url })
      await admin.connect()
      await admin.query(`CREATE DATABASE ${name}`)
      await admin.end()
      const url = new URL(cluster.url)
      url.pathname = `/${name}`
      const database = await createPostgresDatabase(url.href)
      try {
        await migrate(database.db)
        await loadDemoDistrict(database.db, { seed, scale: 1 })
        await measure('server', database)
      } finally {
        await database.close()
      }
    } finally {
      await cluster.stop()
    }
  }
}
