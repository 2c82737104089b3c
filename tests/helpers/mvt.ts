// Decodes a vector tile into plain features for assertions.
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'

export interface DecodedFeature {
  id: number | undefined
  type: number
  properties: Record<string, unknown>
  rings: { x: number; y: number }[][]
}

export function decodeTile(bytes: Uint8Array): Record<string, DecodedFeature[]> {
  const tile = new VectorTile(new PbfReader(bytes))
  const layers: Record<string, DecodedFeature[]> = {}
  for (const [name, layer] of Object.entries(tile.layers)) {
    layers[name] = []
    for (let i = 0; i < layer.length; i++) {
      const feature = layer.feature(i)
      layers[name].push({
        id: feature.id,
        type: feature.type,
        properties: { ...feature.properties },
        rings: feature.loadGeometry().map((ring) => ring.map(({ x, y }) => ({ x, y }))),
      })
    }
  }
  return layers
}

/** Signed area of a ring in tile pixels (positive = MVT exterior ring, y down). */
export function ringArea(ring: { x: number; y: number }[]): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    sum += (ring[j].x - ring[i].x) * (ring[i].y + ring[j].y)
  return sum / 2
}
