// Wire contracts of party-organization coverage: figures per region, rule findings, register imports.
import { Type, type Static, type TSchema } from 'typebox'
import { Bbox, LocalizedText } from './common.schema.ts'

const RegionCode = Type.String({ pattern: '^[0-9]{12}$', description: '12-digit statistical region code' })
const Count = Type.Integer({ minimum: 0 })
const Point = Type.Tuple([Type.Number(), Type.Number()], { description: '[lon, lat] WGS84' })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
/** A union of string literals ({ enum: [...] }) whose static type keeps each literal. */
const literals = <const T extends readonly string[]>(values: T, options?: { description: string }) =>
  Type.Enum([...values] as T[number][], options)

export const PartyOrgDomain = literals([
  'rural',
  'community',
  'government',
  'institution',
  'state_enterprise',
  'private_enterprise',
  'social_org',
  'new_economy',
  'park_building',
  'mobile_members',
] as const)
export const PartyOrgTier = literals([
  'committee',
  'general_branch',
  'branch',
  'joint_branch',
  'temporary_branch',
] as const)
export const PartyOrgStatus = literals(['normal', 'weak', 'rectifying', 'hollow'] as const)
export const UnitCoverageState = literals(['own', 'joint', 'affiliated', 'work', 'none'] as const)

// ---------------------------------------------------------------------------------------------
// Coverage figures

export const PartyCoverageQuery = Type.Object({
  region: Type.Optional({ ...RegionCode, description: 'figures for this region and every level below it' }),
})
export type PartyCoverageQuery = Static<typeof PartyCoverageQuery>

const Ratio = Type.Object({
  value: Nullable(Type.Number()),
  numerator: Count,
  denominator: Count,
})

export const CoverageFigures = Type.Object({
  orgCoverageRate: Ratio,
  workCoverageRate: Ratio,
  shouldEstablish: Count,
  uncovered: Count,
  orgsByStatus: Type.Object({ normal: Count, weak: Count, rectifying: Count, hollow: Count }),
  averageStarRating: Ratio,
  membersPer100Residents: Ratio,
})

export const CoverageLevel = literals(['district', 'street', 'community', 'grid'] as const)

export const CoverageRow = Type.Object({
  level: CoverageLevel,
  code: Type.String(),
  name: Type.String(),
  parentCode: Nullable(Type.String()),
  remainder: Type.Boolean({
    description:
      'what the parent holds and none of its children: a street’s own organizations (街道本级) at community level, a community’s rows outside its published grids (未入格) at grid level',
  }),
  bbox: Nullable(Bbox),
  figures: CoverageFigures,
})

const Definition = Type.Object({
  counts: LocalizedText,
  numerator: Type.Optional(LocalizedText),
  denominator: Type.Optional(LocalizedText),
})

export const PartyCoverage = Type.Object({
  region: Nullable(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() })),
  definitions: Type.Object({
    orgCoverageRate: Definition,
    workCoverageRate: Definition,
    shouldEstablish: Definition,
    uncovered: Definition,
    orgsByStatus: Definition,
    averageStarRating: Definition,
    membersPer100Residents: Definition,
  }),
  rows: Type.Array(CoverageRow),
})
export type PartyCoverage = Static<typeof PartyCoverage>

// ---------------------------------------------------------------------------------------------
// Findings

export const PartyRule = literals([
  'should_establish',
  'joint_proposals',
  'tier_mismatch',
  'weak_share',
  'hollow_suspects',
  'new_economy',
] as const)
export type PartyRule = Static<typeof PartyRule>

export const PartyFindingsQuery = Type.Object({
  rule: PartyRule,
  street: Type.Optional(RegionCode),
  community: Type.Optional(RegionCode),
  domain: Type.Optional(PartyOrgDomain),
  status: Type.Optional(
    literals(['normal', 'weak', 'rectifying', 'hollow', 'own', 'joint', 'affiliated', 'work', 'none'] as const, {
      description: 'organization status (tier_mismatch, hollow_suspects) or a unit’s coverage (should_establish)',
    }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 5000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  maxDistanceM: Type.Number({
    minimum: 10,
    maximum: 5000,
    default: 500,
    description: 'joint_proposals: the farthest a member unit may lie from the host unit',
  }),
  inactiveMonths: Type.Integer({
    minimum: 1,
    maximum: 120,
    default: 12,
    description: 'hollow_suspects: months without recorded activity',
  }),
})
export type PartyFindingsQuery = Static<typeof PartyFindingsQuery>

const Place = {
  regionCode: Nullable(Type.String()),
  streetCode: Nullable(Type.String()),
  streetName: Nullable(Type.String()),
  communityName: Nullable(Type.String()),
  point: Nullable(Point),
  bbox: Nullable(Bbox),
}

export const ShouldEstablishFinding = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  employees: Count,
  members: Count,
  coverage: UnitCoverageState,
  orgCode: Nullable(Type.String()),
  orgName: Nullable(Type.String()),
  instructorName: Nullable(Type.String()),
  ...Place,
})

export const JointProposalFinding = Type.Object({
  id: Type.String({ description: 'street code + serial, stable for the same data and parameters' }),
  basis: Type.Union([Type.Literal('same_site'), Type.Literal('distance')]),
  members: Count,
  hostCode: Type.String(),
  hostName: Type.String(),
  units: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      members: Count,
      coverage: UnitCoverageState,
      regionCode: Type.String(),
      distanceM: Type.Number(),
      point: Point,
    }),
  ),
  ...Place,
})

export const TierMismatchFinding = Type.Object({
  code: Type.String(),
  name: Type.String(),
  tier: PartyOrgTier,
  domain: PartyOrgDomain,
  status: PartyOrgStatus,
  members: Count,
  expectedTier: literals(['committee', 'general_branch', 'branch', 'none'] as const, {
    description: 'the tier the member count calls for; none below 3 members',
  }),
  tierMatches: Type.Boolean(),
  hasBranchCommittee: Nullable(Type.Boolean()),
  branchCommittee: Type.Union(
    [Type.Literal('ok'), Type.Literal('missing'), Type.Literal('not_allowed'), Type.Literal('unknown')],
    {
      description: 'branches: a branch committee is required from 7 members and not set up below 7',
    },
  ),
  ...Place,
})

export const WeakShareFinding = Type.Object({
  level: Type.Union([Type.Literal('district'), Type.Literal('street')]),
  code: Type.String(),
  name: Type.String(),
  organizations: Count,
  weak: Count,
  rectifying: Count,
  share: Type.Object({ value: Nullable(Type.Number()), numerator: Count, denominator: Count }),
  verdict: Type.Union([Type.Literal('below'), Type.Literal('within'), Type.Literal('above'), Type.Literal('no_data')]),
  ...Place,
})

export const HollowSuspectFinding = Type.Object({
  code: Type.String(),
  name: Type.String(),
  tier: PartyOrgTier,
  domain: PartyOrgDomain,
  status: PartyOrgStatus,
  members: Count,
  lastActivityOn: Nullable(Type.String()),
  reasons: Type.Array(Type.Union([Type.Literal('no_members'), Type.Literal('no_activity')])),
  ...Place,
})

export const NewEconomyFinding = Type.Object({
  streetCode: Type.String(),
  streetName: Type.String(),
  hubs: Count,
  hubsOrgCovered: Count,
  hubsWorkOnly: Count,
  hubsUncovered: Count,
  orgCoverageRate: Ratio,
  workers: Count,
  workersOrgCovered: Count,
  organizations: Count,
  organizationMembers: Count,
  point: Nullable(Point),
  bbox: Nullable(Bbox),
})

const findings = <R extends string, T extends TSchema>(rule: R, row: T) =>
  Type.Object({
    rule: Type.Literal(rule),
    title: LocalizedText,
    description: LocalizedText,
    total: Count,
    limit: Count,
    offset: Count,
    rows: Type.Array(row),
    headers: Type.Array(Type.String(), {
      description:
        'the Chinese column headers of the export (party-columns.ts), for lists that show what the file holds',
    }),
    cells: Type.Array(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])), {
      description: 'each row as the export writes it, in the order of headers (codes as the words offices use)',
    }),
  })

export const PartyFindings = Type.Union([
  findings('should_establish', ShouldEstablishFinding),
  findings('joint_proposals', JointProposalFinding),
  findings('tier_mismatch', TierMismatchFinding),
  findings('weak_share', WeakShareFinding),
  findings('hollow_suspects', HollowSuspectFinding),
  findings('new_economy', NewEconomyFinding),
])
export type PartyFindings = Static<typeof PartyFindings>

// ---------------------------------------------------------------------------------------------
// Joint committees

export const JointCommittee = Type.Object({
  code: Type.String(),
  name: Type.String(),
  tier: PartyOrgTier,
  status: PartyOrgStatus,
  members: Count,
  regionCodes: Type.Array(Type.String()),
  area: Nullable(Type.Unknown({ description: 'GeoJSON MultiPolygon: the union of the member regions' })),
  bbox: Nullable(Bbox),
  organizationsInside: Count,
  unitsInside: Count,
})
export const JointCommitteeList = Type.Object({ committees: Type.Array(JointCommittee) })
export type JointCommitteeList = Static<typeof JointCommitteeList>

// ---------------------------------------------------------------------------------------------
// Profiles

export const PartyCodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) })
export type PartyCodeParams = Static<typeof PartyCodeParams>

const Secretary = Type.Object(
  {
    name: Nullable(Type.String()),
    phone: Nullable(Type.String({ description: 'always masked (138****5678)' })),
  },
  { description: 'the secretary (书记): the name masked unless the caller may see personal data in the region' },
)

export const PartyOrgProfile = Type.Object({
  code: Type.String(),
  name: Type.String(),
  tier: PartyOrgTier,
  domain: PartyOrgDomain,
  establishment: literals(['own', 'joint', 'affiliated'] as const),
  status: PartyOrgStatus,
  starRating: Nullable(Type.Integer()),
  members: Count,
  formalMembers: Count,
  expectedTier: literals(['committee', 'general_branch', 'branch', 'none'] as const),
  lastActivityOn: Nullable(Type.String()),
  hasBranchCommittee: Nullable(Type.Boolean()),
  secretary: Secretary,
  parent: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  starHistory: Type.Array(Type.Object({ year: Type.Integer(), starRating: Type.Integer() })),
  coveredUnits: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), mode: UnitCoverageState })),
  regionCodes: Type.Array(Type.String(), { description: 'area-wide joint committees: the regions spanned' }),
  ...Place,
})
export type PartyOrgProfile = Static<typeof PartyOrgProfile>

export const UnitProfile = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  employees: Count,
  members: Count,
  coverage: UnitCoverageState,
  shouldEstablish: Type.Boolean({ description: '应建未建: 3+ formal members and no organization of its own' }),
  instructorName: Nullable(Type.String()),
  hasFootprint: Type.Boolean(),
  coveringOrg: Nullable(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      tier: PartyOrgTier,
      status: PartyOrgStatus,
      starRating: Nullable(Type.Integer()),
      secretary: Secretary,
    }),
  ),
  ...Place,
})
export type UnitProfile = Static<typeof UnitProfile>

// ---------------------------------------------------------------------------------------------
// Registers in

export const RegisterFault = Type.Object({
  sheet: Type.String({ description: 'the worksheet (XLSX) or the file name (CSV)' }),
  row: Type.Integer({ description: 'the row as the spreadsheet numbers it: the header is row 1' }),
  column: Type.String({ description: 'the column header' }),
  message: Type.String(),
})

export const RegisterImportResult = Type.Object({
  id: Type.Integer({ description: 'the import run (GET /api/imports/{id})' }),
  kind: literals(['party_orgs', 'units'] as const),
  fileName: Type.String(),
  format: literals(['csv', 'xlsx'] as const),
  encoding: Nullable(Type.String()),
  sourceCrs: Nullable(Type.String()),
  dryRun: Type.Boolean(),
  counts: Type.Object({ rows: Count, rejected: Count, stored: Count }),
  faults: Type.Array(RegisterFault),
})
export type RegisterImportResult = Static<typeof RegisterImportResult>

// ---------------------------------------------------------------------------------------------
// Vocabulary (GET /api/party/vocabulary): every table code → { zh-CN, en }

const VocabularyTable = Type.Record(Type.String(), LocalizedText)
export const PartyVocabulary = Type.Object({
  tiers: VocabularyTable,
  expectedTiers: VocabularyTable,
  domains: VocabularyTable,
  statuses: VocabularyTable,
  establishments: VocabularyTable,
  coverageModes: VocabularyTable,
  coverageCategories: VocabularyTable,
  unitKinds: VocabularyTable,
  rules: VocabularyTable,
})
export type PartyVocabulary = Static<typeof PartyVocabulary>
