// Builds the real app over a test database, as main.ts does, minus the port.
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../server/app.ts'
import type { Config } from '../../server/config.ts'
import type { Database } from '../../server/db/database.ts'
import { webDist } from '../../server/plugins/web.plugin.ts'

export async function buildTestApp(
  database: Database,
  options: {
    serveWeb?: boolean
    uploadLimitBytes?: number
    /** parse caps for imports (small ones to test them); the configured defaults otherwise */
    limits?: Partial<
      Pick<Config, 'importMaxFeatures' | 'importMaxVertices' | 'importMaxFeatureVertices' | 'importParseMs'>
    >
  } = {},
): Promise<FastifyInstance> {
  return buildApp({
    config: {
      ...options.limits,
      logLevel: 'warn',
      serveWeb: options.serveWeb ?? false,
      uploadLimitBytes: options.uploadLimitBytes ?? 10 * 1024 * 1024,
    },
    database,
  })
}

/** The app listening on a free loopback port, with the built web client when asked for. */
export async function serveTestApp(
  database: Database,
  options: { serveWeb?: boolean } = {},
): Promise<{ app: FastifyInstance; origin: string }> {
  if (options.serveWeb && !existsSync(path.join(webDist, 'index.html')))
    throw new Error(`The web client is not built (${webDist}): npm test runs npm run build first`)
  const app = await buildTestApp(database, options)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('the app has no TCP port')
  return { app, origin: `http://127.0.0.1:${address.port}` }
}

/** The slippy-map tile holding a WGS84 point. */
export function tileAt(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z
  const rad = (lat * Math.PI) / 180
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  }
}

/** POST /api/imports with a file and form fields, as the web page's form sends them. */
export async function uploadFile(
  app: FastifyInstance,
  file: { name: string; data: Uint8Array | string },
  fields: Record<string, string>,
) {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  form.append(
    'file',
    new Blob([typeof file.data === 'string' ? new TextEncoder().encode(file.data) : new Uint8Array(file.data)]),
    file.name,
  )
  const request = new Request('http://localhost/api/imports', { method: 'POST', body: form })
  return app.inject({
    method: 'POST',
    url: '/api/imports',
    headers: { 'content-type': request.headers.get('content-type')! },
    payload: Buffer.from(await request.arrayBuffer()),
  })
}
