// The page's language, read once from the page (address, saved choice, browser) as choose.ts decides.
// Plain TypeScript, no runes: pure modules (party-figures.ts) format numbers with it too; outside a
// browser (unit tests) it is zh-CN.
import { type Locale, chooseLocale, savedLocaleKey } from './choose.ts'

export function readSaved(): string | null {
  try {
    return localStorage.getItem(savedLocaleKey)
  } catch {
    return null // storage refused (private mode, a sandbox): the browser's languages decide
  }
}

/** The page's language, fixed for its life (the header's switch saves and reloads). */
export const locale: Locale =
  typeof window === 'undefined'
    ? 'zh-CN'
    : chooseLocale({
        query: new URLSearchParams(window.location.search).get('lang'),
        saved: readSaved(),
        languages: navigator.languages?.length ? navigator.languages : [navigator.language],
      })
