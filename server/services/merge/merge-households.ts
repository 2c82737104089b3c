// Where a household-balanced run takes its households from, and each face's share of a grid's 户数.
// The grid layers' households come first (the departments counted them); where no merged layer has
// them for every grid, the population points inside each face; with neither the run is refused.
import type { HouseholdSource } from '../../schemas/merge.schema.ts'
import type { Face, GridCover } from './merge-grouping.ts'

export interface HouseholdPlan {
  source: HouseholdSource
  /** grid_layers: the department whose layer's households are shared out over the faces */
  department: string | null
}

/**
 * The base department's layer if every grid of it has households, else the first such layer (by
 * department code); else the population points; null with neither.
 */
export function planHouseholds(
  data: { layersWithHouseholds: { department: string }[]; populationPoints: boolean },
  baseDepartment: string,
): HouseholdPlan | null {
  const departments = data.layersWithHouseholds.map((l) => l.department)
  if (departments.length > 0)
    return { source: 'grid_layers', department: departments.includes(baseDepartment) ? baseDepartment : departments[0] }
  return data.populationPoints ? { source: 'population_points', department: null } : null
}

/**
 * Households per face from a grid layer: each grid's 户数 shared out over its faces in its own
 * community, in proportion to the population points' households in each face where the grid holds
 * any, else to each face's area. A face no grid of the layer covers keeps its points' households.
 * `faces[].households`: the points' households in each face (0 without points); answered per face id.
 */
export function householdsFromLayer(
  faces: (Face & { communityCode: string })[],
  covers: GridCover[],
  department: string,
  gridHouseholds: Map<number, number>,
): Map<number, number> {
  const byId = new Map(faces.map((f) => [f.id, f]))
  const shares = new Map<number, number>()
  const covered = new Set<number>()
  for (const cover of covers) {
    if (cover.department !== department) continue
    const households = gridHouseholds.get(cover.gridId)
    const own = cover.faceIds.map((id) => byId.get(id)!).filter((f) => f && f.communityCode === cover.gridCommunity)
    if (households === undefined || own.length === 0) continue
    const points = own.reduce((sum, f) => sum + f.households, 0)
    const area = own.reduce((sum, f) => sum + f.areaM2, 0)
    for (const face of own) {
      covered.add(face.id)
      const weight = points > 0 ? face.households / points : area > 0 ? face.areaM2 / area : 1 / own.length
      shares.set(face.id, (shares.get(face.id) ?? 0) + households * weight)
    }
  }
  return new Map(faces.map((f) => [f.id, covered.has(f.id) ? (shares.get(f.id) ?? 0) : f.households]))
}
