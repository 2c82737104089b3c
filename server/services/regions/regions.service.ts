import type { Kysely } from 'kysely'
import { findRegion, findRegionFigures, findRegions } from '../../db/repositories/regions.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { NotFoundError } from '../../errors.ts'
import type { RegionDetail, RegionList, RegionQuery } from '../../schemas/regions.schema.ts'

export async function listRegions(db: Kysely<Tables>, query: RegionQuery): Promise<RegionList> {
  return { regions: await findRegions(db, query) }
}

export async function describeRegion(db: Kysely<Tables>, code: string): Promise<RegionDetail> {
  const region = await findRegion(db, code)
  if (!region) throw new NotFoundError(`No region has the code ${code}`)
  const { children, areaKm2, grids, ...figures } = await findRegionFigures(db, code, region.level)
  return { ...region, children, areaKm2, figures: { ...figures, grids } }
}
