// Tiers of party organizations by member count, and the 软弱涣散 guideline. Pure.

/** 《中国共产党支部工作条例》: a branch 3–49 members, a general branch 50+, a committee 100+; a branch committee from 7. */
export const tierThresholds = { branchMin: 3, generalBranchMin: 50, committeeMin: 100, branchCommitteeMin: 7 } as const

export type ExpectedTier = 'committee' | 'general_branch' | 'branch' | 'none'

/** The tier a member count calls for; 'none' below 3 members (too few for an organization of their own). */
export function expectedTierFor(members: number): ExpectedTier {
  if (members >= tierThresholds.committeeMin) return 'committee'
  if (members >= tierThresholds.generalBranchMin) return 'general_branch'
  if (members >= tierThresholds.branchMin) return 'branch'
  return 'none'
}

/** Counties place roughly the bottom 5–10 % of organizations under rectification each year. */
export const weakShareGuideline = { min: 0.05, max: 0.1 } as const

export function weakShareVerdict(share: number | null): 'below' | 'within' | 'above' | 'no_data' {
  if (share === null) return 'no_data'
  if (share < weakShareGuideline.min) return 'below'
  if (share > weakShareGuideline.max) return 'above'
  return 'within'
}
