// One place maps errors to HTTP: domain errors to 4xx with their message, validation failures to 400
// naming the field, anything else to 500 with the details logged and hidden from the client.
import type { FastifyError, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ConflictError, InvalidInputError, NotFoundError, SilentDatabaseFailureError } from '../errors.ts'

export default fp(async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof NotFoundError) return reply.status(404).send({ error: error.code, message: error.message })
    if (error instanceof ConflictError) return reply.status(409).send({ error: error.code, message: error.message })
    if (error instanceof InvalidInputError) {
      return reply.status(400).send({ error: error.code, message: error.message, details: error.details })
    }
    if (error.validation) {
      const where = error.validationContext ?? 'request'
      const details = error.validation.map((v) => ({
        field: `${where}${v.instancePath || ''}`.replace(/\//g, '.'),
        message: v.message,
      }))
      return reply
        .status(400)
        .send({ error: 'invalid_request', message: `Invalid ${where}: ${error.message}`, details })
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: error.code ?? 'bad_request', message: error.message })
    }
    request.log.error({ err: error }, 'request failed')
    const message =
      error instanceof SilentDatabaseFailureError
        ? 'A geometry operation failed in the database'
        : 'Internal server error'
    return reply.status(500).send({ error: 'internal', message })
  })

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({ error: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` })
  })
})
