// vt-pbf ships no types; this is the part of its API the Node tile encoder uses.
declare module 'vt-pbf' {
  export interface GeojsonVtFeature {
    id?: number
    /** 1 point, 2 line, 3 polygon */
    type: 1 | 2 | 3
    /** points: [[x, y], …]; lines and polygons: rings of [x, y], polygon rings closed */
    geometry: number[][] | number[][][]
    tags: Record<string, string | number | boolean>
  }
  export function fromGeojsonVt(
    layers: Record<string, { features: GeojsonVtFeature[] }>,
    options?: { version?: number; extent?: number },
  ): Uint8Array
}
