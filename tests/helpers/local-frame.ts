// Hand-built test geometry in metres east/north of a point in China, turned into WGS84.
export const origin = { lon: 113.6, lat: 34.6 }

export function toLonLat(x: number, y: number): [number, number] {
  return [origin.lon + x / (111_320 * Math.cos((origin.lat * Math.PI) / 180)), origin.lat + y / 110_574]
}

/** A WKT polygon from rings of [x, y] metres. */
export function polygonWkt(...rings: [number, number][][]): string {
  const ring = (points: [number, number][]) =>
    `(${[...points, points[0]].map(([x, y]) => toLonLat(x, y).join(' ')).join(', ')})`
  return `POLYGON(${rings.map(ring).join(', ')})`
}

export const rect = (x0: number, y0: number, x1: number, y1: number) =>
  polygonWkt([
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ])
