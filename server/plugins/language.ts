// Which language to answer in: zh-CN unless the request's Accept-Language prefers English.
import type { LocalizedText } from '../errors.ts'

/** 'en' when Accept-Language ranks English above Chinese (or names English and no Chinese), else 'zh-CN'. */
export function preferredLanguage(acceptLanguage: string | undefined): keyof LocalizedText {
  let zh = -1
  let en = -1
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean)
    const weight = q ? Number(q[1]) : 1
    if (!Number.isFinite(weight) || weight <= 0) continue
    if (tag === 'zh' || tag.startsWith('zh-')) zh = Math.max(zh, weight)
    else if (tag === 'en' || tag.startsWith('en-')) en = Math.max(en, weight)
  }
  return en > zh ? 'en' : 'zh-CN'
}

/** A request's language: its `lang` query where it states one (a download link cannot set a header), else Accept-Language. */
export function requestLanguage(request: {
  query: unknown
  headers: { 'accept-language'?: string }
}): keyof LocalizedText {
  const stated = (request.query as { lang?: unknown } | undefined)?.lang
  return stated === 'en' || stated === 'zh-CN' ? stated : preferredLanguage(request.headers['accept-language'])
}

export function localize(text: LocalizedText, acceptLanguage: string | undefined): string {
  return text[preferredLanguage(acceptLanguage)]
}

/** Report items (imports) carry their text in both languages: the message in the request's, `text` dropped. */
export function localizeItems<T extends { message: string; text?: LocalizedText }>(
  items: T[],
  acceptLanguage: string | undefined,
): Omit<T, 'text'>[] {
  return items.map(({ text, ...item }) => (text ? { ...item, message: localize(text, acceptLanguage) } : item))
}

/** An error's details with any report items in them localized (`errors`, `report`, or the details themselves). */
export function localizeDetails(details: unknown, acceptLanguage: string | undefined): unknown {
  const isItems = (value: unknown): value is { message: string; text?: LocalizedText }[] =>
    Array.isArray(value) && value.some((v) => v && typeof v === 'object' && 'text' in v)
  if (isItems(details)) return localizeItems(details, acceptLanguage)
  if (!details || typeof details !== 'object' || Array.isArray(details)) return details
  return Object.fromEntries(
    Object.entries(details).map(([key, value]) => [key, isItems(value) ? localizeItems(value, acceptLanguage) : value]),
  )
}
