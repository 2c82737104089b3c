// The hypothetical centre: residents a centre dropped at a point would add (within its radius and
// covered by no existing centre), within the caller's scope.
import * as repo from '../../db/repositories/siting.repository.ts'
import { LocalizedInputError } from '../../errors.ts'
import { validateRadius } from './coverage-sets.ts'
import { LocalFrame, type SitingData, type SitingScope } from './siting-data.ts'

export class WhatIf {
  constructor(private readonly data: SitingData) {}

  /** Residents a hypothetical centre at (lon, lat) would add: within its radius and covered by no centre. */
  async whatIf(input: { lon: number; lat: number; radiusM?: number }, scope: SitingScope = {}) {
    const started = performance.now()
    const radiusM = input.radiusM ?? this.data.settings.serviceRadii.communityUrban
    validateRadius(radiusM, 'radiusM')
    if (
      !Number.isFinite(input.lon) ||
      !Number.isFinite(input.lat) ||
      Math.abs(input.lat) > 90 ||
      Math.abs(input.lon) > 180
    )
      throw new LocalizedInputError(
        { 'zh-CN': '坐标无效（字段 lon/lat）', en: 'Invalid coordinates (field lon/lat)' },
        [{ field: 'lon' }],
      )
    const maxRadius = Math.max(...Object.values(this.data.settings.serviceRadii))
    const [points, centres] = await Promise.all([
      repo.findDemandNear(this.data.db, input.lon, input.lat, radiusM, scope),
      repo.findCentresNear(this.data.db, input.lon, input.lat, radiusM + maxRadius + 1),
    ])
    const frame = new LocalFrame(input.lon, input.lat)
    let residents = 0
    let households = 0
    let added = 0
    for (const p of points) {
      const x = frame.x(p.lon)
      const y = frame.y(p.lat)
      if (x * x + y * y > radiusM * radiusM) continue
      residents += p.residents
      const covered = centres.some((c) => {
        const r = this.data.radiusOf(c).radiusM
        return (frame.x(c.lon) - x) ** 2 + (frame.y(c.lat) - y) ** 2 <= r * r
      })
      if (!covered) {
        added += p.residents
        households += p.households
      }
    }
    return {
      lon: input.lon,
      lat: input.lat,
      radiusM,
      residentsWithin: residents,
      addedResidents: added,
      addedHouseholds: households,
      ms: Math.round(performance.now() - started),
    }
  }
}
