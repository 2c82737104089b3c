// Domain errors. They carry no HTTP knowledge: the errors plugin maps each class to a status.

/** Where in an input the fault lies: file, feature index and field, as far as known. */
export interface InputLocation {
  file?: string
  feature?: number
  field?: string
}

export class NotFoundError extends Error {
  readonly code = 'not_found'
  /** The message in zh-CN and English, when given so (the message is then the zh-CN text). */
  readonly text?: LocalizedText
  constructor(message: string | LocalizedText) {
    super(typeof message === 'string' ? message : message['zh-CN'])
    if (typeof message !== 'string') this.text = message
    this.name = 'NotFoundError'
  }
}

export class InvalidInputError extends Error {
  readonly code = 'invalid_input'
  constructor(
    message: string,
    readonly details?: InputLocation[] | Record<string, unknown>,
  ) {
    super(message)
    this.name = 'InvalidInputError'
  }
}

/**
 * A database statement that must return a result came back with none. PGlite's PostGIS answers a
 * GEOS error (e.g. a TopologyException in ST_Intersection) with zero rows and zero fields instead
 * of raising; the PGlite driver turns that into this error so bad geometry never reads as "no data".
 */
export class SilentDatabaseFailureError extends Error {
  readonly code = 'silent_database_failure'
  constructor(readonly sql: string) {
    super(
      `The database returned no result columns for a query that must return them (a geometry error PostGIS did not raise): ${sql.slice(0, 200)}`,
    )
    this.name = 'SilentDatabaseFailureError'
  }
}

/** The request is well formed but the resource is not in a state that allows it (e.g. publishing a failed run). */
export class ConflictError extends Error {
  readonly code = 'conflict'
  /** The message in zh-CN and English, when given so (the message is then the zh-CN text). */
  readonly text?: LocalizedText
  constructor(message: string | LocalizedText) {
    super(typeof message === 'string' ? message : message['zh-CN'])
    if (typeof message !== 'string') this.text = message
    this.name = 'ConflictError'
  }
}

/** A message a person reads, in zh-CN (the default) and English. */
export interface LocalizedText {
  'zh-CN': string
  en: string
}

/** A table of words (code → its label in both languages) in one language: code → label. */
export function wordsIn(words: Record<string, LocalizedText>, language: keyof LocalizedText): Record<string, string> {
  return Object.fromEntries(Object.entries(words).map(([code, label]) => [code, label[language]]))
}

/**
 * Bad input described in zh-CN and English. The message (kept in reports and logs) is the zh-CN
 * text; the errors plugin answers in English when the request's Accept-Language prefers it.
 */
export class LocalizedInputError extends InvalidInputError {
  constructor(
    readonly text: LocalizedText,
    details?: InputLocation[] | Record<string, unknown>,
  ) {
    super(text['zh-CN'], details)
    this.name = 'LocalizedInputError'
  }

  /** The same error with other details (e.g. the import run that recorded it). */
  withDetails(details: InputLocation[] | Record<string, unknown>): LocalizedInputError {
    const copy = new (this.constructor as new (text: LocalizedText, details: unknown) => LocalizedInputError)(
      this.text,
      details,
    )
    return copy
  }
}

/** The input is over a configured size cap (features, vertices, parse time): 413, nothing stored. */
export class TooLargeError extends LocalizedInputError {
  constructor(text: LocalizedText, details?: InputLocation[] | Record<string, unknown>) {
    super(text, details)
    this.name = 'TooLargeError'
  }
}
