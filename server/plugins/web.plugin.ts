// Serves the built web client (web/dist) in production: hashed assets cached for long, index.html
// never, and client-side routes fall back to index.html. Nothing here fetches from outside.
import { existsSync } from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { projectRoot } from '../config.ts'
import { noRoute } from './errors.plugin.ts'

export const webDist = path.join(projectRoot, 'web', 'dist')

export default fp(async function webPlugin(app: FastifyInstance) {
  if (!existsSync(path.join(webDist, 'index.html'))) {
    app.log.warn(`web client not built (${webDist} is missing): run npm run build`)
    return
  }
  await app.register(fastifyStatic, {
    root: webDist,
    prefix: '/',
    wildcard: false,
    setHeaders(res, filePath) {
      res.header(
        'Cache-Control',
        filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      )
    },
  })
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const url = request.url.split('?')[0]
    if (url.startsWith('/api/') || url.startsWith('/tiles/') || path.extname(url) !== '') {
      return reply.status(404).send(noRoute(request))
    }
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html')
  })
})
