import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { probeDatabase } from '../db/connection-health.ts'
import { pgliteMemoryBytes, readVersions } from '../db/database.ts'
import { currentMigration } from '../db/migrate.ts'
import { localize } from '../plugins/language.ts'
import { databaseUnavailable } from '../plugins/errors.plugin.ts'
import { errorResponses } from '../schemas/common.schema.ts'
import { Health, HealthDegraded } from '../schemas/health.schema.ts'

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Driver, database versions and migration level; 503 and degraded while the database is unreachable',
        response: { 200: Health, 500: errorResponses[500], 503: HealthDegraded },
      },
    },
    async (request, reply) => {
      const { db, driver, pglite } = app.database
      // probed on every call: the answer turns back to ok as soon as the database answers again
      const probe = await probeDatabase(db)
      if (!probe.ok) {
        return reply.status(503).send({
          status: 'degraded' as const,
          driver,
          message: localize(databaseUnavailable, request.headers['accept-language']),
          parts: [{ part: 'database' as const, status: 'unavailable' as const, reason: probe.reason }],
        })
      }
      const versions = await readVersions(db)
      return {
        status: 'ok' as const,
        driver,
        ...versions,
        migration: (await currentMigration(db)) ?? null,
        tileEncoder: app.services.tiles.encoder,
        events: app.services.events.crossProcess(),
        wasmMemoryBytes: pglite ? pgliteMemoryBytes(pglite) : null,
      }
    },
  )
}
