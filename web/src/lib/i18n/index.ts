// The active language and the helpers that turn feature properties into readable text.
import type { LocalizedText } from '../api/types.ts'
import { type Locale, savedLocaleKey } from './choose.ts'
import { locale, readSaved } from './locale.ts'
import { en } from './en.ts'
import { type Messages, zhCN } from './zh-CN.ts'
import { propertyTable, wordsOf } from './vocabulary.svelte.ts'

export type { Locale } from './choose.ts'
export { locale } from './locale.ts'

export const t: Messages = locale === 'en' ? en : zhCN

if (typeof document !== 'undefined') {
  document.documentElement.lang = locale
  document.title = t.app.title
}

/** The header's switch: saves the choice, drops a `?lang=` that would override it, reloads. */
export function switchLocale(next: Locale): void {
  try {
    localStorage.setItem(savedLocaleKey, next)
  } catch {
    // not saved: the address carries it for this page instead
  }
  const url = new URL(window.location.href)
  if (readSaved() === next) url.searchParams.delete('lang')
  else url.searchParams.set('lang', next)
  history.replaceState(history.state, '', url)
  window.location.reload()
}

/** Numbers in the page's language, with thousands separators. */
export const formatNumber = (value: number, options?: Intl.NumberFormatOptions) => value.toLocaleString(locale, options)

/** Strings sorted as the page's language sorts them. */
export const compareText = (a: string, b: string) => a.localeCompare(b, locale)

export const localized = (text: LocalizedText) => text[locale]

/** Which value table translates a property on a layer (a center's level, an issue's kind read differently). */
function valueTable(layerId: string, key: string): Record<string, string> | undefined {
  if (layerId === 'service-centers' && key === 'level') return t.values.centerLevel
  if (layerId === 'service-centers' && key === 'status') return t.values.centerStatus
  if (layerId === 'merge-issues' && key === 'kind') return wordsOf('issueKinds')
  if (key === 'department') return wordsOf('departments')
  return t.values[key] ?? (propertyTable[key] ? wordsOf(propertyTable[key]) : undefined)
}

export function formatProperty(layerId: string, key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  const table = valueTable(layerId, key)
  if (table && String(value) in table) return table[String(value)]
  if (typeof value === 'boolean') return t.values.boolean[String(value)]
  if (key === 'starRating' && typeof value === 'number') return '★'.repeat(value)
  if (typeof value === 'number') return value.toLocaleString(locale, { maximumFractionDigits: 1 })
  return String(value)
}

export const propertyLabel = (key: string) => t.properties[key] ?? key
