import { request } from './client.ts'
import type { RegionDetail, RegionGridFigures, RegionGridList, RegionGridsQuery, RegionList } from './types.ts'

export const fetchDistricts = (signal?: AbortSignal) =>
  request<RegionList>('GET', '/api/regions?level=district', { signal })
export const fetchStreets = (signal?: AbortSignal) =>
  request<RegionList>('GET', '/api/regions?level=street', { signal })
export const fetchRegion = (code: string, signal?: AbortSignal) =>
  request<RegionDetail>('GET', `/api/regions/${code}`, { signal })
export const fetchChildren = (code: string, signal?: AbortSignal) =>
  request<RegionList>('GET', `/api/regions?parent=${code}`, { signal })
export const fetchGridFigures = (code: string, signal?: AbortSignal) =>
  request<RegionGridFigures>('GET', `/api/regions/${code}/grid-figures`, { signal })
export const gridListQuery = (query: RegionGridsQuery) =>
  new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined) as [string, string][]).toString()
export const fetchGridList = (code: string, query: RegionGridsQuery, signal?: AbortSignal) =>
  request<RegionGridList>('GET', `/api/regions/${code}/grids?${gridListQuery(query)}`, { signal })
/** The list as a file (the server audits the export and keeps it inside the caller's scope). */
export const gridExportUrl = (code: string, query: RegionGridsQuery, format: 'csv' | 'xlsx') =>
  `/api/regions/${code}/grids.${format}?${gridListQuery(query)}`
