// The selected place (区 → 街道 → 社区): the region, its ancestors for the breadcrumb, its children
// for the tree, and its figures. Entering a place cancels the loading of the one before.
import { fetchChildren, fetchRegion } from '../api/regions.ts'
import type { Region, RegionDetail } from '../api/types.ts'

export class PlaceStore {
  /** the district first, the selected place last */
  trail = $state<RegionDetail[]>([])
  children = $state<Region[]>([])
  current = $derived(this.trail.at(-1))
  private controller: AbortController | undefined

  async enter(code: string): Promise<void> {
    this.controller?.abort()
    const controller = (this.controller = new AbortController())
    const { signal } = controller
    try {
      const region = await fetchRegion(code, signal)
      const children = region.level === 'community' ? { regions: [] } : await fetchChildren(code, signal)
      // ancestors: reuse those already on the trail, fetch the rest
      const trail: RegionDetail[] = [region]
      let parent = region.parentCode
      while (parent) {
        const known = this.trail.find((r) => r.code === parent)
        const ancestor = known ?? (await fetchRegion(parent, signal))
        if (ancestor.level === 'city') break
        trail.unshift(ancestor)
        parent = ancestor.parentCode
      }
      if (signal.aborted) return
      this.trail = trail
      this.children = children.regions
    } catch (failure) {
      if ((failure as Error).name !== 'AbortError') throw failure
    }
  }
}
