import { ApiError, getJson } from './client.ts'
import type { MergeDefaults, MergeIssueList, MergeIssuesQuery, MergeRequest, MergeRun } from './types.ts'

export type { MergeDefaults, MergeIssueList, MergeRequest, MergeRun }

export type MergeIssue = MergeIssueList['issues'][number]

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = await response.json().catch(() => undefined)
  if (!response.ok)
    throw new ApiError(response.status, json?.error ?? 'http_error', json?.message ?? response.statusText)
  return json as T
}

/** Every merge parameter's default and bounds, as the server's request schema states them. */
export const fetchMergeDefaults = (signal?: AbortSignal) => getJson<MergeDefaults>('/api/merge-runs/defaults', signal)
export const startMerge = (request: MergeRequest) => send<MergeRun>('POST', '/api/merge-runs', request)
/** Starts the embedded merge engines ahead of a run (a no-op on server PostGIS). */
export const prepareMerges = () => send<{ engines: number }>('POST', '/api/merge-engines')
export const fetchMergeRun = (id: number, signal?: AbortSignal) => getJson<MergeRun>(`/api/merge-runs/${id}`, signal)
export const publishMerge = (id: number) => send<MergeRun>('POST', `/api/merge-runs/${id}/publish`)

/** One page of a run's issues (largest first) and how many match the filter in all. */
export function fetchMergeIssues(id: number, query: MergeIssuesQuery, signal?: AbortSignal) {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') search.set(key, String(value))
  return getJson<MergeIssueList>(`/api/merge-runs/${id}/issues?${search}`, signal)
}
