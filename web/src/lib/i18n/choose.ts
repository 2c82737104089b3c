// Which language the page speaks, chosen once at start: `?lang=` in the address, else the choice saved
// by the header's switch, else the browser's languages — zh-CN unless the browser puts English first
// and names no Chinese at all. No DOM here (index.ts reads the page and passes what it found).
export type Locale = 'zh-CN' | 'en'

/** The switch's labels: each language named in itself, the same in both tables. */
export const languageNames: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' }

/** Where the switch saves the choice (localStorage). */
export const savedLocaleKey = 'grid-governance.lang'

/** A language tag read as one of ours: en, en-GB → en; zh, zh-CN, zh-Hans → zh-CN; anything else none. */
export function parseLocale(tag: string | null | undefined): Locale | undefined {
  const lower = (tag ?? '').trim().toLowerCase()
  if (lower === 'en' || lower.startsWith('en-')) return 'en'
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN'
  return undefined
}

export function chooseLocale(found: {
  query: string | null | undefined
  saved: string | null | undefined
  languages: readonly string[]
}): Locale {
  const stated = parseLocale(found.query) ?? parseLocale(found.saved)
  if (stated) return stated
  const browser = found.languages.map(parseLocale)
  return browser[0] === 'en' && !browser.includes('zh-CN') ? 'en' : 'zh-CN'
}
