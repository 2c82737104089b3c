import { Type, type Static } from 'typebox'

const Count = Type.Integer({ minimum: 0 })

export const Summary = Type.Object({
  regions: Type.Object({ streets: Count, communities: Count }),
  grids: Type.Array(Type.Object({ department: Type.String(), layerVersion: Type.Integer(), count: Count })),
  unifiedGrids: Count,
  unifiedGridRun: Type.Union(
    [Type.Object({ version: Type.Integer(), publishedAt: Type.Union([Type.String(), Type.Null()]) }), Type.Null()],
    {
      description:
        'the published merge run the unified grids come from (its issues: GET /api/merge-runs/{version}/issues), null before any publish',
    },
  ),
  serviceCenters: Type.Array(Type.Object({ level: Type.String(), count: Count })),
  partyOrgs: Type.Object({ total: Count, weak: Count, hollow: Count }),
  units: Type.Object({ total: Count, shouldEstablish: Count }),
  population: Type.Object({ residents: Count, households: Count }),
  householdNorm: Type.Object(
    { below: Count, within: Count, above: Count, noNorm: Count },
    {
      description:
        'published unified grids by households against their community’s norm (its own, else its street’s or district’s, else 300–500 when urban; rural without one: noNorm)',
    },
  ),
})
export type Summary = Static<typeof Summary>
