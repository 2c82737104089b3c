// The words the server names (one source for its exports, imports and this client), in the active
// language: party coverage's (GET /api/party/vocabulary, both languages, this side picks) and the
// merge's department and issue kind names (GET /api/merge-runs/vocabulary, in the request's language).
// App.svelte (and the wall) load them with the catalog; until then a code reads as itself.
import type { MergeVocabulary, PartyVocabulary } from '../api/types.ts'

type Table = keyof PartyVocabulary | keyof MergeVocabulary

const state = $state<{ words: Partial<Record<Table, Record<string, string>>> }>({ words: {} })

/** Takes the server's party vocabulary, keeping the labels of `language`. */
export function useVocabulary(vocabulary: PartyVocabulary, language: 'zh-CN' | 'en'): void {
  state.words = {
    ...state.words,
    ...Object.fromEntries(
      Object.entries(vocabulary).map(([table, labels]) => [
        table,
        Object.fromEntries(Object.entries(labels).map(([code, label]) => [code, label[language]])),
      ]),
    ),
  }
}

/** Takes the merge's words, already in the page's language (the request said which). */
export function useMergeVocabulary(vocabulary: MergeVocabulary): void {
  state.words = { ...state.words, ...vocabulary }
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
