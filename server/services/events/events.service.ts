// The one place data changes are recorded and announced. A service that changes data on the map
// (an import, a publish, a register import, a catchment rebuild, a siting run) calls recordChange
// with the layers and regions it touched: the change is logged in data_changes (its id is the new
// data version), caches subscribed to the bus drop what it made stale, and every open page on
// GET /api/events hears of it. Merge and siting runs report progress through the same bus.
import type { Kysely } from 'kysely'
import {
  type DataChangeInput,
  findDataVersions,
  insertDataChange,
} from '../../db/repositories/data-changes.repository.ts'
import type { DataChangeKind, Tables } from '../../db/tables.ts'
import type { MergeRunStatus } from '../../schemas/merge.schema.ts'
import { codePrefixOf, isRegionCode } from '../regions/region-codes.ts'

export type { DataChangeKind }

export interface DataChange {
  kind: DataChangeKind
  /** catalog layer ids whose tiles changed */
  layers: string[]
  /** 12-digit codes of the regions touched; empty = the whole district */
  regions: string[]
  details?: Record<string, unknown>
}

export interface DataChangedEvent {
  type: 'data-changed'
  version: number
  at: Date
  kind: DataChangeKind
  layers: string[]
  regions: string[]
}

export interface MergeProgressEvent {
  type: 'merge-progress'
  runId: number
  done: number
  total: number
  status: MergeRunStatus
}

export interface SitingProgressEvent {
  type: 'siting-progress'
  /** what a siting run or catchment rebuild is doing: started, solving, stored */
  stage: 'started' | 'solving' | 'stored' | 'failed'
  task: 'scenario' | 'catchments'
  region: string | null
}

export type BusEvent = DataChangedEvent | MergeProgressEvent | SitingProgressEvent

export interface DataVersions {
  version: number
  at: Date | null
  /** per layer id, the version of its newest change (layers never changed are absent: version 0) */
  layers: Record<string, number>
}

/** What a service that changes data needs of the bus. */
export interface ChangeRecorder {
  recordChange(change: DataChange): Promise<DataChangedEvent>
  progress(event: MergeProgressEvent | SitingProgressEvent): void
}

export type BusListener = (event: BusEvent) => void

export class EventService implements ChangeRecorder {
  private readonly listeners = new Set<BusListener>()
  private versions: Promise<DataVersions> | undefined

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly log?: { error(details: object, message: string): void },
  ) {}

  /** Listens to every event; returns the unsubscribe. */
  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get subscriberCount(): number {
    return this.listeners.size
  }

  /** The data version and each layer's, read once from the log and kept current by recordChange. */
  dataVersions(): Promise<DataVersions> {
    this.versions ??= findDataVersions(this.db).then(
      (rows) => ({
        version: rows.version,
        at: rows.at,
        layers: Object.fromEntries(rows.layers.map((l) => [l.layer, l.version])),
      }),
      (error: unknown) => {
        this.versions = undefined
        throw error
      },
    )
    return this.versions
  }

  /**
   * Logs a change (already committed by the caller) and announces it. Never throws: the data has
   * changed whatever happens here, so when the log cannot be written (the database just went
   * away) the version moves on in memory and caches are still dropped.
   */
  async recordChange(change: DataChange): Promise<DataChangedEvent> {
    const input: DataChangeInput = {
      kind: change.kind,
      layers: [...new Set(change.layers)].sort(),
      regions: [...new Set(change.regions.filter(isRegionCode))].sort(),
      details: change.details ?? {},
    }
    const current = await this.dataVersions().catch(() => undefined)
    let stored: { id: number; at: Date }
    try {
      stored = await insertDataChange(this.db, input)
    } catch (error) {
      this.log?.error({ err: error, change: input }, 'data change could not be logged')
      stored = { id: (current?.version ?? 0) + 1, at: new Date() }
    }
    const next: DataVersions = {
      version: Math.max(stored.id, (current?.version ?? 0) + 1),
      at: stored.at,
      layers: { ...current?.layers, ...Object.fromEntries(input.layers.map((l) => [l, stored.id])) },
    }
    this.versions = Promise.resolve(next)
    const event: DataChangedEvent = {
      type: 'data-changed',
      version: next.version,
      at: stored.at,
      kind: input.kind,
      layers: input.layers,
      regions: input.regions,
    }
    this.emit(event)
    return event
  }

  progress(event: MergeProgressEvent | SitingProgressEvent): void {
    this.emit(event)
  }

  private emit(event: BusEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (error) {
        this.log?.error({ err: error, event: event.type }, 'an event listener failed')
      }
    }
  }
}

/**
 * Whether a change concerns a caller scoped to `prefix` (a region-code prefix; null = everything):
 * a district-wide change (no regions) concerns everyone; otherwise a touched region inside the
 * scope, or one containing it.
 */
export function concernsScope(regions: string[], prefix: string | null): boolean {
  if (prefix === null || regions.length === 0) return true
  return regions.some((code) => {
    const own = codePrefixOf(code)
    return own.startsWith(prefix) || prefix.startsWith(own)
  })
}

/** A layer's version: its newest change, or a newer district-wide one (layers ['*']). */
export function layerVersionOf(versions: DataVersions, layerId: string): number {
  return Math.max(versions.layers[layerId] ?? 0, versions.layers['*'] ?? 0)
}

/** The tile URL of a layer at its version, so that a change gives clients a URL they have not cached. */
export function versionedTiles(tiles: string, version: number): string {
  return `${tiles}${tiles.includes('?') ? '&' : '?'}v=${version}`
}
