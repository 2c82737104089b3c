// Bulk inserts of the demo district. Each batch travels as ONE bound JSON parameter unpacked by
// json_to_recordset, which is fast on both drivers and never builds SQL from data.
import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely'
import { DISTRICT_CODE, type DemoDistrict, type DemoGridLayer } from '../demo-rows.ts'
import type { Tables } from '../tables.ts'

const BATCH = 5000

type Db = Kysely<Tables> | Transaction<Tables>

async function inBatches<T>(rows: readonly T[], insert: (json: string) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH)
    await insert(JSON.stringify(rows.slice(start, start + BATCH)))
}

/** Polygons arrive as GeoJSON; repaired and kept polygonal so a sloppy vertex never fails the load. */
const polygonFrom = (column: ReturnType<typeof sql.ref>) =>
  sql`ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${column}), 4326)), 3))`

export async function hasAnyRegion(db: Db): Promise<boolean> {
  return (await db.selectFrom('regions').select('code').limit(1).executeTakeFirst()) !== undefined
}

export async function insertRegions(db: Db, regions: DemoDistrict['regions']): Promise<void> {
  const rows = regions.map((r) => ({ ...r, boundary: r.boundary ? JSON.stringify(r.boundary) : null }))
  // parents first: the district, then streets, then communities
  for (const level of ['district', 'street', 'community']) {
    await inBatches(
      rows.filter((r) => r.level === level),
      (json) =>
        sql`
      INSERT INTO regions (code, name, level, parent_code, is_urban, boundary)
      SELECT r.code, r.name, r.level, r."parentCode", r."isUrban", CASE WHEN r.boundary IS NULL THEN NULL ELSE ${polygonFrom(sql.ref('r.boundary'))} END
      FROM json_to_recordset(${json}::json) AS r(code text, name text, level text, "parentCode" text, "isUrban" boolean, boundary text)`.execute(
          db,
        ),
    )
  }
  // Streets and the district are exactly the unions of their communities.
  await sql`
    UPDATE regions s SET boundary = u.boundary
    FROM (SELECT parent_code, ST_Multi(ST_Union(boundary)) AS boundary FROM regions WHERE level = 'community' GROUP BY parent_code) u
    WHERE s.code = u.parent_code`.execute(db)
  await sql`
    UPDATE regions d SET boundary = u.boundary
    FROM (SELECT parent_code, ST_Multi(ST_Union(boundary)) AS boundary FROM regions WHERE level = 'street' GROUP BY parent_code) u
    WHERE d.code = u.parent_code`.execute(db)
}

export async function insertGridLayer(db: Db, layer: DemoGridLayer, importRunId: number): Promise<number> {
  const { id } = await db
    .insertInto('grid_layers')
    .values({
      department: layer.department,
      version: 1,
      title: layer.title,
      import_run_id: importRunId,
      source_crs: 'EPSG:4326',
      is_active: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const grids = layer.grids.map((g) => ({
    code: g.code,
    name: g.name,
    communityCode: g.communityCode,
    attributes: g.attributes,
    boundary: JSON.stringify(g.boundary),
  }))
  // a grid drawn invalid (the 'real' demo's bowtie) keeps the reason, as an import would
  await inBatches(grids, (json) =>
    sql`
    INSERT INTO grids (layer_id, code, name, community_code, attributes, boundary, repair_note)
    SELECT ${id}::bigint, r.code, r.name, r."communityCode", r.attributes, ${polygonFrom(sql.ref('r.boundary'))},
           CASE WHEN ST_IsValid(ST_GeomFromGeoJSON(r.boundary)) THEN NULL ELSE ST_IsValidReason(ST_GeomFromGeoJSON(r.boundary)) END
    FROM json_to_recordset(${json}::json) AS r(code text, name text, "communityCode" text, attributes jsonb, boundary text)`.execute(
      db,
    ),
  )
  const staff = layer.grids.flatMap((g) => g.staff.map((s) => ({ gridCode: g.code, ...s })))
  await inBatches(staff, (json) =>
    sql`
    INSERT INTO grid_staff (grid_id, role, name, phone)
    SELECT g.id, r.role, r.name, r.phone
    FROM json_to_recordset(${json}::json) AS r("gridCode" text, role text, name text, phone text)
    JOIN grids g ON g.layer_id = ${id}::bigint AND g.code = r."gridCode"`.execute(db),
  )
  return id
}

/**
 * Households and residents of each grid, counted from the population points inside it; households
 * only in the layers whose files carry them (the others' stay unknown).
 */
export async function countGridPopulation(db: Db, layersWithHouseholds: number[]): Promise<void> {
  await sql`
    UPDATE grids g SET households = CASE WHEN g.layer_id = ANY(${layersWithHouseholds}::bigint[]) THEN coalesce(c.households, 0) END,
                       population = coalesce(c.residents, 0)
    FROM (
      SELECT g2.id, sum(p.households)::int AS households, sum(p.residents)::int AS residents
      FROM grids g2 LEFT JOIN population_points p ON ST_Intersects(g2.boundary, p.location)
      GROUP BY g2.id
    ) c
    WHERE g.id = c.id`.execute(db)
}

export async function insertPopulation(db: Db, points: DemoDistrict['population']): Promise<void> {
  await inBatches(points, (json) =>
    sql`
    INSERT INTO population_points (region_code, residents, households, location)
    SELECT r."regionCode", r.residents, r.households, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
    FROM json_to_recordset(${json}::json) AS r("regionCode" text, residents int, households int, lon float8, lat float8)`.execute(
      db,
    ),
  )
}

export async function insertPartyOrgs(db: Db, orgs: DemoDistrict['partyOrgs']): Promise<void> {
  await inBatches(orgs, (json) =>
    sql`
    INSERT INTO party_orgs (code, name, tier, domain, establishment, star_rating, status, member_count, formal_members, region_code,
                            location, last_activity_on, secretary_name, secretary_phone)
    SELECT r.code, r.name, r.tier, r.domain, r.establishment, r."starRating", r.status, r."memberCount", r."formalMembers", r."regionCode",
           ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r."lastActivityOn", r."secretaryName", r."secretaryPhone"
    FROM json_to_recordset(${json}::json) AS r(code text, name text, tier text, domain text, establishment text, "starRating" smallint,
         status text, "memberCount" int, "formalMembers" int, "regionCode" text, lon float8, lat float8, "lastActivityOn" date,
         "secretaryName" text, "secretaryPhone" text)`.execute(db),
  )
  const links = orgs.filter((o) => o.parentCode).map((o) => ({ code: o.code, parentCode: o.parentCode }))
  await inBatches(links, (json) =>
    sql`
    UPDATE party_orgs o SET parent_id = p.id
    FROM json_to_recordset(${json}::json) AS r(code text, "parentCode" text)
    JOIN party_orgs p ON p.code = r."parentCode"
    WHERE o.code = r.code`.execute(db),
  )
  const stars = orgs.flatMap((o) => (o.starHistory ?? []).map((h) => ({ code: o.code, ...h })))
  await inBatches(stars, (json) =>
    sql`
    INSERT INTO party_org_star_ratings (party_org_id, year, star_rating)
    SELECT o.id, r.year, r."starRating"
    FROM json_to_recordset(${json}::json) AS r(code text, year smallint, "starRating" smallint)
    JOIN party_orgs o ON o.code = r.code`.execute(db),
  )
  const spans = orgs.flatMap((o) => (o.regionCodes ?? []).map((regionCode) => ({ code: o.code, regionCode })))
  await inBatches(spans, (json) =>
    sql`
    INSERT INTO party_org_regions (party_org_id, region_code)
    SELECT o.id, r."regionCode"
    FROM json_to_recordset(${json}::json) AS r(code text, "regionCode" text)
    JOIN party_orgs o ON o.code = r.code`.execute(db),
  )
}

export async function insertUnits(db: Db, units: DemoDistrict['units']): Promise<void> {
  await inBatches(units, (json) =>
    sql`
    INSERT INTO units (code, name, kind, employees, formal_party_members, region_code, location, footprint)
    SELECT r.code, r.name, r.kind, r.employees, r."formalPartyMembers", r."regionCode", ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326),
           CASE WHEN r.footprint IS NOT NULL THEN ${polygonFrom(sql.ref('r.footprint'))} END
    FROM json_to_recordset(${json}::json) AS r(code text, name text, kind text, employees int, "formalPartyMembers" int, "regionCode" text,
         lon float8, lat float8, footprint text)`.execute(db),
  )
  const coverage = units.filter((u) => u.coverage).map((u) => ({ code: u.code, ...u.coverage }))
  await inBatches(coverage, (json) =>
    sql`
    INSERT INTO unit_coverage (unit_id, party_org_id, mode, instructor_name)
    SELECT u.id, o.id, r.mode, r."instructorName"
    FROM json_to_recordset(${json}::json) AS r(code text, mode text, "orgCode" text, "instructorName" text)
    JOIN units u ON u.code = r.code
    LEFT JOIN party_orgs o ON o.code = r."orgCode"`.execute(db),
  )
}

export async function insertServiceCenters(db: Db, centers: DemoDistrict['serviceCenters']): Promise<void> {
  await inBatches(centers, (json) =>
    sql`
    INSERT INTO service_centers (code, name, level, status, floor_area_m2, radius_m, region_code, location)
    SELECT r.code, r.name, r.level, r.status, r."floorAreaM2", r."radiusM", r."regionCode", ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
    FROM json_to_recordset(${json}::json) AS r(code text, name text, level text, status text, "floorAreaM2" float8, "radiusM" float8,
         "regionCode" text, lon float8, lat float8)`.execute(db),
  )
}

export async function startImportRun(db: Db): Promise<number> {
  const { id } = await db
    .insertInto('import_runs')
    .values({
      kind: 'demo',
      format: 'generator',
      source_crs: 'EPSG:4326',
      counts: '{}',
      report: '[]',
      file_name: null,
      department: null,
      error: null,
      finished_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

export async function finishImportRun(db: Db, id: number, counts: Record<string, number>): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ status: 'succeeded', counts: JSON.stringify(counts), finished_at: new Date() })
    .where('id', '=', id)
    .execute()
}

/**
 * The generated demo district and every region below it, when the demo is loaded (a 'demo' import
 * run exists and its district is stored); [] otherwise. Followed by parent links, not code prefixes,
 * so a region imported under a demo region counts too.
 */
export async function findDemoRegionCodes(db: Db): Promise<string[]> {
  const { rows } = await sql<{ code: string }>`
    WITH RECURSIVE tree AS (
      SELECT code FROM regions WHERE code = ${DISTRICT_CODE} AND EXISTS (SELECT 1 FROM import_runs WHERE kind = 'demo')
      UNION ALL
      SELECT r.code FROM regions r JOIN tree t ON r.parent_code = t.code
    )
    SELECT code FROM tree ORDER BY code`.execute(db)
  return rows.map((r) => r.code)
}

/**
 * The tables a district's load fills. Not the merge's: analysed while empty, a table's statistics
 * would make the planner scan it whole for every foreign-key check of the run that fills it (the
 * check's plan is made once per connection, when the table is still small).
 */
export const districtTables: (keyof Tables)[] = [
  'regions',
  'population_points',
  'grid_layers',
  'grids',
  'grid_staff',
  'party_orgs',
  'units',
  'unit_coverage',
  'service_centers',
]

/**
 * Deletes the demo district and every row that refers to its regions, children before parents:
 * merge runs built on them (with their unified grids, sources and issues), grid layers the demo
 * made or with a grid in its communities (with grids and staff), party organizations, units
 * (with coverage), service centers, population points, siting scenarios, the regions, and the
 * demo's import run. Returns how many rows of each went.
 */
export async function deleteDemoDistrict(trx: Transaction<Tables>): Promise<Record<string, number>> {
  const codes = await findDemoRegionCodes(trx)
  if (codes.length === 0) return {}
  const inDemo = (column: string) => sql<boolean>`${sql.ref(column)} = ANY(${codes}::text[])`
  const count = async (statement: RawBuilder<unknown>) => {
    const { rows } = await sql<{
      n: number
    }>`WITH gone AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM gone`.execute(trx)
    return rows[0].n
  }
  const { rows: layerRows } = await sql<{ id: number }>`
    SELECT l.id FROM grid_layers l
    WHERE l.import_run_id IN (SELECT id FROM import_runs WHERE kind = 'demo')
       OR EXISTS (SELECT 1 FROM grids g WHERE g.layer_id = l.id AND ${inDemo('g.community_code')})`.execute(trx)
  const layers = layerRows.map((r) => Number(r.id))
  const removed: Record<string, number> = {}
  removed.mergeRuns = await count(sql`
    DELETE FROM merge_runs m WHERE m.layer_ids && ${layers}::bigint[]
      OR EXISTS (SELECT 1 FROM unified_grids u WHERE u.merge_run_id = m.id AND ${inDemo('u.community_code')})
      OR EXISTS (SELECT 1 FROM merge_issues i WHERE i.merge_run_id = m.id AND ${inDemo('i.community_code')})`)
  removed.grids = await count(sql`DELETE FROM grids WHERE layer_id = ANY(${layers}::bigint[])`)
  removed.gridLayers = await count(sql`DELETE FROM grid_layers WHERE id = ANY(${layers}::bigint[])`)
  // organizations elsewhere keep their units' coverage valid and lose only a parent link into the demo
  const demoOrgs = sql`SELECT id FROM party_orgs WHERE ${inDemo('region_code')}`
  await sql`UPDATE party_orgs SET parent_id = NULL WHERE parent_id IN (${demoOrgs}) AND NOT coalesce(${inDemo('region_code')}, false)`.execute(
    trx,
  )
  await sql`DELETE FROM unit_coverage WHERE party_org_id IN (${demoOrgs})`.execute(trx)
  removed.units = await count(sql`DELETE FROM units WHERE ${inDemo('region_code')}`)
  removed.partyOrgs = await count(sql`DELETE FROM party_orgs WHERE ${inDemo('region_code')}`)
  removed.serviceCenters = await count(sql`DELETE FROM service_centers WHERE ${inDemo('region_code')}`)
  removed.populationPoints = await count(sql`DELETE FROM population_points WHERE ${inDemo('region_code')}`)
  removed.sitingScenarios = await count(sql`DELETE FROM siting_scenarios WHERE ${inDemo('region_code')}`)
  removed.regions = await count(sql`DELETE FROM regions WHERE ${inDemo('code')}`)
  await sql`DELETE FROM import_runs WHERE kind = 'demo'`.execute(trx)
  return removed
}
