import type { Map } from 'maplibre-gl'

declare global {
  interface Window {
    /** The map, for the end-to-end test (see MapView.svelte). */
    __wgMap?: Map
    /** Further maps by name, e.g. the merge workspace's before map. */
    __wgMaps?: Record<string, Map>
  }
}
