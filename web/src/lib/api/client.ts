// One fetch wrapper: JSON in, JSON out, API errors ({ error, message }) raised as ApiError with the
// server's message, stale requests cancelled through an AbortSignal.
import type { ErrorBody } from './types.ts'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, { signal, headers: { Accept: 'application/json' } })
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error
    throw new ApiError(0, 'unreachable', (error as Error).message)
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as ErrorBody | undefined
    throw new ApiError(response.status, body?.error ?? 'http_error', body?.message ?? response.statusText)
  }
  return (await response.json()) as T
}
