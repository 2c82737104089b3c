import multipart from '@fastify/multipart'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { LocalizedInputError, type LocalizedText } from '../errors.ts'
import { localizeItems } from '../plugins/language.ts'
import { errorResponses } from '../schemas/common.schema.ts'
import { ImportParams, ImportRecord, ImportResult } from '../schemas/imports.schema.ts'
import { RoadNetworkImportResult, SitingInputsImportResult } from '../schemas/siting.schema.ts'
import { RegisterImportResult } from '../schemas/party.schema.ts'
import type { SitingInputKind } from '../services/siting/siting-inputs-import.ts'
import type { ParseLimits } from '../services/imports/parse-limits.ts'
import { readUpload as readMultipart } from './uploads.ts'

/** The kinds of `POST /api/imports` the siting capability takes, by the names the API accepts. */
const sitingKinds: Record<string, SitingInputKind | undefined> = {
  centers: 'service_centers',
  service_centers: 'service_centers',
  population: 'population',
}

export const importsRoutes: FastifyPluginAsyncTypebox<{ parseLimits: ParseLimits }> = async (app, options) => {
  await app.register(multipart, {
    limits: { fileSize: app.initialConfig.bodyLimit, files: 1, fields: 10, fieldSize: 1024 },
  })

  /** An upload's file and fields, refused in the words of a layer import. */
  const readUpload = (request: FastifyRequest) =>
    readMultipart(request, app.initialConfig.bodyLimit ?? 0, {
      tooLarge: (file, limit) => ({
        'zh-CN': `${file}：超过上传上限 ${limit.toLocaleString('zh-CN')} 字节`,
        en: `${file}: larger than the upload limit of ${limit.toLocaleString('en-US')} bytes`,
      }),
      noFile: {
        'zh-CN': '没有文件：请在名为 file 的表单字段中上传图层',
        en: 'No file: send the layer in a multipart field named "file"',
      },
    })

  app.post(
    '/api/road-networks',
    {
      schema: {
        tags: ['siting'],
        consumes: ['multipart/form-data'],
        summary:
          'Upload a road and path network (OSM .osm / .osm.pbf, or GeoJSON / zipped Shapefile lines) for the walking service areas',
        description:
          'Multipart fields: file, name?, crs? (the frame of GeoJSON / Shapefile lines without a .prj or crs member: EPSG:4326, EPSG:4490, EPSG:4491–4554, EPSG:3857, gcj02, bd09), dryRun?',
        response: { 200: RoadNetworkImportResult, 413: errorResponses[400], ...errorResponses },
      },
    },
    async (request) => {
      const { file, fields } = await readUpload(request)
      return app.services.siting.importRoadNetwork({
        file,
        dryRun: /^(1|true|yes|on)$/i.test(fields.dryRun ?? ''),
        name: fields.name,
        crs: fields.crs || undefined,
        limits: options.parseLimits,
      })
    },
  )

  app.post(
    '/api/imports',
    {
      schema: {
        tags: ['imports'],
        consumes: ['multipart/form-data'],
        summary: 'Upload grids, regions, party organizations, units, 党群服务中心, population points or a road network',
        description:
          'Multipart fields: kind=grids|regions|organizations|units|centers|population|roads, department (grids), crs?, dryRun?, ' +
          'replaceDemo? (regions: delete the generated demo district first), replace? (centers: remove centres not in the file), file. ' +
          'Grids and regions: GeoJSON, CSV with WKT, zipped Shapefile, GeoPackage. Organizations, units: CSV or XLSX registers. ' +
          'Centers, population: CSV or XLSX with 经度/纬度 columns, or GeoJSON points. Roads: as POST /api/road-networks.',
        response: {
          200: Type.Union([ImportResult, SitingInputsImportResult, RegisterImportResult, RoadNetworkImportResult]),
          413: errorResponses[400],
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const lang = request.headers['accept-language']
      const say = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en })
      const localized = (result: ImportResult) => ({ ...result, report: localizeItems(result.report, lang) })
      const { file, fields } = await readUpload(request)
      const kind = fields.kind ?? 'grids'
      const yes = (value: string | undefined) => /^(1|true|yes|on)$/i.test(value ?? '')
      const common = { file, crs: fields.crs || undefined, dryRun: yes(fields.dryRun), limits: options.parseLimits }
      if (kind === 'regions')
        return localized(
          await app.services.imports.importRegionTree({ ...common, replaceDemo: yes(fields.replaceDemo) }),
        )
      const sitingKind = sitingKinds[kind]
      if (sitingKind) {
        const result = await app.services.siting.importInputs({
          ...common,
          kind: sitingKind,
          replace: yes(fields.replace),
        })
        return { ...result, faults: localizeItems(result.faults, lang) }
      }
      if (kind === 'organizations' || kind === 'party_orgs' || kind === 'units')
        return app.services.party.importRegister({ ...common, kind: kind === 'units' ? 'units' : 'party_orgs' })
      if (kind === 'roads') return app.services.siting.importRoadNetwork({ ...common, name: fields.name })
      if (kind !== 'grids')
        throw new LocalizedInputError(
          say(
            `不能导入“${kind}”：kind 须为 grids（网格）、regions（区划）、organizations（党组织）、units（单位）、centers（党群服务中心）、population（人口）或 roads（路网）`,
            `Cannot import "${kind}": kind must be grids, regions, organizations, units, centers, population or roads`,
          ),
          [{ field: 'kind' }],
        )
      if (!fields.department)
        throw new LocalizedInputError(
          say(
            '请注明这些网格属于哪个部门（字段 department，如 governance）',
            'Name the department whose grids these are (field "department", e.g. governance)',
          ),
          [{ field: 'department' }],
        )
      return localized(await app.services.imports.importGridLayer({ ...common, department: fields.department }))
    },
  )

  app.get(
    '/api/imports/:id',
    {
      schema: {
        tags: ['imports'],
        summary: 'An import: its counts, timings and report',
        params: ImportParams,
        response: { 200: ImportRecord, ...errorResponses },
      },
    },
    async (request) => {
      const run = await app.services.imports.getImport(request.params.id)
      return {
        ...run,
        report: localizeItems(run.report as ImportResult['report'], request.headers['accept-language']),
        counts: run.counts as Record<string, number>,
      }
    },
  )
}
