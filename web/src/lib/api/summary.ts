import { request } from './client.ts'
import type { Summary } from './types.ts'

export const fetchSummary = (signal?: AbortSignal) => request<Summary>('GET', '/api/summary', { signal })
