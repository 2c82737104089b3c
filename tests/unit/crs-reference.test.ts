// GCJ-02 and BD-09 against reference pairs published by others, not built with our own functions:
// a change to the transform (a constant moved by 10 % shifts every point by tens of metres) fails here.
//
// Sources:
// - Alibaba Cloud, 地址标准化 TransferCoord API reference (help.aliyun.com, "coordinate-system-conversion"):
//   its example answer for GCJ02 120.026268,30.279164 gives BD09 120.032768,30.285238 (6 decimals, ≈ 0.1 m).
//   Its WGS84 answer (120.021519,30.281543) is the one-step approximate inverse, 1.7 m from the exact
//   one: it is checked as such below, and not used as a 1 m reference.
// - wandergis/coordtransform, test/app.js (a widely used independent implementation): WGS84 116.404,39.915
//   → GCJ02 116.41024449916938,39.91640428150164; GCJ02 116.404,39.915 → BD09 116.41036949371029,39.92133699351021;
//   BD09 116.404,39.915 → GCJ02 116.39762729119315,39.90865673957631.
// - geoToolbox, tests of wgs84_to_gcj02: WGS84 (lat 40, lng 116) → GCJ02 (40.001213650174, 116.006141221789).
import { describe, expect, it } from 'vitest'
import { bd09ToGcj02, gcj02ToBd09, gcj02ToWgs84, wgs84ToGcj02 } from '../../server/services/imports/crs.ts'

type LonLat = [number, number]

/** Metres between two lon/lat points (equirectangular: exact enough over metres). */
const metresBetween = ([a, b]: LonLat, [c, d]: LonLat) =>
  Math.hypot((a - c) * 111_320 * Math.cos((b * Math.PI) / 180), (b - d) * 110_574)

const wgsToGcj: { source: string; wgs84: LonLat; gcj02: LonLat }[] = [
  { source: 'wandergis/coordtransform', wgs84: [116.404, 39.915], gcj02: [116.41024449916938, 39.91640428150164] },
  { source: 'geoToolbox', wgs84: [116, 40], gcj02: [116.006141221789, 40.001213650174] },
]

const gcjToBd: { source: string; gcj02: LonLat; bd09: LonLat }[] = [
  { source: 'Alibaba Cloud TransferCoord', gcj02: [120.026268, 30.279164], bd09: [120.032768, 30.285238] },
  { source: 'wandergis/coordtransform', gcj02: [116.404, 39.915], bd09: [116.41036949371029, 39.92133699351021] },
  { source: 'wandergis/coordtransform', gcj02: [116.39762729119315, 39.90865673957631], bd09: [116.404, 39.915] },
]

describe('GCJ-02 against published pairs', () => {
  it.each(wgsToGcj)('moves WGS84 to GCJ-02 within 1 m of $source', ({ wgs84, gcj02 }) => {
    expect(metresBetween(wgs84ToGcj02(...wgs84), gcj02)).toBeLessThan(1)
  })

  it.each(wgsToGcj)('moves GCJ-02 back to WGS84 within 1 m of $source', ({ wgs84, gcj02 }) => {
    expect(metresBetween(gcj02ToWgs84(...gcj02), wgs84)).toBeLessThan(1)
  })

  it("is exact where Alibaba Cloud's one-step inverse is not: 1–2 m apart, the forward transform closing on ours", () => {
    const published: LonLat = [120.021519, 30.281543]
    const gcj: LonLat = [120.026268, 30.279164]
    const ours = gcj02ToWgs84(...gcj)
    expect(metresBetween(ours, published)).toBeGreaterThan(1)
    expect(metresBetween(ours, published)).toBeLessThan(2.5)
    expect(metresBetween(wgs84ToGcj02(...ours), gcj)).toBeLessThan(0.01)
    expect(metresBetween(wgs84ToGcj02(...published), gcj)).toBeGreaterThan(1)
  })
})

describe('BD-09 against published pairs', () => {
  it.each(gcjToBd)('moves GCJ-02 to BD-09 within 1 m of $source', ({ gcj02, bd09 }) => {
    expect(metresBetween(gcj02ToBd09(...gcj02), bd09)).toBeLessThan(1)
  })

  it.each(gcjToBd)('moves BD-09 back to GCJ-02 within 1 m of $source', ({ gcj02, bd09 }) => {
    expect(metresBetween(bd09ToGcj02(...bd09), gcj02)).toBeLessThan(1)
  })
})
