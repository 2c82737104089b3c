// Makes the database, the layer catalog and the tile service available to routes.
// The app does not own a database handed to it (tests share one per file); it closes one it opened.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type Database, canEncodeMvt } from '../db/database.ts'
import { LayerService } from '../services/tiles/layers.service.ts'
import { TileService } from '../services/tiles/tiles.service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
    layers: LayerService
    tiles: TileService
    /** Data on the map changed: drop the cached catalog and tiles. */
    invalidateMapData(): void
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
  const layers = new LayerService(database.db)
  const tiles = new TileService(database.db, encoder)
  app.decorate('layers', layers)
  app.decorate('tiles', tiles)
  app.decorate('invalidateMapData', () => {
    layers.invalidate()
    tiles.invalidate()
  })
  if (options.closeOnShutdown) app.addHook('onClose', async () => database.close())
})
