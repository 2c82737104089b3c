import { Type, type Static } from 'typebox'
import { AnswerLanguage, Bbox } from './common.schema.ts'

export const RegionLevel = Type.Union([
  Type.Literal('city'),
  Type.Literal('district'),
  Type.Literal('street'),
  Type.Literal('community'),
])

export const Region = Type.Object({
  code: Type.String({ pattern: '^[0-9]{12}$' }),
  name: Type.String(),
  level: RegionLevel,
  parentCode: Type.Union([Type.String(), Type.Null()]),
  isUrban: Type.Boolean(),
  bbox: Type.Union([Bbox, Type.Null()]),
})
export type Region = Static<typeof Region>

export const RegionList = Type.Object({ regions: Type.Array(Region) })
export type RegionList = Static<typeof RegionList>

export const RegionQuery = Type.Object({
  parent: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', description: 'only the children of this region' })),
  level: Type.Optional(RegionLevel),
})
export type RegionQuery = Static<typeof RegionQuery>

export const RegionParams = Type.Object({ code: Type.String({ pattern: '^[0-9]{12}$' }) })

export const RegionDetail = Type.Intersect([
  Region,
  Type.Object({
    children: Type.Integer({ minimum: 0 }),
    areaKm2: Type.Number({ minimum: 0 }),
    figures: Type.Object({
      residents: Type.Integer({ minimum: 0 }),
      households: Type.Integer({ minimum: 0 }),
      grids: Type.Array(Type.Object({ department: Type.String(), count: Type.Integer({ minimum: 0 }) })),
      serviceCenters: Type.Integer({ minimum: 0 }),
      partyOrgs: Type.Integer({ minimum: 0 }),
      units: Type.Integer({ minimum: 0 }),
    }),
  }),
])
export type RegionDetail = Static<typeof RegionDetail>

export const GridList = Type.Union(
  [Type.Literal('all'), Type.Literal('outside_norm'), Type.Literal('without_chief'), Type.Literal('understaffed')],
  {
    description:
      'which grids: all, outside the household norm, without a 网格长, or with no full-time 网格员 (fewer workers than one a grid)',
  },
)
export type GridList = Static<typeof GridList>

export const RegionGridsQuery = Type.Object({
  list: Type.Optional({ ...GridList, default: 'all' }),
  /** 'unified' for the published unified grids, else a department code */
  layer: Type.Optional(Type.String({ pattern: '^[a-z][a-z_]{1,30}$', description: "'unified' or a department code" })),
  lang: Type.Optional(AnswerLanguage),
})
export type RegionGridsQuery = Static<typeof RegionGridsQuery>

export const RegionGrid = Type.Object({
  layer: Type.String({ description: "'unified' or the department code" }),
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  communityCode: Type.Union([Type.String(), Type.Null()]),
  communityName: Type.Union([Type.String(), Type.Null()]),
  streetName: Type.Union([Type.String(), Type.Null()]),
  households: Type.Union([Type.Integer(), Type.Null()]),
  normMin: Type.Union([Type.Integer(), Type.Null()]),
  normMax: Type.Union([Type.Integer(), Type.Null()]),
  outsideNorm: Type.Boolean(),
  chiefName: Type.Union([Type.String(), Type.Null()], { description: 'masked unless the caller may see it' }),
  fullTimeWorkers: Type.Union([Type.Integer(), Type.Null()], { description: 'null for unified grids (no staff yet)' }),
  bbox: Bbox,
})
export type RegionGrid = Static<typeof RegionGrid>

const Count = Type.Integer({ minimum: 0 })

export const RegionGridFigures = Type.Object({
  code: Type.String(),
  layers: Type.Array(
    Type.Object({
      layer: Type.String({ description: "'unified' or the department code" }),
      grids: Count,
      households: Count,
      outsideNorm: Count,
      withoutChief: Type.Union([Count, Type.Null()]),
      understaffed: Type.Union([Count, Type.Null()]),
      /** grids by households: [from, to) in steps of 100, the last open-ended */
      histogram: Type.Array(Type.Object({ from: Count, to: Type.Union([Count, Type.Null()]), grids: Count })),
    }),
  ),
})
export type RegionGridFigures = Static<typeof RegionGridFigures>

export const RegionGridList = Type.Object({ grids: Type.Array(RegionGrid) })
export type RegionGridList = Static<typeof RegionGridList>
