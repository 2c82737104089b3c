// One place maps errors to HTTP: domain errors to 4xx with their message, validation failures to 400
// naming the field, anything else to 500 with the details logged and hidden from the client.
import type { FastifyError, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { describeConnectionError, isConnectionError } from '../db/connection-health.ts'
import {
  ConflictError,
  InvalidInputError,
  LocalizedInputError,
  NotFoundError,
  SilentDatabaseFailureError,
  TooLargeError,
} from '../errors.ts'
import { localize, localizeDetails } from './language.ts'

/** What a client reads while the database cannot be reached (server PostgreSQL dropped or restarting). */
export const databaseUnavailable = {
  'zh-CN': '数据库暂时无法连接，请稍后重试；服务会在数据库恢复后自动恢复。',
  en: 'The database cannot be reached right now; try again shortly. Service resumes by itself once it is back.',
}

export default fp(async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof NotFoundError) {
      const message = error.text ? localize(error.text, request.headers['accept-language']) : error.message
      return reply.status(404).send({ error: error.code, message })
    }
    if (error instanceof ConflictError) {
      const message = error.text ? localize(error.text, request.headers['accept-language']) : error.message
      return reply.status(409).send({ error: error.code, message })
    }
    if (error instanceof LocalizedInputError) {
      return reply.status(error instanceof TooLargeError ? 413 : 400).send({
        error: error instanceof TooLargeError ? 'too_large' : error.code,
        message: localize(error.text, request.headers['accept-language']),
        details: localizeDetails(error.details, request.headers['accept-language']),
      })
    }
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
    if (isConnectionError(error)) {
      request.log.warn({ reason: describeConnectionError(error) }, 'database unavailable: answered 503')
      return reply
        .status(503)
        .header('Retry-After', '5')
        .send({
          error: 'database_unavailable',
          message: localize(databaseUnavailable, request.headers['accept-language']),
        })
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
