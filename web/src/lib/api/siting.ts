// Catchments, coverage and siting scenarios (GET /api/coverage, POST /api/catchments,
// POST /api/siting/what-if, /api/siting-scenarios).
import type { Static } from 'typebox'
import type {
  CatchmentRebuildResult as CatchmentRebuildResultSchema,
  Coverage as CoverageSchema,
  ScenarioComparison as ScenarioComparisonSchema,
  ScenarioList as ScenarioListSchema,
  WhatIfResult as WhatIfResultSchema,
} from '../../../../server/schemas/siting.schema.ts'
import type { Scenario, ScenarioRequest } from '../../../../server/schemas/siting.schema.ts'
import { locale } from '../i18n/index.ts'
import { request } from './client.ts'

export type { Scenario, ScenarioRequest }
export type Coverage = Static<typeof CoverageSchema>
export type CoverageFigures = Coverage['totals']
export type WhatIfResult = Static<typeof WhatIfResultSchema>
export type ScenarioList = Static<typeof ScenarioListSchema>
export type ScenarioComparison = Static<typeof ScenarioComparisonSchema>
export type CatchmentRebuildResult = Static<typeof CatchmentRebuildResultSchema>
export type CatchmentMethod = Coverage['method']
export type ProposedSite = Scenario['chosen'][number]

export function fetchCoverage(
  query: { region: string; method: CatchmentMethod; minutes?: number },
  signal?: AbortSignal,
): Promise<Coverage> {
  const search = new URLSearchParams({ region: query.region, method: query.method })
  if (query.method === 'network' && query.minutes) search.set('minutes', String(query.minutes))
  return request<Coverage>('GET', `/api/coverage?${search}`, { signal })
}

export const rebuildCatchments = (method: CatchmentMethod) =>
  request<CatchmentRebuildResult>('POST', '/api/catchments', { body: { method } })

export const whatIf = (point: { lon: number; lat: number; radiusM?: number }, signal?: AbortSignal) =>
  request<WhatIfResult>('POST', '/api/siting/what-if', { body: point, signal })

export const runScenario = (scenario: ScenarioRequest) =>
  request<Scenario>('POST', '/api/siting-scenarios', { body: scenario })

export const fetchScenario = (id: number, signal?: AbortSignal) =>
  request<Scenario>('GET', `/api/siting-scenarios/${id}`, { signal })

export const fetchScenarios = (region: string, signal?: AbortSignal) =>
  request<ScenarioList>('GET', `/api/siting-scenarios?region=${encodeURIComponent(region)}`, { signal })

export const compareScenarios = (ids: number[], signal?: AbortSignal) =>
  request<ScenarioComparison>('GET', `/api/siting-scenarios/compare?ids=${ids.join(',')}`, { signal })

export const scenarioExportUrl = (id: number, format: 'geojson' | 'csv' | 'xlsx' | 'html') =>
  `/api/siting-scenarios/${id}/export/${format}?lang=${locale}`
