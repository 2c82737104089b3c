// Positions read from a file to WGS84, in order: GCJ-02 and BD-09 converted in TypeScript (crs.ts),
// projected EPSG frames by PostGIS (ST_Transform), in batches so that one statement stays short.
import type { Kysely } from 'kysely'
import type { Tables } from '../../db/tables.ts'
import { transformPoints } from '../../db/repositories/party-imports.repository.ts'
import { type SourceCrs, isProjected, toWgs84 } from './crs.ts'

/** Positions a batch sends to PostGIS at once. */
const batchSize = 100_000

export async function positionsToWgs84(
  db: Kysely<Tables>,
  crs: SourceCrs,
  xs: readonly number[],
  ys: readonly number[],
): Promise<[number, number][]> {
  if (!isProjected(crs)) return xs.map((x, i) => toWgs84(crs, x, ys[i]))
  const moved: [number, number][] = []
  for (let start = 0; start < xs.length; start += batchSize)
    moved.push(
      ...(await transformPoints(db, crs.srid, xs.slice(start, start + batchSize), ys.slice(start, start + batchSize))),
    )
  return moved
}
