import { Type, type Static } from 'typebox'
import { Bbox } from './common.schema.ts'

export const SearchKind = Type.Union([
  Type.Literal('region'),
  Type.Literal('unifiedGrid'),
  Type.Literal('grid'),
  Type.Literal('serviceCenter'),
  Type.Literal('partyOrg'),
  Type.Literal('unit'),
])
export type SearchKind = Static<typeof SearchKind>

export const SearchQuery = Type.Object({
  q: Type.String({
    minLength: 1,
    maxLength: 50,
    description: 'a name, code, grid chief, place-name fragment or pinyin initials (qq finds 泉桥)',
  }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 8, description: 'results per kind' })),
})
export type SearchQuery = Static<typeof SearchQuery>

export const SearchHit = Type.Object({
  kind: SearchKind,
  id: Type.String({ description: 'region code, or the row id' }),
  code: Type.String(),
  name: Type.String(),
  /** where it is: street and community names */
  place: Type.String(),
  regionCode: Type.Union([Type.String(), Type.Null()]),
  chiefName: Type.Union([Type.String(), Type.Null()], {
    description: 'grid chief (网格长), masked unless the caller may see it',
  }),
  bbox: Type.Union([Bbox, Type.Null()]),
  matched: Type.Union(
    [
      Type.Literal('name'),
      Type.Literal('code'),
      Type.Literal('chief'),
      Type.Literal('place'),
      Type.Literal('initials'),
    ],
    { description: 'what the query matched' },
  ),
})
export type SearchHit = Static<typeof SearchHit>

export const SearchResult = Type.Object({
  query: Type.String(),
  groups: Type.Array(
    Type.Object({ kind: SearchKind, total: Type.Integer({ minimum: 0 }), hits: Type.Array(SearchHit) }),
    {
      description: 'by kind, in a fixed order: regions, unified grids, department grids, centers, organizations, units',
    },
  ),
})
export type SearchResult = Static<typeof SearchResult>
