import { describe, expect, it } from 'vitest'
import { booleanPointInPolygon, multiPolygon } from '@turf/turf'
import {
  bd09ToWgs84,
  chinaOutline,
  crsFromPrj,
  gcj02ToBd09,
  gcj02ToWgs84,
  isBoxInChina,
  isInChina,
  parseCrs,
  wgs84ToGcj02,
} from '../../server/services/imports/crs.ts'

const metresBetween = ([a, b]: number[], [c, d]: number[]) =>
  Math.hypot((a - c) * 111_320 * Math.cos((b * Math.PI) / 180), (b - d) * 110_574)

describe('GCJ-02 and BD-09', () => {
  const tiananmen = [116.391275, 39.90765] // WGS84

  it('shifts WGS84 by a few hundred metres into GCJ-02, as consumer maps do', () => {
    const shift = metresBetween(wgs84ToGcj02(tiananmen[0], tiananmen[1]), tiananmen)
    expect(shift).toBeGreaterThan(100)
    expect(shift).toBeLessThan(700)
  })

  it('converts GCJ-02 back to WGS84 to within a centimetre', () => {
    const gcj = wgs84ToGcj02(tiananmen[0], tiananmen[1])
    expect(metresBetween(gcj02ToWgs84(gcj[0], gcj[1]), tiananmen)).toBeLessThan(0.01)
  })

  it('converts BD-09 back to WGS84 to within a few centimetres', () => {
    const gcj = wgs84ToGcj02(tiananmen[0], tiananmen[1])
    const bd = gcj02ToBd09(gcj[0], gcj[1])
    expect(metresBetween(bd09ToWgs84(bd[0], bd[1]), tiananmen)).toBeLessThan(0.05)
  })

  it('leaves coordinates outside China alone', () => {
    expect(wgs84ToGcj02(2.35, 48.85)).toEqual([2.35, 48.85])
  })
})

describe('parseCrs and crsFromPrj', () => {
  it.each([
    ['EPSG:4326', { kind: 'epsg', srid: 4326 }],
    ['4490', { kind: 'epsg', srid: 4490 }],
    ['epsg:4547', { kind: 'epsg', srid: 4547 }],
    ['GCJ-02', { kind: 'gcj02' }],
    ['bd09', { kind: 'bd09' }],
    ['urn:ogc:def:crs:OGC:1.3:CRS84', { kind: 'epsg', srid: 4326 }],
  ])('reads "%s"', (raw, expected) => {
    expect(parseCrs(raw)).toEqual(expected)
  })

  it.each(['EPSG:2000', 'mercator-ish', ''])('refuses the unknown frame "%s"', (raw) => {
    expect(parseCrs(raw)).toBeUndefined()
  })

  it('reads a CGCS2000 3-degree Gauss-Krüger zone from a .prj', () => {
    const prj =
      'PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
    expect(crsFromPrj(prj)).toEqual({ kind: 'epsg', srid: 4547 })
  })

  const gaussKrugerPrj = (name: string) =>
    `PROJCS["${name}",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`

  it.each([
    ['CGCS2000_3_Degree_GK_Zone_39', 4527],
    ['CGCS2000_3_Degree_GK_Zone_25', 4513],
    ['CGCS2000_3_Degree_GK_Zone_45', 4533],
    ['CGCS2000_3_Degree_GK_CM_117E', 4548],
    ['CGCS2000_3_Degree_GK_CM_75E', 4534],
    ['CGCS2000_3_Degree_GK_CM_135E', 4554],
    ['CGCS2000_GK_Zone_13', 4491],
    ['CGCS2000_GK_Zone_19', 4497],
    ['CGCS2000_GK_CM_111E', 4508],
    ['CGCS2000_GK_CM_135E', 4512],
    ['CGCS2000 / 3-degree Gauss-Kruger zone 39', 4527],
    ['CGCS2000 / Gauss-Kruger CM 117E', 4509],
  ])('reads the Gauss-Krüger frame "%s" from a .prj as EPSG:%i', (name, srid) => {
    expect(crsFromPrj(gaussKrugerPrj(name))).toEqual({ kind: 'epsg', srid })
  })

  it.each([
    ['CGCS2000_3_Degree_GK_Zone_50', /zone 50 does not cover China \(zones 25–45/],
    ['CGCS2000_3_Degree_GK_Zone_24', /zone 24 does not cover China/],
    ['CGCS2000_GK_Zone_24', /6-degree Gauss-Krüger zone 24 does not cover China \(zones 13–23/],
    ['CGCS2000_3_Degree_GK_CM_116E', /116°E is not the central meridian of a CGCS2000 3-degree/],
    ['CGCS2000_3_Degree_GK_CM_72E', /72°E is not the central meridian/],
    ['CGCS2000_GK_CM_114E', /114°E is not the central meridian of a CGCS2000 6-degree/],
  ])('says why the Gauss-Krüger frame "%s" cannot be right instead of reading another frame', (name, problem) => {
    const reading = crsFromPrj(gaussKrugerPrj(name))
    expect(reading).toEqual({ problem: { en: expect.stringMatching(problem), 'zh-CN': expect.any(String) } })
    const text = (reading as { problem: { 'zh-CN': string; en: string } }).problem
    expect(text.en).toContain(name)
    // the office reads it in Chinese: the frame's name, and no English words
    expect(text['zh-CN']).toContain(name)
    expect(text['zh-CN']).toMatch(/高斯-克吕格/)
    expect(text['zh-CN'].replace(name, '')).not.toMatch(/does not|zone|meridian|degree/i)
  })

  it('takes the EPSG authority at the end of a .prj over its name', () => {
    expect(crsFromPrj(`${gaussKrugerPrj('some local name').slice(0, -1)},AUTHORITY["EPSG","4527"]]`)).toEqual({
      kind: 'epsg',
      srid: 4527,
    })
  })

  it('does not recognise other Gauss-Krüger datums (Xian 1980, Beijing 1954)', () => {
    expect(crsFromPrj(gaussKrugerPrj('Xian_1980_3_Degree_GK_Zone_39'))).toBeUndefined()
    expect(crsFromPrj(gaussKrugerPrj('Beijing_1954_GK_Zone_20'))).toBeUndefined()
  })

  it('reads geographic CGCS2000 and WGS84 from a .prj', () => {
    expect(
      crsFromPrj(
        'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
      ),
    ).toEqual({ kind: 'epsg', srid: 4490 })
    expect(
      crsFromPrj(
        'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
      ),
    ).toEqual({ kind: 'epsg', srid: 4326 })
  })
})

describe('isInChina', () => {
  it.each([
    ['Beijing', 116.4, 39.9],
    ['Urumqi', 87.62, 43.83],
    ['Harbin', 126.63, 45.75],
    ['Sanya', 109.51, 18.25],
    ['Lhasa', 91.13, 29.65],
    ['Taipei', 121.56, 25.04],
    ['Kashgar', 75.99, 39.47],
    ['Hong Kong', 114.17, 22.32],
    ['Mohe', 122.54, 52.97],
    ['Dandong', 124.38, 40.13],
    ['Hekou', 103.96, 22.51],
    ['Yongxing Island (Xisha)', 112.33, 16.83],
  ])('places %s inside China', (_place, lon, lat) => {
    expect(isInChina(lon, lat)).toBe(true)
  })

  it.each([
    ['Seoul', 126.98, 37.57],
    ['Ulaanbaatar', 106.92, 47.92],
    ['Hanoi', 105.85, 21.03],
    ['Tokyo', 139.69, 35.69],
    ['Pyongyang', 125.75, 39.03],
    ['Kathmandu', 85.32, 27.7],
    ['Almaty', 76.9, 43.24],
    ['Haiphong', 106.68, 20.86],
  ])('places %s outside China, which a lon/lat rectangle did not', (_place, lon, lat) => {
    expect(isInChina(lon, lat)).toBe(false)
  })

  it('takes a swapped pair for a point outside China', () => {
    expect(isInChina(113.6, 34.7)).toBe(true)
    expect(isInChina(34.7, 113.6)).toBe(false)
  })

  it("agrees with Turf's point-in-polygon test on a 0.25° lattice over the outline", () => {
    const outline = multiPolygon(chinaOutline.map((ring) => [[...ring, ring[0]].map(([x, y]) => [x, y])]))
    let inside = 0
    // offset from round numbers so that no point falls exactly on an edge, where the two may differ
    for (let lon = 72.0123; lon <= 136; lon += 0.25) {
      for (let lat = 15.0077; lat <= 55; lat += 0.25) {
        const expected = booleanPointInPolygon([lon, lat], outline)
        if (expected) inside += 1
        expect(isInChina(lon, lat), `${lon}, ${lat}`).toBe(expected)
      }
    }
    // China's outline covers about 10.5 million km², some 17,000 cells of 0.25° at these latitudes
    expect(inside).toBeGreaterThan(15_000)
  })
})

describe('isBoxInChina', () => {
  it('holds a box around 郑州 and refuses boxes across the border or outside', () => {
    expect(isBoxInChina(113.5, 34.6, 113.8, 34.9)).toBe(true)
    // from 内蒙古 across into Mongolia
    expect(isBoxInChina(110, 41, 112, 46)).toBe(false)
    // the Sea of Japan
    expect(isBoxInChina(133, 38, 134, 39)).toBe(false)
  })

  it('never holds a box with a point outside China (boxes at random over its bounds)', () => {
    let seed = 42
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    let held = 0
    for (let i = 0; i < 400; i++) {
      const [west, south] = [74 + random() * 60, 18 + random() * 36]
      const [east, north] = [west + random() * 4, south + random() * 4]
      if (!isBoxInChina(west, south, east, north)) continue
      held++
      for (let k = 0; k <= 10; k++)
        for (const [x, y] of [
          [west + ((east - west) * k) / 10, south],
          [west + ((east - west) * k) / 10, north],
          [west, south + ((north - south) * k) / 10],
          [east, south + ((north - south) * k) / 10],
          [west + (east - west) * random(), south + (north - south) * random()],
        ])
          expect(isInChina(x, y)).toBe(true)
    }
    expect(held).toBeGreaterThan(20)
  })
})
