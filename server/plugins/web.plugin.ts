// Serves the built web client (web/dist) in production: hashed assets cached for long, index.html
// never, and client-side routes fall back to index.html. Nothing here fetches from outside.
//
// Each request looks the file up on disk, so a rebuilt web/dist (new hashed asset names) is served
// at once by a running server: a file list read at start would 404 the new index.html's assets and
// leave a blank page until a restart.
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { projectRoot } from '../config.ts'
import { noRoute } from './errors.plugin.ts'

export const webDist = path.join(projectRoot, 'web', 'dist')

/** The file under the build (`root`) a URL path names, relative to it; undefined when none is there now. */
function distFile(root: string, urlPath: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0')) return undefined
  const file = path.resolve(root, `.${decoded}`)
  if (!file.startsWith(root + path.sep)) return undefined
  const relative = path.relative(root, file)
  // dot files (and anything under a dot directory) are not part of the build
  if (relative.split(path.sep).some((part) => part.startsWith('.'))) return undefined
  try {
    return statSync(file).isFile() ? relative : undefined
  } catch {
    return undefined
  }
}

/** `root`: the built client's folder (web/dist; a test serves a copy it rebuilds). */
export default fp(async function webPlugin(app: FastifyInstance, options: { root?: string }) {
  const root = path.resolve(options.root ?? webDist)
  if (!existsSync(path.join(root, 'index.html'))) {
    app.log.warn(`web client not built (${root} is missing): run npm run build`)
    return
  }
  // reply.sendFile only: the one route below decides per request what is served
  await app.register(fastifyStatic, {
    root,
    serve: false,
    setHeaders(res, filePath) {
      res.header(
        'Cache-Control',
        filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      )
    },
  })
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const url = request.url.split('?')[0]
    if (url.startsWith('/api/') || url.startsWith('/tiles/')) return notFound()
    const file = url === '/' ? undefined : distFile(root, url)
    if (file) return reply.sendFile(file)
    if (path.extname(url) !== '') return notFound()
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html')

    function notFound() {
      return reply.status(404).send(noRoute(request))
    }
  })
})
