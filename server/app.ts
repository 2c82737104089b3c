// buildApp: the whole server as a factory. Infrastructure first, then the domain routes, by explicit
// import. Tests build the same app and call app.inject; only main.ts listens on a port.
import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { type Config, sitingDefaults } from './config.ts'
import type { Database } from './db/database.ts'
import authPlugin, { type AuthConfig } from './plugins/auth.plugin.ts'
import databasePlugin from './plugins/database.plugin.ts'
import errorsPlugin from './plugins/errors.plugin.ts'
import openapiPlugin from './plugins/openapi.plugin.ts'
import servicesPlugin from './plugins/services.plugin.ts'
import webPlugin from './plugins/web.plugin.ts'
import { auditRoutes } from './routes/audit.routes.ts'
import { authRoutes } from './routes/auth.routes.ts'
import { eventsRoutes } from './routes/events.routes.ts'
import { healthRoutes } from './routes/health.routes.ts'
import { importsRoutes } from './routes/imports.routes.ts'
import { basemapRoutes, basemapArchivePath } from './routes/basemap.routes.ts'
import { layersRoutes } from './routes/layers.routes.ts'
import { mergeRoutes } from './routes/merge.routes.ts'
import { partyRoutes } from './routes/party.routes.ts'
import { regionsRoutes } from './routes/regions.routes.ts'
import { placeRoutes } from './routes/place.routes.ts'
import { searchRoutes } from './routes/search.routes.ts'
import { sitingRoutes } from './routes/siting.routes.ts'
import { serviceMapsRoutes } from './routes/service-maps.routes.ts'
import { summaryRoutes } from './routes/summary.routes.ts'
import { tilesRoutes } from './routes/tiles.routes.ts'
import { usersRoutes } from './routes/users.routes.ts'
import { wallRoutes } from './routes/wall.routes.ts'
import { parseLimitsOf } from './services/imports/parse-limits.ts'

export interface BuildAppOptions {
  config: Pick<Config, 'logLevel' | 'serveWeb' | 'uploadLimitBytes'> &
    AuthConfig &
    Partial<Pick<Config, 'importMaxFeatures' | 'importMaxVertices' | 'importMaxFeatureVertices' | 'importParseMs'>> &
    Partial<
      Pick<
        Config,
        | 'serviceRadii'
        | 'walkingSpeed'
        | 'snapDistanceM'
        | 'trustProxy'
        | 'basemapTiles'
        | 'basemapAttribution'
        | 'basemapStyle'
        | 'basemapPmtiles'
      >
    >
  /** A migrated database. */
  database: Database
  /** Close the database when the app closes (main.ts: yes; tests sharing one database: no). */
  ownsDatabase?: boolean
  /** The built web client's folder when serveWeb (web/dist unless a test serves another). */
  webRoot?: string
}

/** Fastify's trustProxy: a hop count becomes "the nearest n hops" (as Fastify does with a number). */
function trustProxyOption(
  trust: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust
}

export async function buildApp({
  config,
  database,
  ownsDatabase = false,
  webRoot,
}: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.uploadLimitBytes,
    // behind a reverse proxy, request.ip (the per-IP sign-in limit's key) is the client's only when trusted
    trustProxy: trustProxyOption(config.trustProxy ?? false),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  await app.register(errorsPlugin)
  await app.register(databasePlugin, { database, closeOnShutdown: ownsDatabase })
  await app.register(servicesPlugin, {
    siting: {
      serviceRadii: config.serviceRadii ?? sitingDefaults.serviceRadii,
      walkingSpeed: config.walkingSpeed ?? sitingDefaults.walkingSpeed,
      snapDistanceM: config.snapDistanceM ?? sitingDefaults.snapDistanceM,
    },
  })
  await app.register(authPlugin, { config, database })
  await app.register(openapiPlugin)

  await app.register(healthRoutes)
  await app.register(authRoutes, { config })
  await app.register(usersRoutes)
  await app.register(auditRoutes)
  await app.register(regionsRoutes)
  const attribution = config.basemapAttribution ?? ''
  await app.register(placeRoutes)
  await app.register(layersRoutes, {
    basemap: config.basemapTiles
      ? { tiles: config.basemapTiles, attribution }
      : config.basemapStyle
        ? { style: config.basemapStyle, attribution }
        : config.basemapPmtiles
          ? { pmtiles: basemapArchivePath, attribution }
          : null,
  })
  await app.register(basemapRoutes, { archive: config.basemapPmtiles })
  await app.register(tilesRoutes)
  await app.register(summaryRoutes)
  await app.register(eventsRoutes)
  await app.register(wallRoutes)
  await app.register(serviceMapsRoutes)
  await app.register(mergeRoutes)
  await app.register(importsRoutes, { parseLimits: parseLimitsOf(config) })
  await app.register(partyRoutes)
  await app.register(sitingRoutes)
  await app.register(searchRoutes)

  if (config.serveWeb) await app.register(webPlugin, { root: webRoot })
  return app
}
