// The CJK font the product ships (Noto Sans SC from @fontsource, bundled by Vite), split into ~100
// subset files by unicode-range: the UI registers them as FontFaces of the document, the map names
// them in the style's `font-faces`. A browser fetches only the files whose characters it draws, from
// this server, so a machine without a Chinese font still shows Chinese and nothing leaves it.
// (Registered from code rather than through the package's CSS, which would add a second set of
// @font-face rules and a .woff fallback for each subset.)
/// <reference types="vite/client" />
import type { StyleSpecification } from 'maplibre-gl'
import ranges from '@fontsource/noto-sans-sc/unicode.json' with { type: 'json' }

/** The family the UI and the map labels name. */
export const fontFamily = 'Noto Sans SC'

// every 400-weight subset file, each emitted by Vite as its own asset (only the URLs are in the bundle)
const files = import.meta.glob<string>(
  [
    '../../../../node_modules/@fontsource/noto-sans-sc/files/*-400-normal.woff2',
    '!../../../../node_modules/@fontsource/noto-sans-sc/files/*-chinese-simplified-400-normal.woff2',
  ],
  {
    query: '?url',
    import: 'default',
    eager: true,
  },
)

/** Each subset file's absolute URL and unicode-range. */
function subsets(): { url: string; range: string }[] {
  return Object.entries(files).flatMap(([file, url]) => {
    const subset = /noto-sans-sc-(.+)-400-normal\.woff2$/.exec(file)?.[1]
    const range =
      subset && ((ranges as Record<string, string>)[`[${subset}]`] ?? (ranges as Record<string, string>)[subset])
    return range ? [{ url: new URL(url, location.href).href, range }] : []
  })
}

/** `font-faces` of the map style: one entry per subset file with its unicode-range. */
export function mapFontFaces(): NonNullable<StyleSpecification['font-faces']> {
  return { [fontFamily]: subsets().map(({ url, range }) => ({ url, 'unicode-range': range.split(',') })) }
}

/** The UI's font: one FontFace per subset, each loaded by the browser only when its characters are drawn. */
export function registerUiFont(): void {
  // FontFaceSet is a set-like of FontFace (its add is in DOM.Iterable's typing, not DOM's)
  const faces = document.fonts as unknown as Set<FontFace>
  for (const { url, range } of subsets())
    faces.add(
      new FontFace(fontFamily, `url(${url}) format('woff2')`, { unicodeRange: range, weight: '400', display: 'swap' }),
    )
}
