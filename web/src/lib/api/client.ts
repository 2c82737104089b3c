// The one fetch wrapper: JSON or multipart in, JSON out; API errors ({ error, message, details })
// raised as ApiError with the server's message; stale requests cancelled through an AbortSignal.
import { locale } from '../i18n/index.ts'
import type { ErrorBody } from './types.ts'

/** The session's CSRF token, sent with every state-changing request (set by the auth feature). */
let csrfToken: string | undefined

export function useCsrfToken(token: string | undefined): void {
  csrfToken = token
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorBody['details'],
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface RequestOptions {
  /** sent as JSON */
  body?: unknown
  /** sent as multipart/form-data */
  form?: FormData
  signal?: AbortSignal
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const { body, form, signal } = options
  // the server answers in the language the page speaks, not the browser's default
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': locale }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let response: Response
  try {
    response = await fetch(path, {
      method,
      signal,
      headers,
      body: form ?? (body !== undefined ? JSON.stringify(body) : undefined),
    })
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error
    throw new ApiError(0, 'unreachable', (error as Error).message, undefined)
  }
  const json = (await response.json().catch(() => undefined)) as unknown
  if (!response.ok) {
    const failure = json as Partial<ErrorBody> | undefined
    throw new ApiError(
      response.status,
      failure?.error ?? 'http_error',
      failure?.message ?? response.statusText,
      failure?.details,
    )
  }
  return json as T
}
