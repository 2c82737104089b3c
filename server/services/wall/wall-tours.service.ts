// Wall tours: playlists of saved views (place, layers, chart) and dwell times, kept on the server
// so that every wall plays the same; administrators edit them. A step must name a region and
// layers that exist: a tour that cannot be shown is refused whole, naming the step and field.
import type { Kysely } from 'kysely'
import * as repo from '../../db/repositories/wall-tours.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { LocalizedInputError, NotFoundError } from '../../errors.ts'
import type { RegionScope } from '../../db/scope.ts'
import type { Tour, TourInput } from '../../schemas/wall.schema.ts'

/**
 * A tour as a scoped caller (a street's wall token, a street official) may play it: the steps in
 * their region, or naming none (the caller's own place). Steps live in one jsonb column, so they are
 * filtered here rather than in SQL.
 */
function stepsInScope(tour: Tour, scope: RegionScope): Tour {
  const prefix = scope.regionPrefix
  if (!prefix) return tour
  return { ...tour, steps: tour.steps.filter((step) => !step.region || step.region.startsWith(prefix)) }
}

export class WallTourService {
  constructor(
    private readonly db: Kysely<Tables>,
    /** the catalog's layer ids (steps may switch on only these) */
    private readonly layerIds: () => Promise<string[]>,
  ) {}

  /** Every tour, each as the caller's scope shows it (see `inScope`). */
  async list(scope: RegionScope = {}): Promise<Tour[]> {
    return (await repo.findTours(this.db)).map((tour) => stepsInScope(tour, scope))
  }

  async get(id: number, scope: RegionScope = {}): Promise<Tour> {
    const tour = await repo.findTour(this.db, id)
    if (!tour) throw new NotFoundError({ 'zh-CN': `没有编号为 ${id} 的巡游`, en: `No wall tour has the id ${id}` })
    return stepsInScope(tour, scope)
  }

  async create(input: TourInput, createdBy: number | null): Promise<Tour> {
    await this.check(input)
    return this.get(await repo.insertTour(this.db, { name: input.name.trim(), steps: input.steps, createdBy }))
  }

  async update(id: number, input: TourInput): Promise<Tour> {
    await this.check(input)
    if (!(await repo.updateTour(this.db, id, { name: input.name.trim(), steps: input.steps })))
      throw new NotFoundError({ 'zh-CN': `没有编号为 ${id} 的巡游`, en: `No wall tour has the id ${id}` })
    return this.get(id)
  }

  async remove(id: number): Promise<void> {
    if (!(await repo.deleteTour(this.db, id)))
      throw new NotFoundError({ 'zh-CN': `没有编号为 ${id} 的巡游`, en: `No wall tour has the id ${id}` })
  }

  private async check(input: TourInput): Promise<void> {
    if (input.name.trim() === '')
      throw new LocalizedInputError({ 'zh-CN': '巡游名称不能为空', en: 'The tour needs a name' }, [{ field: 'name' }])
    const regions = new Set(
      await repo.findExistingRegions(this.db, [...new Set(input.steps.flatMap((s) => (s.region ? [s.region] : [])))]),
    )
    const layers = new Set(await this.layerIds())
    input.steps.forEach((step, i) => {
      if (step.region && !regions.has(step.region))
        throw new LocalizedInputError(
          {
            'zh-CN': `第 ${i + 1} 站：区划 ${step.region} 不存在`,
            en: `Step ${i + 1}: no region has the code ${step.region}`,
          },
          [{ field: `steps/${i}/region` }],
        )
      const unknown = step.layers.find((id) => !layers.has(id))
      if (unknown)
        throw new LocalizedInputError(
          {
            'zh-CN': `第 ${i + 1} 站：图层 ${unknown} 不存在`,
            en: `Step ${i + 1}: no layer has the id ${unknown} (GET /api/layers)`,
          },
          [{ field: `steps/${i}/layers` }],
        )
    })
  }
}
