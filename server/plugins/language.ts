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

export function localize(text: LocalizedText, acceptLanguage: string | undefined): string {
  return text[preferredLanguage(acceptLanguage)]
}
