// Siting inputs in: the lookups the centre and population imports need, the centres' upsert by code
// and the population points' replacement.
import { type Kysely, type Transaction, sql } from 'kysely'
import type { RegionLevel, ServiceCenterLevel, ServiceCenterStatus, Tables } from '../tables.ts'

type Db = Kysely<Tables> | Transaction<Tables>

export async function findRegionCodes(db: Db, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set()
  const rows = await db.selectFrom('regions').select('code').where('code', 'in', codes).execute()
  return new Set(rows.map((r) => r.code))
}

/** For each point (WGS84), the code of the region at `levels[i]` whose boundary covers it, or null. */
export async function findRegionsAt(
  db: Db,
  points: readonly (readonly [number, number])[],
  levels: readonly RegionLevel[],
): Promise<(string | null)[]> {
  if (!points.length) return []
  const { rows } = await sql<{ n: number; code: string | null }>`
    SELECT t.n::int AS n, (
      SELECT r.code FROM regions r
      WHERE r.level = t.level AND r.boundary IS NOT NULL AND ST_Covers(r.boundary, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326))
      ORDER BY r.code LIMIT 1) AS code
    FROM unnest(${points.map((p) => p[0])}::float8[], ${points.map((p) => p[1])}::float8[], ${[...levels]}::text[])
      WITH ORDINALITY AS t(lon, lat, level, n)
    ORDER BY t.n`.execute(db)
  return rows.map((r) => r.code)
}

export async function findCentreCodes(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('service_centers').select('code').execute()
  return new Set(rows.map((r) => r.code))
}

export interface CentreInput {
  code: string
  name: string
  level: ServiceCenterLevel
  status: ServiceCenterStatus
  floorAreaM2: number | null
  radiusM: number | null
  regionCode: string | null
  lon: number
  lat: number
}

/** Inserts or updates centres by code; returns how many rows were written. */
export async function upsertCentres(trx: Transaction<Tables>, centres: CentreInput[]): Promise<number> {
  if (!centres.length) return 0
  const { rows } = await sql<{ id: number }>`
    INSERT INTO service_centers (code, name, level, status, floor_area_m2, radius_m, region_code, location)
    SELECT code, name, level, status, floor_area_m2, radius_m, region_code, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
    FROM unnest(${centres.map((c) => c.code)}::text[], ${centres.map((c) => c.name)}::text[],
                ${centres.map((c) => c.level)}::text[], ${centres.map((c) => c.status)}::text[],
                ${centres.map((c) => c.floorAreaM2)}::float8[], ${centres.map((c) => c.radiusM)}::float8[],
                ${centres.map((c) => c.regionCode)}::text[], ${centres.map((c) => c.lon)}::float8[],
                ${centres.map((c) => c.lat)}::float8[])
      AS t(code, name, level, status, floor_area_m2, radius_m, region_code, lon, lat)
    ON CONFLICT (code) DO UPDATE SET
      name = EXCLUDED.name, level = EXCLUDED.level, status = EXCLUDED.status, floor_area_m2 = EXCLUDED.floor_area_m2,
      radius_m = EXCLUDED.radius_m, region_code = EXCLUDED.region_code, location = EXCLUDED.location
    RETURNING id`.execute(trx)
  return rows.length
}

/** Removes the centres whose code is not in `codes` (their catchments go with them). */
export async function deleteCentresExcept(trx: Transaction<Tables>, codes: string[]): Promise<number> {
  const result = await trx
    .deleteFrom('service_centers')
    .where(sql<boolean>`NOT (code = ANY(${codes}::text[]))`)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export interface PopulationInput {
  residents: number
  households: number
  regionCode: string
  lon: number
  lat: number
}

/** Replaces every stored population point by `points`, in batches; returns how many were stored. */
export async function replacePopulation(trx: Transaction<Tables>, points: PopulationInput[]): Promise<number> {
  await trx.deleteFrom('population_points').execute()
  const batch = 20_000
  for (let start = 0; start < points.length; start += batch) {
    const part = points.slice(start, start + batch)
    await sql`
      INSERT INTO population_points (region_code, residents, households, location)
      SELECT region_code, residents, households, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
      FROM unnest(${part.map((p) => p.regionCode)}::text[], ${part.map((p) => p.residents)}::int[],
                  ${part.map((p) => p.households)}::int[], ${part.map((p) => p.lon)}::float8[],
                  ${part.map((p) => p.lat)}::float8[]) AS t(region_code, residents, households, lon, lat)`.execute(trx)
  }
  return points.length
}
