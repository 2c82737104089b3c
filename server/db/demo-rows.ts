// The demo district as plain rows with GeoJSON (WGS84) geometries: what the generator (data/district)
// makes and the demo repository inserts (it resolves references, codes, to ids). Declared here, beside
// the tables, so that the repository need not import the generator.
import type { MultiPolygon } from 'geojson'
import type {
  CoverageMode,
  Establishment,
  PartyOrgDomain,
  PartyOrgStatus,
  PartyOrgTier,
  RegionLevel,
  ServiceCenterLevel,
  ServiceCenterStatus,
  StaffRole,
  UnitKind,
} from './tables.ts'

/** The generated district's code (青禾区). 41 01 99: a province and city prefix with a county number no real county uses. */
export const DISTRICT_CODE = '410199000000'

export interface DemoRegion {
  code: string
  name: string
  level: RegionLevel
  parentCode: string | null
  isUrban: boolean
  /** communities only: streets and the district are the unions of their communities */
  boundary?: MultiPolygon
}

export interface DemoStaff {
  role: StaffRole
  name: string
  phone: string
}

export interface DemoGrid {
  code: string
  name: string
  communityCode: string
  boundary: MultiPolygon
  attributes: Record<string, string | number>
  staff: DemoStaff[]
}

export interface DemoGridLayer {
  department: 'party' | 'governance' | 'urban' | 'social' | 'emergency'
  title: string
  grids: DemoGrid[]
  /** false for a layer whose file carries no household counts (户数): its grids' households stay unknown */
  hasHouseholds: boolean
}

export interface DemoPopulationPoint {
  regionCode: string
  residents: number
  households: number
  lon: number
  lat: number
}

export interface DemoPartyOrg {
  code: string
  name: string
  parentCode: string | null
  tier: PartyOrgTier
  domain: PartyOrgDomain
  establishment: Establishment
  starRating: number
  status: PartyOrgStatus
  memberCount: number
  formalMembers: number
  regionCode: string
  lon: number
  lat: number
  /** last recorded activity (三会一课), YYYY-MM-DD; null when the register does not say */
  lastActivityOn?: string | null
  secretaryName?: string | null
  /** a fake number (000-…), as grid staff's */
  secretaryPhone?: string | null
  /** star ratings by year, oldest first; the last is starRating */
  starHistory?: { year: number; starRating: number }[]
  /** area-wide joint committees (大党委): the communities the committee spans */
  regionCodes?: string[]
}

export interface DemoUnit {
  code: string
  name: string
  kind: UnitKind
  employees: number
  formalPartyMembers: number
  regionCode: string
  lon: number
  lat: number
  coverage: { mode: CoverageMode; orgCode: string | null; instructorName: string | null } | null
  /** parks and office buildings: the site's outline (WGS84), holding the units that sit in it */
  footprint?: MultiPolygon | null
}

export interface DemoServiceCenter {
  code: string
  name: string
  level: ServiceCenterLevel
  status: ServiceCenterStatus
  floorAreaM2: number
  radiusM: number | null
  regionCode: string
  lon: number
  lat: number
}

export interface DemoDistrict {
  seed: number
  scale: number
  regions: DemoRegion[]
  gridLayers: DemoGridLayer[]
  population: DemoPopulationPoint[]
  partyOrgs: DemoPartyOrg[]
  units: DemoUnit[]
  serviceCenters: DemoServiceCenter[]
}
