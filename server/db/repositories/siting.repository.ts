// Catchments and siting: the demand (population points) and centres of a region, the active road
// network, stored catchment polygons and saved scenarios. Regions are selected by code prefix (a
// district by its first 6 digits, a street by 9, a community by all 12), so a street's figures are
// its communities' and nothing else.
import { type Kysely, type Transaction, sql } from 'kysely'
import { type RegionScope, inScope } from '../scope.ts'
import type { RegionLevel, ServiceCenterLevel, Tables } from '../tables.ts'

type Db = Kysely<Tables> | Transaction<Tables>

const BATCH = 5000

export interface SitingRegion {
  code: string
  name: string
  level: RegionLevel
  isUrban: boolean
}

/** The region of that code, when it lies in the scope. */
export async function findRegion(db: Db, code: string, scope: RegionScope = {}): Promise<SitingRegion | undefined> {
  return db
    .selectFrom('regions')
    .where('code', '=', code)
    .where(inScope(sql.ref('code'), scope))
    .select(['code', 'name', 'level', 'is_urban as isUrban'])
    .executeTakeFirst()
}

/** The region's streets and communities (or a street's communities), by code. */
export async function findSubregions(db: Db, prefix: string): Promise<SitingRegion[]> {
  return db
    .selectFrom('regions')
    .where('code', 'like', `${prefix}%`)
    .where('level', 'in', ['street', 'community'])
    .select(['code', 'name', 'level', 'is_urban as isUrban'])
    .orderBy('code')
    .execute()
}

export interface DemandRows {
  id: Float64Array
  lon: Float64Array
  lat: Float64Array
  residents: Float64Array
  households: Float64Array
  regionCode: string[]
}

/** Population points whose region code starts with `prefix`, as columns. */
export async function findDemand(db: Db, prefix: string): Promise<DemandRows> {
  const { rows } = await sql<{ id: number; x: number; y: number; r: number; h: number; c: string }>`
    SELECT id::float8 AS id, ST_X(location) AS x, ST_Y(location) AS y, residents AS r, households AS h, region_code AS c
    FROM population_points WHERE region_code LIKE ${`${prefix}%`} ORDER BY id`.execute(db)
  const n = rows.length
  const out: DemandRows = {
    id: new Float64Array(n),
    lon: new Float64Array(n),
    lat: new Float64Array(n),
    residents: new Float64Array(n),
    households: new Float64Array(n),
    regionCode: new Array<string>(n),
  }
  for (let i = 0; i < n; i++) {
    const row = rows[i]
    out.id[i] = row.id
    out.lon[i] = row.x
    out.lat[i] = row.y
    out.residents[i] = row.r
    out.households[i] = row.h
    out.regionCode[i] = row.c
  }
  return out
}

/**
 * The version of a table's rows (migration 0070: bumped by every statement that changes them), for a
 * service that keeps the rows in memory.
 */
export async function findDataVersion(db: Db, table: 'population_points'): Promise<number> {
  const { rows } = await sql<{ version: string }>`
    SELECT version::text AS version FROM data_versions WHERE table_name = ${table}`.execute(db)
  return Number(rows[0]?.version ?? 0)
}

/**
 * The versions of every table the coverage figures read (data_versions, migrations 0070, 0105, 0135):
 * points, centres, regions, published unified grids and the road network, as one string.
 */
export async function findCoverageInputVersion(db: Db): Promise<string> {
  const { rows } = await sql<{ version: string }>`
    SELECT coalesce(string_agg(table_name || ':' || version, ',' ORDER BY table_name), '') AS version
    FROM data_versions
    WHERE table_name IN ('merge_runs', 'population_points', 'regions', 'road_edges', 'road_networks',
                         'service_centers', 'unified_grids')`.execute(db)
  return rows[0]?.version ?? ''
}

/** Which published unified grid each population point of the region lies in (points in none are left out). */
export async function findUnifiedGridPoints(db: Db, prefix: string): Promise<{ pointId: number; code: string }[]> {
  const { rows } = await sql<{ pointId: number; code: string }>`
    SELECT p.id::float8 AS "pointId", u.code
    FROM unified_grids u
    JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN population_points p ON p.region_code = u.community_code AND ST_Intersects(u.boundary, p.location)
    WHERE u.community_code LIKE ${`${prefix}%`}`.execute(db)
  return rows
}

/** A point inside each published unified grid of the region (candidate sites). */
export async function findUnifiedGridCentroids(
  db: Db,
  prefix: string,
): Promise<{ code: string; lon: number; lat: number }[]> {
  const { rows } = await sql<{ code: string; lon: number; lat: number }>`
    SELECT u.code, ST_X(ST_PointOnSurface(u.boundary)) AS lon, ST_Y(ST_PointOnSurface(u.boundary)) AS lat
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    WHERE u.community_code LIKE ${`${prefix}%`} ORDER BY u.code`.execute(db)
  return rows
}

/** A box in degrees around (lon, lat) holding every point within `metres` (index-friendly prefilter). */
function boxAround(lon: number, lat: number, metres: number) {
  const dLat = metres / 110_000 + 1e-6
  const dLon = metres / (110_000 * Math.max(0.05, Math.cos((lat * Math.PI) / 180))) + 1e-6
  return sql`ST_MakeEnvelope(${lon - dLon}, ${lat - dLat}, ${lon + dLon}, ${lat + dLat}, 4326)`
}

/** Population points near (lon, lat) in the scope. */
export async function findDemandNear(
  db: Db,
  lon: number,
  lat: number,
  metres: number,
  scope: RegionScope = {},
): Promise<{ lon: number; lat: number; residents: number; households: number }[]> {
  const { rows } = await sql<{ lon: number; lat: number; residents: number; households: number }>`
    SELECT ST_X(location) AS lon, ST_Y(location) AS lat, residents, households
    FROM population_points
    WHERE location && ${boxAround(lon, lat, metres)} AND ${inScope(sql`region_code`, scope)}`.execute(db)
  return rows
}

export interface CentreRow {
  id: number
  code: string
  name: string
  level: ServiceCenterLevel
  status: string
  floorAreaM2: number | null
  radiusM: number | null
  regionCode: string | null
  isUrban: boolean
  lon: number
  lat: number
}

const centreColumns = sql`c.id::int AS id, c.code, c.name, c.level, c.status, c.floor_area_m2 AS "floorAreaM2",
  c.radius_m AS "radiusM", c.region_code AS "regionCode", coalesce(r.is_urban, true) AS "isUrban",
  ST_X(c.location) AS lon, ST_Y(c.location) AS lat`

/** Every centre (a centre outside the region may still serve its residents). */
export async function findCentres(db: Db): Promise<CentreRow[]> {
  const { rows } = await sql<CentreRow>`
    SELECT ${centreColumns} FROM service_centers c LEFT JOIN regions r ON r.code = c.region_code
    ORDER BY c.id`.execute(db)
  return rows
}

export async function findCentresNear(db: Db, lon: number, lat: number, metres: number): Promise<CentreRow[]> {
  const { rows } = await sql<CentreRow>`
    SELECT ${centreColumns} FROM service_centers c LEFT JOIN regions r ON r.code = c.region_code
    WHERE c.location && ${boxAround(lon, lat, metres)}`.execute(db)
  return rows
}

/** The centre of that id, when it lies in the scope. */
export async function findCentre(db: Db, id: number, scope: RegionScope = {}): Promise<CentreRow | undefined> {
  const { rows } = await sql<CentreRow>`
    SELECT ${centreColumns} FROM service_centers c LEFT JOIN regions r ON r.code = c.region_code
    WHERE c.id = ${id} AND ${inScope(sql`c.region_code`, scope)}`.execute(db)
  return rows[0]
}

export interface RoadEdgeRow {
  class: string
  coordinates: [number, number][]
}

export async function findActiveNetwork(db: Db): Promise<{ id: number; name: string } | undefined> {
  const row = await db
    .selectFrom('road_networks')
    .where('is_active', '=', true)
    .select(['id', 'name'])
    .executeTakeFirst()
  return row && { id: Number(row.id), name: row.name }
}

export async function findRoadEdges(db: Db, networkId: number): Promise<RoadEdgeRow[]> {
  const { rows } = await sql<{ class: string; g: string }>`
    SELECT class, ST_AsGeoJSON(geom) AS g FROM road_edges WHERE network_id = ${networkId} ORDER BY id`.execute(db)
  return rows.map((r) => ({ class: r.class, coordinates: JSON.parse(r.g).coordinates }))
}

/** Stores a road network as the active one (the previous stays, inactive). Returns its id. */
export async function insertRoadNetwork(
  db: Db,
  network: { name: string; source: string },
  roads: readonly { class: string; name: string | null; coordinates: [number, number][] }[],
): Promise<number> {
  await db.updateTable('road_networks').set({ is_active: false }).where('is_active', '=', true).execute()
  const { id } = await db
    .insertInto('road_networks')
    .values({ name: network.name, source: network.source, edge_count: roads.length, is_active: true })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (let start = 0; start < roads.length; start += BATCH) {
    const json = JSON.stringify(roads.slice(start, start + BATCH))
    await sql`
      INSERT INTO road_edges (network_id, class, name, length_m, geom)
      SELECT ${id}, r.class, r.name, ST_Length(g::geography), g
      FROM json_to_recordset(${json}::json) AS r(class text, name text, coordinates json),
        LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(json_build_object('type', 'LineString', 'coordinates', r.coordinates)::text), 4326) AS g) AS l`.execute(
      db,
    )
  }
  return Number(id)
}

export interface CatchmentInput {
  centerId: number
  method: 'radius' | 'network'
  minutes: number | null
  radiusM: number | null
  networkId: number | null
  /** radius: the centre; network: reached segments as a WKT MULTILINESTRING */
  lon?: number
  lat?: number
  wkt?: string
}

/**
 * Replaces the stored catchments of one method. Radius: a true-distance buffer (on the spheroid,
 * via geography). Network: the reached segments buffered by `bufferM` metres and unioned.
 */
export async function replaceCatchments(db: Db, method: 'radius' | 'network', rows: CatchmentInput[], bufferM = 50) {
  await db.deleteFrom('catchments').where('method', '=', method).execute()
  for (let start = 0; start < rows.length; start += 50) {
    const json = JSON.stringify(rows.slice(start, start + 50))
    if (method === 'radius')
      await sql`
        INSERT INTO catchments (center_id, method, minutes, radius_m, network_id, geom)
        SELECT r."centerId", 'radius', NULL, r."radiusM", NULL,
          ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)::geography, r."radiusM", 32)::geometry)
        FROM json_to_recordset(${json}::json) AS r("centerId" bigint, "radiusM" float8, lon float8, lat float8)`.execute(
        db,
      )
    else
      await sql`
        INSERT INTO catchments (center_id, method, minutes, radius_m, network_id, geom)
        SELECT r."centerId", 'network', r.minutes, NULL, r."networkId",
          ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Buffer(ST_GeomFromText(r.wkt, 4326)::geography, ${bufferM}, 4)::geometry), 3))
        FROM json_to_recordset(${json}::json) AS r("centerId" bigint, minutes int, "networkId" bigint, wkt text)
        WHERE r.wkt IS NOT NULL`.execute(db)
  }
}

/** Area of stored catchments of one centre (m², on the spheroid), by band. */
export async function findCatchmentAreas(
  db: Db,
  centerId: number,
): Promise<{ method: string; minutes: number | null; areaM2: number }[]> {
  const { rows } = await sql<{ method: string; minutes: number | null; areaM2: number }>`
    SELECT method, minutes, ST_Area(geom::geography) AS "areaM2" FROM catchments
    WHERE center_id = ${centerId} ORDER BY method, minutes`.execute(db)
  return rows
}

export interface ScenarioInsert {
  name: string
  regionCode: string
  solver: 'greedy' | 'exact' | 'both'
  objective: 'max_covering' | 'set_covering'
  method: 'radius' | 'network'
  params: Record<string, unknown>
  candidates: unknown[]
  chosen: unknown[]
  coveredBefore: number
  coveredAfter: number
  totalResidents: number
  optimalityGap: number | null
  runtimeMs: number
  result: Record<string, unknown>
}

export async function insertScenario(db: Db, s: ScenarioInsert): Promise<number> {
  const { id } = await db
    .insertInto('siting_scenarios')
    .values({
      name: s.name,
      region_code: s.regionCode,
      solver: s.solver,
      objective: s.objective,
      method: s.method,
      params: JSON.stringify(s.params),
      candidates: JSON.stringify(s.candidates),
      chosen: JSON.stringify(s.chosen),
      covered_before: s.coveredBefore,
      covered_after: s.coveredAfter,
      total_residents: s.totalResidents,
      optimality_gap: s.optimalityGap,
      runtime_ms: s.runtimeMs,
      result: JSON.stringify(s.result),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(id)
}

const scenarioColumns = [
  'id',
  'name',
  'region_code as regionCode',
  'solver',
  'objective',
  'method',
  'params',
  'candidates',
  'chosen',
  'covered_before as coveredBefore',
  'covered_after as coveredAfter',
  'total_residents as totalResidents',
  'optimality_gap as optimalityGap',
  'runtime_ms as runtimeMs',
  'result',
  'created_at as createdAt',
] as const

/** The scenario of that id, when its region lies in the scope. */
export async function findScenario(db: Db, id: number, scope: RegionScope = {}) {
  return db
    .selectFrom('siting_scenarios')
    .where('id', '=', id)
    .where(inScope(sql.ref('region_code'), scope))
    .select(scenarioColumns)
    .executeTakeFirst()
}

export async function listScenarios(db: Db, scope: RegionScope = {}) {
  return db
    .selectFrom('siting_scenarios')
    .select(scenarioColumns.filter((c) => c !== 'candidates' && c !== 'result' && c !== 'params'))
    .where(inScope(sql.ref('region_code'), scope))
    .orderBy('id', 'desc')
    .execute()
}
