// The place panel's sections beyond the grid figures (coverage by 党群服务中心, party-organization
// coverage, department grids against the unified one, open merge issues) and the lists behind them.
import { Type, type Static } from 'typebox'
import { AnswerLanguage, Bbox } from './common.schema.ts'
import { MergeIssueKind } from './merge.schema.ts'

const Count = Type.Integer({ minimum: 0 })
const Share = Type.Number({ minimum: 0, maximum: 1 })
const Ratio = Type.Object({ value: Type.Union([Type.Number(), Type.Null()]), numerator: Count, denominator: Count })

/** Residents of a place covered by 党群服务中心 (by radius): the same figures for a region and a grid. */
export const CentreCoverage = Type.Object({
  residents: Type.Number({ minimum: 0 }),
  covered: Type.Number({ minimum: 0 }),
  uncovered: Type.Number({ minimum: 0 }),
  coveredMoreThanOnce: Type.Number({ minimum: 0 }),
  coveredShare: Share,
})
export type CentreCoverage = Static<typeof CentreCoverage>

export const PlaceFigures = Type.Object({
  /** the place the figures are of: the requested region, or the caller's own inside it */
  code: Type.String(),
  centreCoverage: CentreCoverage,
  partyCoverage: Type.Union([
    Type.Object({
      units: Count,
      orgCoverageRate: Ratio,
      workCoverageRate: Ratio,
      shouldEstablish: Count,
      uncovered: Count,
      orgsByStatus: Type.Object({ normal: Count, weak: Count, rectifying: Count, hollow: Count }),
    }),
    Type.Null(),
  ]),
  departments: Type.Object({
    /** false before any publish: nothing to match against */
    published: Type.Boolean(),
    layers: Type.Array(
      Type.Object({
        department: Type.String(),
        name: Type.String(),
        grids: Count,
        areaKm2: Type.Number({ minimum: 0 }),
        /** share of the department grids' area lying in the one unified grid holding most of each */
        matchedShare: Share,
        /** mean intersection over union of each grid and that unified grid */
        meanIou: Share,
        /** grids with 90 % or more of their area in one unified grid */
        wellMatched: Count,
      }),
    ),
  }),
  mergeIssues: Type.Union([
    Type.Object({ runId: Type.Integer(), total: Count, byKind: Type.Record(Type.String(), Count) }),
    Type.Null(),
  ]),
})
export type PlaceFigures = Static<typeof PlaceFigures>

export const PlaceListName = Type.Union([
  Type.Literal('merge_issues'),
  Type.Literal('uncovered_residents'),
  Type.Literal('should_establish'),
  Type.Literal('department_grids'),
  Type.Literal('party_orgs'),
  Type.Literal('units'),
])
export type PlaceListName = Static<typeof PlaceListName>

/** A region's 12-digit code, or a published unified grid's 15 (a grid as a place: its lists). */
export const PlaceListParams = Type.Object({
  code: Type.String({ pattern: '^[0-9]{12}([0-9]{3})?$' }),
  list: PlaceListName,
})

export const OrgStatus = Type.Union([
  Type.Literal('normal'),
  Type.Literal('weak'),
  Type.Literal('rectifying'),
  Type.Literal('hollow'),
])

export const PlaceListQuery = Type.Object({
  kind: Type.Optional(MergeIssueKind),
  department: Type.Optional(Type.String({ pattern: '^[a-z][a-z_]{1,30}$' })),
  /** party_orgs: the organizations of one status */
  status: Type.Optional(OrgStatus),
  /** units: covered by an organization (org), by one or an instructor alone (work), by nothing (none); all when absent */
  coverage: Type.Optional(Type.Union([Type.Literal('org'), Type.Literal('work'), Type.Literal('none')])),
  lang: Type.Optional(AnswerLanguage),
})
export type PlaceListQuery = Static<typeof PlaceListQuery>

const Cell = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])

export const PlaceList = Type.Object({
  list: PlaceListName,
  code: Type.String(),
  /** the Chinese title (also the export's file name) */
  title: Type.String(),
  /** the column keys (the client names them), their Chinese headers, and how to show their cells */
  columns: Type.Array(
    Type.Object({
      key: Type.String(),
      header: Type.String(),
      type: Type.Union([Type.Literal('text'), Type.Literal('number'), Type.Literal('share')]),
    }),
  ),
  rows: Type.Array(Type.Object({ cells: Type.Array(Cell), bbox: Type.Union([Bbox, Type.Null()]) })),
  /** the items behind the figure; more than rows when the list is capped */
  total: Count,
  truncated: Type.Boolean(),
})
export type PlaceList = Static<typeof PlaceList>

export const GridParams = Type.Object({ code: Type.String({ pattern: '^[0-9]{15}$' }) })

const Names = Type.Object({ code: Type.String(), name: Type.Union([Type.String(), Type.Null()]) })

/** A published unified grid as a place: where it lies, its figures, the items in it. */
export const GridPlace = Type.Object({
  code: Type.String(),
  name: Type.String(),
  community: Names,
  street: Names,
  bbox: Bbox,
  /** its boundary (GeoJSON Polygon or MultiPolygon, EPSG:4326): the map dims what lies outside */
  geometry: Type.Unknown(),
  areaKm2: Type.Number({ minimum: 0 }),
  households: Type.Object({
    count: Count,
    /** the community's norm (300–500 for an urban one by default); null: none (a rural grid) */
    normMin: Type.Union([Count, Type.Null()]),
    normMax: Type.Union([Count, Type.Null()]),
    outsideNorm: Type.Boolean(),
  }),
  staff: Type.Object({
    /** masked unless the caller may see personal data */
    chief: Type.Union([Type.String(), Type.Null()]),
    chiefs: Count,
    fullTime: Count,
    partTime: Count,
    instructors: Count,
    /** full-time workers a grid should have at least (one 专职网格员 a grid) */
    fullTimeNorm: Count,
    understaffed: Type.Boolean(),
  }),
  /** population points inside it, their residents and households */
  population: Type.Object({ points: Count, residents: Count, households: Count }),
  centreCoverage: CentreCoverage,
  partyCoverage: PlaceFigures.properties.partyCoverage,
  departments: PlaceFigures.properties.departments,
  mergeIssues: PlaceFigures.properties.mergeIssues,
})
export type GridPlace = Static<typeof GridPlace>
