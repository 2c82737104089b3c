// npm run migrate: applies pending migrations to the configured database and exits.
import { loadConfig } from '../config.ts'
import { createDatabase } from './database.ts'
import { currentMigration, migrate } from './migrate.ts'

const config = loadConfig()
const database = await createDatabase(config)
try {
  const applied = await migrate(database.db)
  console.log(`${applied.length} migration(s) applied; database at ${(await currentMigration(database.db)) ?? 'none'}`)
} finally {
  await database.close()
}
