// Party profiles (a click on the map): one organization or unit, undefined outside the caller's scope.
import { type Kysely, sql } from 'kysely'
import { inScope, inScopeOrAbove } from '../scope.ts'
import type { CoverageMode, PartyOrgDomain, PartyOrgStatus, PartyOrgTier, Tables, UnitKind } from '../tables.ts'
import {
  type PartyScope,
  type PlaceColumns,
  isShouldEstablish,
  placeColumns,
  regionFilter,
} from './party.repository.ts'

export interface OrgProfileRow extends PlaceColumns {
  code: string
  name: string
  tier: PartyOrgTier
  domain: PartyOrgDomain
  establishment: string
  status: PartyOrgStatus
  starRating: number | null
  members: number
  formalMembers: number
  lastActivityOn: string | null
  hasBranchCommittee: boolean | null
  /** personal data, as stored: the service masks it */
  secretaryName: string | null
  secretaryPhone: string | null
  parentCode: string | null
  parentName: string | null
  starHistory: { year: number; starRating: number }[]
  coveredUnits: { code: string; name: string; mode: CoverageMode }[]
  regionCodes: string[]
}

/** One organization with its parent, star history, the units it covers and the regions it spans (those in the scope); undefined outside the scope. */
export async function findOrgProfile(
  db: Kysely<Tables>,
  code: string,
  scope: PartyScope,
): Promise<OrgProfileRow | undefined> {
  const { rows } = await sql<OrgProfileRow>`
    SELECT o.code, o.name, o.tier, o.domain, o.establishment, o.status, o.star_rating AS "starRating",
      o.member_count AS members, o.formal_members AS "formalMembers",
      to_char(o.last_activity_on, 'YYYY-MM-DD') AS "lastActivityOn", o.has_branch_committee AS "hasBranchCommittee",
      o.secretary_name AS "secretaryName", o.secretary_phone AS "secretaryPhone",
      p.code AS "parentCode", p.name AS "parentName",
      coalesce((SELECT json_agg(json_build_object('year', s.year, 'starRating', s.star_rating) ORDER BY s.year)
                FROM party_org_star_ratings s WHERE s.party_org_id = o.id), '[]'::json) AS "starHistory",
      coalesce((SELECT json_agg(json_build_object('code', u.code, 'name', u.name, 'mode', c.mode) ORDER BY u.code)
                FROM unit_coverage c JOIN units u ON u.id = c.unit_id
                WHERE c.party_org_id = o.id AND ${inScope(sql`u.region_code`, scope)}), '[]'::json) AS "coveredUnits",
      coalesce((SELECT array_agg(pr.region_code ORDER BY pr.region_code) FROM party_org_regions pr
                WHERE pr.party_org_id = o.id AND ${inScope(sql`pr.region_code`, scope)}), '{}') AS "regionCodes",
      ${placeColumns('o')}
    FROM party_orgs o LEFT JOIN party_orgs p ON p.id = o.parent_id
    WHERE o.code = ${code} AND ${regionFilter(sql`o.region_code`, scope)}`.execute(db)
  return rows[0]
}

export interface UnitProfileRow extends PlaceColumns {
  code: string
  name: string
  kind: UnitKind
  employees: number
  members: number
  coverage: CoverageMode | 'none'
  shouldEstablish: boolean
  instructorName: string | null
  hasFootprint: boolean
  orgCode: string | null
  orgName: string | null
  orgTier: PartyOrgTier | null
  orgStatus: PartyOrgStatus | null
  orgStarRating: number | null
  /** personal data, as stored: the service masks it */
  orgSecretaryName: string | null
  orgSecretaryPhone: string | null
  /** the covering organization's region: whether its secretary's name may be read is decided by it */
  orgRegionCode: string | null
}

/** One unit with its coverage, 应建未建 (isShouldEstablish) and the organization covering it (named if in or above the scope); undefined outside the scope. */
export async function findUnitProfile(
  db: Kysely<Tables>,
  code: string,
  scope: PartyScope,
): Promise<UnitProfileRow | undefined> {
  const { rows } = await sql<UnitProfileRow>`
    SELECT u.code, u.name, u.kind, u.employees, u.formal_party_members AS members,
      coalesce(c.mode, 'none') AS coverage, ${isShouldEstablish()} AS "shouldEstablish",
      c.instructor_name AS "instructorName", u.footprint IS NOT NULL AS "hasFootprint",
      o.code AS "orgCode", o.name AS "orgName", o.tier AS "orgTier", o.status AS "orgStatus",
      o.star_rating AS "orgStarRating", o.secretary_name AS "orgSecretaryName", o.secretary_phone AS "orgSecretaryPhone",
      o.region_code AS "orgRegionCode",
      ${placeColumns('u')}
    FROM units u
    LEFT JOIN unit_coverage c ON c.unit_id = u.id
    -- the covering organization if it lies in the scope or above it (another street's is not named)
    LEFT JOIN party_orgs o ON o.id = c.party_org_id AND ${inScopeOrAbove(sql`o.region_code`, scope)}
    WHERE u.code = ${code} AND ${regionFilter(sql`u.region_code`, scope)}`.execute(db)
  return rows[0]
}
