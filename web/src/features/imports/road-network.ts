// Uploading a road and path network (POST /api/road-networks): OSM, GeoJSON or zipped Shapefile
// lines, a dry run first; a refused file comes back as the error naming its file, feature and field.
import { ApiError, request } from '../../lib/api/client.ts'

export interface RoadNetworkImport {
  networkId: number | null
  dryRun: boolean
  format: 'osm' | 'geojson' | 'shapefile'
  sourceCrs: string
  lines: number
  lengthKm: number
  closedToWalkers: number
  notWalkable: number
  serviceAreas: { rebuilt: number; unsnappedCentres: string[] } | null
}

/** Where a refused file is wrong: the file, and the feature (from 1) and field when known. */
export interface RoadNetworkProblem {
  message: string
  file?: string
  feature?: number
  field?: string
}

export async function uploadRoadNetwork(
  file: File,
  fields: { crs?: string; name?: string; dryRun: boolean },
): Promise<RoadNetworkImport> {
  const form = new FormData()
  if (fields.crs) form.append('crs', fields.crs)
  if (fields.name) form.append('name', fields.name)
  form.append('dryRun', String(fields.dryRun))
  form.append('file', file)
  return request<RoadNetworkImport>('POST', '/api/road-networks', { form })
}

/** The refusal of a road file as a problem to show (its message already names file, feature and field). */
export function problemOf(failure: unknown): RoadNetworkProblem {
  const message = (failure as Error).message
  if (!(failure instanceof ApiError) || !Array.isArray(failure.details)) return { message }
  const where = (failure.details[0] ?? {}) as Omit<RoadNetworkProblem, 'message'>
  return { message, file: where.file, feature: where.feature, field: where.field }
}
