// What every part of the demo generator shares: the district's code, the local metric frame (metres
// east/north of a point), the streets and communities it builds, and small helpers.
import { type Frame, type Ring, type Shape, bboxOfShape, centroidOf, pointInShape, toLonLat } from './geometry.ts'
import type { Random } from './random.ts'
import { DISTRICT_CODE } from '../../server/db/demo-rows.ts'

/** The district's code: declared beside the rows the demo repository inserts, which looks it up. */
export { DISTRICT_CODE }

export const FRAME: Frame = { lon0: 113.58, lat0: 34.62 }

export interface Community {
  code: string
  name: string
  streetIndex: number
  isUrban: boolean
  shape: Shape
  /** the convex Voronoi cell when the community is that cell unclipped (fast convex clipping) */
  convex: Ring | undefined
  center: [number, number]
  points: { x: number; y: number; residents: number; households: number }[]
}

export interface Street {
  index: number
  code: string
  name: string
  isUrban: boolean
  seed: [number, number]
  communities: Community[]
}

export const pad = (n: number, width: number) => String(n).padStart(width, '0')

export function randomPointIn(random: Random, shape: Shape): [number, number] {
  const [minX, minY, maxX, maxY] = bboxOfShape(shape)
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const p: [number, number] = [random.between(minX, maxX), random.between(minY, maxY)]
    if (pointInShape(p, shape)) return p
  }
  return centroidOf(shape)
}

export const lonLat = (p: readonly number[]) => {
  const [lon, lat] = toLonLat(FRAME, p, 6)
  return { lon, lat }
}
