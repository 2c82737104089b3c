// JSON text parsed to the value JSON.parse gives, with a turn given to the event loop every ~20 ms
// of work (Pace): one JSON.parse of a feature of a million positions held the server's thread (and,
// on PGlite, the database) for about a second. Slower than JSON.parse, so it is used only for huge
// features. Text that is not valid JSON gives undefined: the caller then lets JSON.parse say why.
// Iterative, not recursive: nesting however deep cannot overflow the stack. Pure: no database.
import type { Pace } from './pace.ts'

/** A JSON number (RFC 8259), anchored where the parser stands. */
const jsonNumber = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/** Values read between two looks at the clock. */
const valuesPerLook = 4096

type Frame = { array: unknown[] } | { object: Record<string, unknown>; key: string }

/** Sets a member as JSON.parse does: `__proto__` is an own member, not the prototype. */
function setMember(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true })
  else object[key] = value
}

/** The value of `text` as JSON.parse reads it, or undefined when the text is not valid JSON. */
export async function parseJsonPaced(text: string, pace: Pace): Promise<{ value: unknown } | undefined> {
  const end = text.length
  let pos = 0
  const skipSpace = () => {
    for (; pos < end; pos++) {
      const c = text.charCodeAt(pos)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return
    }
  }
  /** A string from the quote at pos, escapes and all, or undefined. */
  const readString = (): string | undefined => {
    if (text.charCodeAt(pos) !== 0x22) return undefined
    let at = pos + 1
    for (; at < end; at++) {
      const c = text.charCodeAt(at)
      if (c === 0x5c) at++
      else if (c === 0x22) break
    }
    if (at >= end) return undefined
    try {
      // the escapes and the control characters JSON forbids, as JSON.parse judges them
      const value = JSON.parse(text.slice(pos, at + 1)) as string
      pos = at + 1
      return value
    } catch {
      return undefined
    }
  }
  /** A member's name and its colon, or undefined. */
  const readKey = (): string | undefined => {
    skipSpace()
    const key = readString()
    if (key === undefined) return undefined
    skipSpace()
    if (text.charCodeAt(pos) !== 0x3a) return undefined
    pos++
    return key
  }
  const stack: Frame[] = []
  for (let read = 1; ; read++) {
    if (read % valuesPerLook === 0) await pace.step()
    skipSpace()
    let value: unknown
    const c = text.charCodeAt(pos)
    if (c === 0x7b || c === 0x5b) {
      pos++
      skipSpace()
      if (text.charCodeAt(pos) === (c === 0x7b ? 0x7d : 0x5d)) {
        pos++
        value = c === 0x7b ? {} : []
      } else if (c === 0x5b) {
        stack.push({ array: [] })
        continue
      } else {
        const key = readKey()
        if (key === undefined) return undefined
        stack.push({ object: {}, key })
        continue
      }
    } else if (c === 0x22) {
      value = readString()
      if (value === undefined) return undefined
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      jsonNumber.lastIndex = pos
      const number = jsonNumber.exec(text)
      if (!number) return undefined
      value = Number(number[0])
      pos += number[0].length
    } else if (text.startsWith('true', pos)) {
      value = true
      pos += 4
    } else if (text.startsWith('false', pos)) {
      value = false
      pos += 5
    } else if (text.startsWith('null', pos)) {
      value = null
      pos += 4
    } else return undefined
    // the value goes into its container; containers that close after it go into theirs
    for (;;) {
      const top = stack.at(-1)
      if (!top) {
        skipSpace()
        return pos === end ? { value } : undefined
      }
      if ('array' in top) top.array.push(value)
      else setMember(top.object, top.key, value)
      skipSpace()
      const next = text.charCodeAt(pos)
      if (next === 0x2c) {
        pos++
        if ('object' in top) {
          const key = readKey()
          if (key === undefined) return undefined
          top.key = key
        }
        break
      }
      if (next !== ('array' in top ? 0x5d : 0x7d)) return undefined
      pos++
      stack.pop()
      value = 'array' in top ? top.array : top.object
    }
  }
}
