// Siting: service radii by centre level and walking for network catchments.
import type { Parser, Settings } from './parsers.ts'

export interface SitingConfig {
  /** Service radii by centre level (metres); a centre's own radius_m overrides them. */
  serviceRadii: ServiceRadii
  /** Walking speed for network catchments (m/s) and how far a point may lie from a walkable edge (m). */
  walkingSpeed: number
  snapDistanceM: number
}

export interface ServiceRadii {
  /** 社区级, urban community */
  communityUrban: number
  /** 村级, rural village */
  village: number
  /** 街道·乡镇级 */
  street: number
  /** 区县级 */
  district: number
  /** 小区·楼宇·园区 stations */
  station: number
}

const radius: Parser<number> = (raw) => {
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < 1 || value > 50_000)
    throw new Error('expected metres from 1 to 50000')
  return value
}

/** RADIUS_M: five level=metres pairs, e.g. community=500,village=2000,street=1000,district=1000,station=300 */
const radii: Parser<ServiceRadii> = (raw) => {
  const out: Partial<ServiceRadii> = {}
  const keys = ['communityUrban', 'village', 'street', 'district', 'station'] as const
  const names: Record<string, (typeof keys)[number]> = {
    community: 'communityUrban',
    village: 'village',
    street: 'street',
    district: 'district',
    station: 'station',
  }
  for (const pair of raw.split(',')) {
    const [name, value] = pair.split('=').map((p) => p.trim())
    const key = names[name]
    if (!key) throw new Error(`unknown level ${JSON.stringify(name)} (community, village, street, district, station)`)
    out[key] = radius(value ?? '')
  }
  for (const key of keys) if (out[key] === undefined) throw new Error(`no radius for ${key}`)
  return out as ServiceRadii
}

export const sitingSettings: Settings<SitingConfig> = {
  serviceRadii: {
    env: 'SERVICE_RADII_M',
    default: 'community=500,village=2000,street=1000,district=1000,station=300',
    parse: radii,
    doc: 'service radius by centre level in metres (urban community, rural village, street/township, district, station)',
  },
  walkingSpeed: {
    env: 'WALKING_SPEED_MPS',
    default: '1.2',
    parse: (raw) => {
      const value = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(value) || value < 0.3 || value > 3)
        throw new Error('expected m/s from 0.3 to 3')
      return value
    },
    doc: 'walking speed for network catchments (m/s)',
  },
  snapDistanceM: {
    env: 'SNAP_DISTANCE_M',
    default: '100',
    parse: radius,
    doc: 'largest distance from a point to the walkable edge it is placed on (m)',
  },
}

/** The siting defaults when a caller (a test app) passes none. */
export const sitingDefaults: SitingConfig = {
  serviceRadii: radii(sitingSettings.serviceRadii.default),
  walkingSpeed: Number(sitingSettings.walkingSpeed.default),
  snapDistanceM: Number(sitingSettings.snapDistanceM.default),
}
