import { request } from './client.ts'
import type { Region, RegionList } from './types.ts'

export const fetchDistricts = (signal?: AbortSignal) =>
  request<RegionList>('GET', '/api/regions?level=district', { signal })
export const fetchStreets = (signal?: AbortSignal) =>
  request<RegionList>('GET', '/api/regions?level=street', { signal })

type Bbox = NonNullable<Region['bbox']>

/**
 * Where the map opens: the district, or — for an account scoped to a street or community, whose
 * region list holds no district — the bounds of every region it may see.
 */
export async function fetchScopeBounds(signal?: AbortSignal): Promise<Bbox | null> {
  const districts = await fetchDistricts(signal)
  if (districts.regions[0]?.bbox) return districts.regions[0].bbox
  const visible = await request<RegionList>('GET', '/api/regions', { signal })
  const boxes = visible.regions.flatMap((r) => (r.bbox ? [r.bbox] : []))
  if (boxes.length === 0) return null
  return [
    Math.min(...boxes.map((b) => b[0])),
    Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])),
    Math.max(...boxes.map((b) => b[3])),
  ]
}
