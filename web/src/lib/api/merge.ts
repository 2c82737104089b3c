import { ApiError, getJson } from './client.ts'
import type { MergeIssueList, MergeRun } from './types.ts'

export type { MergeRun }

export type MergeIssue = MergeIssueList['issues'][number]

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined })
  const json = await response.json().catch(() => undefined)
  if (!response.ok) throw new ApiError(response.status, json?.error ?? 'http_error', json?.message ?? response.statusText)
  return json as T
}

export const startMerge = (request: Record<string, unknown>) => send<MergeRun>('POST', '/api/merge-runs', request)
/** Starts the embedded merge engines ahead of a run (a no-op on server PostGIS). */
export const prepareMerges = () => send<{ engines: number }>('POST', '/api/merge-engines')
export const fetchMergeRun = (id: number, signal?: AbortSignal) => getJson<MergeRun>(`/api/merge-runs/${id}`, signal)
export const publishMerge = (id: number) => send<MergeRun>('POST', `/api/merge-runs/${id}/publish`)

export function fetchMergeIssues(id: number, filter: { kind?: string; department?: string; region?: string }, signal?: AbortSignal) {
  const query = new URLSearchParams({ limit: '200' })
  for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value)
  return getJson<MergeIssueList>(`/api/merge-runs/${id}/issues?${query}`, signal)
}
