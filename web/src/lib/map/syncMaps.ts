// Keeps maps' cameras together (the merge workspace's before/after comparison).
import type { Map as MaplibreMap } from 'maplibre-gl'

const cameraOf = (map: MaplibreMap) => ({
  center: map.getCenter(),
  zoom: map.getZoom(),
  bearing: map.getBearing(),
  pitch: map.getPitch(),
})

/**
 * Moving any of the maps moves the others; the later maps start where the first one is. Returns
 * the function that stops following.
 */
export function syncMaps(...maps: MaplibreMap[]): () => void {
  const [leader, ...followers] = maps
  // a jump made here fires the follower's own move event: this flag keeps it from echoing back
  let syncing = false
  const follow = (moved: MaplibreMap) => {
    if (syncing) return
    syncing = true
    try {
      for (const other of maps) if (other !== moved) other.jumpTo(cameraOf(moved))
    } finally {
      syncing = false
    }
  }
  if (leader) for (const follower of followers) follower.jumpTo(cameraOf(leader))
  const stops = maps.map((map) => {
    const onMove = () => follow(map)
    map.on('move', onMove)
    return () => map.off('move', onMove)
  })
  return () => stops.forEach((stop) => stop())
}
