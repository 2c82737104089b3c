// Wire contracts shared by every domain: the error body and small reusable pieces.
import { Type, type Static } from 'typebox'

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'machine-readable error code' }),
    message: Type.String({ description: 'what went wrong, for a person' }),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: 'ErrorBody' },
)
export type ErrorBody = Static<typeof ErrorBody>

export const errorResponses = {
  400: ErrorBody,
  404: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
}

/**
 * A row id in a path or query: a positive integer both bigint and a JavaScript number hold exactly,
 * so `99999999999999999999` is a 400 naming the field, not a database error.
 */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })

export const LocalizedText = Type.Object({ 'zh-CN': Type.String(), en: Type.String() })
export type LocalizedText = Static<typeof LocalizedText>

export const Bbox = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()], {
  description: '[west, south, east, north] in WGS84 degrees',
})

/**
 * A point in time: a Date on the server, its ISO 8601 text on the wire (the response serializer writes
 * a Date of a date-time string as toISOString() does).
 */
export const DateTime = Type.Unsafe<Date | string>(Type.String({ format: 'date-time' }))

/**
 * The language of what a user reads in an answer (department names in a list or its export): zh-CN or
 * English. A download link cannot set Accept-Language, so the page states its own language here.
 */
export const AnswerLanguage = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')], {
  description: 'zh-CN or en; overrides Accept-Language (a download link cannot set it)',
})
