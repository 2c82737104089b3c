// SQL of a region-tree import: the stored levels and names it checks against, how the new regions sit
// in the tree, and the upsert, level by level.
import { type Kysely, type Transaction, sql } from 'kysely'
import type { RegionLevel, Tables } from '../tables.ts'
import { type GeometryRow, repairedPolygon } from './imports.repository.ts'

type Db = Kysely<Tables> | Transaction<Tables>

/** The level of each of these codes that is stored, leaving out the codes about to be deleted. */
export async function findRegionLevels(
  db: Db,
  codes: string[],
  leavingOut: string[],
): Promise<Map<string, RegionLevel>> {
  if (codes.length === 0) return new Map()
  const rows = await db
    .selectFrom('regions')
    .select(['code', 'level'])
    .where('code', '=', sql<string>`ANY(${codes}::text[])`)
    .where(sql<boolean>`NOT (code = ANY(${leavingOut}::text[]))`)
    .execute()
  return new Map(rows.map((r) => [r.code, r.level]))
}

export interface RegionShapeRow extends GeometryRow {
  code: string
  parentCode: string | null
}

export interface RegionShapeFinding {
  index: number
  kind: 'outside_parent' | 'overlaps_sibling'
  other: string
  /** the share of the region's area (outside its parent), or of the smaller sibling's (overlap) */
  share: number
}

/**
 * How the regions sit in the tree they will form with the stored ones (less those replaced or
 * deleted): more than `tolerance` of a region outside its parent, or siblings overlapping by more
 * than `tolerance` of the smaller one. Areas on the geography, in square metres.
 */
export async function checkRegionShapes(
  db: Db,
  rows: RegionShapeRow[],
  leavingOut: string[],
  tolerance: number,
): Promise<RegionShapeFinding[]> {
  const { rows: findings } = await sql<RegionShapeFinding>`
    WITH f AS MATERIALIZED (
      SELECT r.index, r.code, r."parentCode" AS parent,
             ${repairedPolygon} AS g
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(index int, code text, "parentCode" text, geometry text, srid int)
    ),
    tree AS (
      SELECT f.index, f.code, f.parent, f.g FROM f
      UNION ALL
      SELECT NULL, s.code, s.parent_code, s.boundary FROM regions s
      WHERE s.boundary IS NOT NULL AND s.code NOT IN (SELECT code FROM f) AND NOT (s.code = ANY(${leavingOut}::text[]))
    )
    SELECT c.index, 'outside_parent' AS kind, p.code AS other, x.share
    FROM f c JOIN tree p ON p.code = c.parent,
         LATERAL (SELECT ST_Area(ST_Difference(c.g, p.g)::geography) / nullif(ST_Area(c.g::geography), 0) AS share) x
    WHERE x.share > ${tolerance}
    UNION ALL
    SELECT a.index, 'overlaps_sibling', b.code, x.share
    FROM f a JOIN tree b ON b.parent = a.parent AND b.code <> a.code AND a.g && b.g AND (b.index IS NULL OR a.code < b.code),
         LATERAL (SELECT ST_Area(ST_Intersection(a.g, b.g)::geography) / nullif(least(ST_Area(a.g::geography), ST_Area(b.g::geography)), 0) AS share) x
    WHERE x.share > ${tolerance}
    ORDER BY 1, 2, 3`.execute(db)
  return findings
}

export interface RegionUpsert extends GeometryRow {
  code: string
  name: string
  level: RegionLevel
  parentCode: string | null
  isUrban: boolean
  /** the region's own households-per-grid norm; null keeps what is stored */
  householdsMin: number | null
  householdsMax: number | null
}

/**
 * Each row's shape as upsertRegions stores it (the repaired polygon made multi), as hex EWKB: made on
 * an engine thread for a huge region, whose shape then comes back in parts (import_staging_parts).
 */
export async function readRegionShapes(db: Db, rows: GeometryRow[]): Promise<{ index: number; boundary: string }[]> {
  const { rows: shapes } = await sql<{ index: number; boundary: string }>`
    SELECT r.index, encode(ST_AsEWKB(ST_Multi(${repairedPolygon})), 'hex') AS boundary
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(index int, geometry text, srid int)
    ORDER BY r.index`.execute(db)
  return shapes
}

/**
 * Inserts or updates each region by its code, level by level from the top, so parents come before
 * children. The regions with an index in `fromParts.indexes` take their shape as readRegionShapes
 * made it, from the run's import_staging_parts (their geometry is not read).
 */
export async function upsertRegions(
  trx: Transaction<Tables>,
  regions: RegionUpsert[],
  fromParts: { runId: number; indexes: number[] } = { runId: 0, indexes: [] },
): Promise<void> {
  for (const level of ['city', 'district', 'street', 'community'] as const) {
    const batch = regions.filter((r) => r.level === level)
    if (batch.length === 0) continue
    await sql`
      INSERT INTO regions (code, name, level, parent_code, is_urban, boundary, households_min, households_max)
      SELECT r.code, r.name, r.level, r."parentCode", r."isUrban",
             CASE WHEN r.index = ANY(${fromParts.indexes}::int[])
                  THEN (SELECT ST_GeomFromEWKB(string_agg(p.bytes, ''::bytea ORDER BY p.part)) FROM import_staging_parts p
                        WHERE p.import_run_id = ${fromParts.runId}::bigint AND p.index = r.index)
                  ELSE ST_Multi(${repairedPolygon}) END,
             r."householdsMin", r."householdsMax"
      FROM json_to_recordset(${JSON.stringify(batch)}::json)
        AS r(index int, code text, name text, level text, "parentCode" text, "isUrban" boolean, geometry text, srid int, "householdsMin" int, "householdsMax" int)
      ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
        is_urban = excluded.is_urban, boundary = excluded.boundary,
        -- a file that sets no norm leaves the stored one as it is
        households_min = CASE WHEN excluded.households_min IS NULL THEN regions.households_min ELSE excluded.households_min END,
        households_max = CASE WHEN excluded.households_min IS NULL THEN regions.households_max ELSE excluded.households_max END`.execute(
      trx,
    )
  }
}

/** The stored names of regions by code (a warning names a region's parent or sibling by name). */
export async function findRegionNames(db: Db, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map()
  const rows = await db
    .selectFrom('regions')
    .select(['code', 'name'])
    .where('code', '=', sql<string>`ANY(${codes}::text[])`)
    .execute()
  return new Map(rows.map((r) => [r.code, r.name]))
}
