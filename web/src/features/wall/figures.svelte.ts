// The wall's figures, read from the APIs the rest of the app uses (/api/summary, /api/coverage,
// /api/party/coverage, the published run's merge issues) and the layer catalog. A data change
// reads again only what the touched layers feed; a figure that cannot be read keeps its last value.
import { request } from '../../lib/api/client.ts'
import { fetchLayers } from '../../lib/api/layers.ts'
import { fetchHomeRegion } from '../../lib/api/regions.ts'
import { fetchSummary } from '../../lib/api/summary.ts'
import type { MergeIssueList, Region, Summary } from '../../lib/api/types.ts'
import type { LayerStore } from '../../lib/stores/layers.svelte.ts'
import type { Coverage, PartyCoverage } from './types.ts'

export type Part = 'summary' | 'catalog' | 'coverage' | 'party' | 'issues'

/** Which figures a change to these layers feeds ('*': all of them). */
export function partsOf(layers: string[] | undefined): Set<Part> {
  const all: Part[] = ['summary', 'catalog', 'coverage', 'party', 'issues']
  // a set built and handed over, never mutated as state
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  if (!layers || layers.includes('*')) return new Set(all)
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const parts = new Set<Part>(['summary', 'catalog'])
  for (const layer of layers) {
    if (/^(catchments|uncovered-|population|service-centers|regions-)/.test(layer)) parts.add('coverage')
    if (/^(party-orgs|units|unified-grids|regions-)/.test(layer)) parts.add('party')
    if (/^(merge-issues|unified-grids)$/.test(layer)) parts.add('issues')
  }
  return parts
}

export class WallFigures {
  summary = $state<Summary>()
  coverage = $state<Coverage>()
  party = $state<PartyCoverage>()
  issues = $state<MergeIssueList>()
  /** the region the coverage figures are for, read once */
  private home: Region | undefined
  /** figures that could not be read the last time (shown as before, or as missing) */
  failed = $state<Part[]>([])
  /** how many reads have completed (tests wait on it) */
  reads = $state(0)
  /** when every figure was last read (the as-of time before the log has any change) */
  readAt = $state<Date>()

  constructor(private readonly layers: LayerStore) {}

  /** Reads the parts again; true when every one was read. */
  async refresh(parts: Set<Part>): Promise<boolean> {
    const failed: Part[] = []
    // a read never hangs the wall: an answer that does not come in 15 s counts as failed
    const signal = () => AbortSignal.timeout(15_000)
    const read = async (part: Part, work: () => Promise<void>) => {
      if (!parts.has(part)) return
      try {
        await work()
      } catch {
        failed.push(part)
      }
    }
    // the summary first: the merge issues need its published run
    await read('summary', async () => {
      this.summary = await fetchSummary(signal())
    })
    await Promise.all([
      read('catalog', async () => this.layers.setCatalog((await fetchLayers(signal())).layers)),
      read('coverage', async () => {
        // the coverage of the widest region the wall may see (the district, or its token's own)
        this.home ??= await fetchHomeRegion(signal())
        if (!this.home) throw new Error('no region in scope')
        this.coverage = await request<Coverage>('GET', `/api/coverage?region=${this.home.code}`, { signal: signal() })
      }),
      read('party', async () => {
        this.party = await request<PartyCoverage>('GET', '/api/party/coverage', { signal: signal() })
      }),
      read('issues', async () => {
        const run = this.summary?.unifiedGridRun?.version
        this.issues = run
          ? await request<MergeIssueList>('GET', `/api/merge-runs/${run}/issues?limit=1`, { signal: signal() })
          : undefined
      }),
    ])
    // coverage answers 4xx until catchments are built: that is a missing figure, not a stale wall
    this.failed = failed
    this.reads += 1
    const ok = failed.every((part) => part === 'coverage')
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a moment, replaced whole
    if (ok) this.readAt = new Date()
    return ok
  }
}
