// What every area's settings share: a setting's shape (variable, default, parser, the README's words)
// and the parsers more than one area uses. Pure: reads no environment.
import path from 'node:path'

export type Parser<T> = (raw: string) => T

export interface Setting<T> {
  env: string
  default: string
  parse: Parser<T>
  doc: string
}

/** One setting per field of an area's part of the configuration. */
export type Settings<C> = { [K in keyof C]-?: Setting<C[K]> }

export const projectRoot = path.resolve(import.meta.dirname, '..', '..')

export const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const value = Number(raw)
    if (!/^-?[0-9]+$/.test(raw.trim()) || value < min || value > max)
      throw new Error(`expected an integer from ${min} to ${max}`)
    return value
  }

/** `text` read as an http(s) URL: `unreadable` when URL cannot read it, else refused for another scheme. */
export function httpUrl(text: string, unreadable: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error(unreadable)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('expected an http(s) URL')
  return url
}

export const boolean: Parser<boolean> = (raw) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new Error('expected true or false')
}
