// The handle the web client leaves for browser tests (see web/src/lib/map/MapView.svelte).
import type { Map } from 'maplibre-gl'

declare global {
  interface Window {
    __wgMap?: Map
    /** Further maps by name, e.g. the merge workspace's before map. */
    __wgMaps?: Record<string, Map>
  }
}
