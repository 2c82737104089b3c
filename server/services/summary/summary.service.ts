// The district's KPI figures, as a wall display shows them: read once per data version and caller
// scope, then served from memory until the event bus announces a change (a wall of screens and
// every open page ask often; the figures change only when data does).
import type { Kysely } from 'kysely'
import { findSummary } from '../../db/repositories/summary.repository.ts'
import { type RegionScope, scopedCacheKey } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import type { Summary } from '../../schemas/summary.schema.ts'

export class SummaryService {
  /** keyed by scope and data version (scopedCacheKey) */
  private readonly cache = new Map<string, Promise<Summary>>()
  private version = 0
  /** figures read from the database (not from the cache), for tests and the bench */
  reads = 0

  constructor(private readonly db: Kysely<Tables>) {}

  /**
   * The figures for the caller's scope (a region-code prefix, or the whole district): the repository
   * filters them; the cache keeps each scope's apart.
   */
  getSummary(scope: RegionScope = {}): Promise<Summary> {
    const key = scopedCacheKey(scope, this.version)
    let figures = this.cache.get(key)
    if (!figures) {
      this.reads += 1
      figures = findSummary(this.db, scope)
      this.cache.set(key, figures)
      // a failed read is not kept: the next call asks the database again
      figures.catch(() => this.cache.get(key) === figures && this.cache.delete(key))
    }
    return figures
  }

  /** Data changed (the event bus says so): figures of older versions are dropped. */
  invalidate(version: number): void {
    this.version = Math.max(this.version + 1, version)
    this.cache.clear()
  }
}
