// Makes the database available to the services plugin (and the health route).
// The app does not own a database handed to it (tests share one per file); it closes one it opened.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Database } from '../db/database.ts'

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
  }
}

export interface DatabasePluginOptions {
  database: Database
  closeOnShutdown: boolean
}

export default fp<DatabasePluginOptions>(
  async function databasePlugin(app: FastifyInstance, options) {
    const { database } = options
    app.decorate('database', database)
    if (options.closeOnShutdown) app.addHook('onClose', async () => database.close())
  },
  { name: 'database' },
)
