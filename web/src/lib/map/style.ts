// The base style, built in code: a plain background and the slot markers. No remote style, tiles,
// glyphs or sprites; without a `glyphs` URL MapLibre draws every label locally.
import type { StyleSpecification } from 'maplibre-gl'
import { slots } from './context.ts'

export const localFontFamily = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", sans-serif'

export function baseStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } },
      ...slots.map((id) => ({ id, type: 'background' as const, layout: { visibility: 'none' as const } })),
    ],
  }
}
