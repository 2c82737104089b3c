// Makes the database and the tile service available to routes as app.database and app.tiles.
// The app does not own a database handed to it (tests share one per file); it closes one it opened.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type Database, canEncodeMvt } from '../db/database.ts'
import { TileService } from '../services/tiles.service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
    tiles: TileService
  }
}

export interface DatabasePluginOptions {
  database: Database
  closeOnShutdown: boolean
}

export default fp<DatabasePluginOptions>(async function databasePlugin(app: FastifyInstance, options) {
  const { database } = options
  const encoder = (await canEncodeMvt(database.db)) ? 'postgis' : 'node'
  app.decorate('database', database)
  app.decorate('tiles', new TileService(database.db, encoder))
  if (options.closeOnShutdown) app.addHook('onClose', async () => database.close())
})
