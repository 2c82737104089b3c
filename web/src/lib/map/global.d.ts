import type { Map } from 'maplibre-gl'

declare global {
  interface Window {
    /** Maps by test name, for the end-to-end tests only (set by MapView's `testName`; app code never reads it). */
    __wgMaps?: Record<string, Map>
  }
}
