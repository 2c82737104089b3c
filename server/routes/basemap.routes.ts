// The local PMTiles basemap (BASEMAP_PMTILES), served from this server: the page's pmtiles protocol
// reads the archive's header, directories and tiles by HTTP range requests. Without one configured the
// route answers 404 (it is still registered, so it is guarded like every route in the access table).
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { NotFoundError } from '../errors.ts'

/** Where the page reads the configured archive. */
export const basemapArchivePath = '/api/basemap.pmtiles'

export const basemapRoutes: FastifyPluginAsyncTypebox<{ archive?: string }> = async (app, { archive }) => {
  if (!archive) {
    app.get(basemapArchivePath, { schema: { hide: true } }, async () => {
      throw new NotFoundError({
        'zh-CN': '未配置 PMTiles 底图（BASEMAP_PMTILES）',
        en: 'no PMTiles basemap is configured (BASEMAP_PMTILES)',
      })
    })
    return
  }
  // a missing or unreadable archive stops the start, naming the file and the setting
  const size = await stat(archive).then(
    (info) => info.size,
    (error: Error) => {
      throw new Error(`BASEMAP_PMTILES=${archive}: ${error.message}`)
    },
  )
  app.get(
    basemapArchivePath,
    { schema: { tags: ['layers'], summary: 'The configured PMTiles basemap archive (HTTP range requests)' } },
    async (request, reply) => {
      reply.header('Accept-Ranges', 'bytes').header('Cache-Control', 'no-cache').type('application/octet-stream')
      const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '')
      if (!range) return reply.header('Content-Length', size).send(createReadStream(archive))
      const start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1])
      const end = range[1] !== '' && range[2] !== '' ? Math.min(Number(range[2]), size - 1) : size - 1
      if (start > end || start >= size) return reply.status(416).header('Content-Range', `bytes */${size}`).send()
      return reply
        .status(206)
        .header('Content-Range', `bytes ${start}-${end}/${size}`)
        .header('Content-Length', end - start + 1)
        .send(createReadStream(archive, { start, end }))
    },
  )
}
