import multipart from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { LocalizedInputError, type LocalizedText } from '../errors.ts'
import { localizeItems } from '../plugins/language.ts'
import { errorResponses } from '../schemas/common.schema.ts'
import { ImportParams, ImportRecord, ImportResult } from '../schemas/imports.schema.ts'
import { RoadNetworkImportResult } from '../schemas/siting.schema.ts'
import type { ParseLimits } from '../services/imports/parse-limits.ts'
import { readUpload as readMultipart } from './uploads.ts'

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
          'Upload a road and path network (OSM .osm / .osm.pbf, or GeoJSON lines in WGS84) for the walking service areas',
        description: 'Multipart fields: file, name?, dryRun?',
        response: { 200: RoadNetworkImportResult, 413: errorResponses[400], ...errorResponses },
      },
    },
    async (request) => {
      const { file, fields } = await readUpload(request)
      return app.services.siting.importRoadNetwork({
        file,
        dryRun: /^(1|true|yes|on)$/i.test(fields.dryRun ?? ''),
        name: fields.name,
      })
    },
  )

  app.post(
    '/api/imports',
    {
      schema: {
        tags: ['imports'],
        consumes: ['multipart/form-data'],
        summary:
          'Upload a department grid layer or a region tree (GeoJSON, CSV with WKT, zipped Shapefile, GeoPackage)',
        description:
          'Multipart fields: kind=grids|regions, department (grids), crs?, dryRun?, replaceDemo? (regions: delete the generated demo district first), file',
        response: { 200: ImportResult, 413: errorResponses[400], ...errorResponses },
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
      if (kind !== 'grids')
        throw new LocalizedInputError(
          say(
            `暂不支持导入“${kind}”：kind 须为 grids（网格）或 regions（区划）`,
            `Importing "${kind}" is not supported yet: kind must be grids or regions`,
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
