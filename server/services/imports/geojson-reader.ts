// Reading a GeoJSON FeatureCollection feature by feature, never the whole file in one step: a
// scanner (geojson-scanner.ts) walks the bytes, finds where each member of `features` begins and ends (strings, escapes
// and brackets followed, brackets matched) and counts the positions of its geometry on the way;
// each feature is then refused over a cap before it is parsed, or parsed alone with JSON.parse.
// Every ~20 ms of work the reader gives the event loop a turn (Pace), so that on the embedded
// database reads queued meanwhile are answered between slices. A file over the feature cap is
// counted to its end without parsing another feature and refused; malformed JSON is refused naming
// the file, the feature (from 1) and the field it lies in. Pure: no database.
import type { Geometry } from 'geojson'
import { type SourceCrs, acceptedFrames, parseCrs } from './crs.ts'
import { type ImportFile, type ParsedFeature, type ParsedLayer, fail } from './import-formats-common.ts'
import { say } from './messages.ts'
import { type ParseLimits, ParseBudget } from './parse-limits.ts'
import { Pace } from './pace.ts'
import { parseJsonPaced } from './paced-json.ts'
import {
  FeatureTrack,
  Scanner,
  closeBrace,
  closeBracket,
  colon,
  comma,
  isDigit,
  minus,
  openBrace,
  openBracket,
  quote,
} from './geojson-scanner.ts'

/** Features parsed in one JSON.parse, and the bytes after which a batch is closed (~10 ms of parsing). */
const batchFeatures = 256
const batchBytes = 1 << 20

/**
 * Positions from which a feature is parsed paced (parseJsonPaced), giving the event loop turns, not
 * by one JSON.parse: that took about a second for a polygon of a million vertices.
 */
const pacedFrom = 50_000

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
        let values: unknown[] = []
        if (batch.some(({ track }) => track.vertices >= pacedFrom))
          // one by one, a huge feature paced; a fault is named by JSON.parse as below
          for (const [k, { start, end, track }] of batch.entries()) {
            const paced = track.vertices >= pacedFrom ? await parseJsonPaced(scanner.text(start, end), pace) : undefined
            values.push(paced ? paced.value : parseJson(scanner, start, end, index + k, track))
          }
        else
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
