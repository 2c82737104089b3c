// The words of party coverage as the server gives them (GET /api/party/vocabulary, party-vocabulary.ts
// on the server: one source for the exports, the register import and this client), in the active
// language. App.svelte loads them with the catalog; until then a code reads as itself.
import type { PartyVocabulary } from '../api/types.ts'

type Table = keyof PartyVocabulary

const state = $state<{ words: Partial<Record<Table, Record<string, string>>> }>({ words: {} })

/** Takes the server's vocabulary, keeping the labels of `language`. */
export function useVocabulary(vocabulary: PartyVocabulary, language: 'zh-CN' | 'en'): void {
  state.words = Object.fromEntries(
    Object.entries(vocabulary).map(([table, labels]) => [
      table,
      Object.fromEntries(Object.entries(labels).map(([code, label]) => [code, label[language]])),
    ]),
  )
}

/** One table's words (code → label); empty until loaded. */
export const wordsOf = (table: Table): Record<string, string> => state.words[table] ?? {}

/** The label of a code (the code itself when unknown or not yet loaded; — for none). */
export const wordOf = (table: Table, code: string | null | undefined): string =>
  code === null || code === undefined ? '—' : (state.words[table]?.[code] ?? code)

/** The vocabulary table that translates a party layer's feature property, by the property's name. */
export const propertyTable: Record<string, Table> = {
  tier: 'tiers',
  domain: 'domains',
  status: 'statuses',
  establishment: 'establishments',
  coverage: 'coverageModes',
  mode: 'coverageModes',
  category: 'coverageCategories',
  kind: 'unitKinds',
}
