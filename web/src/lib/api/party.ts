import { locale } from '../i18n/index.ts'
import { request } from './client.ts'
import type { PartyCoverage, PartyFindings, PartyOrgProfile, PartyRule, PartyVocabulary, UnitProfile } from './types.ts'

/** The filters of a findings list (the export links take the same). */
export interface FindingsFilter {
  rule: PartyRule
  street?: string
  community?: string
  domain?: string
  status?: string
}

function findingsQuery(filter: FindingsFilter, page?: { limit: number; offset: number }): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, value)
  if (page) {
    params.set('limit', String(page.limit))
    params.set('offset', String(page.offset))
  }
  return params.toString()
}

export const fetchPartyCoverage = (signal?: AbortSignal) =>
  request<PartyCoverage>('GET', '/api/party/coverage', { signal })

export const fetchFindings = (filter: FindingsFilter, page: { limit: number; offset: number }, signal?: AbortSignal) =>
  request<PartyFindings>('GET', `/api/party/findings?${findingsQuery(filter, page)}`, { signal })

/**
 * The export of every row of a list (audited by the server), as a link the browser downloads, with
 * the page's language as `lang` (a download link cannot send Accept-Language).
 */
export const findingsExportUrl = (filter: FindingsFilter, format: 'csv' | 'xlsx') =>
  `/api/party/findings.${format}?${findingsQuery(filter)}&lang=${locale}`

export const fetchOrgProfile = (code: string, signal?: AbortSignal) =>
  request<PartyOrgProfile>('GET', `/api/party/orgs/${encodeURIComponent(code)}`, { signal })

export const fetchUnitProfile = (code: string, signal?: AbortSignal) =>
  request<UnitProfile>('GET', `/api/party/units/${encodeURIComponent(code)}`, { signal })

/** The words of party coverage (tiers, statuses, domains, coverage, kinds, rule names), one source on the server. */
export const fetchPartyVocabulary = (signal?: AbortSignal) =>
  request<PartyVocabulary>('GET', '/api/party/vocabulary', { signal })
