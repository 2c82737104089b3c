// A small hand-built world for party-coverage tests: one district, two streets, three communities,
// published grids over part of them, and units and organizations whose rule results are known.
import { type Kysely, sql } from 'kysely'
import type { Tables } from '../../server/db/tables.ts'

export const D = '410199000000'
export const S1 = '410199001000'
export const S2 = '410199002000'
export const C11 = '410199001001'
export const C12 = '410199001002'
export const C21 = '410199002001'

const LON0 = 113.6
const LAT0 = 34.6
const M_PER_DEG_LAT = 111_195
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((34.605 * Math.PI) / 180)

/** A point x metres east and y metres north of the district's south-west corner. */
export const at = (x: number, y: number): [number, number] => [LON0 + x / M_PER_DEG_LON, LAT0 + y / M_PER_DEG_LAT]

const box = (x0: number, y0: number, x1: number, y1: number) => {
  const [a, b] = at(x0, y0)
  const [c, d] = at(x1, y1)
  return `MULTIPOLYGON(((${a} ${b},${c} ${b},${c} ${d},${a} ${d},${a} ${b})))`
}

// Communities: C11 x 0–1000, C12 x 1000–2000 (both y 0–1000, street S1); C21 x 0–1000, y 1000–2000 (S2).
const communities = [
  { code: C11, name: '东湖社区', street: S1, wkt: box(0, 0, 1000, 1000) },
  { code: C12, name: '西湖社区', street: S1, wkt: box(1000, 0, 2000, 1000) },
  { code: C21, name: '北山社区', street: S2, wkt: box(0, 1000, 1000, 2000) },
]

export interface UnitSpec {
  code: string
  members: number
  region: string
  x: number
  y: number
  kind?: string
  employees?: number
  coverage?: 'own' | 'joint' | 'affiliated' | 'work'
  org?: string
  footprint?: [number, number, number, number]
}

export interface OrgSpec {
  code: string
  region: string
  tier?: string
  members: number
  status?: string
  domain?: string
  star?: number | null
  parent?: string
  x?: number
  y?: number
  lastActivityOn?: string
  hasBranchCommittee?: boolean
}

export const orgs: OrgSpec[] = [
  // street S1's committee: the parent of the unit organizations below (its members are not added again)
  { code: 'O-S1', region: S1, tier: 'committee', members: 300, x: 500, y: 500, star: 5 },
  { code: 'O-OWN', region: C11, members: 10, parent: 'O-S1', x: 100, y: 100, star: 4 },
  { code: 'O-JOINT', region: C11, tier: 'joint_branch', members: 6, parent: 'O-S1', x: 150, y: 150, star: 3 },
  { code: 'O-C12', region: C12, members: 20, parent: 'O-S1', x: 1500, y: 200, status: 'weak', star: 1 },
  { code: 'O-NE', region: C12, members: 8, domain: 'new_economy', parent: 'O-S1', x: 1600, y: 300, star: null },
  // tiers and branch committees (C21)
  { code: 'T-B49', region: C21, members: 49, x: 100, y: 1100 },
  { code: 'T-B50', region: C21, members: 50, x: 120, y: 1100 },
  { code: 'T-G49', region: C21, tier: 'general_branch', members: 49, x: 140, y: 1100 },
  { code: 'T-G50', region: C21, tier: 'general_branch', members: 50, x: 160, y: 1100 },
  { code: 'T-G99', region: C21, tier: 'general_branch', members: 99, x: 180, y: 1100 },
  { code: 'T-C99', region: C21, tier: 'committee', members: 99, x: 200, y: 1100 },
  { code: 'T-C100', region: C21, tier: 'committee', members: 100, x: 220, y: 1100 },
  { code: 'T-B2', region: C21, members: 2, x: 240, y: 1100 },
  { code: 'T-J3', region: C21, tier: 'joint_branch', members: 3, x: 260, y: 1100 },
  { code: 'T-B6Y', region: C21, members: 6, hasBranchCommittee: true, x: 280, y: 1100 },
  { code: 'T-B7N', region: C21, members: 7, hasBranchCommittee: false, x: 300, y: 1100 },
  { code: 'T-B7Y', region: C21, members: 7, hasBranchCommittee: true, x: 320, y: 1100 },
  { code: 'T-B6N', region: C21, members: 6, hasBranchCommittee: false, x: 340, y: 1100 },
  // hollow suspects (C21): today is 2025-06-01 in the tests, 12 months
  { code: 'H-ZERO', region: C21, members: 0, x: 400, y: 1500, status: 'hollow' },
  { code: 'H-OLD', region: C21, members: 5, lastActivityOn: '2024-05-31', x: 420, y: 1500, status: 'rectifying' },
  { code: 'H-EDGE', region: C21, members: 5, lastActivityOn: '2024-06-01', x: 440, y: 1500 },
  { code: 'H-NEW', region: C21, members: 5, lastActivityOn: '2025-05-01', x: 460, y: 1500 },
  // an area-wide joint committee over both communities of street S1
  { code: 'JC-S1', region: S1, members: 40, x: 900, y: 900, star: 4 },
]

export const units: UnitSpec[] = [
  // 应建未建 (C11): 2/3 members, each coverage mode
  { code: 'U-2NONE', members: 2, region: C11, x: 50, y: 900 },
  { code: 'U-3NONE', members: 3, region: C11, x: 100, y: 300 },
  { code: 'U-3WORK', members: 3, region: C11, x: 200, y: 300, coverage: 'work' },
  { code: 'U-5JOINT', members: 5, region: C11, x: 300, y: 300, coverage: 'joint', org: 'O-JOINT' },
  { code: 'U-4AFF', members: 4, region: C11, x: 400, y: 300, coverage: 'affiliated', org: 'O-S1' },
  { code: 'U-10OWN', members: 10, region: C11, x: 700, y: 300, coverage: 'own', org: 'O-OWN' },
  { code: 'U-1JOINT', members: 1, region: C11, x: 310, y: 300, coverage: 'joint', org: 'O-JOINT' },
  // joint proposals (C12): a park holding A and B; C 100 m from B outside it; D 300 m from C; E alone
  {
    code: 'P-PARK',
    members: 0,
    region: C12,
    x: 1500,
    y: 500,
    kind: 'industrial_park',
    footprint: [1450, 450, 1550, 550],
  },
  { code: 'J-A', members: 1, region: C12, x: 1460, y: 500 },
  { code: 'J-B', members: 2, region: C12, x: 1540, y: 500, coverage: 'work' },
  { code: 'J-C', members: 2, region: C12, x: 1640, y: 500 },
  { code: 'J-D', members: 1, region: C12, x: 1640, y: 800 },
  { code: 'J-E', members: 1, region: C11, x: 800, y: 980 },
  // F: 2 members in street S2, 100 m from E across the street boundary: never grouped with E
  { code: 'J-F', members: 2, region: C21, x: 800, y: 1060 },
  // 新业态 (S1): courier hubs by coverage
  {
    code: 'N-OWN',
    members: 4,
    region: C12,
    x: 1700,
    y: 100,
    kind: 'courier_hub',
    employees: 20,
    coverage: 'own',
    org: 'O-NE',
  },
  { code: 'N-WORK', members: 0, region: C12, x: 1750, y: 100, kind: 'courier_hub', employees: 10, coverage: 'work' },
  { code: 'N-NONE', members: 0, region: C12, x: 1800, y: 900, kind: 'courier_hub', employees: 5 },
]

/** Residents: C11 west grid 1000, east grid 500; C12 south grid 200, north (no grid) 300; C21 400. */
const population = [
  { region: C11, x: 250, y: 500, residents: 1000 },
  { region: C11, x: 750, y: 500, residents: 500 },
  { region: C12, x: 1500, y: 250, residents: 200 },
  { region: C12, x: 1500, y: 750, residents: 300 },
  { region: C21, x: 500, y: 1500, residents: 400 },
]

/** Published grids: C11 in two halves, C12's south half only, C21 none; residents as a merge counts them. */
export const grids = [
  { code: `${C11}001`, community: C11, wkt: box(0, 0, 500, 1000), population: 1000 },
  { code: `${C11}002`, community: C11, wkt: box(500, 0, 1000, 1000), population: 500 },
  { code: `${C12}001`, community: C12, wkt: box(1000, 0, 2000, 500), population: 200 },
]

const pointSql = ([lon, lat]: [number, number]) => sql`ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)`

/** Loads the world into an empty migrated database. */
export async function loadPartyWorld(db: Kysely<Tables>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`INSERT INTO regions (code, name, level, parent_code) VALUES (${D}, '青禾区', 'district', NULL),
      (${S1}, '东城街道', 'street', ${D}), (${S2}, '北城街道', 'street', ${D})`.execute(trx)
    for (const c of communities)
      await sql`INSERT INTO regions (code, name, level, parent_code, boundary)
        VALUES (${c.code}, ${c.name}, 'community', ${c.street}, ST_GeomFromText(${c.wkt}, 4326))`.execute(trx)
    await sql`UPDATE regions s SET boundary = (SELECT ST_Multi(ST_Union(c.boundary)) FROM regions c WHERE c.parent_code = s.code)
      WHERE s.level = 'street'`.execute(trx)
    await sql`UPDATE regions d SET boundary = (SELECT ST_Multi(ST_Union(c.boundary)) FROM regions c WHERE c.parent_code = d.code)
      WHERE d.level = 'district'`.execute(trx)
    for (const o of orgs) {
      await sql`INSERT INTO party_orgs (code, name, parent_id, tier, domain, establishment, star_rating, status,
          member_count, formal_members, region_code, location, last_activity_on, has_branch_committee)
        VALUES (${o.code}, ${`组织${o.code}`}, (SELECT id FROM party_orgs WHERE code = ${o.parent ?? null}::text),
          ${o.tier ?? 'branch'}, ${o.domain ?? 'community'}, 'own', ${o.star === undefined ? 3 : o.star}::smallint,
          ${o.status ?? 'normal'}, ${o.members}::int, ${o.members}::int, ${o.region},
          ${o.x === undefined ? null : pointSql(at(o.x, o.y!))}, ${o.lastActivityOn ?? null}::date,
          ${o.hasBranchCommittee ?? null}::boolean)`.execute(trx)
    }
    await sql`INSERT INTO party_org_regions (party_org_id, region_code)
      SELECT id, r FROM party_orgs, unnest(ARRAY[${C11}, ${C12}]::text[]) AS r WHERE code = 'JC-S1'`.execute(trx)
    for (const u of units) {
      const footprint = u.footprint ? sql`ST_GeomFromText(${box(...u.footprint)}, 4326)` : sql`NULL`
      await sql`INSERT INTO units (code, name, kind, employees, formal_party_members, region_code, location, footprint)
        VALUES (${u.code}, ${`单位${u.code}`}, ${u.kind ?? 'private_enterprise'}, ${u.employees ?? 10}::int,
          ${u.members}::int, ${u.region}, ${pointSql(at(u.x, u.y))}, ${footprint})`.execute(trx)
      if (u.coverage)
        await sql`INSERT INTO unit_coverage (unit_id, party_org_id, mode, instructor_name)
          SELECT u.id, (SELECT id FROM party_orgs WHERE code = ${u.org ?? null}::text), ${u.coverage},
            ${u.coverage === 'work' ? '王指导' : null}::text
          FROM units u WHERE u.code = ${u.code}`.execute(trx)
    }
    for (const p of population)
      await sql`INSERT INTO population_points (region_code, residents, households, location)
        VALUES (${p.region}, ${p.residents}::int, ${Math.round(p.residents / 2.6)}::int, ${pointSql(at(p.x, p.y))})`.execute(
        trx,
      )
    const { rows } = await sql<{
      id: number
    }>`INSERT INTO merge_runs (status, strategy, layer_ids, is_published, published_at)
      VALUES ('succeeded', 'base_department', '{}', true, now()) RETURNING id`.execute(trx)
    for (const g of grids)
      await sql`INSERT INTO unified_grids (merge_run_id, code, community_code, area_m2, population, boundary)
        VALUES (${rows[0].id}::bigint, ${g.code}, ${g.community}, 1, ${g.population}::int, ST_GeomFromText(${g.wkt}, 4326))`.execute(
        trx,
      )
  })
}
