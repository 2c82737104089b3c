// The district's KPI figures, as a wall display shows them — or the caller's street's or community's.
import type { Kysely } from 'kysely'
import { findSummary } from '../../db/repositories/summary.repository.ts'
import type { RegionScope } from '../../db/scope.ts'
import type { Tables } from '../../db/tables.ts'
import type { Summary } from '../../schemas/summary.schema.ts'

export class SummaryService {
  constructor(private readonly db: Kysely<Tables>) {}

  getSummary(scope: RegionScope = {}): Promise<Summary> {
    return findSummary(this.db, scope)
  }
}
