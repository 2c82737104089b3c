// Wire contracts of catchments and siting. Ranges (k, radius, speed, minutes, share) are checked by
// the service so that each bad value gets its own zh-CN message naming the field.
import { Type, type Static } from 'typebox'
import { DateTime, Id, LocalizedText } from './common.schema.ts'

const Count = Type.Number({ minimum: 0 })
export const CatchmentMethod = Type.Union([Type.Literal('radius'), Type.Literal('network')], {
  description: 'radius: true-distance circles by level; network: walking time on the road network',
})

export const CoverageQuery = Type.Object({
  region: Type.String({ description: '12-digit region code (district, street or community)' }),
  method: Type.Optional(CatchmentMethod),
  minutes: Type.Optional(Type.Integer({ description: 'walking band for method=network (default 15)' })),
})
export type CoverageQuery = Static<typeof CoverageQuery>

export const CoverageFigures = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  residents: Count,
  covered: Type.Number({ description: 'residents covered by at least one centre' }),
  uncovered: Count,
  coveredMoreThanOnce: Type.Number({ description: 'residents covered by two or more centres (part of covered)' }),
  coveredShare: Type.Number({ minimum: 0, maximum: 1 }),
})

export const CentreLoad = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  radiusM: Type.Number(),
  radiusSource: Type.String({ description: "'center' (its own radius_m) or 'level:<level>' (configuration)" }),
  assignedResidents: Count,
  assignedHouseholds: Count,
  capacityHouseholds: Type.Union([Type.Integer(), Type.Null()], {
    description: 'floor area at 30 m² per 100 households',
  }),
  overCapacity: Type.Boolean(),
})

export const Coverage = Type.Object({
  region: Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() }),
  method: CatchmentMethod,
  minutes: Type.Union([Type.Integer(), Type.Null()]),
  totals: CoverageFigures,
  streets: Type.Array(CoverageFigures),
  communities: Type.Array(CoverageFigures),
  unifiedGrids: Type.Array(CoverageFigures),
  centres: Type.Array(CentreLoad),
  unsnapped: Type.Union([Type.Object({ points: Count, residents: Count }), Type.Null()]),
  ms: Type.Number(),
})

export const CentreParams = Type.Object({ id: Id })

export const CentreProfile = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  status: Type.String(),
  floorAreaM2: Type.Union([Type.Number(), Type.Null()]),
  regionCode: Type.Union([Type.String(), Type.Null()]),
  lon: Type.Number(),
  lat: Type.Number(),
  radiusM: Type.Number(),
  radiusSource: Type.String(),
  capacityHouseholds: Type.Union([Type.Integer(), Type.Null()]),
  catchments: Type.Array(
    Type.Object({ method: Type.String(), minutes: Type.Union([Type.Integer(), Type.Null()]), areaM2: Type.Number() }),
  ),
})

export const CatchmentRebuild = Type.Object({ method: CatchmentMethod })
export const CatchmentRebuildResult = Type.Object({
  method: CatchmentMethod,
  catchments: Count,
  unsnapped: Type.Array(Type.String(), { description: 'codes of centres with no walkable edge nearby' }),
  computeMs: Type.Optional(Type.Number()),
  ms: Type.Number(),
})

const LonLat = Type.Object({ lon: Type.Number(), lat: Type.Number() })

export const WhatIfRequest = Type.Object({
  lon: Type.Number(),
  lat: Type.Number(),
  radiusM: Type.Optional(Type.Number({ description: 'default: the urban community radius' })),
})
export const WhatIfResult = Type.Object({
  lon: Type.Number(),
  lat: Type.Number(),
  radiusM: Type.Number(),
  residentsWithin: Count,
  addedResidents: Count,
  addedHouseholds: Count,
  ms: Type.Number(),
})

export const ScenarioRequest = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 200 })),
  region: Type.String({ description: '12-digit region code' }),
  objective: Type.Optional(Type.Union([Type.Literal('max_covering'), Type.Literal('set_covering')])),
  k: Type.Optional(Type.Number({ description: 'new sites (max_covering)' })),
  targetShare: Type.Optional(Type.Number({ description: 'covered share to reach, 0–1 (set_covering)' })),
  method: Type.Optional(CatchmentMethod),
  radiusM: Type.Optional(Type.Number()),
  minutes: Type.Optional(Type.Number()),
  speed: Type.Optional(Type.Number({ description: 'walking speed, m/s' })),
  candidates: Type.Optional(Type.Array(LonLat, { maxItems: 20_000 })),
  generate: Type.Optional(Type.Union([Type.Literal('cells'), Type.Literal('unified_grids')])),
  cellM: Type.Optional(Type.Number()),
  exclusion: Type.Optional(
    Type.Object({
      type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
      coordinates: Type.Array(Type.Unknown()),
    }),
  ),
  solver: Type.Optional(Type.Union([Type.Literal('greedy'), Type.Literal('exact'), Type.Literal('both')])),
  timeLimitSeconds: Type.Optional(Type.Number()),
})
export type ScenarioRequest = Static<typeof ScenarioRequest>

const ProposedSite = Type.Object({
  lon: Type.Number(),
  lat: Type.Number(),
  gain: Type.Number({ description: 'residents this site adds, in the order chosen' }),
  source: Type.Optional(Type.String()),
})

const SolverSummary = Type.Object({
  solver: Type.String(),
  /** the fast solver's heuristic ('greedy', 'greedy+interchange'); absent on scenarios saved before it was reported */
  heuristic: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  heuristicLabel: Type.Optional(Type.Union([LocalizedText, Type.Null()])),
  /** residents pure greedy's picks add, before the fast solver's polish */
  greedyNewlyCovered: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  status: Type.String(),
  sites: Type.Array(ProposedSite),
  newlyCovered: Type.Number(),
  covered: Type.Number(),
  coveredShare: Type.Number(),
  runtimeMs: Type.Number(),
  gap: Type.Union([Type.Number(), Type.Null()]),
  bestBound: Type.Union([Type.Number(), Type.Null()]),
  /** where the exact bound comes from; absent on scenarios saved before it was reported */
  boundMethod: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  message: Type.Union([Type.String(), Type.Null()]),
})

export const ScenarioSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  regionCode: Type.Union([Type.String(), Type.Null()]),
  solver: Type.String(),
  objective: Type.String(),
  method: CatchmentMethod,
  newSites: Count,
  coveredBefore: Count,
  coveredAfter: Count,
  totalResidents: Count,
  optimalityGap: Type.Union([Type.Number(), Type.Null()]),
  runtimeMs: Type.Union([Type.Number(), Type.Null()]),
  createdAt: DateTime,
})

export const Scenario = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  regionCode: Type.Union([Type.String(), Type.Null()]),
  solver: Type.String(),
  objective: Type.String(),
  method: CatchmentMethod,
  params: Type.Record(Type.String(), Type.Unknown()),
  chosen: Type.Array(ProposedSite),
  candidateCount: Count,
  coveredBefore: Count,
  coveredAfter: Count,
  totalResidents: Count,
  optimalityGap: Type.Union([Type.Number(), Type.Null()]),
  runtimeMs: Type.Union([Type.Number(), Type.Null()]),
  result: Type.Object({
    solvers: Type.Array(SolverSummary),
    householdsPerResident: Type.Number(),
    candidateCount: Count,
    excludedCandidates: Count,
    unsnappedCandidates: Count,
    unsnappedDemand: Count,
    uncoverable: Count,
  }),
  createdAt: DateTime,
})
export type Scenario = Static<typeof Scenario>

export const ScenarioParams = Type.Object({ id: Id })
export const ScenarioListQuery = Type.Object({ region: Type.Optional(Type.String()) })
export const ScenarioList = Type.Object({ scenarios: Type.Array(ScenarioSummary) })
export const CompareQuery = Type.Object({
  ids: Type.String({ pattern: '^[0-9]+(,[0-9]+){1,9}$', description: 'two to ten scenario ids, comma-separated' }),
})
export const ScenarioComparison = Type.Object({
  scenarios: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      method: CatchmentMethod,
      objective: Type.String(),
      newSites: Count,
      coveredBefore: Count,
      coveredAfter: Count,
      coveredShareAfter: Type.Number(),
      addedResidents: Count,
      costProxyM2: Type.Number({ description: 'floor area the new sites need: 30 m² per 100 added households' }),
    }),
  ),
})
export const ExportParams = Type.Object({
  id: Id,
  format: Type.Union([Type.Literal('geojson'), Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('html')]),
})

export const RoadNetworkImportResult = Type.Object({
  networkId: Type.Union([Type.Integer(), Type.Null()], {
    description: 'the stored (now active) network; null on a dry run',
  }),
  dryRun: Type.Boolean(),
  lines: Type.Integer({ description: 'road and path lines read (and stored unless a dry run)' }),
  closedToWalkers: Type.Integer({ description: 'lines tagged closed to walkers (foot=no, access=private…), left out' }),
  format: Type.Union([Type.Literal('osm'), Type.Literal('geojson'), Type.Literal('shapefile')]),
  sourceCrs: Type.String({ description: 'the frame the lines were read in (EPSG:4549, GCJ-02…); OSM is EPSG:4326' }),
  lengthKm: Type.Number({ description: 'length of the lines read, on the WGS84 ellipsoid, km' }),
  notWalkable: Type.Integer({
    description: 'lines of a class nobody walks along (motorway, trunk without sidewalk, railway…), left out',
  }),
  serviceAreas: Type.Union(
    [
      Type.Object({
        rebuilt: Type.Integer({ description: 'walking service areas (centre × band) stored on the new network' }),
        unsnappedCentres: Type.Array(Type.String(), {
          description: 'codes of centres with no walkable line within the snap distance (no area)',
        }),
      }),
      Type.Null(),
    ],
    { description: 'the stored walking service areas, rebuilt on the new network; null on a dry run' },
  ),
})

export const SitingInputsImportResult = Type.Object({
  id: Type.Integer({ description: 'the import run (GET /api/imports/{id})' }),
  kind: Type.Union([Type.Literal('service_centers'), Type.Literal('population')]),
  fileName: Type.String(),
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('geojson')]),
  sourceCrs: Type.String({ description: 'the frame the coordinates were read in' }),
  dryRun: Type.Boolean(),
  counts: Type.Object({
    rows: Type.Integer(),
    stored: Type.Integer(),
    added: Type.Integer({ description: 'centres: codes not stored before' }),
    updated: Type.Integer({ description: 'centres: codes stored before, now updated' }),
    removed: Type.Integer({ description: 'centres: removed because not in the file (replace=true)' }),
    outside: Type.Integer({ description: 'population: points in no community of the district, left out' }),
    residents: Type.Integer(),
    households: Type.Integer(),
    catchmentsRebuilt: Type.Integer({
      description: 'centres: stored radius and walking areas rebuilt after the import',
    }),
  }),
  faults: Type.Array(
    Type.Object({ sheet: Type.String(), row: Type.Integer(), column: Type.String(), message: Type.String() }),
  ),
})
