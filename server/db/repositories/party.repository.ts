// Party-organization coverage: the SQL behind the rules and figures of server/services/party/. Every
// function takes an optional region-code prefix (the caller's scope: a street's first 9 digits, a
// community's 12) and applies it in SQL to the rows' region_code. The area-wide committees and the
// profiles are in party-committees.repository.ts and party-profiles.repository.ts.
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { RegionScope } from '../scope.ts'
import type { CoverageMode, PartyOrgDomain, PartyOrgStatus, PartyOrgTier, Tables, UnitKind } from '../tables.ts'

/** The caller's scope (server/db/scope.ts): the rows' region code must start with its prefix. */
export type PartyScope = RegionScope

export interface PartyFilter extends PartyScope {
  /** a street's 12-digit code: rows in that street */
  street?: string
  /** a community's 12-digit code: rows in that community */
  community?: string
  domain?: PartyOrgDomain
  /** organization status (organizations) or coverage mode, 'none' for no coverage (units) */
  status?: string
}

/** The organization domain a unit of each kind belongs to (for filtering units by domain). */
export const domainOfUnitKind: Record<UnitKind, PartyOrgDomain> = {
  private_enterprise: 'private_enterprise',
  social_org: 'social_org',
  cooperative: 'rural',
  industry_association: 'social_org',
  courier_hub: 'new_economy',
  ecommerce: 'new_economy',
  industrial_park: 'park_building',
  office_building: 'park_building',
  market: 'private_enterprise',
  property_company: 'private_enterprise',
  mobile_member_cluster: 'mobile_members',
}

export const prefixOf = (scope: PartyScope) => scope.regionPrefix ?? null

/** region_code under the scope and the street/community filters; `column` comes from code, never a request. */
export function regionFilter(column: RawBuilder<unknown>, filter: PartyFilter) {
  const streetPrefix = filter.street ? filter.street.slice(0, 9) : null
  return sql`(${prefixOf(filter)}::text IS NULL OR ${column} LIKE ${prefixOf(filter)}::text || '%')
    AND (${streetPrefix}::text IS NULL OR left(${column}, 9) = ${streetPrefix}::text)
    AND (${filter.community ?? null}::text IS NULL OR ${column} = ${filter.community ?? null}::text)`
}

const unitDomainSql = sql`CASE u.kind ${sql.join(
  Object.entries(domainOfUnitKind).map(([kind, domain]) => sql`WHEN ${kind} THEN ${domain}`),
  sql` `,
)} END`

/** The fewest formal members (正式党员) that call for an organization of the unit's own (党章 第三十条). */
export const SHOULD_ESTABLISH_MIN_MEMBERS = 3

/**
 * 应建未建, the one SQL definition (the findings, the coverage figures, the summary's KPI and the units
 * layer all use it): a unit (alias `unit`) with 3 or more formal party members whose coverage row
 * (alias `coverage`, LEFT JOINed on unit_id, NULL when none) is not 'own' — no organization of its own.
 * A unit covered jointly, by affiliation, by work only or not at all counts.
 */
export function isShouldEstablish(unit = 'u', coverage = 'c'): RawBuilder<boolean> {
  const mode = sql.ref(`${coverage}.mode`)
  return sql<boolean>`(${sql.ref(`${unit}.formal_party_members`)} >= ${sql.lit(SHOULD_ESTABLISH_MIN_MEMBERS)} AND (${mode} IS NULL OR ${mode} <> 'own'))`
}

/** Organization coverage: the unit is covered by an organization (its own, a joint one, or attached to one). */
const ORG_MODES = sql`('own', 'joint', 'affiliated')`

interface Page {
  limit: number
  offset: number
}

export interface PlaceColumns {
  regionCode: string | null
  communityName: string | null
  streetCode: string | null
  streetName: string | null
  lon: number | null
  lat: number | null
}

export const placeColumns = (alias: 'u' | 'o') => {
  const t = sql.raw(alias)
  const location = alias === 'u' ? sql`u.location` : sql`o.location`
  return sql`${t}.region_code AS "regionCode",
    (SELECT name FROM regions r WHERE r.code = ${t}.region_code AND r.level = 'community') AS "communityName",
    CASE WHEN ${t}.region_code IS NOT NULL AND right(${t}.region_code, 6) <> '000000' THEN left(${t}.region_code, 9) || '000' END AS "streetCode",
    (SELECT name FROM regions r WHERE r.code = left(${t}.region_code, 9) || '000' AND r.level = 'street') AS "streetName",
    ST_X(${location}) AS lon, ST_Y(${location}) AS lat`
}

// ---------------------------------------------------------------------------------------------
// 应建未建

export interface ShouldEstablishRow extends PlaceColumns {
  code: string
  name: string
  kind: UnitKind
  employees: number
  members: number
  coverage: CoverageMode | 'none'
  orgCode: string | null
  orgName: string | null
  instructorName: string | null
  total: number
}

/** Units with 3 or more formal members and no organization of their own (coverage mode other than 'own'). */
export async function findShouldEstablish(
  db: Kysely<Tables>,
  filter: PartyFilter & Page,
): Promise<ShouldEstablishRow[]> {
  const { rows } = await sql<ShouldEstablishRow>`
    SELECT u.code, u.name, u.kind, u.employees, u.formal_party_members AS members,
      coalesce(c.mode, 'none') AS coverage, o.code AS "orgCode", o.name AS "orgName",
      c.instructor_name AS "instructorName", ${placeColumns('u')}, count(*) OVER ()::int AS total
    FROM units u
    LEFT JOIN unit_coverage c ON c.unit_id = u.id
    LEFT JOIN party_orgs o ON o.id = c.party_org_id
    WHERE ${isShouldEstablish()}
      AND ${regionFilter(sql`u.region_code`, filter)}
      AND (${filter.domain ?? null}::text IS NULL OR ${unitDomainSql} = ${filter.domain ?? null}::text)
      AND (${filter.status ?? null}::text IS NULL OR coalesce(c.mode, 'none') = ${filter.status ?? null}::text)
    ORDER BY u.region_code, u.code
    LIMIT ${filter.limit} OFFSET ${filter.offset}`.execute(db)
  return rows
}

// ---------------------------------------------------------------------------------------------
// Joint-branch candidates

export interface JointCandidateRow {
  code: string
  name: string
  kind: UnitKind
  members: number
  coverage: 'work' | 'none'
  regionCode: string
  lon: number
  lat: number
  /** id of the unit whose footprint (a park or building) holds this unit, or its own id when it has one */
  siteId: number | null
}

/**
 * Units a joint branch could cover: 1 or 2 formal members, no organization coverage (none, or work
 * coverage only), and a region code (the street a proposal must stay inside). The site (the smallest
 * footprint holding a unit without one of its own) is found set-based from the footprints' side: each
 * of the few footprints probes the units' location index once (prepared-geometry cache per polygon),
 * instead of every candidate probing the footprint index (a subquery per unit, seconds at ×10).
 */
export async function findJointCandidates(db: Kysely<Tables>, filter: PartyScope): Promise<JointCandidateRow[]> {
  const { rows } = await sql<JointCandidateRow>`
    WITH site AS (
      SELECT DISTINCT ON (p.id) p.id, b.id AS site_id
      FROM units b
      JOIN units p ON p.location && b.footprint AND ST_Covers(b.footprint, p.location)
      WHERE b.footprint IS NOT NULL AND p.footprint IS NULL AND p.formal_party_members BETWEEN 1 AND 2
        AND p.region_code IS NOT NULL AND ${regionFilter(sql`p.region_code`, filter)}
      ORDER BY p.id, ST_Area(b.footprint), b.id
    )
    SELECT u.code, u.name, u.kind, u.formal_party_members AS members, coalesce(c.mode, 'none') AS coverage,
      u.region_code AS "regionCode", ST_X(u.location) AS lon, ST_Y(u.location) AS lat,
      CASE WHEN u.footprint IS NOT NULL THEN u.id ELSE s.site_id END AS "siteId"
    FROM units u
    LEFT JOIN unit_coverage c ON c.unit_id = u.id
    LEFT JOIN site s ON s.id = u.id
    WHERE u.formal_party_members BETWEEN 1 AND 2 AND (c.mode IS NULL OR c.mode = 'work')
      AND u.region_code IS NOT NULL
      AND ${regionFilter(sql`u.region_code`, filter)}
    ORDER BY u.code`.execute(db)
  return rows
}

// ---------------------------------------------------------------------------------------------
// Tier check

export interface TierRow extends PlaceColumns {
  code: string
  name: string
  tier: PartyOrgTier
  domain: PartyOrgDomain
  status: PartyOrgStatus
  members: number
  hasBranchCommittee: boolean | null
  total: number
}

/**
 * Organizations whose tier or branch committee disagrees with their member count; the service
 * decides which (the thresholds are written once there and passed in).
 */
export async function findTierMismatches(
  db: Kysely<Tables>,
  filter: PartyFilter & Page,
  t: { branchMin: number; generalBranchMin: number; committeeMin: number; branchCommitteeMin: number },
): Promise<TierRow[]> {
  const { rows } = await sql<TierRow>`
    WITH o AS (
      SELECT o.*, CASE WHEN o.member_count >= ${t.committeeMin}::int THEN 'committee'
                       WHEN o.member_count >= ${t.generalBranchMin}::int THEN 'general_branch'
                       WHEN o.member_count >= ${t.branchMin}::int THEN 'branch' ELSE 'none' END AS expected,
        o.tier IN ('branch', 'joint_branch', 'temporary_branch') AS is_branch
      FROM party_orgs o
      WHERE ${regionFilter(sql`o.region_code`, filter)}
        AND (${filter.domain ?? null}::text IS NULL OR o.domain = ${filter.domain ?? null}::text)
        AND (${filter.status ?? null}::text IS NULL OR o.status = ${filter.status ?? null}::text)
    )
    SELECT o.code, o.name, o.tier, o.domain, o.status, o.member_count AS members,
      o.has_branch_committee AS "hasBranchCommittee", ${placeColumns('o')}, count(*) OVER ()::int AS total
    FROM o
    WHERE (CASE WHEN o.is_branch THEN 'branch' ELSE o.tier END) <> o.expected
       OR (o.is_branch AND o.has_branch_committee IS NOT NULL
           AND o.has_branch_committee <> (o.member_count >= ${t.branchCommitteeMin}::int))
    ORDER BY o.region_code, o.code
    LIMIT ${filter.limit} OFFSET ${filter.offset}`.execute(db)
  return rows
}

// ---------------------------------------------------------------------------------------------
// 软弱涣散 share

export interface StatusCountRow {
  /** the street's 12-digit code; the district's when the organization is recorded on the district */
  regionCode: string
  organizations: number
  weak: number
  rectifying: number
}

/** Organizations per street (by the first 9 digits of their region code), with weak and rectifying counts. */
export async function countOrgStatusByStreet(db: Kysely<Tables>, filter: PartyFilter): Promise<StatusCountRow[]> {
  const { rows } = await sql<StatusCountRow>`
    SELECT CASE WHEN right(o.region_code, 6) = '000000' THEN o.region_code ELSE left(o.region_code, 9) || '000' END AS "regionCode",
      count(*)::int AS organizations,
      count(*) FILTER (WHERE o.status = 'weak')::int AS weak,
      count(*) FILTER (WHERE o.status = 'rectifying')::int AS rectifying
    FROM party_orgs o
    WHERE o.region_code IS NOT NULL AND ${regionFilter(sql`o.region_code`, filter)}
      AND (${filter.domain ?? null}::text IS NULL OR o.domain = ${filter.domain ?? null}::text)
    GROUP BY 1 ORDER BY 1`.execute(db)
  return rows
}

// ---------------------------------------------------------------------------------------------
// Hollow-branch suspects

export interface HollowRow extends PlaceColumns {
  code: string
  name: string
  tier: PartyOrgTier
  domain: PartyOrgDomain
  status: PartyOrgStatus
  members: number
  lastActivityOn: string | null
  noMembers: boolean
  noActivity: boolean
  total: number
}

/**
 * Organizations with no members, or with members and a recorded last activity older than
 * `inactiveMonths` (an organization whose register records no activity date is not judged on it).
 */
export async function findHollowSuspects(
  db: Kysely<Tables>,
  filter: PartyFilter & Page,
  inactiveMonths: number,
  today: string,
): Promise<HollowRow[]> {
  const { rows } = await sql<HollowRow>`
    SELECT o.code, o.name, o.tier, o.domain, o.status, o.member_count AS members,
      to_char(o.last_activity_on, 'YYYY-MM-DD') AS "lastActivityOn",
      o.member_count = 0 AS "noMembers",
      (o.member_count > 0 AND o.last_activity_on IS NOT NULL
        AND o.last_activity_on < (${today}::date - make_interval(months => ${inactiveMonths}::int))::date) AS "noActivity",
      ${placeColumns('o')}, count(*) OVER ()::int AS total
    FROM party_orgs o
    WHERE (o.member_count = 0 OR (o.last_activity_on IS NOT NULL
             AND o.last_activity_on < (${today}::date - make_interval(months => ${inactiveMonths}::int))::date))
      AND ${regionFilter(sql`o.region_code`, filter)}
      AND (${filter.domain ?? null}::text IS NULL OR o.domain = ${filter.domain ?? null}::text)
      AND (${filter.status ?? null}::text IS NULL OR o.status = ${filter.status ?? null}::text)
    ORDER BY o.region_code, o.code
    LIMIT ${filter.limit} OFFSET ${filter.offset}`.execute(db)
  return rows
}

// ---------------------------------------------------------------------------------------------
// 新业态

export interface NewEconomyRow {
  streetCode: string
  streetName: string
  hubs: number
  hubsOrgCovered: number
  hubsWorkOnly: number
  hubsUncovered: number
  workers: number
  workersOrgCovered: number
  organizations: number
  organizationMembers: number
  lon: number | null
  lat: number | null
  bbox: [number, number, number, number] | null
}

/** Per street: courier hubs (kind courier_hub) by coverage, their workers, and new-economy organizations. */
export async function countNewEconomyByStreet(db: Kysely<Tables>, filter: PartyFilter): Promise<NewEconomyRow[]> {
  const { rows } = await sql<
    Omit<NewEconomyRow, 'bbox'> & { xmin: number | null; ymin: number | null; xmax: number | null; ymax: number | null }
  >`
    WITH hubs AS (
      SELECT left(u.region_code, 9) || '000' AS street, count(*)::int AS hubs,
        count(*) FILTER (WHERE c.mode IN ${ORG_MODES})::int AS org_covered,
        count(*) FILTER (WHERE c.mode = 'work')::int AS work_only,
        count(*) FILTER (WHERE c.mode IS NULL)::int AS uncovered,
        coalesce(sum(u.employees), 0)::int AS workers,
        coalesce(sum(u.employees) FILTER (WHERE c.mode IN ${ORG_MODES}), 0)::int AS workers_covered
      FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id
      WHERE u.kind = 'courier_hub' AND u.region_code IS NOT NULL AND ${regionFilter(sql`u.region_code`, filter)}
      GROUP BY 1
    ), orgs AS (
      SELECT left(o.region_code, 9) || '000' AS street, count(*)::int AS organizations,
        coalesce(sum(o.member_count), 0)::int AS members
      FROM party_orgs o
      WHERE o.domain = 'new_economy' AND o.region_code IS NOT NULL AND ${regionFilter(sql`o.region_code`, filter)}
      GROUP BY 1
    )
    SELECT s.code AS "streetCode", s.name AS "streetName",
      coalesce(h.hubs, 0) AS hubs, coalesce(h.org_covered, 0) AS "hubsOrgCovered",
      coalesce(h.work_only, 0) AS "hubsWorkOnly", coalesce(h.uncovered, 0) AS "hubsUncovered",
      coalesce(h.workers, 0) AS workers, coalesce(h.workers_covered, 0) AS "workersOrgCovered",
      coalesce(o.organizations, 0) AS organizations, coalesce(o.members, 0) AS "organizationMembers",
      ST_X(ST_PointOnSurface(s.boundary)) AS lon, ST_Y(ST_PointOnSurface(s.boundary)) AS lat,
      ST_XMin(s.boundary) AS xmin, ST_YMin(s.boundary) AS ymin, ST_XMax(s.boundary) AS xmax, ST_YMax(s.boundary) AS ymax
    FROM regions s
    LEFT JOIN hubs h ON h.street = s.code
    LEFT JOIN orgs o ON o.street = s.code
    WHERE s.level = 'street' AND ${regionFilter(sql`s.code`, { ...filter, community: undefined })}
    ORDER BY s.code`.execute(db)
  return rows.map(({ xmin, ymin, xmax, ymax, ...row }) => ({
    ...row,
    bbox: xmin === null ? null : [xmin, ymin!, xmax!, ymax!],
  }))
}
