import { request } from './client.ts'
import type { SearchResult } from './types.ts'

export const searchPlaces = (q: string, signal?: AbortSignal) =>
  request<SearchResult>('GET', `/api/search?q=${encodeURIComponent(q)}`, { signal })
