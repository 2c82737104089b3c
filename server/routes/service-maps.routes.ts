// The printable service maps (全科网格服务示意图): one published unified grid, or every grid of a
// community as one PDF, a page each. Scoped: a street or community account prints its own only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { regionPrefixOf } from '../services/auth/roles.ts'

const GridCode = Type.Object({ code: Type.String({ pattern: '^[0-9A-Za-z_-]{1,40}$' }) })
const CommunityCode = Type.Object({ code: Type.String({ pattern: '^[0-9]{12}$' }) })
const Pdf = Type.Unknown({ description: 'application/pdf (A3 landscape)' })

function sendPdf(reply: FastifyReply, pdf: Buffer, name: string) {
  return attachment(reply, `${name}.pdf`, 'pdf').send(pdf)
}

import { attachment } from './downloads.ts'

export const serviceMapsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const maps = app.services.serviceMaps
  const optionsOf = (request: FastifyRequest) => ({
    prefix: request.principal ? regionPrefixOf(request.principal.scope) : null,
    options: { publicUrl: app.publicUrl, principal: request.principal },
  })

  app.get(
    '/api/service-maps/grid/:code.pdf',
    {
      schema: {
        tags: ['print'],
        summary: 'A3 service map (全科网格服务示意图) of a published unified grid',
        params: GridCode,
        produces: ['application/pdf'],
        response: { 200: Pdf, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { prefix, options } = optionsOf(request)
      const pdf = await maps.gridPdf(request.params.code, prefix, options)
      return sendPdf(reply, pdf, `全科网格服务示意图-${request.params.code}`)
    },
  )

  app.get(
    '/api/service-maps/community/:code.pdf',
    {
      schema: {
        tags: ['print'],
        summary: 'The service maps of every published unified grid of a community, one PDF, a page each',
        params: CommunityCode,
        produces: ['application/pdf'],
        response: { 200: Pdf, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { prefix, options } = optionsOf(request)
      const pdf = await maps.communityPdf(request.params.code, prefix, options)
      return sendPdf(reply, pdf, `全科网格服务示意图-社区${request.params.code}`)
    },
  )
}
