// The region tree and each region's figures, in the caller's scope.
import type { Kysely } from 'kysely'
import { findRegion, findRegionFigures, findRegions } from '../../db/repositories/regions.repository.ts'
import type { RegionScope } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import { NotFoundError } from '../../errors.ts'
import type { RegionDetail, RegionList, RegionQuery } from '../../schemas/regions.schema.ts'

export class RegionService {
  constructor(private readonly db: Kysely<Tables>) {}

  async listRegions(query: RegionQuery, scope: RegionScope = {}): Promise<RegionList> {
    return { regions: await findRegions(this.db, query, scope) }
  }

  /** A region outside the scope is not found (404, as if it did not exist). Its figures are its own rows: in the scope. */
  async describeRegion(code: string, scope: RegionScope = {}): Promise<RegionDetail> {
    const region = await findRegion(this.db, code, scope)
    if (!region) throw new NotFoundError(`No region has the code ${code}`)
    const { children, areaKm2, grids, ...figures } = await findRegionFigures(this.db, code, region.level)
    return { ...region, children, areaKm2, figures: { ...figures, grids } }
  }
}
