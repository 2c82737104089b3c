// Builds the real app over a test database, as main.ts does, minus the port.
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../server/app.ts'
import type { Database } from '../../server/db/database.ts'

export async function buildTestApp(database: Database, options: { serveWeb?: boolean; uploadLimitBytes?: number } = {}): Promise<FastifyInstance> {
  return buildApp({ config: { logLevel: 'warn', serveWeb: options.serveWeb ?? false, uploadLimitBytes: options.uploadLimitBytes ?? 10 * 1024 * 1024 }, database })
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
