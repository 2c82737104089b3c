// The layer catalog and which layers are switched on.
import type { LayerInfo } from '../api/types.ts'

export class LayerStore {
  catalog = $state<LayerInfo[]>([])
  visible = $state<Record<string, boolean>>({})

  setCatalog(layers: LayerInfo[]): void {
    this.catalog = layers
    this.visible = Object.fromEntries(layers.map((l) => [l.id, this.visible[l.id] ?? l.defaultVisible]))
  }

  toggle(id: string, on: boolean): void {
    this.visible[id] = on
  }

  byId(id: string): LayerInfo | undefined {
    return this.catalog.find((l) => l.id === id)
  }
}
