import { ApiError, getJson } from './client.ts'

export interface MergeRun {
  id: number
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled'
  strategy: 'base_department' | 'household_balanced'
  progress: number
  stats: Record<string, unknown> & { unifiedGrids?: number; faces?: number; totalMs?: number; issues?: Record<string, number> }
  alignment: { department: string; grids: number; meanIou: number; oneToOneShare: number }[]
  error: string | null
  isPublished: boolean
}

export interface MergeIssue {
  id: number
  kind: string
  communityCode: string | null
  department: string | null
  areaM2: number
  gridIds: number[]
  note: string | null
  bbox: [number, number, number, number] | null
}

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined })
  const json = await response.json().catch(() => undefined)
  if (!response.ok) throw new ApiError(response.status, json?.error ?? 'http_error', json?.message ?? response.statusText)
  return json as T
}

export const startMerge = (request: Record<string, unknown>) => send<MergeRun>('POST', '/api/merge-runs', request)
export const fetchMergeRun = (id: number, signal?: AbortSignal) => getJson<MergeRun>(`/api/merge-runs/${id}`, signal)
export const publishMerge = (id: number) => send<MergeRun>('POST', `/api/merge-runs/${id}/publish`)

export function fetchMergeIssues(id: number, filter: { kind?: string; department?: string; region?: string }, signal?: AbortSignal) {
  const query = new URLSearchParams({ limit: '200' })
  for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value)
  return getJson<{ total: number; issues: MergeIssue[] }>(`/api/merge-runs/${id}/issues?${query}`, signal)
}
