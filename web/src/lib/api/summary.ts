import { getJson } from './client.ts'
import type { Summary } from './types.ts'

export const fetchSummary = (signal?: AbortSignal) => getJson<Summary>('/api/summary', signal)
