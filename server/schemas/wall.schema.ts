// Wall tours: playlists of saved views a wall display steps through, each shown for its dwell time.
import { Type, type Static } from 'typebox'
import { DateTime, Id } from './common.schema.ts'

export const TourStep = Type.Object({
  region: Type.Union([Type.String({ pattern: '^[0-9]{12}$' }), Type.Null()], {
    description: 'the place shown: a region code (its extent), null = the whole district',
  }),
  layers: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]{1,40}$' }), {
    maxItems: 40,
    description: 'catalog layer ids switched on (empty: the catalog’s defaults)',
  }),
  panel: Type.Union(
    [Type.Literal('coverage'), Type.Literal('households'), Type.Literal('orgs'), Type.Literal('issues'), Type.Null()],
    {
      description: 'the chart brought forward',
    },
  ),
  dwellSeconds: Type.Integer({ minimum: 5, maximum: 3600 }),
})
export type TourStep = Static<typeof TourStep>

export const TourInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  steps: Type.Array(TourStep, { minItems: 1, maxItems: 100 }),
})
export type TourInput = Static<typeof TourInput>

export const Tour = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  steps: Type.Array(TourStep),
  updatedAt: DateTime,
})
export type Tour = Static<typeof Tour>

export const TourList = Type.Object({ tours: Type.Array(Tour) })
export type TourList = Static<typeof TourList>

export const TourParams = Type.Object({ id: Id })
