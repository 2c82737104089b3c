// The byte scanner under the GeoJSON reader (geojson-reader.ts): it walks a file's bytes without
// decoding them whole, skips strings (escapes followed), matches brackets, notes where each member
// of an object begins and ends, counts a geometry's positions on the way, gives the event loop a
// turn every ~256 KB inside one large value (Pace), and refuses malformed JSON naming the file,
// the feature (from 1), the member and the line and column. Pure: no database.
import type { LocalizedText } from '../../errors.ts'
import { fail } from './import-formats-common.ts'
import { say } from './messages.ts'
import type { Pace } from './pace.ts'

export const quote = 0x22
const backslash = 0x5c
export const openBrace = 0x7b
export const closeBrace = 0x7d
export const openBracket = 0x5b
export const closeBracket = 0x5d
export const comma = 0x2c
export const colon = 0x3a
export const minus = 0x2d

/** The bytes the scanner stops at inside an object or array: quotes, brackets, commas and colons. */
const structural = new Uint8Array(256)
for (const b of [quote, openBrace, closeBrace, openBracket, closeBracket, comma, colon]) structural[b] = 1

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
export const isDigit = (b: number) => b >= 0x30 && b <= 0x39

/** Bytes scanned between looks at the clock inside one value (a feature of a million vertices is ~30 MB). */
const scanSlice = 1 << 18

/** A feature's top-level member as scanned: its name and where its value lies in the file. */
interface Member {
  name: string
  start: number
  end: number
}

/** What the scan of one feature learns besides its extent: its members and its geometry's positions. */
export class FeatureTrack {
  members: Member[] = []
  vertices = 0
  expectingKey = false
  current: Member | undefined
}

export class Scanner {
  pos = 0
  private readonly buffer: Buffer

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    private readonly pace: Pace,
  ) {
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    // a byte-order mark is not part of the JSON
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) this.pos = 3
  }

  text(start: number, end: number): string {
    return this.buffer.toString('utf8', start, end)
  }

  skipSpace(): number {
    const { bytes } = this
    while (this.pos < bytes.length && isSpace(bytes[this.pos])) this.pos++
    return this.pos < bytes.length ? bytes[this.pos] : -1
  }

  /** Line and column (from 1, in characters) of a byte offset. */
  where(offset: number): LocalizedText {
    let line = 1
    let lineStart = 0
    for (let i = 0; i < offset && i < this.bytes.length; i++)
      if (this.bytes[i] === 0x0a) {
        line++
        lineStart = i + 1
      }
    const column = this.text(lineStart, offset).length + 1
    return say(
      `第 ${line.toLocaleString('zh-CN')} 行第 ${column.toLocaleString('zh-CN')} 列`,
      `line ${line.toLocaleString('en-US')}, column ${column.toLocaleString('en-US')}`,
    )
  }

  /** Refuses the file as malformed JSON at `offset`. */
  malformed(problem: LocalizedText, offset: number, feature?: number, field?: string): never {
    const at = this.where(offset)
    return fail(
      this.file,
      say(`JSON 格式错误：${problem['zh-CN']}（${at['zh-CN']}）`, `malformed JSON: ${problem.en} (${at.en})`),
      field,
      feature,
    )
  }

  /** What is at `offset`, for a message: a character, or the end of the file. */
  found(offset: number): LocalizedText {
    if (offset >= this.bytes.length) return say('文件已结束', 'the file ends')
    const character = this.text(offset, Math.min(this.bytes.length, offset + 4)).slice(0, 1)
    return say(`出现了“${character}”`, `found "${character}"`)
  }

  expect(byte: number, what: string, feature?: number): void {
    if (this.skipSpace() === byte) {
      this.pos++
      return
    }
    const found = this.found(this.pos)
    this.malformed(say(`此处应为 ${what}，${found['zh-CN']}`, `expected ${what}, ${found.en}`), this.pos, feature)
  }

  /** Moves past a string starting at pos; returns where it ends (after the closing quote). */
  private string(start: number, feature?: number): number {
    const { bytes } = this
    for (let i = bytes.indexOf(quote, start + 1); i !== -1; i = bytes.indexOf(quote, i + 1)) {
      // a quote after an odd number of backslashes is escaped
      let escapes = 0
      while (bytes[i - 1 - escapes] === backslash) escapes++
      if (escapes % 2 === 0) return i + 1
    }
    return this.malformed(say('字符串没有结束', 'a string is not closed'), start, feature)
  }

  /** A member name: the string at pos, unescaped. */
  key(feature?: number): string {
    if (this.skipSpace() !== quote) {
      const found = this.found(this.pos)
      this.malformed(say(`此处应为成员名，${found['zh-CN']}`, `expected a member name, ${found.en}`), this.pos, feature)
    }
    const start = this.pos
    this.pos = this.string(start, feature)
    try {
      return JSON.parse(this.text(start, this.pos)) as string
    } catch (error) {
      return this.malformed(say((error as Error).message, (error as Error).message), start, feature)
    }
  }

  /**
   * Moves past one JSON value starting at pos, matching brackets (the values inside are left to
   * JSON.parse). With `track`, notes the members of an object and counts the positions (arrays
   * whose first member is a number) under its `geometry`.
   */
  async value(feature?: number, track?: FeatureTrack): Promise<void> {
    const { bytes } = this
    const n = bytes.length
    const start = this.skipSpace()
    if (start === -1)
      this.malformed(say('文件在此值之前结束', 'the file ends where a value belongs'), this.pos, feature)
    let i = this.pos
    if (start === quote) {
      this.pos = this.string(i, feature)
      return
    }
    if (start !== openBrace && start !== openBracket) {
      // a number or a literal: up to the next delimiter (JSON.parse judges it)
      while (i < n && !isSpace(bytes[i]) && bytes[i] !== comma && bytes[i] !== closeBrace && bytes[i] !== closeBracket)
        i++
      if (i === this.pos) {
        const found = this.found(i)
        this.malformed(say(`此处应为一个值，${found['zh-CN']}`, `expected a value, ${found.en}`), i, feature)
      }
      this.pos = i
      return
    }
    // the closing bracket each open one wants
    const closers: number[] = []
    let nextLook = i + scanSlice
    for (;;) {
      // numbers, spaces and the like are passed over in one tight loop
      while (i < n && structural[bytes[i]] === 0) i++
      if (i >= n) {
        this.malformed(
          feature !== undefined
            ? say('文件在此要素中途结束', 'the file ends inside this feature')
            : say('文件在此值中途结束', 'the file ends inside this value'),
          n,
          feature,
          track?.current?.name,
        )
      }
      const b = bytes[i]
      if (b === quote) {
        const end = this.string(i, feature)
        if (track && closers.length === 1 && track.expectingKey) {
          let name: string
          try {
            name = JSON.parse(this.text(i, end)) as string
          } catch {
            name = this.text(i + 1, end - 1)
          }
          track.current = { name, start: end, end: n }
          track.members.push(track.current)
          track.expectingKey = false
        }
        i = end
        continue
      }
      if (b === openBrace || b === openBracket) {
        closers.push(b === openBrace ? closeBrace : closeBracket)
        if (track) {
          if (closers.length === 1) track.expectingKey = b === openBrace
          else if (b === openBracket && track.current?.name === 'geometry') {
            // a position: an array whose first member is a number
            let j = i + 1
            while (j < n && isSpace(bytes[j])) j++
            if (isDigit(bytes[j]) || bytes[j] === minus) track.vertices++
          }
        }
      } else if (b === closeBrace || b === closeBracket) {
        if (closers.pop() !== b) {
          const found = this.found(i)
          this.malformed(
            say(`括号不配对，${found['zh-CN']}`, `brackets do not match, ${found.en}`),
            i,
            feature,
            track?.current?.name,
          )
        }
        if (closers.length === 0) {
          if (track?.current) track.current.end = i
          i++
          break
        }
      } else if (track && closers.length === 1) {
        if (b === colon && track.current) track.current.start = i + 1
        else if (b === comma) {
          if (track.current) track.current.end = i
          track.current = undefined
          track.expectingKey = true
        }
      }
      i++
      if (i >= nextLook) {
        nextLook = i + scanSlice
        this.pos = i
        await this.pace.step()
      }
    }
    this.pos = i
  }
}
