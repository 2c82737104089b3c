// The parameters of a merge run: what a caller may set, and their defaults.

export interface SliverRule {
  /** faces smaller than this are always slivers */
  minAreaM2: number
  /** faces up to this area are slivers when thinner than `maxThinness` */
  thinMaxAreaM2: number
  /** 4πA/P²: 1 for a circle, near 0 for a strip */
  maxThinness: number
}

export const defaultSliverRule: SliverRule = { minAreaM2: 20, thinMaxAreaM2: 2000, maxThinness: 0.12 }

export type MergeStrategy = 'base_department' | 'household_balanced'

export interface MergeParams {
  strategy: MergeStrategy
  /** grid layers to merge; default: the active layer of every department */
  layerIds?: number[]
  /** or: the active layers of these departments */
  departments?: string[]
  /** the department whose grids the base strategy keeps (default 综治) */
  baseDepartment: string
  /** vertices are snapped to a grid of this size, in metres, before noding */
  snapToleranceM: number
  sliver: SliverRule
  /**
   * household-balanced strategy: the households a grid should hold; by default the middle of each
   * community's norm (400 for the urban 300–500)
   */
  targetHouseholds?: number
  /** communities per transaction */
  batchSize: number
}

export const defaultMergeParams: MergeParams = {
  strategy: 'base_department',
  baseDepartment: 'governance',
  snapToleranceM: 1,
  sliver: defaultSliverRule,
  batchSize: 20,
}
