// Builds every service once, with its dependencies, and hands them to routes as app.services.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { canEncodeMvt } from '../db/database.ts'
import { ImportService } from '../services/imports/imports.service.ts'
import { LayerService } from '../services/tiles/layers.service.ts'
import { MergeService } from '../services/merge/merge.service.ts'
import { PartyService } from '../services/party/party.service.ts'
import { RegionService } from '../services/regions/regions.service.ts'
import { SearchService } from '../services/search/search.service.ts'
import { SitingService, type SitingSettings } from '../services/siting/siting.service.ts'
import { SummaryService } from '../services/summary/summary.service.ts'
import { TileService } from '../services/tiles/tiles.service.ts'

export interface Services {
  merge: MergeService
  party: PartyService
  imports: ImportService
  regions: RegionService
  search: SearchService
  siting: SitingService
  summary: SummaryService
  layers: LayerService
  tiles: TileService
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
    /** Data on the map changed: drop the cached catalog and tiles. */
    invalidateMapData(): void
  }
}

export default fp(
  async function servicesPlugin(app: FastifyInstance, options: { siting: SitingSettings }) {
    const { db, driver } = app.database
    const encoder = (await canEncodeMvt(db)) ? 'postgis' : 'node'
    const layers = new LayerService(db)
    const tiles = new TileService(db, encoder)
    const search = new SearchService(db)
    app.decorate('services', {
      merge: new MergeService(db, { driver, tiles, log: app.log }),
      imports: new ImportService(db),
      party: new PartyService(db),
      regions: new RegionService(db),
      search,
      siting: new SitingService(db, options.siting),
      summary: new SummaryService(db),
      layers,
      tiles,
    })
    app.decorate('invalidateMapData', () => {
      layers.invalidate()
      tiles.invalidate()
      search.invalidate()
    })
  },
  { dependencies: ['database'] },
)
