import { Type, type Static } from 'typebox'
import { Bbox, Id } from './common.schema.ts'

export const MergeStrategy = Type.Union([Type.Literal('base_department'), Type.Literal('household_balanced')])
export const MergeIssueKind = Type.Union([
  Type.Literal('gap'),
  Type.Literal('overlap'),
  Type.Literal('sliver'),
  Type.Literal('crosses_boundary'),
  Type.Literal('outside_region'),
  Type.Literal('invalid_input'),
])

export const MergeRequest = Type.Object(
  {
    strategy: Type.Optional(MergeStrategy),
    layerIds: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        maxItems: 20,
        description: 'grid layers to merge; default: every department’s active layer',
      }),
    ),
    departments: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z][a-z_]{1,30}$' }), {
        minItems: 1,
        maxItems: 20,
        description: 'merge these departments’ active layers',
      }),
    ),
    baseDepartment: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z_]{1,30}$',
        description: 'base strategy: whose grids to keep (default governance 综治)',
      }),
    ),
    snapToleranceM: Type.Optional(
      Type.Number({ minimum: 0, maximum: 20, description: 'snapping tolerance in metres (default 1)' }),
    ),
    sliverMinAreaM2: Type.Optional(
      Type.Number({ minimum: 0, maximum: 10000, description: 'faces below this area are slivers (default 20 m²)' }),
    ),
    sliverThinMaxAreaM2: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100000,
        description: 'faces up to this area are slivers when thin (default 2000 m²)',
      }),
    ),
    sliverMaxThinness: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: '4πA/P² below which a face is thin (default 0.12)' }),
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

export const MergeEngines = Type.Object({
  engines: Type.Integer({
    description: 'embedded engines waiting for a run (0 on server PostGIS, where steps run on pooled connections)',
  }),
})
export type MergeEngines = Static<typeof MergeEngines>

export const MergeRun = Type.Object({
  id: Type.Integer(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('running'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ]),
  strategy: MergeStrategy,
  params: Type.Record(Type.String(), Type.Unknown()),
  layerIds: Type.Array(Type.Integer()),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  stats: Type.Record(Type.String(), Type.Unknown()),
  alignment: Type.Array(
    Type.Object({
      department: Type.String(),
      grids: Type.Integer(),
      meanIou: Type.Number(),
      oneToOneShare: Type.Number(),
    }),
  ),
  error: Type.Union([Type.String(), Type.Null()]),
  isPublished: Type.Boolean(),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
export type MergeRun = Static<typeof MergeRun>

export const MergeRunParams = Type.Object({ id: Id })
export const MergeDiffParams = Type.Object({ id: Id, other: Id })

export const MergeIssuesQuery = Type.Object({
  kind: Type.Optional(MergeIssueKind),
  department: Type.Optional(Type.String({ pattern: '^[a-z][a-z_]{1,30}$' })),
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
