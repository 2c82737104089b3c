// Search over places and things by name, code, grid chief, place name or pinyin initials. Each
// caller's scope has its own index (the repository filters by region prefix), built once with the
// initials computed by pinyin-pro and kept until data changes.
import type { Kysely } from 'kysely'
import { pinyin } from 'pinyin-pro'
import { type SearchEntryRow, findSearchEntries } from '../../db/repositories/search.repository.ts'
import type { Tables } from '../../db/tables.ts'
import type { SearchHit, SearchKind, SearchQuery, SearchResult } from '../../schemas/search.schema.ts'
import { maskPersonal } from '../../db/mask.ts'
import { scopedCacheKey } from '../../db/scope.ts'
import { type Principal, maySeePersonalData } from '../auth/roles.ts'

interface IndexedEntry extends SearchEntryRow {
  /** lower-case name, and the pinyin initials of its Chinese characters (泉桥街道 → qqjd) */
  nameKey: string
  initials: string
}

export const searchKinds: SearchKind[] = ['region', 'unifiedGrid', 'grid', 'serviceCenter', 'partyOrg', 'unit']

/** The first letters of a text's Chinese characters, other characters as they are, lower case. */
export function initialsOf(text: string): string {
  return pinyin(text, { pattern: 'first', toneType: 'none', separator: '' }).replace(/\s+/g, '').toLowerCase()
}

/** What a query matched in an entry, best reason first, or undefined. */
export function matchOf(entry: IndexedEntry, query: string, mayMatchChief: boolean): SearchHit['matched'] | undefined {
  if (entry.nameKey.includes(query)) return 'name'
  if (entry.code.startsWith(query)) return 'code'
  if (/^[a-z]+$/.test(query) && entry.initials.includes(query)) return 'initials'
  if (mayMatchChief && entry.chiefName?.includes(query)) return 'chief'
  const parts = query.split(/\s+/).filter(Boolean)
  if (parts.length > 0 && parts.every((part) => entry.place.includes(part) || entry.nameKey.includes(part)))
    return 'place'
  return undefined
}

const rank: Record<SearchHit['matched'], number> = { name: 0, code: 1, initials: 2, chief: 3, place: 4 }

export class SearchService {
  private readonly indexes = new Map<string, Promise<IndexedEntry[]>>()

  constructor(private readonly db: Kysely<Tables>) {}

  /** Data changed (an import, a publish): build the indexes again next time. */
  invalidate(): void {
    this.indexes.clear()
  }

  private index(regionPrefix: string | null): Promise<IndexedEntry[]> {
    const key = scopedCacheKey({ regionPrefix: regionPrefix ?? undefined })
    let index = this.indexes.get(key)
    if (!index) {
      index = findSearchEntries(this.db, regionPrefix).then((rows) =>
        rows.map((row) => ({ ...row, nameKey: row.name.toLowerCase(), initials: initialsOf(row.name) })),
      )
      index.catch(() => this.indexes.delete(key))
      this.indexes.set(key, index)
    }
    return index
  }

  async search(query: SearchQuery, regionPrefix: string | null, principal?: Principal): Promise<SearchResult> {
    const q = query.q.trim().toLowerCase()
    const limit = query.limit ?? 8
    const entries = q === '' ? [] : await this.index(regionPrefix)
    const found = new Map<SearchKind, { entry: IndexedEntry; matched: SearchHit['matched'] }[]>()
    for (const entry of entries) {
      const matched = matchOf(entry, q, maySeePersonalData(principal, entry.regionCode))
      if (!matched) continue
      const list = found.get(entry.kind) ?? []
      list.push({ entry, matched })
      found.set(entry.kind, list)
    }
    const groups = searchKinds.flatMap((kind) => {
      const list = found.get(kind)
      if (!list) return []
      list.sort((a, b) => rank[a.matched] - rank[b.matched] || a.entry.name.length - b.entry.name.length)
      const hits = list.slice(0, limit).map(({ entry, matched }) => toHit(entry, matched, principal))
      return [{ kind, total: list.length, hits }]
    })
    return { query: query.q, groups }
  }
}

function toHit(entry: IndexedEntry, matched: SearchHit['matched'], principal?: Principal): SearchHit {
  const { nameKey: _nameKey, initials: _initials, chiefName, ...hit } = entry
  const chief =
    chiefName === null || maySeePersonalData(principal, entry.regionCode) ? chiefName : maskPersonal(chiefName)
  return { ...hit, chiefName: chief, matched }
}
