// One step of a run over a batch of communities, and the contract of the engines that run steps
// (merge-engine.ts implements it for PGlite; server PostGIS runs steps on pooled connections).
import type { Kysely, Transaction } from 'kysely'
import * as merge from '../../db/repositories/merge-step.repository.ts'
import { insertUnifiedGrids } from '../../db/repositories/merge-unified.repository.ts'
import type { CommunityTiling } from '../../db/repositories/merge-tiling.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { buildFaceMesh, settleOnBoundary } from './merge-face-mesh.ts'
import { type HouseholdNorms, groupFaces } from './merge-grouping.ts'
import { householdsFromLayer } from './merge-households.ts'
import type { MergeParams } from './merge-params.ts'

/** Engines that run the steps of a run; the results are stored in the app's database. */
export interface MergeEngines {
  runStep(engine: number, communities: string[]): Promise<StepReport>
  /** the tiling figures of the run's stored result in `communities`, measured on the engine once every step's results are stored */
  measureTiling?(engine: number, communities: string[]): Promise<CommunityTiling[]>
  close(): Promise<void>
}

/** Opens `size` engines for a run: its steps run `size` at a time. */
export interface MergeEngineFactory {
  size: number
  /** starts the engines ahead of a run (they wait a while for one) */
  warm(): Promise<void>
  /** `steps`: the communities of each step, in the order the run asks for them */
  open(db: Kysely<Tables>, context: StepContext, steps: string[][]): Promise<MergeEngines>
}

/** What every step of a run shares. */
export interface StepContext {
  runId: number
  layerIds: number[]
  departments: string[]
  srid: number
  /** the run whose codes carry over */
  previousRunId: number | null
  params: MergeParams
  /** household-balanced strategy: each community's household norm (null: rural, none) */
  householdNorms?: HouseholdNorms
  /** household-balanced strategy: the department whose grids' 户数 count (null: population points) */
  householdDepartment?: string | null
}

export interface StepReport {
  faces: number
  timings: { facesMs: number; groupingMs: number; unifyMs: number; issuesMs: number }
}

/**
 * One step of a run over a batch of communities: faces, their grouping into unified grids, the grids
 * with their mapping rows, and the issues, all stored under the run.
 */
export async function runMergeStep(
  trx: Kysely<Tables> | Transaction<Tables>,
  context: StepContext,
  communities: string[],
): Promise<StepReport> {
  const { runId, params, srid } = context
  const options = {
    runId,
    communities,
    layerIds: context.layerIds,
    srid,
    snapM: params.snapToleranceM,
    baseDepartment: params.baseDepartment,
    withHouseholds: params.strategy === 'household_balanced',
  }
  const householdDepartment = options.withHouseholds ? (context.householdDepartment ?? null) : null
  const timings = { facesMs: 0, groupingMs: 0, unifyMs: 0, issuesMs: 0 }
  let t = performance.now()
  await merge.buildFaces(trx, options)
  const { faces, shapes, covers } = await merge.findFaceGraph(trx, options)
  if (householdDepartment) {
    // households from the department's grids, shared out over their faces (the points' as weights)
    const shares = householdsFromLayer(
      faces,
      covers,
      householdDepartment,
      await merge.findPieceHouseholds(trx, householdDepartment),
    )
    for (const face of faces) face.households = shares.get(face.id) ?? 0
  }
  const mesh = buildFaceMesh(faces.map(({ id, communityCode }, n) => ({ id, part: communityCode, rings: shapes[n] })))
  // the vertices the noding left a hair off the community boundary, back on it
  settleOnBoundary(mesh, await merge.findCommunityRings(trx))
  timings.facesMs = performance.now() - t
  t = performance.now()
  const { labels, outlines, sources, pieces } = groupFaces(
    faces,
    mesh,
    covers,
    context.departments,
    params,
    context.householdNorms,
  )
  timings.groupingMs = performance.now() - t
  t = performance.now()
  // households from a grid layer: each unified grid's, its faces' shares summed (whole households)
  let households: { community: string; label: number; households: number }[] | undefined
  if (householdDepartment) {
    const face = new Map(faces.map((f) => [f.id, f]))
    const sums = new Map<string, { community: string; label: number; households: number }>()
    for (const { faceId, label } of labels) {
      const { communityCode, households: share } = face.get(faceId)!
      const key = `${communityCode}/${label}`
      const sum = sums.get(key) ?? { community: communityCode, label, households: 0 }
      sum.households += share
      sums.set(key, sum)
    }
    households = [...sums.values()].map((h) => ({ ...h, households: Math.round(h.households) }))
  }
  await insertUnifiedGrids(trx, runId, { labels, outlines, sources, households }, context.previousRunId, srid)
  timings.unifyMs = performance.now() - t
  t = performance.now()
  await merge.insertIssuePieces(trx, runId, pieces, srid)
  await merge.insertGridIssues(trx, runId, options, params.sliver.minAreaM2)
  timings.issuesMs = performance.now() - t
  await merge.dropStepTables(trx)
  return { faces: faces.length, timings }
}
