// The selected place (区 → 街道 → 社区 → 网格): the region, its ancestors for the breadcrumb, its children
// for the tree, and its figures; a published unified grid (a 15-digit code) is a place inside its
// community. Entering a place cancels the loading of the one before.
import { fetchChildren, fetchGridList, fetchGridPlace, fetchRegion } from '../api/regions.ts'
import type { GridPlace, Region, RegionDetail } from '../api/types.ts'
import { ApiError } from '../api/client.ts'

/** A region above the account's scope is not found for it: the trail stops below it. */
function outsideScope(failure: unknown): undefined {
  if (failure instanceof ApiError && failure.status === 404) return undefined
  throw failure
}

export const isGridCode = (code: string) => /^\d{15}$/.test(code)

export class PlaceStore {
  /** the district first, the selected region (or the grid's community) last */
  trail = $state<RegionDetail[]>([])
  children = $state<Region[]>([])
  current = $derived(this.trail.at(-1))
  /** in a community (or one of its grids): its published unified grids, the tree's last level */
  grids = $state<{ code: string; name: string }[]>([])
  /** the unified grid entered (inside `current`, its community), if the place is one */
  grid = $state<GridPlace | undefined>()
  /** the place's code: the grid's, else the region's */
  code = $derived(this.grid?.code ?? this.trail.at(-1)?.code)
  private controller: AbortController | undefined

  async enter(code: string): Promise<void> {
    this.controller?.abort()
    const controller = (this.controller = new AbortController())
    const { signal } = controller
    try {
      const grid = isGridCode(code) ? await fetchGridPlace(code, signal) : undefined
      const region = await fetchRegion(grid ? grid.community.code : code, signal)
      const children = region.level === 'community' ? { regions: [] } : await fetchChildren(region.code, signal)
      const grids =
        region.level === 'community' ? (await fetchGridList(region.code, { layer: 'unified' }, signal)).grids : []
      // ancestors: reuse those already on the trail, fetch the rest; the trail of an account scoped
      // to a street or community starts at its own region (the server hides the ones above: 404)
      const trail: RegionDetail[] = [region]
      let parent = region.parentCode
      while (parent) {
        const known = this.trail.find((r) => r.code === parent)
        const ancestor = known ?? (await fetchRegion(parent, signal).catch(outsideScope))
        if (!ancestor || ancestor.level === 'city') break
        trail.unshift(ancestor)
        parent = ancestor.parentCode
      }
      if (signal.aborted) return
      this.trail = trail
      this.children = children.regions
      this.grids = grids.map((g) => ({ code: g.code, name: g.name }))
      this.grid = grid
    } catch (failure) {
      if ((failure as Error).name !== 'AbortError') throw failure
    }
  }
}
