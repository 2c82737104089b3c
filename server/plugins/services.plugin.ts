// Builds every service once, with its dependencies, and hands them to routes as app.services.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { canEncodeMvt } from '../db/database.ts'
import { NotificationListener } from '../db/notification-listener.ts'
import { EventService } from '../services/events/events.service.ts'
import { ImportService, offThreadFrom } from '../services/imports/imports.service.ts'
import { LayerService } from '../services/tiles/layers.service.ts'
import { MergeService } from '../services/merge/merge.service.ts'
import { PartyService } from '../services/party/party.service.ts'
import { ServiceMapService } from '../services/print/service-map.service.ts'
import { RegionService } from '../services/regions/regions.service.ts'
import { PlaceService } from '../services/place/place.service.ts'
import { SearchService } from '../services/search/search.service.ts'
import { SitingService, type SitingSettings } from '../services/siting/siting.service.ts'
import { SummaryService } from '../services/summary/summary.service.ts'
import { TileService } from '../services/tiles/tiles.service.ts'
import { WallTourService } from '../services/wall/wall-tours.service.ts'

export interface Services {
  events: EventService
  merge: MergeService
  party: PartyService
  imports: ImportService
  regions: RegionService
  search: SearchService
  siting: SitingService
  summary: SummaryService
  layers: LayerService
  tiles: TileService
  wallTours: WallTourService
  serviceMaps: ServiceMapService
  place: PlaceService
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
    const tiles = new TileService(db, encoder, app.database.pool)
    const search = new SearchService(db)
    const summary = new SummaryService(db)
    // every data change is recorded once, by the service making it, on this bus
    const events = new EventService(db, app.log)
    const merge = new MergeService(db, { driver, tiles, log: app.log, events })
    const party = new PartyService(db, events)
    const siting = new SitingService(db, options.siting, events)
    app.addHook('onClose', () => siting.close())
    const place = new PlaceService(db, { siting, party, merge })
    app.decorate('services', {
      events,
      merge,
      imports: new ImportService(db, events, { offThreadFrom: driver === 'pglite' ? offThreadFrom : null }),
      party,
      regions: new RegionService(db),
      search,
      siting,
      summary,
      layers,
      tiles,
      serviceMaps: new ServiceMapService(db),
      wallTours: new WallTourService(db, async () => (await layers.list()).map((l) => l.id)),
      place,
    })
    const invalidateMapData = () => {
      layers.invalidate()
      tiles.invalidate()
      search.invalidate()
    }
    app.decorate('invalidateMapData', invalidateMapData)
    // caches keyed by data version drop what a change made stale before any page hears of it
    events.subscribe((event) => {
      if (event.type !== 'data-changed') return
      invalidateMapData()
      summary.invalidate(event.version)
      place.invalidate(event.version, event.layers)
    })
    // several API processes on one server PostgreSQL: a change made by another process is heard
    // (NOTIFY data_changes) and announced on this bus too, so these caches and open pages follow it
    const pool = app.database.pool
    if (driver === 'postgres' && pool) {
      const listener = new NotificationListener({
        connection: pool.options,
        channel: 'data_changes',
        onNotification: (payload) => void events.heard(Number(payload)),
        onReconnected: () => void events.catchUp(),
        log: (message) => app.log.warn(message),
      })
      await listener.start()
      // the version this process begins with, read once listening: the catch-up after an outage starts there
      await events.dataVersions().catch(() => undefined)
      events.crossProcess = () => listener.state
      events.listenerPid = () => listener.backendPid()
      app.addHook('onClose', () => listener.close())
    }
  },
  { dependencies: ['database'] },
)
