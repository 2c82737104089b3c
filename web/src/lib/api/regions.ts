import { getJson } from './client.ts'
import type { RegionList } from './types.ts'

export const fetchDistricts = (signal?: AbortSignal) => getJson<RegionList>('/api/regions?level=district', signal)
export const fetchStreets = (signal?: AbortSignal) => getJson<RegionList>('/api/regions?level=street', signal)
