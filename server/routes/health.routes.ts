import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { readVersions } from '../db/database.ts'
import { currentMigration } from '../db/migrate.ts'
import { errorResponses } from '../schemas/common.schema.ts'
import { Health } from '../schemas/health.schema.ts'

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Driver, database versions and migration level',
        response: { 200: Health, 500: errorResponses[500] },
      },
    },
    async () => {
      const { db, driver } = app.database
      const versions = await readVersions(db)
      return {
        status: 'ok' as const,
        driver,
        ...versions,
        migration: (await currentMigration(db)) ?? null,
        tileEncoder: app.services.tiles.encoder,
      }
    },
  )
}
