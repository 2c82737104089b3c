// One place maps errors to HTTP: domain errors to 4xx with their message, validation failures to 400
// naming the field, anything else to 500 with the details logged and hidden from the client.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { describeConnectionError, isConnectionError } from '../db/connection-health.ts'
import {
  ConflictError,
  InvalidInputError,
  LocalizedInputError,
  type LocalizedText,
  NotFoundError,
  SilentDatabaseFailureError,
  TooLargeError,
} from '../errors.ts'
import { localize, localizeDetails, preferredLanguage } from './language.ts'
import { describeSchemaFaults, faultField } from './validation-messages.ts'

/** What a client reads while the database cannot be reached (server PostgreSQL dropped or restarting). */
export const databaseUnavailable = {
  'zh-CN': '数据库暂时无法连接，请稍后重试；服务会在数据库恢复后自动恢复。',
  en: 'The database cannot be reached right now; try again shortly. Service resumes by itself once it is back.',
}

/** Fastify's own refusals of a request (before any route runs), by error code. */
const requestFaults: Record<string, LocalizedText> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { 'zh-CN': '请求体不是有效的 JSON', en: 'The body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    'zh-CN': '请求体为空：Content-Type 为 application/json 时须发送 JSON',
    en: "The body is empty: Content-Type is 'application/json' but no JSON was sent",
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { 'zh-CN': '请求体超过大小上限', en: 'The body is larger than the limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    'zh-CN': '不支持这种请求体类型（Content-Type）',
    en: 'This body type (Content-Type) is not supported',
  },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    'zh-CN': '请以 multipart/form-data 上传文件',
    en: 'Send the file as multipart/form-data',
  },
  FST_FILES_LIMIT: { 'zh-CN': '一次只能上传一个文件', en: 'Upload one file at a time' },
  FST_PARTS_LIMIT: { 'zh-CN': '表单字段过多', en: 'Too many form fields' },
  FST_FIELDS_LIMIT: { 'zh-CN': '表单字段过多', en: 'Too many form fields' },
}

/** The answer to a request no route takes (the not-found handler and the web client's fallback). */
export function noRoute(request: FastifyRequest) {
  const route = `${request.method} ${request.url.split('?')[0]}`
  return {
    error: 'not_found',
    message: localize(
      { 'zh-CN': `没有这个接口：${route}`, en: `No route for ${route}` },
      request.headers['accept-language'],
    ),
  }
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
      const language = preferredLanguage(request.headers['accept-language'])
      const details = error.validation.map((v) => ({
        field: [where, faultField(v)].filter(Boolean).join('.'),
        message: describeSchemaFaults([v], where, language),
      }))
      return reply
        .status(400)
        .send({ error: 'invalid_request', message: describeSchemaFaults(error.validation, where, language), details })
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own refusals are said here; an error of ours (e.g. rate_limited) already speaks the request's language
      const text =
        requestFaults[error.code] ??
        (error.code?.startsWith('FST_')
          ? { 'zh-CN': `请求无法处理（${error.code}）`, en: error.message }
          : { 'zh-CN': error.message, en: error.message })
      return reply
        .status(error.statusCode)
        .send({ error: error.code ?? 'bad_request', message: localize(text, request.headers['accept-language']) })
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
    const text =
      error instanceof SilentDatabaseFailureError
        ? { 'zh-CN': '数据库中的几何运算失败', en: 'A geometry operation failed in the database' }
        : { 'zh-CN': '服务器内部错误', en: 'Internal server error' }
    return reply.status(500).send({ error: 'internal', message: localize(text, request.headers['accept-language']) })
  })

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(noRoute(request))
  })
})
