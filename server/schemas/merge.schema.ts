// Wire contracts of 多网合一: the request (flat, every default and bound here), a run with its stored
// parameters and statistics, issues and diffs. Types come from these schemas (Static<>), nowhere else.
import { Type, type Static } from 'typebox'
import { Bbox, DateTime, Id } from './common.schema.ts'

const strategyUnion = (options?: { default: string }) =>
  Type.Union([Type.Literal('base_department'), Type.Literal('household_balanced')], options)
export const MergeStrategy = strategyUnion()
export type MergeStrategy = Static<typeof MergeStrategy>
export const MergeIssueKind = Type.Union([
  Type.Literal('gap'),
  Type.Literal('overlap'),
  Type.Literal('sliver'),
  Type.Literal('crosses_boundary'),
  Type.Literal('outside_region'),
  Type.Literal('invalid_input'),
])
export type MergeIssueKind = Static<typeof MergeIssueKind>

export const MergeRunStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
])
export type MergeRunStatus = Static<typeof MergeRunStatus>

/** Where a household-balanced run took its households from: the grid layers' 户数, or population points. */
export const HouseholdSource = Type.Union([Type.Literal('grid_layers'), Type.Literal('population_points')])
export type HouseholdSource = Static<typeof HouseholdSource>

const departmentPattern = '^[a-z][a-z_]{1,30}$'

/** The body of POST /api/merge-runs: flat (external clients rely on it); toMergeParams shapes it. */
export const MergeRequest = Type.Object(
  {
    strategy: Type.Optional(strategyUnion({ default: 'base_department' })),
    layerIds: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        maxItems: 20,
        description: 'grid layers to merge; default: every department’s active layer',
      }),
    ),
    departments: Type.Optional(
      Type.Array(Type.String({ pattern: departmentPattern }), {
        minItems: 1,
        maxItems: 20,
        description: 'merge these departments’ active layers',
      }),
    ),
    baseDepartment: Type.Optional(
      Type.String({
        pattern: departmentPattern,
        default: 'governance',
        description: 'base strategy: whose grids to keep (综治 governance by default)',
      }),
    ),
    snapToleranceM: Type.Optional(
      Type.Number({ minimum: 0, maximum: 20, default: 1, description: 'snapping tolerance in metres' }),
    ),
    sliverMinAreaM2: Type.Optional(
      Type.Number({ minimum: 0, maximum: 10000, default: 20, description: 'faces below this area (m²) are slivers' }),
    ),
    sliverThinMaxAreaM2: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100000,
        default: 2000,
        description: 'faces up to this area (m²) are slivers when thin',
      }),
    ),
    sliverMaxThinness: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, default: 0.12, description: '4πA/P² below which a face is thin' }),
    ),
    targetHouseholds: Type.Optional(
      Type.Integer({
        minimum: 50,
        maximum: 5000,
        description:
          'household-balanced strategy: households per grid (default: the middle of each community’s norm, 400 for the urban 300–500; rural communities keep the base grids)',
      }),
    ),
  },
  { additionalProperties: false },
)
export type MergeRequest = Static<typeof MergeRequest>

/** A request parameter's default and bounds, as the schema above states them. */
const ParameterDefault = Type.Object({
  default: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  minimum: Type.Optional(Type.Number()),
  maximum: Type.Optional(Type.Number()),
})
/** GET /api/merge-runs/defaults: every request parameter's default and bounds, read from MergeRequest. */
export const MergeDefaults = Type.Record(Type.String(), ParameterDefault)
export type MergeDefaults = Static<typeof MergeDefaults>

export const SliverRule = Type.Object({
  minAreaM2: Type.Number({ description: 'faces smaller than this are always slivers' }),
  thinMaxAreaM2: Type.Number({ description: 'faces up to this area are slivers when thinner than maxThinness' }),
  maxThinness: Type.Number({ description: '4πA/P²: 1 for a circle, near 0 for a strip' }),
})
export type SliverRule = Static<typeof SliverRule>

/** What a run was asked to do, as merge_runs.params stores it (the request with its defaults). */
export const MergeRunParams = Type.Object({
  strategy: MergeStrategy,
  baseDepartment: Type.String(),
  snapToleranceM: Type.Number(),
  sliver: SliverRule,
  targetHouseholds: Type.Optional(Type.Integer()),
  batchSize: Type.Integer({ description: 'communities per step' }),
})
export type MergeRunParams = Static<typeof MergeRunParams>

/** What a run found and how long its phases took (ms), as merge_runs.stats stores it once it succeeded. */
export const MergeRunStats = Type.Object({
  communities: Type.Integer(),
  faces: Type.Integer(),
  unifiedGrids: Type.Integer(),
  issues: Type.Record(Type.String(), Type.Integer(), { description: 'issues of each kind' }),
  metricSrid: Type.Integer(),
  totalMs: Type.Integer(),
  facesMs: Type.Integer(),
  groupingMs: Type.Integer(),
  unifyMs: Type.Integer(),
  issuesMs: Type.Integer(),
  alignmentMs: Type.Integer(),
  tiling: Type.Object(
    {
      maxSymDifferenceM2: Type.Number(),
      maxOverlapM2: Type.Number(),
      maxVertexOutsideM: Type.Number(),
      slivers: Type.Integer(),
    },
    {
      description:
        'the stored result against its communities in EPSG:4326: largest symmetric difference, overlap and vertex outside, and unified grids under the sliver thresholds (a run over 0.5 m², 0.01 m² or 5 cm fails)',
    },
  ),
  tilingMs: Type.Integer(),
})
export type MergeRunStats = Static<typeof MergeRunStats>

export const DepartmentAlignment = Type.Object({
  department: Type.String(),
  grids: Type.Integer(),
  meanIou: Type.Number(),
  oneToOneShare: Type.Number(),
})
export type DepartmentAlignment = Static<typeof DepartmentAlignment>

export const MergeEngines = Type.Object({
  engines: Type.Integer({
    description: 'embedded engines waiting for a run (0 on server PostGIS, where steps run on pooled connections)',
  }),
})
export type MergeEngines = Static<typeof MergeEngines>

export const MergeRun = Type.Object({
  id: Type.Integer(),
  status: MergeRunStatus,
  strategy: MergeStrategy,
  params: MergeRunParams,
  layerIds: Type.Array(Type.Integer()),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  stats: Type.Partial(MergeRunStats, { description: 'empty until the run succeeded' }),
  alignment: Type.Array(DepartmentAlignment),
  error: Type.Union([Type.String(), Type.Null()], {
    description: 'why the run failed, in the language the request asks for (zh-CN unless English)',
  }),
  householdSource: Type.Union([HouseholdSource, Type.Null()], {
    description: 'household-balanced: where the households per face came from (null for the base strategy)',
  }),
  isPublished: Type.Boolean(),
  startedAt: DateTime,
  finishedAt: Type.Union([DateTime, Type.Null()]),
  publishedAt: Type.Union([DateTime, Type.Null()]),
})
export type MergeRun = Static<typeof MergeRun>

export const MergeRunPath = Type.Object({ id: Id })
export const MergeDiffPath = Type.Object({ id: Id, other: Id })

export const MergeIssuesQuery = Type.Object({
  kind: Type.Optional(MergeIssueKind),
  department: Type.Optional(Type.String({ pattern: departmentPattern })),
  region: Type.Optional(
    Type.String({ pattern: '^[0-9]{12}$', description: 'only issues in this region (street or community code)' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
})
export type MergeIssuesQuery = Static<typeof MergeIssuesQuery>

export const MergeIssueList = Type.Object({
  total: Type.Integer(),
  byKind: Type.Record(Type.String(), Type.Integer(), {
    description: 'issues of each kind that match the filter but for its kind',
  }),
  issues: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: MergeIssueKind,
      communityCode: Type.Union([Type.String(), Type.Null()]),
      communityName: Type.Union([Type.String(), Type.Null()], { description: 'the community’s name (名称)' }),
      department: Type.Union([Type.String(), Type.Null()]),
      areaM2: Type.Number(),
      gridIds: Type.Array(Type.Integer()),
      note: Type.Union([Type.String(), Type.Null()]),
      bbox: Type.Union([Bbox, Type.Null()]),
    }),
  ),
})
export type MergeIssueList = Static<typeof MergeIssueList>

const DiffRow = Type.Object({
  code: Type.String(),
  change: Type.String(),
  areaM2: Type.Number(),
  changedM2: Type.Number(),
})
export const MergeDiff = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  added: Type.Array(DiffRow),
  removed: Type.Array(DiffRow),
  reshaped: Type.Array(DiffRow),
})
export type MergeDiff = Static<typeof MergeDiff>

const MergeWords = Type.Record(Type.String(), Type.String(), { description: 'code → name in the request’s language' })
/** The merge's words in the request's language (Accept-Language): department and issue kind names. */
export const MergeVocabulary = Type.Object({ departments: MergeWords, issueKinds: MergeWords })
export type MergeVocabulary = Static<typeof MergeVocabulary>
