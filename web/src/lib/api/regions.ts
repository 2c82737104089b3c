import { request } from './client.ts'
import type { RegionList } from './types.ts'

export const fetchDistricts = (signal?: AbortSignal) =>
  request<RegionList>('GET', '/api/regions?level=district', { signal })
export const fetchStreets = (signal?: AbortSignal) =>
  request<RegionList>('GET', '/api/regions?level=street', { signal })
