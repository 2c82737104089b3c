// A small hand-built district whose merge answer is known: two 200 m × 200 m communities and four
// department layers, each wrong in its own way (see tests/integration/merge.test.ts).
import { type Kysely, sql } from 'kysely'
import { expect } from 'vitest'
import type { Tables } from '../../server/db/tables.ts'
import { polygonWkt, rect, toLonLat } from './local-frame.ts'

export const [communityA, communityB] = ['410199001001', '410199001002']
const [A, B] = [communityA, communityB]

export async function buildMergeDistrict(db: Kysely<Tables>): Promise<Record<string, number>> {
  const geom = (wkt: string) => sql`ST_Multi(ST_GeomFromText(${wkt}, 4326))`
  await sql`INSERT INTO regions (code, name, level, parent_code, is_urban, boundary) VALUES
    ('410199000000', '测试区', 'district', NULL, true, ${geom(rect(0, 0, 400, 200))}),
    ('410199001000', '测试街道', 'street', '410199000000', true, ${geom(rect(0, 0, 400, 200))}),
    (${A}, '甲社区', 'community', '410199001000', true, ${geom(rect(0, 0, 200, 200))}),
    (${B}, '乙社区', 'community', '410199001000', true, ${geom(rect(200, 0, 400, 200))})`.execute(db)
  const layers: Record<string, number> = {}
  for (const department of ['governance', 'party', 'urban', 'social']) {
    const { id } = await db
      .insertInto('grid_layers')
      .values({ department, version: 1, title: department, is_active: true })
      .returning('id')
      .executeTakeFirstOrThrow()
    layers[department] = id
  }
  const grids: [string, string, string | null, string][] = [
    // 综治: exact, two grids in A, one in B
    ['governance', 'GA1', A, rect(0, 0, 100, 200)],
    ['governance', 'GA2', A, rect(100, 0, 200, 200)],
    ['governance', 'GB1', B, rect(200, 0, 400, 200)],
    // 党建: misses a 30 m corner of A (gap); its B grid reaches 25 m below the district,
    [
      'party',
      'PA1',
      A,
      polygonWkt([
        [0, 0],
        [200, 0],
        [200, 170],
        [170, 170],
        [170, 200],
        [0, 200],
      ]),
    ],
    ['party', 'PB1', B, rect(200, -25, 400, 200)],
    // and a grid drawn 200 m east of the district, in no community at all
    ['party', 'PX1', null, rect(600, 0, 700, 100)],
    // 城管: a line 0.5 m off 综治's (sliver); its B grid reaches 15 m into A (crosses, overlaps UA2)
    ['urban', 'UA1', A, rect(0, 0, 100.5, 200)],
    ['urban', 'UA2', A, rect(100.5, 0, 200, 200)],
    ['urban', 'UB1', B, rect(185, 0, 400, 200)],
    // 社保: a self-intersecting bowtie in A (invalid input: repaired, leaves two triangle gaps); B grids overlap by 20 m
    [
      'social',
      'SA1',
      A,
      polygonWkt([
        [0, 0],
        [200, 200],
        [200, 0],
        [0, 200],
      ]),
    ],
    ['social', 'SB1', B, rect(200, 0, 320, 200)],
    ['social', 'SB2', B, rect(300, 0, 400, 200)],
  ]
  const ids: Record<string, number> = {}
  for (const [department, code, community, wkt] of grids) {
    const { rows } = await sql<{ id: number }>`
      INSERT INTO grids (layer_id, code, name, community_code, attributes, boundary)
      VALUES (${layers[department]}, ${code}, ${code}, ${community}, '{}', ST_Multi(ST_GeomFromText(${wkt}, 4326))) RETURNING id`.execute(
      db,
    )
    ids[code] = rows[0].id
  }
  // 1,000 households spread evenly over A, none in B
  const points = Array.from({ length: 40 }, (_, i) => {
    const [lon, lat] = toLonLat(12.5 + (i % 8) * 25, 20 + Math.floor(i / 8) * 40)
    return { lon, lat }
  })
  await sql`INSERT INTO population_points (region_code, residents, households, location)
    SELECT ${A}, 65, 25, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326) FROM json_to_recordset(${JSON.stringify(points)}::json) AS r(lon float8, lat float8)`.execute(
    db,
  )
  return ids
}

/**
 * Per community: every unified grid is valid and inside it, no two overlap, and their areas add up
 * to the community's (so, with no overlap, there is no gap). Pairwise tests keep GEOS work small.
 * Reprojected to UTM, a valid boundary can cross itself by a hair: repaired before the overlays.
 * Shapes are densified in EPSG:4326 first (a vertex every 0.0002°): their edges are straight in
 * lon/lat as stored, and a long one leaves its UTM chord by decimetres in the middle.
 */
async function tilingErrors(db: Kysely<Tables>, runId: number) {
  const { rows } = await sql<{
    code: string
    invalid: number
    outside: number
    overlap: number
    missing: number
    tolerance: number
  }>`
    WITH u AS (SELECT id, community_code, ST_MakeValid(ST_Transform(ST_Segmentize(boundary, 0.0002), 32649), 'method=structure') AS geom, boundary FROM unified_grids WHERE merge_run_id = ${runId})
    SELECT c.code,
      (SELECT count(*) FROM u WHERE u.community_code = c.code AND NOT ST_IsValid(u.boundary))::int AS invalid,
      (SELECT coalesce(sum(ST_Area(ST_Difference(u.geom, ST_Transform(ST_Segmentize(c.boundary, 0.0002), 32649), 0.001))), 0) FROM u WHERE u.community_code = c.code) AS outside,
      (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom, 0.001))), 0) FROM u a JOIN u b ON a.id < b.id AND a.community_code = c.code
         AND b.community_code = c.code AND ST_Intersects(a.geom, b.geom)) AS overlap,
      abs(ST_Area(ST_Transform(ST_Segmentize(c.boundary, 0.0002), 32649)) - (SELECT coalesce(sum(ST_Area(u.geom)), 0) FROM u WHERE u.community_code = c.code)) AS missing,
      -- the overlay nodes boundaries on a 1 mm grid: a millimetre along the boundary is the tolerance
      ST_Perimeter(ST_Transform(ST_Segmentize(c.boundary, 0.0002), 32649)) * 0.001 AS tolerance
    FROM regions c WHERE c.level = 'community' ORDER BY c.code`.execute(db)
  return rows
}

/** Asserts that the run tiles each of `communities` communities seamlessly, to the millimetre. */
export async function expectSeamlessTiling(db: Kysely<Tables>, runId: number, communities: number): Promise<void> {
  const rows = await tilingErrors(db, runId)
  expect(rows).toHaveLength(communities)
  for (const row of rows) {
    expect(row.invalid, row.code).toBe(0)
    expect(row.outside, row.code).toBeLessThan(row.tolerance)
    expect(row.overlap, row.code).toBeLessThan(row.tolerance)
    expect(row.missing, row.code).toBeLessThan(row.tolerance)
  }
}
