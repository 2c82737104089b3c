// Importing a department's grid layer or a region tree: read the file, settle its frame, check every
// feature before anything is stored (the dry run stops there), then store it in one transaction.
// Errors reject the import (400, naming the file, feature and field, with the whole report);
// warnings (repairs, norms) don't. The run's life is in import-run.ts, the two kinds in
// grid-import.ts and region-import.ts.
import { findLayerCommunities } from '../../db/repositories/data-changes.repository.ts'
import type { ChangeRecorder } from '../events/events.service.ts'
import type { Kysely } from 'kysely'
import * as imports from '../../db/repositories/imports.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { NotFoundError } from '../../errors.ts'
import { type GridImportOptions, importGridLayer } from './grid-import.ts'
import { importRegionTree } from './region-import.ts'
import type { ImportResult } from '../../schemas/imports.schema.ts'

export type { ImportResult }
export { checkBatchSize } from './import-run.ts'
export { gridOutsideTolerance } from './grid-import.ts'
export { offThreadFrom } from './import-engine.ts'
export { regionShapeTolerance } from './region-import.ts'

async function getImport(db: Kysely<Tables>, id: number) {
  const run = await imports.findImportRun(db, id)
  if (!run) throw new NotFoundError({ 'zh-CN': `没有编号为 ${id} 的导入`, en: `No import has the id ${id}` })
  return run
}

/** Imports of department grid layers and of the region tree: checked, reported, stored or refused whole. */
export class ImportService {
  constructor(
    private readonly db: Kysely<Tables>,
    /** told of every stored import (the data version, caches, open pages) */
    private readonly events?: ChangeRecorder,
    /** how grid (and region) imports run: on PGlite, huge grids and regions are checked on an engine thread (import-engine.ts) */
    private readonly gridOptions: GridImportOptions = { offThreadFrom: null },
  ) {}

  async importGridLayer(request: Parameters<typeof importGridLayer>[1]): Promise<ImportResult> {
    const result = await importGridLayer(this.db, request, this.gridOptions)
    if (result.layer && this.events) {
      const { department, version } = result.layer
      await this.events.recordChange({
        kind: 'import',
        layers: [`grids-${department}`],
        regions: await findLayerCommunities(this.db, department, version),
        details: { importId: result.id, department, version },
      })
    }
    return result
  }

  async importRegionTree(request: Parameters<typeof importRegionTree>[1]): Promise<ImportResult> {
    const result = await importRegionTree(this.db, request, {
      offThreadFrom: this.gridOptions.offThreadFrom,
      stagedPartChars: this.gridOptions.stagedPartChars,
    })
    if (result.regions && this.events)
      // the region tree underlies every layer: a district-wide change
      await this.events.recordChange({
        kind: 'region-import',
        layers: result.regions.replacedDemo ? ['*'] : ['regions-district', 'regions-street', 'regions-community'],
        regions: [],
        details: { importId: result.id, stored: result.regions.stored, replacedDemo: result.regions.replacedDemo },
      })
    return result
  }

  getImport(id: number) {
    return getImport(this.db, id)
  }
}
