// An exact solve as a scenario reports it: its status, gap, bound and message, and the rule that keeps
// maximal covering's exact answer never below the fast solver's.
import type { LocalizedText } from '../../errors.ts'
import type { SitingSolution } from './greedy.ts'

/** An exact solve as the scenarios read it (exact.ts's answer). */
export interface ExactAnswer extends SitingSolution {
  status: string
  gap: number
  bestBound: number
  boundSource: string
  message?: LocalizedText
}

/** What a scenario's solver summary says of an exact solve. */
export interface ExactReport {
  status: string
  gap: number | null
  bestBound: number | null
  /** where the bound comes from (lagrangian, branch-and-bound, highs, greedy-bound) */
  boundMethod: string | null
  message: LocalizedText | null
}

export function exactReport(exact: ExactAnswer): ExactReport {
  return {
    status: exact.status,
    gap: exact.gap,
    bestBound: exact.bestBound,
    boundMethod: exact.boundSource,
    message: exact.message ?? null,
  }
}

/**
 * Maximal covering's exact answer, never worse than the fast solver's: the exact solver starts from
 * plain greedy, so a search stopped early may end below greedy + interchange; then the fast answer
 * is returned as the exact one, checked against the exact bound (its gap, optimal when it meets it).
 */
export function exactAtLeastFast(exact: ExactAnswer, fast: SitingSolution): ExactReport & { solution: SitingSolution } {
  if (exact.newlyCoveredWeight >= fast.newlyCoveredWeight) return { solution: exact, ...exactReport(exact) }
  const value = fast.newlyCoveredWeight
  const bound = Math.max(exact.bestBound, value)
  const gap = value > 0 ? (bound - value) / value : 0
  const gapText = `${(gap * 100).toFixed(2)}%`
  return {
    solution: { ...fast, solver: 'exact', runtimeMs: exact.runtimeMs + fast.runtimeMs },
    status: gap <= 1e-12 ? 'optimal' : exact.status,
    gap,
    bestBound: bound,
    boundMethod: exact.boundSource,
    message: {
      'zh-CN': `精确求解的最好解不如快速求解，返回快速求解的结果，相对间隙 ${gapText}`,
      en: `the exact search ended below the fast solver's answer, which is returned, relative gap ${gapText}`,
    },
  }
}
