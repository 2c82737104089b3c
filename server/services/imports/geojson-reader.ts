// Reading a GeoJSON FeatureCollection feature by feature, never the whole file in one step: a
// scanner walks the bytes, finds where each member of `features` begins and ends (strings, escapes
// and brackets followed, brackets matched) and counts the positions of its geometry on the way;
// each feature is then refused over a cap before it is parsed, or parsed alone with JSON.parse.
// Every ~20 ms of work the reader gives the event loop a turn (Pace), so that on the embedded
// database reads queued meanwhile are answered between slices. A file over the feature cap is
// counted to its end without parsing another feature and refused; malformed JSON is refused naming
// the file, the feature (from 1) and the field it lies in. Pure: no database.
import type { Geometry } from 'geojson'
import type { LocalizedText } from '../../errors.ts'
import { type SourceCrs, acceptedFrames, parseCrs } from './crs.ts'
import { type ImportFile, type ParsedFeature, type ParsedLayer, fail } from './import-formats-common.ts'
import { say } from './messages.ts'
import { type ParseLimits, ParseBudget } from './parse-limits.ts'
import { Pace } from './pace.ts'

const quote = 0x22
const backslash = 0x5c
const openBrace = 0x7b
const closeBrace = 0x7d
const openBracket = 0x5b
const closeBracket = 0x5d
const comma = 0x2c
const colon = 0x3a
const minus = 0x2d

/** The bytes the scanner stops at inside an object or array: quotes, brackets, commas and colons. */
const structural = new Uint8Array(256)
for (const b of [quote, openBrace, closeBrace, openBracket, closeBracket, comma, colon]) structural[b] = 1

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
const isDigit = (b: number) => b >= 0x30 && b <= 0x39

/** Features parsed in one JSON.parse, and the bytes after which a batch is closed (~10 ms of parsing). */
const batchFeatures = 256
const batchBytes = 1 << 20

/** Bytes scanned between looks at the clock inside one value (a feature of a million vertices is ~30 MB). */
const scanSlice = 1 << 18

/** A feature's top-level member as scanned: its name and where its value lies in the file. */
interface Member {
  name: string
  start: number
  end: number
}

/** What the scan of one feature learns besides its extent: its members and its geometry's positions. */
class FeatureTrack {
  members: Member[] = []
  vertices = 0
  expectingKey = false
  current: Member | undefined
}

class Scanner {
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

/** The value of JSON text, or the refusal naming the feature and the member it fails in. */
function parseJson(
  scanner: Scanner,
  start: number,
  end: number,
  feature?: number,
  track?: FeatureTrack,
  member?: string,
): unknown {
  const text = scanner.text(start, end)
  try {
    return JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    // the member whose value does not parse on its own is the field at fault
    const field =
      member ??
      track?.members.find(({ start, end }) => {
        try {
          JSON.parse(scanner.text(start, end))
          return false
        } catch {
          return true
        }
      })?.name
    // V8 names a position in the text parsed: said as the file's line and column
    const position = /at position (\d+)/.exec(message)
    const at = position ? start + Buffer.byteLength(text.slice(0, Number(position[1]))) : undefined
    const where = at !== undefined ? scanner.where(at) : undefined
    return fail(
      scanner.file,
      say(
        `JSON 格式错误：${message}${where ? `（${where['zh-CN']}）` : ''}`,
        `malformed JSON: ${message}${where ? ` (${where.en})` : ''}`,
      ),
      field,
      feature,
    )
  }
}

/**
 * Reads a GeoJSON FeatureCollection, feature by feature, refusing it (413) as soon as a cap of
 * `limits` is passed: the feature count (the file is then counted to its end, unparsed), the
 * vertices of one feature (counted before it is parsed) or of the whole file, the time budget.
 */
export async function readGeoJson(file: ImportFile, limits: ParseLimits): Promise<ParsedLayer> {
  const pace = new Pace()
  const scanner = new Scanner(file.data, file.name, pace)
  const notCollection = () =>
    fail(file.name, say('不是 GeoJSON FeatureCollection', 'not a GeoJSON FeatureCollection'), 'type')
  const first = scanner.skipSpace()
  if (first === -1) scanner.malformed(say('文件是空的', 'the file is empty'), scanner.pos)
  if (first !== openBrace) {
    // valid JSON of another kind, or not JSON at all
    if (first === openBracket || first === quote || first === minus || isDigit(first)) notCollection()
    scanner.malformed(say('文件不以“{”开头', 'the file does not begin with "{"'), scanner.pos)
  }
  scanner.pos++

  // what the scanned positions say, checked before a feature is parsed; `budget` then checks what was parsed
  const scanned = new ParseBudget(file.name, limits)
  const budget = new ParseBudget(file.name, limits)
  const features: ParsedFeature[] = []
  let type: unknown
  let crs: SourceCrs | undefined
  let sawFeatures = false

  /** Counts the features from `index` on without parsing them, and refuses the file with the count. */
  const refuseOverCount = async (index: number): Promise<never> => {
    let count = index
    try {
      for (;;) {
        await scanner.value(count)
        count++
        if (scanner.skipSpace() !== comma) break
        scanner.pos++
      }
    } catch {
      // a file that breaks off is refused for what it holds up to there
    }
    budget.refuseFeatureCount(count)
    throw new Error('unreachable')
  }

  const readFeatures = async () => {
    if (sawFeatures) fail(file.name, say('“features” 出现了不止一次', '"features" appears more than once'), 'features')
    sawFeatures = true
    if (scanner.skipSpace() !== openBracket) {
      // not an array: the file is not a FeatureCollection (a malformed value is said so first)
      const start = scanner.pos
      await scanner.value()
      parseJson(scanner, start, scanner.pos, undefined, undefined, 'features')
      notCollection()
    }
    scanner.pos++
    if (scanner.skipSpace() === closeBracket) {
      scanner.pos++
      return
    }
    for (let index = 0, more = true; more;) {
      // a batch of features scanned (each checked against the caps before it is parsed), then parsed
      // in one JSON.parse; a refusal met while scanning comes after the faults of the features before it
      const batch: { start: number; end: number; track: FeatureTrack }[] = []
      let refusal: unknown
      try {
        while (batch.length < batchFeatures && (batch.length === 0 || scanner.pos - batch[0].start < batchBytes)) {
          await pace.step()
          const at = index + batch.length
          if (at >= limits.maxFeatures) await refuseOverCount(at)
          if (scanner.skipSpace() === closeBracket)
            scanner.malformed(say('“,”之后缺少要素', 'a feature is missing after ","'), scanner.pos, at)
          const start = scanner.pos
          const track = new FeatureTrack()
          await scanner.value(at, track)
          const end = scanner.pos
          // a feature over the vertex caps is refused before it is parsed
          scanned.countVertices(at, track.vertices)
          batch.push({ start, end, track })
          const next = scanner.skipSpace()
          if (next === comma) scanner.pos++
          else if (next === closeBracket) {
            scanner.pos++
            more = false
            break
          } else {
            const found = scanner.found(scanner.pos)
            scanner.malformed(
              say(`此要素之后应为“,”或“]”，${found['zh-CN']}`, `expected "," or "]" after this feature, ${found.en}`),
              scanner.pos,
              at,
            )
          }
        }
      } catch (error) {
        refusal = error
        more = false
      }
      if (batch.length > 0) {
        let values: unknown[]
        try {
          values = JSON.parse(`[${scanner.text(batch[0].start, batch.at(-1)!.end)}]`) as unknown[]
        } catch (error) {
          // one by one, to name the feature and field at fault
          for (const [k, { start, end, track }] of batch.entries()) parseJson(scanner, start, end, index + k, track)
          throw error
        }
        for (const [k, value] of values.entries()) {
          await pace.step()
          const raw = value as { type?: unknown; geometry?: unknown; properties?: unknown } | null
          if (raw?.type !== 'Feature')
            fail(file.name, say('不是 GeoJSON Feature', 'not a GeoJSON Feature'), 'type', index + k)
          budget.addFeature(index + k, raw!.geometry as Geometry | null, raw!.properties)
          features.push({
            index: index + k,
            geometry: (raw!.geometry ?? null) as Geometry | null,
            properties: (raw!.properties ?? {}) as Record<string, unknown>,
          })
        }
        index += batch.length
      }
      if (refusal !== undefined) throw refusal
    }
  }

  /** A member of the collection other than `features`: `type` and `crs` are checked as soon as they are read. */
  const readMember = async (name: string) => {
    scanner.skipSpace()
    const start = scanner.pos
    await scanner.value()
    const value = parseJson(scanner, start, scanner.pos, undefined, undefined, name)
    if (name === 'type') {
      type = value
      if (type !== 'FeatureCollection') notCollection()
    } else if (name === 'crs') {
      const crsName = (value as { properties?: { name?: unknown } } | null)?.properties?.name
      if (typeof crsName !== 'string') return
      crs = parseCrs(crsName)
      if (!crs)
        fail(
          file.name,
          say(
            `不认识的坐标系“${crsName}”，可用：${acceptedFrames}`,
            `unknown coordinate reference system "${crsName}": use ${acceptedFrames}`,
          ),
          'crs',
        )
    }
  }

  if (scanner.skipSpace() === closeBrace) scanner.pos++
  else
    for (;;) {
      const name = scanner.key()
      scanner.expect(colon, '“:”')
      if (name === 'features') await readFeatures()
      else await readMember(name)
      const next = scanner.skipSpace()
      if (next === comma) {
        scanner.pos++
        continue
      }
      if (next === closeBrace) {
        scanner.pos++
        break
      }
      const found = scanner.found(scanner.pos)
      scanner.malformed(say(`此处应为“,”或“}”，${found['zh-CN']}`, `expected "," or "}", ${found.en}`), scanner.pos)
    }
  if (scanner.skipSpace() !== -1) {
    const found = scanner.found(scanner.pos)
    scanner.malformed(
      say(`JSON 结束之后还有内容，${found['zh-CN']}`, `more after the end of the JSON, ${found.en}`),
      scanner.pos,
    )
  }
  if (type !== 'FeatureCollection' || !sawFeatures) notCollection()
  return { file: file.name, format: 'geojson', features, crs }
}
