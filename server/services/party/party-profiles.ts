// Profiles (a click on the map): an organization or a unit, the secretary masked.
import type { Kysely } from 'kysely'
import type { Tables } from '../../db/tables.ts'
import { NotFoundError } from '../../errors.ts'
import type { PartyScope } from '../../db/repositories/party.repository.ts'
import { findOrgProfile, findUnitProfile } from '../../db/repositories/party-profiles.repository.ts'
import type { PartyOrgProfile, UnitProfile } from '../../schemas/party.schema.ts'
import { maskPersonal } from '../../db/mask.ts'
import { expectedTierFor } from './org-tiers.ts'

export const pointOf = (lon: number | null, lat: number | null): [number, number] | null =>
  lon === null || lat === null ? null : [lon, lat]
export const bboxOfPoint = (p: [number, number] | null): [number, number, number, number] | null =>
  p ? [p[0], p[1], p[0], p[1]] : null
/**
 * An organization's profile: tier (and the tier its members call for), members, secretary, parent,
 * star history, the units it covers and the regions it spans. The secretary's phone is always
 * masked; the name too unless `personalData` says the caller may see it (maySeePersonalData).
 * Outside the scope it does not exist (NotFoundError).
 */
export async function getOrgProfile(
  db: Kysely<Tables>,
  code: string,
  scope: PartyScope = {},
  personalData: (regionCode: string | null) => boolean = () => false,
): Promise<PartyOrgProfile> {
  const row = await findOrgProfile(db, code, scope)
  if (!row) throw new NotFoundError({ 'zh-CN': `没有党组织 ${code}`, en: `No organization ${code}` })
  const { lon, lat, secretaryName, secretaryPhone, parentCode, parentName, ...rest } = row
  const point = pointOf(lon, lat)
  return {
    ...rest,
    establishment: rest.establishment as PartyOrgProfile['establishment'],
    expectedTier: expectedTierFor(row.members),
    secretary: {
      name: personalData(row.regionCode) ? secretaryName : maskPersonal(secretaryName),
      phone: maskPersonal(secretaryPhone),
    },
    parent: parentCode ? { code: parentCode, name: parentName ?? parentCode } : null,
    point,
    bbox: bboxOfPoint(point),
  }
}

/**
 * A unit's profile: kind, employees, formal members, coverage, 应建未建 (the one SQL definition) and
 * the organization covering it with its secretary (masked as in getOrgProfile).
 */
export async function getUnitProfile(
  db: Kysely<Tables>,
  code: string,
  scope: PartyScope = {},
  personalData: (regionCode: string | null) => boolean = () => false,
): Promise<UnitProfile> {
  const row = await findUnitProfile(db, code, scope)
  if (!row) throw new NotFoundError({ 'zh-CN': `没有单位 ${code}`, en: `No unit ${code}` })
  const {
    lon,
    lat,
    orgCode,
    orgName,
    orgTier,
    orgStatus,
    orgStarRating,
    orgSecretaryName,
    orgSecretaryPhone,
    orgRegionCode,
    ...rest
  } = row
  const point = pointOf(lon, lat)
  return {
    ...rest,
    coveringOrg:
      orgCode && orgTier && orgStatus
        ? {
            code: orgCode,
            name: orgName ?? orgCode,
            tier: orgTier,
            status: orgStatus,
            starRating: orgStarRating,
            secretary: {
              name: personalData(orgRegionCode) ? orgSecretaryName : maskPersonal(orgSecretaryName),
              phone: maskPersonal(orgSecretaryPhone),
            },
          }
        : null,
    point,
    bbox: bboxOfPoint(point),
  }
}
