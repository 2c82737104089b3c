// OpenAPI from the routes' TypeBox schemas: JSON at /docs/json, the UI at /docs (served locally).
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export default fp(async function openapiPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      info: {
        title: '网格治理一张图 API',
        description: 'Grid governance map: regions, layers, vector tiles, KPIs',
        version: '0.1.0',
      },
      tags: [
        { name: 'system', description: 'health' },
        { name: 'regions', description: '行政区划' },
        { name: 'layers', description: 'map layers, features and vector tiles' },
        { name: 'summary', description: 'KPI figures' },
        { name: 'merge', description: '多网合一: merge department grids into unified grids' },
        { name: 'imports', description: 'uploads of department grids, with validation reports' },
        { name: 'auth', description: 'signing in, accounts, wall tokens, the audit log' },
      ],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
})
