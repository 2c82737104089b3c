// generateDistrict: a fictional district (青禾区) at real coordinates on the outskirts of an inland
// city, deterministic for a seed. Communities tile the district (clipped Voronoi cells); streets are
// groups of communities; four departments draw their grids independently, so their boundaries
// genuinely disagree (different splits, jittered shared edges, deleted grids, a district-wide
// tessellation that ignores community boundaries). With realism 'real' it looks like the files
// departments really send (see hand-drawn.ts): each layer traced and simplified on its own, grids
// reaching across community edges, a finer fifth layer (应急), an island community, a bowtie, and a
// layer without household counts.
//
// The parts: frame.ts (shared frame and helpers), regions.ts, grid-layers.ts, party-orgs.ts,
// party-details.ts (with the service centres), roads.ts.
import { createRandom, deriveSeed } from './random.ts'
import { generateGridLayers } from './grid-layers.ts'
import { addPartyDetails, generateServiceCenters } from './party-details.ts'
import { generatePartyOrganizations } from './party-orgs.ts'
import { generateRegions } from './regions.ts'
import type { DemoDistrict, DemoRealism } from './types.ts'

export type * from './types.ts'
export { DISTRICT_CODE } from './frame.ts'
export { DEMO_REFERENCE_DAY } from './party-details.ts'

export interface GenerateOptions {
  seed: number
  scale: number
  /** 'clean' when absent */
  realism?: DemoRealism
}

export function generateDistrict({ seed, scale, realism = 'clean' }: GenerateOptions): DemoDistrict {
  if (!Number.isInteger(scale) || scale < 1 || scale > 100)
    throw new RangeError(`scale must be an integer from 1 to 100, got ${scale}`)
  const district = generateRegions(seed, scale, realism)
  const { outline, usedStreets, communities, regions, population } = district
  const gridLayers = generateGridLayers(seed, scale, realism, district)

  const { partyOrgs, units } = generatePartyOrganizations(
    createRandom(deriveSeed(seed, 'party')),
    usedStreets,
    communities,
  )
  // its own random stream, so that the organizations and units above stay as they were
  addPartyDetails(createRandom(deriveSeed(seed, 'party-details')), usedStreets, communities, partyOrgs, units)
  const serviceCenters = generateServiceCenters(
    createRandom(deriveSeed(seed, 'centers')),
    usedStreets,
    communities,
    outline,
  )
  return { seed, scale, regions, gridLayers, population, partyOrgs, units, serviceCenters }
}
