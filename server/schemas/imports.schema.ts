import { Type, type Static } from 'typebox'
import { DateTime, Id } from './common.schema.ts'

const ReportItem = Type.Object({
  level: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  file: Type.String(),
  feature: Type.Optional(Type.Integer({ description: '0-based index of the feature in the file' })),
  field: Type.Optional(Type.String()),
  message: Type.String(),
})

const PhaseMs = (description: string) => Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description })

export const ImportTimings = Type.Object(
  {
    parseMs: PhaseMs('reading the file and settling its coordinate frame'),
    checkMs: PhaseMs('checking every feature (with PostGIS) and writing the report'),
    storeMs: PhaseMs('storing everything in one transaction; null on a dry run or when the file is refused'),
  },
  { description: 'milliseconds per phase of the import; null for a phase it did not reach' },
)

export type ImportTimings = Static<typeof ImportTimings>

export const ImportResult = Type.Object({
  id: Type.Integer(),
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
  dryRun: Type.Boolean(),
  format: Type.String(),
  sourceCrs: Type.Union([Type.String(), Type.Null()]),
  encoding: Type.Union([Type.String(), Type.Null()]),
  counts: Type.Object({
    features: Type.Integer(),
    accepted: Type.Integer(),
    repaired: Type.Integer(),
    rejected: Type.Integer(),
    warnings: Type.Integer(),
    assigned: Type.Optional(
      Type.Integer({ description: 'grids that had no code and were given one (community code + serial)' }),
    ),
  }),
  layer: Type.Union([Type.Object({ department: Type.String(), version: Type.Integer() }), Type.Null()]),
  regions: Type.Optional(
    Type.Object(
      {
        stored: Type.Integer({ description: 'regions inserted or updated' }),
        replacedDemo: Type.Boolean({ description: 'the demo district was deleted first' }),
        removed: Type.Record(Type.String(), Type.Integer(), {
          description: 'rows of the demo district deleted, per kind',
        }),
      },
      { description: 'a stored region import' },
    ),
  ),
  report: Type.Array(ReportItem),
  // always sent; optional in the type because the web client builds results of its own for refused uploads
  timings: Type.Optional(ImportTimings),
})

export type ImportResult = Static<typeof ImportResult>
export type ImportReportItem = Static<typeof ReportItem>

export const ImportParams = Type.Object({ id: Id })

export const ImportRecord = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  department: Type.Union([Type.String(), Type.Null()]),
  fileName: Type.Union([Type.String(), Type.Null()]),
  format: Type.Union([Type.String(), Type.Null()]),
  sourceCrs: Type.Union([Type.String(), Type.Null()]),
  dryRun: Type.Boolean(),
  status: Type.String(),
  counts: Type.Record(Type.String(), Type.Number()),
  report: Type.Array(Type.Unknown()),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: DateTime,
  finishedAt: Type.Union([DateTime, Type.Null()]),
  timings: ImportTimings,
})
