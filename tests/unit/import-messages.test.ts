import { describe, expect, it } from 'vitest'
import { geometryReasonZh } from '../../server/services/imports/messages.ts'

describe('why a shape is invalid, in zh-CN', () => {
  it('words GEOS reasons in Chinese and keeps where they happen', () => {
    expect(geometryReasonZh('Self-intersection[113.577 34.652]')).toBe('自相交，位于 113.577, 34.652')
    expect(geometryReasonZh('Ring Self-intersection[113.5 -34.25]')).toBe('环自相交，位于 113.5, -34.25')
    expect(geometryReasonZh('Too few points in geometry component[1 2]')).toBe('几何部件的点太少，位于 1, 2')
    expect(geometryReasonZh('Hole lies outside shell[113 34]')).toBe('内环在外环之外，位于 113, 34')
    expect(geometryReasonZh('Nested shells')).toBe('外环相互嵌套')
  })

  it('keeps a reason it does not know as GEOS gave it', () => {
    expect(geometryReasonZh('Something new[1 2]')).toBe('Something new[1 2]')
    expect(geometryReasonZh('Valid Geometry')).toBe('Valid Geometry')
  })
})
