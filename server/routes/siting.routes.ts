import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { LocalizedInputError, type LocalizedText } from '../errors.ts'
import { requestLanguage } from '../plugins/language.ts'
import { errorResponses } from '../schemas/common.schema.ts'
import {
  CatchmentRebuild,
  CatchmentRebuildResult,
  CentreParams,
  CentreProfile,
  CompareQuery,
  Coverage,
  CoverageQuery,
  ExportParams,
  Scenario,
  ScenarioComparison,
  ScenarioList,
  ScenarioListQuery,
  ScenarioParams,
  ScenarioRequest,
  WhatIfRequest,
  WhatIfResult,
} from '../schemas/siting.schema.ts'
import { scenarioCsv, scenarioGeoJson, scenarioHtml, scenarioXlsx } from '../services/siting/scenario-export.ts'
import { attachment } from './downloads.ts'
import { scopeOf } from './scope.ts'

/** A scenario whose solvers' messages (stored in both languages; older rows in one) read in the request's language. */
function inLanguage<T extends { result: { solvers: { message: LocalizedText | string | null }[] } }>(
  scenario: T,
  request: Parameters<typeof requestLanguage>[0],
) {
  const language = requestLanguage(request)
  const solvers = scenario.result.solvers.map((s) => ({
    ...s,
    message: s.message === null || typeof s.message === 'string' ? s.message : s.message[language],
  }))
  return { ...scenario, result: { ...scenario.result, solvers } }
}

export const sitingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const siting = app.services.siting
  const tags = ['siting']

  app.get(
    '/api/coverage',
    {
      schema: {
        tags,
        summary: 'Residents covered, not covered and covered more than once, for a region and each level below it',
        querystring: CoverageQuery,
        response: { 200: Coverage, ...errorResponses },
      },
    },
    async (request) => siting.coverage(request.query, scopeOf(request)),
  )

  app.get(
    '/api/service-centers/:id',
    {
      schema: {
        tags,
        summary: 'A service center with its radius, where the radius comes from, capacity and stored catchments',
        params: CentreParams,
        response: { 200: CentreProfile, ...errorResponses },
      },
    },
    async (request) => siting.centreProfile(request.params.id, scopeOf(request)),
  )

  app.post(
    '/api/catchments',
    {
      schema: {
        tags,
        summary: 'Rebuild and store every centre’s catchments: radius buffers, or 5/10/15-minute walking areas',
        body: CatchmentRebuild,
        response: { 200: CatchmentRebuildResult, ...errorResponses },
      },
    },
    async (request) => siting.rebuildCatchments(request.body.method),
  )

  app.post(
    '/api/siting/what-if',
    {
      schema: {
        tags,
        summary: 'Residents a hypothetical centre would add (within its radius, covered by no centre)',
        body: WhatIfRequest,
        response: { 200: WhatIfResult, ...errorResponses },
      },
    },
    async (request) => siting.whatIf(request.body, scopeOf(request)),
  )

  app.post(
    '/api/siting-scenarios',
    {
      schema: {
        tags,
        summary: 'Run and save a siting scenario (maximal or set covering; greedy, exact or both)',
        body: ScenarioRequest,
        response: { 201: Scenario, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(inLanguage(await siting.createScenario(request.body, scopeOf(request)), request)),
  )

  app.get(
    '/api/siting-scenarios',
    {
      schema: {
        tags,
        summary: 'Saved siting scenarios, newest first',
        querystring: ScenarioListQuery,
        response: { 200: ScenarioList, ...errorResponses },
      },
    },
    async (request) => ({ scenarios: await siting.listScenarios(request.query.region, scopeOf(request)) }),
  )

  app.get(
    '/api/siting-scenarios/compare',
    {
      schema: {
        tags,
        summary: 'Scenarios side by side: covered residents, new sites, cost proxy',
        querystring: CompareQuery,
        response: { 200: ScenarioComparison, ...errorResponses },
      },
    },
    async (request) => siting.compareScenarios(request.query.ids.split(',').map(Number), scopeOf(request)),
  )

  app.get(
    '/api/siting-scenarios/:id',
    {
      schema: {
        tags,
        summary: 'A saved siting scenario with its parameters and results',
        params: ScenarioParams,
        response: { 200: Scenario, ...errorResponses },
      },
    },
    async (request) => inLanguage(await siting.scenario(request.params.id, scopeOf(request)), request),
  )

  app.get(
    '/api/siting-scenarios/:id/export/:format',
    {
      schema: {
        tags,
        summary: 'A scenario as GeoJSON, CSV (UTF-8 BOM), XLSX or a printable one-page HTML summary',
        params: ExportParams,
      },
    },
    async (request, reply) => {
      const scenario = await siting.scenario(request.params.id, scopeOf(request))
      const file = `siting-scenario-${scenario.id}`
      switch (request.params.format) {
        case 'geojson':
          return attachment(reply, `${file}.geojson`, 'geojson').send(JSON.stringify(scenarioGeoJson(scenario)))
        case 'csv':
          return attachment(reply, `${file}.csv`, 'csv').send(scenarioCsv(scenario))
        case 'xlsx':
          return attachment(reply, `${file}.xlsx`, 'xlsx').send(await scenarioXlsx(scenario))
        case 'html':
          return reply
            .header('content-type', 'text/html; charset=utf-8')
            .send(scenarioHtml(scenario, await siting.regionName(scenario.regionCode)))
        default:
          throw new LocalizedInputError(
            {
              'zh-CN': '导出格式必须是 geojson、csv、xlsx 或 html（字段 format）',
              en: 'The export format must be geojson, csv, xlsx or html (field format)',
            },
            [{ field: 'format' }],
          )
      }
    },
  )
}
