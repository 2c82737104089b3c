// The one place data changes are recorded and announced. A service that changes data on the map
// (an import, a publish, a register import, a catchment rebuild, a siting run) calls recordChange
// with the layers and regions it touched: the change is logged in data_changes (its id is the new
// data version), caches subscribed to the bus drop what it made stale, and every open page on
// GET /api/events hears of it. Merge and siting runs report progress through the same bus.
// On server PostgreSQL several API processes may share one database: each logged change is announced
// at commit (NOTIFY data_changes, migration 0120), and every process hears it (`heard`), reads the
// row and announces it on its own bus exactly as if it had made the change, so its caches are dropped
// and its open pages told. PGlite is one process: its changes are announced in memory only.
import type { Kysely } from 'kysely'
import {
  type DataChangeInput,
  type StoredDataChange,
  findDataChangesAfter,
  findDataVersions,
  insertDataChange,
} from '../../db/repositories/data-changes.repository.ts'
import type { DataChangeKind, Tables } from '../../db/tables.ts'
import type { MergeRunStatus } from '../../schemas/merge.schema.ts'
import { codePrefixOf, isRegionCode } from '../../db/region-codes.ts'

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

/** How many announced change ids a process remembers, to announce each change once. */
const rememberedChanges = 5000
/** After the cross-process listener was away, how far back (in change ids) to look for what it missed. */
const catchUpWindow = 1000

export class EventService implements ChangeRecorder {
  private readonly listeners = new Set<BusListener>()
  private versions: Promise<DataVersions> | undefined
  /** ids this process has announced (made here or heard of), oldest first */
  private readonly announced = new Set<number>()
  /** changes being logged by this process: a NOTIFY of one may arrive before its insert returns */
  private readonly logging = new Set<Promise<unknown>>()
  /** the data version when first read (at start, once listening): the catch-up starts after it */
  private floor: number | undefined
  /** heard changes are announced one after another, in order */
  private hearing: Promise<void> = Promise.resolve()
  /** how changes of other processes reach this one: 'in-process' (PGlite), or a listener's state */
  crossProcess: () => 'in-process' | 'listening' | 'connecting' | 'reconnecting' | 'closed' = () => 'in-process'
  /** the backend pid of the listening connection (server PostgreSQL; for tests that end it) */
  listenerPid: () => Promise<number | undefined> = async () => undefined

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
      (rows) => (
        (this.floor ??= rows.version),
        {
          version: rows.version,
          at: rows.at,
          layers: Object.fromEntries(rows.layers.map((l) => [l.layer, l.version])),
        }
      ),
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
    const logging = insertDataChange(this.db, input)
    this.logging.add(logging)
    try {
      stored = await logging
      this.remember(stored.id)
    } catch (error) {
      this.log?.error({ err: error, change: input }, 'data change could not be logged')
      stored = { id: (current?.version ?? 0) + 1, at: new Date() }
    } finally {
      this.logging.delete(logging)
    }
    // changes heard from other processes meanwhile are in the newest versions
    return this.announce(await this.dataVersions().catch(() => current), stored, input, true)
  }

  /**
   * Another process (or this one) logged change `id` (a NOTIFY): read it and announce it here, once.
   * Never throws: a change that cannot be read now is read when the listener catches up.
   */
  heard(id: number): Promise<void> {
    if (!Number.isSafeInteger(id) || id <= 0) return this.hearing
    this.hearing = this.hearing.then(() => this.announceStored(id - 1, id))
    return this.hearing
  }

  /**
   * The listener was away: announce what was logged meanwhile and not yet announced here (the
   * changes after the newest this process knew of, within the last `catchUpWindow`).
   */
  catchUp(): Promise<void> {
    this.hearing = this.hearing.then(async () => {
      const known = Math.max(0, ...this.announced, this.floor ?? 0)
      await this.announceStored(Math.max(0, known - catchUpWindow), undefined)
    })
    return this.hearing
  }

  private async announceStored(afterId: number, onlyId: number | undefined): Promise<void> {
    try {
      // this process's own change, still being logged, is announced by recordChange
      await Promise.allSettled([...this.logging])
      if (onlyId !== undefined && this.announced.has(onlyId)) return
      await this.dataVersions()
      const rows: StoredDataChange[] = await findDataChangesAfter(this.db, afterId, onlyId === undefined ? 2000 : 1)
      for (const row of rows) {
        if (onlyId !== undefined && row.id !== onlyId) continue
        // a NOTIFY is always of a change after this process started listening; a catch-up reads
        // only the changes after the version this process began with
        if (this.announced.has(row.id) || (onlyId === undefined && row.id <= (this.floor ?? 0))) continue
        this.remember(row.id)
        this.announce(await this.dataVersions(), row, row, false)
      }
    } catch (error) {
      this.log?.error({ err: error, afterId }, 'a change made by another process could not be read')
    }
  }

  private remember(id: number): void {
    this.announced.add(id)
    if (this.announced.size > rememberedChanges) {
      const oldest = this.announced.values().next().value
      if (oldest !== undefined) this.announced.delete(oldest)
    }
  }

  /** Moves the versions on and tells every listener (caches first, then open pages). */
  private announce(
    current: DataVersions | undefined,
    stored: { id: number; at: Date },
    input: Pick<DataChangeInput, 'kind' | 'layers' | 'regions'>,
    /** made here: the version moves on even when the log could not be written */
    own: boolean,
  ): DataChangedEvent {
    const version = current?.version ?? 0
    const next: DataVersions = {
      version: Math.max(stored.id, own ? version + 1 : version),
      at: current?.at && current.at > stored.at ? current.at : stored.at,
      layers: {
        ...current?.layers,
        ...Object.fromEntries(input.layers.map((l) => [l, Math.max(stored.id, current?.layers[l] ?? 0)])),
      },
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
