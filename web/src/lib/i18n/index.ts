// The active language and the helpers that turn feature properties into readable text.
import type { LocalizedText } from '../api/types.ts'
import { zhCN } from './zh-CN.ts'
import { propertyTable, wordsOf } from './vocabulary.svelte.ts'

export const locale = 'zh-CN' as const
export const t = zhCN

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
