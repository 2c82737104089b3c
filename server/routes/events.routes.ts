// GET /api/events: Server-Sent Events for open pages. On connecting, `hello` with the data version
// and each layer's; then `data-changed` {version, at, kind, layers, regions} for every change in the
// caller's scope, `merge-progress` and `siting-progress`, and a `heartbeat` every 10 s so that a
// page (and any proxy) can tell a live stream from a dead one. `retry` asks EventSource to come
// back within 2 s when the stream drops (a restart, the database away).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { ServerResponse } from 'node:http'
import { Type } from 'typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import { regionPrefixOf } from '../services/auth/roles.ts'
import { type BusEvent, concernsScope } from '../services/events/events.service.ts'

export const heartbeatMs = 10_000

const frame = (event: string, data: unknown, id?: number) =>
  `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

export const eventsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const events = app.services.events
  const streams = new Set<ServerResponse>()

  // one timer for every open stream
  const heartbeat = setInterval(() => {
    const beat = frame('heartbeat', { at: new Date().toISOString() })
    for (const stream of streams) stream.write(beat)
  }, heartbeatMs)
  heartbeat.unref()

  // open streams would keep the server from closing: end them first (EventSource comes back)
  app.addHook('preClose', async () => {
    clearInterval(heartbeat)
    for (const stream of streams) stream.end()
    streams.clear()
  })

  app.get(
    '/api/events',
    {
      schema: {
        tags: ['events'],
        summary:
          'Server-Sent Events: hello, data-changed {version, layers, regions}, merge-progress, siting-progress, heartbeat (10 s)',
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      // read before the stream opens: a database away now is an ordinary 503, and EventSource retries
      const versions = await events.dataVersions()
      const prefix = request.principal ? regionPrefixOf(request.principal.scope) : null
      const stream = reply.raw
      reply.hijack()
      stream.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
        'X-Content-Type-Options': 'nosniff',
      })
      stream.write(`retry: 2000\n\n`)
      stream.write(frame('hello', { ...versions, at: versions.at?.toISOString() ?? null }, versions.version))
      streams.add(stream)
      const unsubscribe = events.subscribe((event: BusEvent) => {
        if (event.type === 'data-changed') {
          if (!concernsScope(event.regions, prefix)) return
          stream.write(frame(event.type, { ...event, at: event.at.toISOString() }, event.version))
        } else stream.write(frame(event.type, event))
      })
      request.raw.on('close', () => {
        unsubscribe()
        streams.delete(stream)
      })
    },
  )
}
