// The handle the web client leaves for browser tests (see web/src/lib/map/MapView.svelte).
import type { Map } from 'maplibre-gl'

declare global {
  interface Window {
    /** Maps by their MapView testName: overview, and the merge workspace's after and before. */
    __wgMaps?: Record<string, Map>
  }
}
