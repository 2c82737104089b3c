// Whether a run's stored result tiles each community (无缝拼接), checked once its steps are done: from
// the stored rows in EPSG:4326 (findRunTiling), per community. A run over a limit fails with the
// communities named, so it can never be published.
import type { Kysely } from 'kysely'
import {
  type CommunityTiling,
  type TilingSliverRule,
  findRunTiling,
} from '../../db/repositories/merge-tiling.repository.ts'
import { isGeometryFailure } from '../../db/merge-overlay.ts'
import { chunks, runInParallel } from './merge-scheduling.ts'
import type { Tables } from '../../db/tables.ts'
import type { LocalizedText } from '../../errors.ts'

/** The limits of DESIGN.md and issue 19, per community, measured on the spheroid. */
export const tilingLimits = { symDifferenceM2: 0.5, overlapM2: 0.01, vertexOutsideM: 0.05 } as const

/** The largest figures of a run that kept within the limits, recorded in its statistics. */
export interface RunTiling {
  maxSymDifferenceM2: number
  maxOverlapM2: number
  maxVertexOutsideM: number
  slivers: number
}

/** A community over one limit or more, with its figures. */
export type TilingBreach = Pick<
  CommunityTiling,
  'code' | 'name' | 'symDifferenceM2' | 'maxOverlapM2' | 'maxVertexOutsideM'
>

/** The communities over a limit, in code order. */
export function tilingBreaches(tiling: CommunityTiling[]): TilingBreach[] {
  return tiling.filter(
    (c) =>
      c.symDifferenceM2 > tilingLimits.symDifferenceM2 ||
      c.maxOverlapM2 > tilingLimits.overlapM2 ||
      c.maxVertexOutsideM > tilingLimits.vertexOutsideM,
  )
}

const figure = (value: number, digits: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

/** How many communities are named in the message (all are counted). */
const namedAtMost = 10

/** The failure of a run whose stored result does not tile its communities, in zh-CN and English. */
export function tilingFailureText(breaches: TilingBreach[]): LocalizedText {
  const named = breaches.slice(0, namedAtMost)
  const parts = (c: TilingBreach, zh: boolean) => {
    const over: string[] = []
    if (c.symDifferenceM2 > tilingLimits.symDifferenceM2)
      over.push(
        zh
          ? `与社区边界相差 ${figure(c.symDifferenceM2, 2)} m²（上限 0.5 m²）`
          : `differs from the community by ${figure(c.symDifferenceM2, 2)} m² (limit 0.5 m²)`,
      )
    if (c.maxOverlapM2 > tilingLimits.overlapM2)
      over.push(
        zh
          ? `网格重叠 ${figure(c.maxOverlapM2, 3)} m²（上限 0.01 m²）`
          : `grids overlap by ${figure(c.maxOverlapM2, 3)} m² (limit 0.01 m²)`,
      )
    if (c.maxVertexOutsideM > tilingLimits.vertexOutsideM)
      over.push(
        zh
          ? `顶点超出社区 ${figure(c.maxVertexOutsideM * 100, 1)} cm（上限 5 cm）`
          : `a vertex lies ${figure(c.maxVertexOutsideM * 100, 1)} cm outside the community (limit 5 cm)`,
      )
    return over.join(zh ? '，' : ', ')
  }
  const more = breaches.length - named.length
  return {
    'zh-CN': `合并结果未能无缝拼接社区，本次合并失败，不可发布。共 ${figure(breaches.length, 0)} 个社区超出限值：${named
      .map((c) => `${c.name}（${c.code}）${parts(c, true)}`)
      .join('；')}${more > 0 ? `；另有 ${figure(more, 0)} 个社区` : ''}`,
    en: `The merged grids do not tile their communities: the run failed and cannot be published. ${figure(breaches.length, 0)} community(ies) over the limits: ${named
      .map((c) => `${c.name} (${c.code}) ${parts(c, false)}`)
      .join('; ')}${more > 0 ? `; and ${figure(more, 0)} more` : ''}`,
  }
}

/** A run's stored result breaks the tiling limits in the communities named. */
export class TilingError extends Error {
  constructor(
    readonly text: LocalizedText,
    readonly breaches: TilingBreach[],
  ) {
    super(text['zh-CN'])
    this.name = 'TilingError'
  }
}

/** The tiling figures of `communities` measured on `db`, and again robustly where GEOS threw. */
export function measureTiling(
  db: Kysely<Tables>,
  runId: number,
  sliver: TilingSliverRule,
  srid: number,
  communities: string[],
): Promise<CommunityTiling[]> {
  return findRunTiling(db, runId, sliver, { srid, communities }).catch((error: unknown) => {
    // GEOS threw on a shape (issue 19): measured again with every shape repaired first
    if (!isGeometryFailure(error)) throw error
    return findRunTiling(db, runId, sliver, { srid, communities, robust: true })
  })
}

/**
 * Measuring on engines of their own (PGlite's merge engines, see merge-engine.ts) instead of on the
 * app's connection: `parallel` of them, each asked for parts of `size` communities in turn.
 */
export interface TilingEngines {
  parallel: number
  size: number
  measure(engine: number, communities: string[]): Promise<CommunityTiling[]>
  /** while this answers true, one engine measures at a time (see runInParallel) */
  holdBack?: () => boolean
}

/**
 * Measures the run's stored result in `communities` and answers its largest figures, or throws a
 * TilingError naming every community over a limit. `parallel`: connections measuring at once (server
 * PostGIS: the pool's), each a contiguous run of the communities in code order, so that few pairs of
 * grids across two communities are met by both. `engines`: measured there, in parts (the app's
 * connection only reads each part's grids; on PGlite it measured the ×13 demo alone, on one core,
 * for longer than both engines took for the steps).
 */
export async function checkRunTiling(
  db: Kysely<Tables>,
  runId: number,
  communities: string[],
  sliver: TilingSliverRule,
  srid: number,
  parallel = 1,
  engines?: TilingEngines,
): Promise<RunTiling> {
  const sorted = [...communities].sort()
  let tiling: CommunityTiling[]
  if (engines) {
    const parts = chunks(sorted, Math.max(1, engines.size))
    const measured = new Map<string[], CommunityTiling[]>()
    await runInParallel(
      parts,
      engines.parallel,
      async (part, engine) => void measured.set(part, await engines.measure(engine, part)),
      engines.holdBack,
    )
    tiling = parts.flatMap((part) => measured.get(part)!)
  } else {
    const size = Math.ceil(sorted.length / Math.max(1, parallel))
    const parts = chunks(sorted, size)
    tiling = (await Promise.all(parts.map((part) => measureTiling(db, runId, sliver, srid, part)))).flat()
  }
  const breaches = tilingBreaches(tiling)
  if (breaches.length > 0) throw new TilingError(tilingFailureText(breaches), breaches)
  const largest = (pick: (c: CommunityTiling) => number) => tiling.reduce((m, c) => Math.max(m, pick(c)), 0)
  return {
    maxSymDifferenceM2: largest((c) => c.symDifferenceM2),
    maxOverlapM2: largest((c) => c.maxOverlapM2),
    maxVertexOutsideM: largest((c) => c.maxVertexOutsideM),
    slivers: tiling.reduce((n, c) => n + c.slivers, 0),
  }
}
