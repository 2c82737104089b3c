import { describe, expect, it } from 'vitest'
import { defaultMergeParams, mergeDefaults, toMergeParams } from '../../server/services/merge/merge-params.ts'

describe('merge parameters', () => {
  it('fills what a request leaves out with the schema’s defaults', () => {
    expect(toMergeParams({})).toEqual({
      strategy: 'base_department',
      baseDepartment: 'governance',
      snapToleranceM: 1,
      sliver: { minAreaM2: 20, thinMaxAreaM2: 2000, maxThinness: 0.12 },
      batchSize: 20,
    })
    expect(defaultMergeParams).toEqual(toMergeParams({}))
  })

  it('keeps every value given, under the same name, and groups the sliver rule', () => {
    const params = toMergeParams({
      strategy: 'household_balanced',
      layerIds: [3, 4],
      departments: ['party'],
      baseDepartment: 'urban',
      snapToleranceM: 0.2,
      sliverMinAreaM2: 5,
      sliverThinMaxAreaM2: 500,
      sliverMaxThinness: 0.3,
      targetHouseholds: 350,
      batchSize: 8,
    })
    expect(params).toEqual({
      strategy: 'household_balanced',
      layerIds: [3, 4],
      departments: ['party'],
      baseDepartment: 'urban',
      snapToleranceM: 0.2,
      sliver: { minAreaM2: 5, thinMaxAreaM2: 500, maxThinness: 0.3 },
      targetHouseholds: 350,
      batchSize: 8,
    })
  })

  it('keeps a zero threshold rather than taking the default for it', () => {
    expect(toMergeParams({ snapToleranceM: 0, sliverMinAreaM2: 0 })).toMatchObject({
      snapToleranceM: 0,
      sliver: { minAreaM2: 0 },
    })
  })

  it('states a default for every parameter the run stores, equal to what a bare request gets', () => {
    const defaults = mergeDefaults()
    expect(defaults.snapToleranceM).toEqual({ default: 1, minimum: 0, maximum: 20 })
    expect(defaults.sliverMaxThinness.default).toBe(defaultMergeParams.sliver.maxThinness)
    expect(defaults.baseDepartment.default).toBe(defaultMergeParams.baseDepartment)
    expect(defaults.targetHouseholds).toEqual({ minimum: 50, maximum: 5000 })
    expect(defaults.layerIds).toBeUndefined()
  })
})
