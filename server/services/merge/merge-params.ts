// The parameters of a merge run: the flat request (server/schemas/merge.schema.ts, which holds every
// default and bound) shaped once, by toMergeParams, into what a run uses and stores.
import {
  type MergeDefaults,
  MergeRequest,
  type MergeRunParams,
  type MergeStrategy,
  type SliverRule,
} from '../../schemas/merge.schema.ts'

export type { MergeStrategy, SliverRule }

/** A run's parameters: those it stores (merge_runs.params), and the layers it was asked to merge. */
export type MergeParams = MergeRunParams & Pick<MergeRequest, 'layerIds' | 'departments'>

type RequestKey = keyof typeof MergeRequest.properties

/** A request parameter's default, as the schema states it. */
function defaultOf<K extends RequestKey>(key: K): NonNullable<MergeRequest[K]> {
  return (MergeRequest.properties[key] as { default?: unknown }).default as NonNullable<MergeRequest[K]>
}

/** Communities a step where the driver does not choose (one transaction a step on server PostGIS). */
const defaultBatchSize = 20

/**
 * The one place the flat request becomes a run's parameters: defaults for what it leaves out (the
 * route has them filled in by the schema already; a direct caller has not), the sliver rule grouped.
 * `batchSize` is the driver's choice, not the caller's (see mergeExecutionFor).
 */
export function toMergeParams(request: MergeRequest & { batchSize?: number }): MergeParams {
  return {
    strategy: request.strategy ?? defaultOf('strategy'),
    ...(request.layerIds ? { layerIds: request.layerIds } : {}),
    ...(request.departments ? { departments: request.departments } : {}),
    baseDepartment: request.baseDepartment ?? defaultOf('baseDepartment'),
    snapToleranceM: request.snapToleranceM ?? defaultOf('snapToleranceM'),
    sliver: {
      minAreaM2: request.sliverMinAreaM2 ?? defaultOf('sliverMinAreaM2'),
      thinMaxAreaM2: request.sliverThinMaxAreaM2 ?? defaultOf('sliverThinMaxAreaM2'),
      maxThinness: request.sliverMaxThinness ?? defaultOf('sliverMaxThinness'),
    },
    ...(request.targetHouseholds !== undefined ? { targetHouseholds: request.targetHouseholds } : {}),
    batchSize: request.batchSize ?? defaultBatchSize,
  }
}

/** What a run does when asked for nothing in particular. */
export const defaultMergeParams: MergeParams = toMergeParams({})

export const defaultSliverRule: SliverRule = defaultMergeParams.sliver

/** Every request parameter's default and bounds, read from the request schema (for the web form). */
export function mergeDefaults(): MergeDefaults {
  const entries = Object.entries(MergeRequest.properties).flatMap(([key, schema]) => {
    const {
      default: value,
      minimum,
      maximum,
    } = schema as { default?: number | string; minimum?: number; maximum?: number }
    const known = { default: value, minimum, maximum }
    const stated = Object.fromEntries(Object.entries(known).filter(([, v]) => v !== undefined))
    return Object.keys(stated).length > 0 ? [[key, stated]] : []
  })
  return Object.fromEntries(entries)
}
