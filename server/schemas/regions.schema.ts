import { Type, type Static } from 'typebox'
import { Bbox } from './common.schema.ts'

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
