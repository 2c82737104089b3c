// What walks: which road/path lines the walking graph keeps (OSM highway, foot, access and
// sidewalk tags), the walking defaults (speed, snapping distance, time bands) and their bounds.
// Pure and database-free; split out of walking-graph.ts unchanged.

import { LocalizedInputError } from '../../errors.ts'

export type LineProperties = Record<string, string | number | boolean | null | undefined>

/** A road or path line: vertices in a metric frame, its tags, and (OSM) one node id per vertex. */
export interface RoadLine {
  coordinates: ArrayLike<ArrayLike<number>>
  properties?: LineProperties
  nodeIds?: ArrayLike<string | number>
}

/**
 * Highway classes nobody walks along: motorways and their links, roads being built or only
 * planned, race tracks, guided busways and bus-only roads, runaway-truck ramps, and ways that are
 * gone (abandoned, disused, razed). `trunk`/`trunk_link` count only with a sidewalk on the way.
 */
export const nonWalkableHighways: ReadonlySet<string> = new Set([
  'motorway',
  'motorway_link',
  'construction',
  'proposed',
  'planned',
  'raceway',
  'bus_guideway',
  'busway',
  'escape',
  'abandoned',
  'disused',
  'razed',
  'no',
])
const trunkHighways: ReadonlySet<string> = new Set(['trunk', 'trunk_link'])
const footAllowed: ReadonlySet<string> = new Set(['yes', 'designated', 'permissive', 'official'])
const sidewalkPresent: ReadonlySet<string> = new Set(['yes', 'both', 'left', 'right'])
const accessClosed: ReadonlySet<string> = new Set(['no', 'private'])

export type Walkability =
  'walkable' | 'non-walkable class' | 'trunk without sidewalk' | 'foot=no' | 'access closed' | 'railway' | 'waterway'

function tag(properties: LineProperties | undefined, key: string): string | undefined {
  const value = properties?.[key]
  return value === undefined || value === null ? undefined : String(value).trim().toLowerCase()
}

/**
 * Whether people may walk along a line, from its OSM-style tags. A line with no `highway` tag (a
 * road layer from another source) is walkable unless it is a railway or a waterway.
 */
export function walkabilityOf(properties: LineProperties | undefined): Walkability {
  const highway = tag(properties, 'highway')
  const foot = tag(properties, 'foot')
  if (highway === undefined) {
    if (tag(properties, 'railway') !== undefined) return 'railway'
    if (tag(properties, 'waterway') !== undefined) return 'waterway'
  }
  if (highway !== undefined && nonWalkableHighways.has(highway)) return 'non-walkable class'
  if (foot === 'no' || foot === 'private' || foot === 'use_sidepath') return 'foot=no'
  const footYes = foot !== undefined && footAllowed.has(foot)
  if (highway !== undefined && trunkHighways.has(highway) && !footYes) {
    const sides = ['sidewalk', 'sidewalk:both', 'sidewalk:left', 'sidewalk:right'].map((k) => tag(properties, k))
    if (!sides.some((s) => s !== undefined && sidewalkPresent.has(s))) return 'trunk without sidewalk'
  }
  const access = tag(properties, 'access')
  if (access !== undefined && accessClosed.has(access) && !footYes) return 'access closed'
  return 'walkable'
}

export const walkingDefaults = { speed: 1.2, snapDistance: 100, bandsMinutes: [5, 10, 15] } as const
export const walkingBounds = {
  speed: { min: 0.3, max: 3 },
  snapDistance: { min: 0, max: 2_000 },
  minutes: { min: 1, max: 120 },
} as const

export function validateSpeed(speed: number): void {
  const { min, max } = walkingBounds.speed
  if (!Number.isFinite(speed) || speed < min || speed > max)
    throw new LocalizedInputError(
      {
        'zh-CN': `步行速度必须在 ${min} 到 ${max} 米/秒之间（字段 speed）`,
        en: `Walking speed must be between ${min} and ${max} m/s (field speed)`,
      },
      [{ field: 'speed' }],
    )
}

export function validateSnapDistance(distance: number): void {
  const { min, max } = walkingBounds.snapDistance
  if (!Number.isFinite(distance) || distance < min || distance > max)
    throw new LocalizedInputError(
      {
        'zh-CN': `吸附距离必须在 ${min} 到 ${max} 米之间（字段 snapDistance）`,
        en: `Snap distance must be between ${min} and ${max} m (field snapDistance)`,
      },
      [{ field: 'snapDistance' }],
    )
}

export function validateBands(bandsMinutes: readonly number[]): void {
  const { min, max } = walkingBounds.minutes
  if (bandsMinutes.length === 0 || bandsMinutes.some((b) => !Number.isFinite(b) || b < min || b > max))
    throw new LocalizedInputError(
      {
        'zh-CN': `步行时间圈必须在 ${min} 到 ${max} 分钟之间（字段 bands）`,
        en: `Walking time bands must be between ${min} and ${max} minutes (field bands)`,
      },
      [{ field: 'bands' }],
    )
}

/** Minutes of walking at `speed` m/s, in metres. */
export function metresInMinutes(minutes: number, speed: number): number {
  return minutes * 60 * speed
}
