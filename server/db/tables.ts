// The Kysely view of the schema in migrations/: one interface per table. Geometry columns are
// written and read through PostGIS functions in repositories, so their TypeScript type is opaque.
import type { ColumnType, Generated } from 'kysely'
import type {
  DepartmentAlignment,
  HouseholdSource,
  MergeIssueKind,
  MergeRunParams,
  MergeRunStats,
  MergeRunStatus,
  MergeStrategy,
} from '../schemas/merge.schema.ts'

export type { MergeIssueKind }

export type Geometry = ColumnType<string, string, string>
type Json<T> = ColumnType<T, string, string>
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export type RegionLevel = 'city' | 'district' | 'street' | 'community'
export type ServiceCenterLevel = 'district' | 'street' | 'community' | 'station'
export type ServiceCenterStatus = 'in_use' | 'new' | 'rebuilt' | 'planned'
export type PartyOrgTier = 'committee' | 'general_branch' | 'branch' | 'joint_branch' | 'temporary_branch'
export type PartyOrgDomain =
  | 'rural'
  | 'community'
  | 'government'
  | 'institution'
  | 'state_enterprise'
  | 'private_enterprise'
  | 'social_org'
  | 'new_economy'
  | 'park_building'
  | 'mobile_members'
export type Establishment = 'own' | 'joint' | 'affiliated'
export type PartyOrgStatus = 'normal' | 'weak' | 'rectifying' | 'hollow'
export type UnitKind =
  | 'private_enterprise'
  | 'social_org'
  | 'cooperative'
  | 'industry_association'
  | 'courier_hub'
  | 'ecommerce'
  | 'industrial_park'
  | 'office_building'
  | 'market'
  | 'property_company'
  | 'mobile_member_cluster'
export type CoverageMode = Establishment | 'work'
export type StaffRole = 'chief' | 'full_time' | 'part_time' | 'instructor'

export interface SchemaMigrationsTable {
  version: string
  name: string
  applied_at: Generated<Date>
}

export interface RegionsTable {
  code: string
  name: string
  level: RegionLevel
  parent_code: string | null
  is_urban: Generated<boolean>
  boundary: Geometry | null
  created_at: Generated<Date>
  /** households per grid this region sets for its grids and its descendants' (both or neither) */
  households_min: number | null
  households_max: number | null
}

export interface DepartmentsTable {
  code: string
  name: string
  color: string
  sort_order: Generated<number>
}

export interface ImportRunsTable {
  id: Generated<number>
  kind: 'grids' | 'regions' | 'party_orgs' | 'units' | 'service_centers' | 'population' | 'demo'
  department: string | null
  file_name: string | null
  format: 'geojson' | 'shapefile' | 'geopackage' | 'csv' | 'xlsx' | 'generator' | null
  source_crs: string | null
  dry_run: Generated<boolean>
  status: Generated<'running' | 'succeeded' | 'failed'>
  counts: Json<Record<string, number>>
  report: Json<unknown[]>
  error: string | null
  started_at: Generated<Date>
  finished_at: Timestamp | null
  /** milliseconds per phase; null for a phase the run did not reach */
  timings: ColumnType<
    { parseMs: number | null; checkMs: number | null; storeMs: number | null },
    string | undefined,
    string
  >
}

export interface GridLayersTable {
  id: Generated<number>
  department: string
  version: number
  title: string
  import_run_id: number | null
  source_crs: Generated<string>
  is_active: Generated<boolean>
  created_at: Generated<Date>
}

export interface GridsTable {
  id: Generated<number>
  layer_id: number
  code: string
  name: string
  community_code: string | null
  households: number | null
  population: number | null
  attributes: Json<Record<string, unknown>>
  boundary: Geometry
  /** ST_IsValidReason of the geometry as imported when it had to be repaired, else null */
  repair_note: string | null
  /** the department's own identifier of the grid (OBJECTID, 原编号, …) as its file gave it, else null */
  source_id: string | null
}

/** An import's features while they are checked (unlogged; rows live as long as their run). */
export interface ImportStagingTable {
  import_run_id: number
  index: number
  community_code: string | null
  valid: boolean
  reason: string | null
  empty: boolean
  west: number | null
  south: number | null
  east: number | null
  north: number | null
  boundary: Geometry | null
  /** the repaired geometry's area on the spheroid, m² (measureStagedAreas) */
  area_m2: number | null
}

/** A part of a huge staged shape on its way from an engine thread (import-engine.repository insertStagedCopy). */
export interface ImportStagingPartsTable {
  import_run_id: number
  index: number
  part: number
  bytes: Uint8Array
}

export interface MergeRunsTable {
  id: Generated<number>
  status: Generated<MergeRunStatus>
  strategy: MergeStrategy
  params: Json<MergeRunParams>
  layer_ids: number[]
  progress: Generated<number>
  /** empty until the run succeeded */
  stats: Json<Partial<MergeRunStats>>
  alignment: Json<DepartmentAlignment[]>
  error: string | null
  /** the English text of a failure whose zh-CN text is `error` (0125) */
  error_en: Generated<string | null>
  /** where a household-balanced run took its household figures from (0125) */
  household_source: Generated<HouseholdSource | null>
  is_published: Generated<boolean>
  published_at: Timestamp | null
  started_at: Generated<Date>
  finished_at: Timestamp | null
}

export interface UnifiedGridsTable {
  id: Generated<number>
  merge_run_id: number
  code: string
  community_code: string
  area_m2: number
  households: Generated<number>
  population: Generated<number>
  boundary: Geometry
}

export interface UnifiedGridSourcesTable {
  unified_grid_id: number
  grid_id: number
  overlap_m2: number
  share: number
}

export interface MergeIssuesTable {
  id: Generated<number>
  merge_run_id: number
  kind: MergeIssueKind
  community_code: string | null
  department: string | null
  area_m2: Generated<number>
  grid_ids: Generated<number[]>
  note: string | null
  geom: Geometry | null
}

export interface GridStaffTable {
  id: Generated<number>
  grid_id: number
  role: StaffRole
  name: string
  phone: string | null
}

export interface PartyOrgsTable {
  id: Generated<number>
  code: string
  name: string
  parent_id: number | null
  tier: PartyOrgTier
  domain: PartyOrgDomain
  establishment: Establishment
  star_rating: number | null
  status: Generated<PartyOrgStatus>
  member_count: number
  formal_members: number
  region_code: string | null
  location: Geometry | null
  /** 0031: last recorded activity; null when the register does not say */
  last_activity_on: Generated<Date | null>
  /** 0032: a branch committee elected (支部委员会); null when the register does not say */
  has_branch_committee: Generated<boolean | null>
  /** 0076: the secretary (书记) and a phone number; personal data */
  secretary_name: Generated<string | null>
  secretary_phone: Generated<string | null>
}

/** 0075: star ratings by year (星级评定); party_orgs.star_rating is the current one. */
export interface PartyOrgStarRatingsTable {
  party_org_id: number
  year: number
  star_rating: number
}

/** 0030: the regions an area-wide joint committee (大党委/联合党委) spans. */
export interface PartyOrgRegionsTable {
  party_org_id: number
  region_code: string
}

export interface UnitsTable {
  id: Generated<number>
  code: string
  name: string
  kind: UnitKind
  employees: Generated<number>
  formal_party_members: Generated<number>
  region_code: string | null
  location: Geometry
  footprint: Geometry | null
}

export interface UnitCoverageTable {
  unit_id: number
  party_org_id: number | null
  mode: CoverageMode
  instructor_name: string | null
}

export interface ServiceCentersTable {
  id: Generated<number>
  code: string
  name: string
  level: ServiceCenterLevel
  status: Generated<ServiceCenterStatus>
  floor_area_m2: number | null
  radius_m: number | null
  region_code: string | null
  location: Geometry
}

export interface PopulationPointsTable {
  id: Generated<number>
  region_code: string | null
  residents: number
  households: Generated<number>
  location: Geometry
}

export interface SitingScenariosTable {
  id: Generated<number>
  name: string
  region_code: string | null
  solver: 'greedy' | 'exact' | 'both'
  params: Json<Record<string, unknown>>
  candidates: Json<unknown[]>
  chosen: Json<unknown[]>
  covered_before: number | null
  covered_after: number | null
  optimality_gap: number | null
  runtime_ms: number | null
  created_at: Generated<Date>
  objective: Generated<'max_covering' | 'set_covering'>
  method: Generated<'radius' | 'network'>
  total_residents: number | null
  result: Json<Record<string, unknown>>
}

export interface RoadNetworksTable {
  id: Generated<number>
  name: string
  source: string
  edge_count: Generated<number>
  is_active: Generated<boolean>
  created_at: Generated<Date>
}

export interface RoadEdgesTable {
  id: Generated<number>
  network_id: number
  class: string
  name: string | null
  length_m: number
  geom: Geometry
}

export interface CatchmentsTable {
  id: Generated<number>
  center_id: number
  method: 'radius' | 'network'
  minutes: number | null
  radius_m: number | null
  network_id: number | null
  geom: Geometry
  created_at: Generated<Date>
}

export interface AuditLogTable {
  id: Generated<number>
  at: Generated<Date>
  actor: string
  action: string
  entity: string
  entity_id: string | null
  details: Json<Record<string, unknown>>
}

export type UserRole = 'admin' | 'street' | 'community' | 'viewer'

export interface UsersTable {
  id: Generated<number>
  username: string
  display_name: string | null
  role: UserRole
  region_code: string | null
  password_hash: string
  must_change_password: Generated<boolean>
  is_active: Generated<boolean>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface SessionsTable {
  token_hash: string
  user_id: number
  created_at: Generated<Date>
  expires_at: Timestamp
}

export interface WallTokensTable {
  id: Generated<number>
  token_hash: string
  label: string
  region_code: string | null
  created_by: number | null
  created_at: Generated<Date>
  revoked_at: Timestamp | null
}

export type DataChangeKind = 'import' | 'region-import' | 'publish' | 'party-import' | 'catchments' | 'siting'

export interface DataChangesTable {
  id: Generated<number>
  at: Generated<Date>
  kind: DataChangeKind
  layers: Json<string[]>
  regions: Json<string[]>
  details: Json<Record<string, unknown>>
}

export interface WallToursTable {
  id: Generated<number>
  name: string
  steps: Json<unknown[]>
  created_by: number | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface Tables {
  schema_migrations: SchemaMigrationsTable
  regions: RegionsTable
  departments: DepartmentsTable
  import_runs: ImportRunsTable
  import_staging: ImportStagingTable
  import_staging_parts: ImportStagingPartsTable
  grid_layers: GridLayersTable
  grids: GridsTable
  merge_runs: MergeRunsTable
  unified_grids: UnifiedGridsTable
  unified_grid_sources: UnifiedGridSourcesTable
  merge_issues: MergeIssuesTable
  grid_staff: GridStaffTable
  party_orgs: PartyOrgsTable
  party_org_regions: PartyOrgRegionsTable
  party_org_star_ratings: PartyOrgStarRatingsTable
  units: UnitsTable
  unit_coverage: UnitCoverageTable
  service_centers: ServiceCentersTable
  population_points: PopulationPointsTable
  siting_scenarios: SitingScenariosTable
  road_networks: RoadNetworksTable
  road_edges: RoadEdgesTable
  catchments: CatchmentsTable
  audit_log: AuditLogTable
  users: UsersTable
  sessions: SessionsTable
  wall_tokens: WallTokensTable
  data_changes: DataChangesTable
  wall_tours: WallToursTable
}
