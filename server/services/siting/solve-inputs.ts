// What a siting solve is given, checked before any solver runs: k, the candidates, the target
// covered share; and how far a set-covering target lies (the best share reachable, the residents
// new sites must add, the refusal when it is out of reach). Shared by greedy.ts, exact.ts and the
// scenarios; pure.
import { LocalizedInputError, type LocalizedText } from '../../errors.ts'
import type { ReducedCoverage } from './coverage-reduction.ts'

/** k must be a whole number from 1 to the number of candidates offered (before any reduction). */
export function validateK(k: number, candidateCount: number): void {
  if (candidateCount === 0) throw noCandidates()
  if (!Number.isInteger(k) || k < 1 || k > candidateCount)
    throw new LocalizedInputError(
      {
        'zh-CN': `k 必须在 1 到 候选点数（${candidateCount.toLocaleString('zh-CN')}）之间（字段 k）`,
        en: `k must be between 1 and the candidate count (${candidateCount.toLocaleString('en')}) (field k)`,
      },
      [{ field: 'k' }],
    )
}

/** No candidate sites to choose from. */
export function noCandidates(): LocalizedInputError {
  return new LocalizedInputError(
    { 'zh-CN': '没有候选点（字段 candidates）', en: 'no candidate sites (field candidates)' },
    [{ field: 'candidates' }],
  )
}

/** The target covered share is a fraction of all residents, in (0, 1]. */
export function validateTargetShare(share: number): void {
  if (!Number.isFinite(share) || share <= 0 || share > 1)
    throw new LocalizedInputError(
      {
        'zh-CN': '目标覆盖率必须在 0（不含）到 1 之间（字段 targetShare）',
        en: 'the target share must be in (0, 1] (field targetShare)',
      },
      [{ field: 'targetShare' }],
    )
}

/** A covered share of all residents (0 when there are none). */
export function shareOf(covered: number, total: number): number {
  return total > 0 ? covered / total : 0
}

/** The share reachable with every candidate built: fixed coverage plus all coverable residents. */
export function bestReachableShare(reduced: ReducedCoverage): number {
  return shareOf(reduced.fixedCoveredWeight + reduced.coverableWeight, reduced.totalWeight)
}

/** Residents the new sites must add to reach `targetShare`, with a tolerance for rounding. */
export function requiredNewWeight(reduced: ReducedCoverage, targetShare: number): number {
  const tolerance = 1e-9 * Math.max(1, reduced.totalWeight)
  return Math.max(0, targetShare * reduced.totalWeight - reduced.fixedCoveredWeight - tolerance)
}

export function unreachableMessage(targetShare: number, bestShare: number): LocalizedText {
  const pct = (s: number) => `${(s * 100).toFixed(2)}%`
  return {
    'zh-CN': `目标覆盖率 ${pct(targetShare)} 无法达到：全部候选点建成后最多覆盖 ${pct(bestShare)}（字段 targetShare）`,
    en: `the target share ${pct(targetShare)} is out of reach: every candidate built covers at most ${pct(bestShare)} (field targetShare)`,
  }
}
