// Registers in: lookups the checks need, the upserts of organizations and units, and the run record.
import { type Kysely, type Transaction, sql } from 'kysely'
import type { Tables } from '../tables.ts'

type Db = Kysely<Tables> | Transaction<Tables>

export async function findStoredRegionCodes(db: Db, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set()
  const rows = await db.selectFrom('regions').select('code').where('code', 'in', codes).execute()
  return new Set(rows.map((r) => r.code))
}

export async function findStoredOrgCodes(db: Db, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set()
  const rows = await db.selectFrom('party_orgs').select('code').where('code', 'in', codes).execute()
  return new Set(rows.map((r) => r.code))
}

/** Stored organizations' region codes by code (null: recorded without one); codes not stored are absent. */
export async function findStoredOrgRegions(db: Db, codes: string[]): Promise<Map<string, string | null>> {
  if (!codes.length) return new Map()
  const rows = await db.selectFrom('party_orgs').select(['code', 'region_code']).where('code', 'in', codes).execute()
  return new Map(rows.map((r) => [r.code, r.region_code]))
}

/** A point inside each community (ST_PointOnSurface of its boundary): where a row without coordinates goes. */
export async function findRegionPoints(db: Db, codes: string[]): Promise<Map<string, [number, number]>> {
  if (!codes.length) return new Map()
  const { rows } = await sql<{ code: string; lon: number; lat: number }>`
    SELECT code, ST_X(p) AS lon, ST_Y(p) AS lat
    FROM (SELECT code, ST_PointOnSurface(boundary) AS p FROM regions WHERE code = ANY(${codes}::text[]) AND boundary IS NOT NULL) r`.execute(
    db,
  )
  return new Map(rows.map((r) => [r.code, [r.lon, r.lat]]))
}

/** Points from an EPSG frame to WGS84, in order. */
export async function transformPoints(db: Db, srid: number, xs: number[], ys: number[]): Promise<[number, number][]> {
  if (!xs.length) return []
  const { rows } = await sql<{ lon: number; lat: number }>`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
      SELECT n, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), ${srid}::int), 4326) AS p
      FROM unnest(${xs}::float8[], ${ys}::float8[]) WITH ORDINALITY AS t(x, y, n)) q
    ORDER BY n`.execute(db)
  return rows.map((r) => [r.lon, r.lat])
}

export interface StoredOrg {
  code: string
  name: string
  tier: string
  domain: string
  establishment: string
  starRating: number | null
  status: string
  memberCount: number
  formalMembers: number
  parentCode: string | null
  regionCode: string | null
  lon: number
  lat: number
  lastActivityOn: string | null
  hasBranchCommittee: boolean | null
  /** undefined: not in the file, the stored secretary stays */
  secretaryName?: string | null
  secretaryPhone?: string | null
}

/** Inserts or updates organizations by code, then links parents (in the file or stored). */
export async function upsertOrgs(trx: Transaction<Tables>, orgs: StoredOrg[]): Promise<number> {
  for (const o of orgs)
    await sql`
      INSERT INTO party_orgs (code, name, tier, domain, establishment, star_rating, status, member_count, formal_members,
        region_code, location, last_activity_on, has_branch_committee, secretary_name, secretary_phone)
      VALUES (${o.code}, ${o.name}, ${o.tier}, ${o.domain}, ${o.establishment}, ${o.starRating}::smallint, ${o.status},
        ${o.memberCount}::int, ${o.formalMembers}::int, ${o.regionCode}::text,
        ST_SetSRID(ST_MakePoint(${o.lon}::float8, ${o.lat}::float8), 4326), ${o.lastActivityOn}::date, ${o.hasBranchCommittee}::boolean,
        ${o.secretaryName ?? null}::text, ${o.secretaryPhone ?? null}::text)
      ON CONFLICT (code) DO UPDATE SET name = excluded.name, tier = excluded.tier, domain = excluded.domain,
        establishment = excluded.establishment, star_rating = excluded.star_rating, status = excluded.status,
        member_count = excluded.member_count, formal_members = excluded.formal_members, region_code = excluded.region_code,
        location = excluded.location, last_activity_on = excluded.last_activity_on,
        has_branch_committee = excluded.has_branch_committee,
        secretary_name = CASE WHEN ${o.secretaryName !== undefined}::boolean THEN excluded.secretary_name ELSE party_orgs.secretary_name END,
        secretary_phone = CASE WHEN ${o.secretaryPhone !== undefined}::boolean THEN excluded.secretary_phone ELSE party_orgs.secretary_phone END`.execute(
      trx,
    )
  const linked = orgs.filter((o) => o.parentCode)
  if (linked.length)
    await sql`
      UPDATE party_orgs o SET parent_id = p.id
      FROM unnest(${linked.map((o) => o.code)}::text[], ${linked.map((o) => o.parentCode!)}::text[]) AS l(code, parent)
      JOIN party_orgs p ON p.code = l.parent
      WHERE o.code = l.code`.execute(trx)
  return orgs.length
}

/** Star ratings by year (星级评定), inserted or replaced per organization and year; organizations by code. */
export async function upsertStarRatings(
  trx: Transaction<Tables>,
  ratings: { code: string; year: number; starRating: number }[],
): Promise<number> {
  if (!ratings.length) return 0
  const { rows } = await sql<{ n: number }>`
    WITH stored AS (
      INSERT INTO party_org_star_ratings (party_org_id, year, star_rating)
      SELECT o.id, r.year, r.star_rating
      FROM unnest(${ratings.map((r) => r.code)}::text[], ${ratings.map((r) => r.year)}::smallint[],
                  ${ratings.map((r) => r.starRating)}::smallint[]) AS r(code, year, star_rating)
      JOIN party_orgs o ON o.code = r.code
      ON CONFLICT (party_org_id, year) DO UPDATE SET star_rating = excluded.star_rating
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM stored`.execute(trx)
  return rows[0].n
}

export interface StoredUnit {
  code: string
  name: string
  kind: string
  employees: number
  formalPartyMembers: number
  regionCode: string | null
  lon: number
  lat: number
  coverage: string
  orgCode: string | null
  instructorName: string | null
}

/** Inserts or updates units by code and replaces their coverage rows. */
export async function upsertUnits(trx: Transaction<Tables>, units: StoredUnit[]): Promise<number> {
  for (const u of units) {
    await sql`
      INSERT INTO units (code, name, kind, employees, formal_party_members, region_code, location)
      VALUES (${u.code}, ${u.name}, ${u.kind}, ${u.employees}::int, ${u.formalPartyMembers}::int, ${u.regionCode}::text,
        ST_SetSRID(ST_MakePoint(${u.lon}::float8, ${u.lat}::float8), 4326))
      ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, employees = excluded.employees,
        formal_party_members = excluded.formal_party_members, region_code = excluded.region_code,
        location = excluded.location`.execute(trx)
    await sql`DELETE FROM unit_coverage WHERE unit_id = (SELECT id FROM units WHERE code = ${u.code})`.execute(trx)
    if (u.coverage !== 'none')
      await sql`
        INSERT INTO unit_coverage (unit_id, party_org_id, mode, instructor_name)
        SELECT u.id, (SELECT id FROM party_orgs WHERE code = ${u.orgCode}::text), ${u.coverage}, ${u.instructorName}::text
        FROM units u WHERE u.code = ${u.code}`.execute(trx)
  }
  return units.length
}

export async function recordRegisterImport(
  db: Db,
  run: {
    kind: 'party_orgs' | 'units' | 'service_centers' | 'population'
    fileName: string
    format: 'csv' | 'xlsx' | 'geojson'
    sourceCrs: string | null
    dryRun: boolean
    status: 'succeeded' | 'failed'
    counts: Record<string, number>
    report: unknown[]
    error: string | null
  },
): Promise<number> {
  const row = await db
    .insertInto('import_runs')
    .values({
      kind: run.kind,
      file_name: run.fileName,
      format: run.format,
      source_crs: run.sourceCrs,
      dry_run: run.dryRun,
      status: run.status,
      counts: JSON.stringify(run.counts),
      report: JSON.stringify(run.report),
      error: run.error,
      department: null,
      finished_at: new Date(),
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
