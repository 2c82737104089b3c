// The demo district as plain rows with GeoJSON (WGS84) geometries; the loader resolves references
// (codes) to ids.
export type * from '../../server/db/demo-rows.ts'

/** 'clean' or 'real' (hand-drawn.ts): declared with the server's settings, which name it. */
export type { DemoRealism } from '../../server/types/demo.ts'
