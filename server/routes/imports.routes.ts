import multipart from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { InvalidInputError } from '../errors.ts'
import { errorResponses } from '../schemas/common.schema.ts'
import { ImportParams, ImportRecord, ImportResult } from '../schemas/imports.schema.ts'
import type { ParseLimits } from '../services/imports/parse-limits.ts'

export const importsRoutes: FastifyPluginAsyncTypebox<{ parseLimits: ParseLimits }> = async (app, options) => {
  await app.register(multipart, {
    limits: { fileSize: app.initialConfig.bodyLimit, files: 1, fields: 10, fieldSize: 1024 },
  })

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
      const fields: Record<string, string> = {}
      let file: { name: string; data: Uint8Array } | undefined
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const data = await part.toBuffer()
          if (part.file.truncated)
            throw new InvalidInputError(
              `${part.filename}: larger than the upload limit of ${app.initialConfig.bodyLimit} bytes`,
              [{ file: part.filename }],
            )
          file = { name: part.filename, data: new Uint8Array(data) }
        } else fields[part.fieldname] = String(part.value)
      }
      if (!file)
        throw new InvalidInputError('No file: send the layer in a multipart field named "file"', [{ field: 'file' }])
      const kind = fields.kind ?? 'grids'
      const yes = (value: string | undefined) => /^(1|true|yes|on)$/i.test(value ?? '')
      const common = { file, crs: fields.crs || undefined, dryRun: yes(fields.dryRun), limits: options.parseLimits }
      if (kind === 'regions')
        return app.services.imports.importRegionTree({ ...common, replaceDemo: yes(fields.replaceDemo) })
      if (kind !== 'grids')
        throw new InvalidInputError(`Importing "${kind}" is not supported yet: kind must be grids or regions`, [
          { field: 'kind' },
        ])
      if (!fields.department)
        throw new InvalidInputError('Name the department whose grids these are (field "department", e.g. governance)', [
          { field: 'department' },
        ])
      return app.services.imports.importGridLayer({ ...common, department: fields.department })
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
        report: run.report as unknown[],
        counts: run.counts as Record<string, number>,
      }
    },
  )
}
