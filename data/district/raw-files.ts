// The demo's department layers as raw department files have them: each grid with the department's
// own running number (OBJECTID) and its name, no code in the scheme and no community code: the
// import assigns codes (community code + serial) by the community each grid lies in. Pure.
import type { DemoGrid } from './types.ts'

export function rawGridProperties(grid: DemoGrid, index: number): Record<string, string | number> {
  return { OBJECTID: index + 1, 网格名称: grid.name, 网格长: grid.attributes.chiefName }
}
