import { request } from './client.ts'
import type {
  MergeDefaults,
  MergeIssueList,
  MergeIssuesQuery,
  MergeRequest,
  MergeRun,
  MergeVocabulary,
} from './types.ts'

export type { MergeDefaults, MergeIssueList, MergeRequest, MergeRun }

export type MergeIssue = MergeIssueList['issues'][number]

/** Every merge parameter's default and bounds, as the server's request schema states them. */
export const fetchMergeDefaults = (signal?: AbortSignal) =>
  request<MergeDefaults>('GET', '/api/merge-runs/defaults', { signal })
/** Department and issue kind names in the page's language (one source on the server: merge-vocabulary.ts). */
export const fetchMergeVocabulary = (signal?: AbortSignal) =>
  request<MergeVocabulary>('GET', '/api/merge-runs/vocabulary', { signal })
export const startMerge = (merge: MergeRequest) => request<MergeRun>('POST', '/api/merge-runs', { body: merge })
/** Starts the embedded merge engines ahead of a run (a no-op on server PostGIS). */
export const prepareMerges = () => request<{ engines: number }>('POST', '/api/merge-engines')
export const fetchMergeRun = (id: number, signal?: AbortSignal) =>
  request<MergeRun>('GET', `/api/merge-runs/${id}`, { signal })
export const publishMerge = (id: number) => request<MergeRun>('POST', `/api/merge-runs/${id}/publish`)

/** One page of a run's issues (largest first) and how many match the filter in all. */
export function fetchMergeIssues(id: number, query: MergeIssuesQuery, signal?: AbortSignal) {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') search.set(key, String(value))
  return request<MergeIssueList>('GET', `/api/merge-runs/${id}/issues?${search}`, { signal })
}
