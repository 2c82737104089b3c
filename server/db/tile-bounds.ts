// A tile's extent as the tile queries take it (EPSG:3857 metres, plain and buffered). The type lives
// in db/ because a repository takes it; services/tiles/tile-math.ts computes it from z/x/y.

export interface Box {
  west: number
  south: number
  east: number
  north: number
}

export interface TileBounds {
  z: number
  x: number
  y: number
  /** The tile in EPSG:3857 metres. */
  bounds: Box
  /** The tile grown by `bufferPixels` of a 4096-pixel tile, for clipping. */
  buffered: Box
}
