import { locale } from '../i18n/index.ts'
import { request } from './client.ts'
import type {
  GridPlace,
  PlaceFigures,
  PlaceList,
  PlaceListName,
  PlaceListQuery,
  Region,
  RegionDetail,
  RegionGridFigures,
  RegionGridList,
  RegionGridsQuery,
  RegionList,
} from './types.ts'

export const fetchDistricts = (signal?: AbortSignal) =>
  request<RegionList>('GET', '/api/regions?level=district', { signal })
export const fetchStreets = (signal?: AbortSignal) =>
  request<RegionList>('GET', '/api/regions?level=street', { signal })

const levels = ['district', 'street', 'community']

/**
 * Where the map opens: the district, or — for an account scoped to a street or community, whose
 * region list holds no district — the widest region it may see (its own).
 */
export async function fetchHomeRegion(signal?: AbortSignal): Promise<Region | undefined> {
  const districts = await fetchDistricts(signal)
  if (districts.regions[0]) return districts.regions[0]
  const visible = await request<RegionList>('GET', '/api/regions', { signal })
  return [...visible.regions].sort((a, b) => levels.indexOf(a.level) - levels.indexOf(b.level))[0]
}
export const fetchRegion = (code: string, signal?: AbortSignal) =>
  request<RegionDetail>('GET', `/api/regions/${code}`, { signal })
export const fetchChildren = (code: string, signal?: AbortSignal) =>
  request<RegionList>('GET', `/api/regions?parent=${code}`, { signal })
export const fetchGridFigures = (code: string, signal?: AbortSignal) =>
  request<RegionGridFigures>('GET', `/api/regions/${code}/grid-figures`, { signal })
export const gridListQuery = (query: RegionGridsQuery | PlaceListQuery) =>
  new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined) as [string, string][]).toString()
export const fetchGridList = (code: string, query: RegionGridsQuery, signal?: AbortSignal) =>
  request<RegionGridList>('GET', `/api/regions/${code}/grids?${gridListQuery(query)}`, { signal })
/**
 * The list as a file (the server audits the export and keeps it inside the caller's scope), in the
 * page's language: a download link cannot send Accept-Language, `lang` says it.
 */
export const gridExportUrl = (code: string, query: RegionGridsQuery, format: 'csv' | 'xlsx') =>
  `/api/regions/${code}/grids.${format}?${gridListQuery({ ...query, lang: locale })}`
/** A published unified grid as a place (its 15-digit code): where it lies, its figures. */
export const fetchGridPlace = (code: string, signal?: AbortSignal) =>
  request<GridPlace>('GET', `/api/unified-grids/${code}`, { signal })
export const fetchPlaceFigures = (code: string, signal?: AbortSignal) =>
  request<PlaceFigures>('GET', `/api/regions/${code}/place-figures`, { signal })
export const fetchPlaceList = (code: string, list: PlaceListName, query: PlaceListQuery, signal?: AbortSignal) =>
  request<PlaceList>('GET', `/api/regions/${code}/lists/${list}?${gridListQuery(query)}`, { signal })
/** A place list as a file (audited by the server, inside the caller's scope), in the page's language as above. */
export const placeExportUrl = (code: string, list: PlaceListName, query: PlaceListQuery, format: 'csv' | 'xlsx') =>
  `/api/regions/${code}/lists/${list}.${format}?${gridListQuery({ ...query, lang: locale })}`
