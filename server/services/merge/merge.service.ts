// 多网合一: merge the selected department layers into one unified grid per community, find every
// gap, overlap, sliver and boundary problem, and score each department's alignment. A run works in
// short per-batch transactions (PGlite has one connection, so the map keeps being served), writes
// only rows of its own, and is published by switching the active version.
import type { Kysely } from 'kysely'
import * as merge from '../../db/repositories/merge-step.repository.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.ts'
import type { Tables } from '../../db/tables.ts'
import { type MergeParams, type SliverRule, defaultMergeParams } from './merge-params.ts'

/** What a caller may set: any parameter, and any part of the sliver rule. */
export type MergeRequest = Partial<Omit<MergeParams, 'sliver'>> & { sliver?: Partial<SliverRule> }

/** Creates the run (status pending) after checking what it will merge; `executeMerge` does the work. */
export async function createMerge(db: Kysely<Tables>, requested: MergeRequest): Promise<number> {
  const params: MergeParams = {
    ...defaultMergeParams,
    ...requested,
    sliver: { ...defaultMergeParams.sliver, ...requested.sliver },
  }
  let layers = await merge.findLayersForMerge(db, params.layerIds)
  if (params.departments) {
    const wanted = new Set(params.departments)
    const missing = params.departments.filter((d) => !layers.some((l) => l.department === d))
    if (missing.length > 0)
      throw new InvalidInputError(`No active grid layer for department ${missing.join(', ')}`, { field: 'departments' })
    layers = layers.filter((l) => wanted.has(l.department))
  }
  if (params.layerIds && layers.length !== new Set(params.layerIds).size) {
    const missing = params.layerIds.filter((id) => !layers.some((l) => l.id === id))
    throw new InvalidInputError(`No grid layer has the id ${missing.join(', ')}`, { field: 'layerIds' })
  }
  if (layers.length === 0)
    throw new InvalidInputError('There are no grid layers to merge: import department grids first', {
      field: 'layerIds',
    })
  if (new Set(layers.map((l) => l.department)).size !== layers.length) {
    throw new InvalidInputError('Choose one layer per department', { field: 'layerIds' })
  }
  if (params.strategy === 'base_department' && !layers.some((l) => l.department === params.baseDepartment)) {
    throw new InvalidInputError(`The base department "${params.baseDepartment}" has no layer among those merged`, {
      field: 'baseDepartment',
    })
  }
  return merge.insertMergeRun(db, {
    strategy: params.strategy,
    params: { ...params, layerIds: undefined, departments: undefined },
    layerIds: layers.map((l) => l.id),
  })
}

export async function getMergeRun(db: Kysely<Tables>, runId: number): Promise<merge.MergeRunRow> {
  const run = await merge.findMergeRun(db, runId)
  if (!run) throw new NotFoundError(`No merge run has the id ${runId}`)
  return run
}

export async function publishMerge(db: Kysely<Tables>, runId: number): Promise<merge.MergeRunRow> {
  const run = await getMergeRun(db, runId)
  if (run.status !== 'succeeded')
    throw new ConflictError(`Merge run ${runId} is ${run.status}: only a succeeded run can be published`)
  await db.transaction().execute((trx) => merge.publishRun(trx, runId))
  return getMergeRun(db, runId)
}

export async function listMergeIssues(
  db: Kysely<Tables>,
  runId: number,
  filter: Parameters<typeof merge.findIssues>[2],
) {
  await getMergeRun(db, runId)
  return merge.findIssues(db, runId, filter)
}

export async function diffMerges(db: Kysely<Tables>, from: number, to: number) {
  await getMergeRun(db, from)
  await getMergeRun(db, to)
  const rows = await merge.diffRuns(db, from, to, await merge.findMetricSrid(db), 0.01)
  return {
    from,
    to,
    added: rows.filter((r) => r.change === 'added'),
    removed: rows.filter((r) => r.change === 'removed'),
    reshaped: rows.filter((r) => r.change === 'reshaped'),
  }
}
