// The features under the last click: the first is shown in the inspector, the others listed.
export interface SelectedFeature {
  layerId: string
  id: string | number | undefined
  properties: Record<string, unknown>
}

export class SelectionStore {
  features = $state<SelectedFeature[]>([])
  index = $state(0)

  get current(): SelectedFeature | undefined {
    return this.features[this.index]
  }

  select(features: SelectedFeature[]): void {
    this.features = features
    this.index = 0
  }

  show(index: number): void {
    this.index = index
  }

  clear(): void {
    this.features = []
    this.index = 0
  }
}
