// The base style, built in code: a plain background and the slot markers. No remote style, tiles,
// glyphs or sprites; without a `glyphs` URL MapLibre draws every label locally, with the shipped
// font: labels name it (`text-font`), the style declares its subset files (`font-faces`), and any
// layer naming no font draws ideographs with it too (`localIdeographFontFamily`).
import type { StyleSpecification } from 'maplibre-gl'
import { slots } from './context.ts'
import { fontFamily, mapFontFaces } from './fonts.ts'

export const localFontFamily = `${fontFamily}, sans-serif`

/** The `text-font` of every label. */
export const labelFont = [fontFamily]

export function baseStyle(): StyleSpecification {
  return {
    version: 8,
    'font-faces': mapFontFaces(),
    sources: {},
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } },
      ...slots.map((id) => ({ id, type: 'background' as const, layout: { visibility: 'none' as const } })),
    ],
  }
}
