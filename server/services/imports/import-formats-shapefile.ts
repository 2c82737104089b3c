// Zipped Shapefiles: the archive checked before it is inflated (record counts from the .shx sizes,
// zip-bomb limits), the .prj read, attributes in UTF-8 or GBK (detected when no .cpg says).
import type { Geometry } from 'geojson'
import { unzipSync } from 'fflate'
import { open as openShapefile } from 'shapefile'
import { InvalidInputError, LocalizedInputError } from '../../errors.ts'
import { say } from './messages.ts'
import { type SourceCrs, acceptedFrames, crsFromPrj } from './crs.ts'
import { type ParseLimits, ParseBudget } from './parse-limits.ts'
import { dbfRecordCount, scanShpRecords, shxRecordCount } from './shapefile-counts.ts'
import { Pace } from './pace.ts'
import { type ImportFile, type ParsedFeature, type ParsedLayer, decodeText, fail } from './import-formats-common.ts'

/** Uncompressed bytes a zip may unpack to, and the largest compression ratio believed. */
export const zipLimits = { maxBytes: 512 * 1024 * 1024, maxRatio: 200 }

/** A zipped Shapefile; its .prj may be left out when the request names the frame (`crsGiven`). */
export async function parseShapefileZip(
  file: ImportFile,
  limits: ParseLimits,
  crsGiven: boolean,
): Promise<ParsedLayer> {
  // the size of the .shx index, listed in the archive, says how many records the .shp holds:
  // refuse a file over the cap before inflating anything (a broken archive is reported below)
  const indexes: { name: string; size: number }[] = []
  try {
    unzipSync(file.data, {
      filter: (entry) => {
        if (/\.shx$/i.test(entry.name)) indexes.push({ name: entry.name, size: entry.originalSize })
        return false
      },
    })
  } catch {
    indexes.length = 0
  }
  for (const index of indexes) {
    const shpFile = `${file.name}/${index.name.replace(/\.shx$/i, '.shp')}`
    new ParseBudget(shpFile, limits).refuseFeatureCount(shxRecordCount(index.size))
  }
  let unpacked = 0
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(file.data, {
      filter: (entry) => {
        unpacked += entry.originalSize
        if (unpacked > zipLimits.maxBytes || (entry.size > 0 && entry.originalSize / entry.size > zipLimits.maxRatio)) {
          throw new LocalizedInputError(
            say(
              `${file.name}：已拒收：该压缩包解压后将超过 ${(zipLimits.maxBytes / 1024 / 1024).toLocaleString('zh-CN')} MiB，或压缩率异常地高（疑似 zip 炸弹）`,
              `${file.name}: refused: the archive would unpack to more than ${(zipLimits.maxBytes / 1024 / 1024).toLocaleString('en-US')} MiB or compresses suspiciously well (a zip bomb?)`,
            ),
            [{ file: file.name }],
          )
        }
        return /\.(shp|shx|dbf|prj|cpg)$/i.test(entry.name) && !entry.name.startsWith('__MACOSX')
      },
    })
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    return fail(
      file.name,
      say(
        `无法读取的 zip 压缩包：${(error as Error).message}`,
        `not a readable zip archive: ${(error as Error).message}`,
      ),
    )
  }
  const byExtension = (ext: string) => Object.entries(entries).find(([name]) => name.toLowerCase().endsWith(ext))
  const shp = byExtension('.shp')
  // the crs field stands in for a missing .prj
  const missing = ['.shp', '.shx', '.dbf', ...(crsGiven ? [] : ['.prj'])].filter((ext) => !byExtension(ext))
  if (missing.length > 0)
    return fail(
      file.name,
      say(
        `Shapefile 不完整：缺少 ${missing.join('、')}${missing.includes('.prj') && missing.length === 1 ? '（或在 crs 字段中注明坐标系，如 crs=EPSG:4547）' : ''}`,
        `the Shapefile is incomplete: missing ${missing.join(', ')}${missing.includes('.prj') && missing.length === 1 ? ' (or name the frame in the crs field, e.g. crs=EPSG:4547)' : ''}`,
      ),
    )
  const [shpName, shpBytes] = shp!
  const dbfBytes = byExtension('.dbf')![1]
  const prjEntry = byExtension('.prj')
  let crs: SourceCrs | undefined
  if (prjEntry) {
    const prj = new TextDecoder().decode(prjEntry[1])
    const prjFile = `${file.name}/${shpName.replace(/\.shp$/i, '.prj')}`
    const reading = crsFromPrj(prj)
    if (!reading)
      return fail(
        prjFile,
        say(
          `不认识的坐标系：${prj.slice(0, 60)}…，可用：${acceptedFrames}`,
          `unknown coordinate reference system: ${prj.slice(0, 60)}…: use ${acceptedFrames}`,
        ),
        'prj',
      )
    if ('problem' in reading)
      return fail(
        prjFile,
        say(
          `不可能的坐标系：${reading.problem['zh-CN']}`,
          `impossible coordinate reference system: ${reading.problem.en}`,
        ),
        'prj',
      )
    crs = reading
  }
  const cpg = byExtension('.cpg')
  const declared = cpg ? new TextDecoder().decode(cpg[1]).trim() : undefined
  // no .cpg: read the attributes (field names and values) as UTF-8 if they are valid UTF-8, else as GBK
  const encoding = declared ? normaliseEncoding(declared) : decodeText(dbfText(dbfBytes)).encoding
  const toBuffer = (bytes: Uint8Array) =>
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  // the headers say how many records and points there are: refuse a file over the caps before parsing it
  const shpFile = `${file.name}/${shpName}`
  new ParseBudget(shpFile, limits).refuseFeatureCount(
    Math.max(shxRecordCount(byExtension('.shx')![1]), dbfRecordCount(dbfBytes)),
  )
  scanShpRecords(shpBytes, new ParseBudget(shpFile, limits), shpFile)
  const budget = new ParseBudget(shpFile, limits)
  const features: ParsedFeature[] = []
  try {
    // record by record, so that parsing stops as soon as a cap is passed
    const source = await openShapefile(toBuffer(shpBytes), toBuffer(dbfBytes), { encoding })
    // source.read() settles in microtasks, which let no request in: a turn every ~20 ms
    const pace = new Pace()
    for (let index = 0; ; index++) {
      await pace.step()
      const next = await source.read()
      if (next.done) break
      budget.addFeature(index, next.value.geometry as Geometry | null, next.value.properties)
      features.push({
        index,
        geometry: next.value.geometry as Geometry | null,
        properties: (next.value.properties ?? {}) as Record<string, unknown>,
      })
    }
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    return fail(
      `${file.name}/${shpName}`,
      say(`无法读取的 Shapefile：${(error as Error).message}`, `unreadable Shapefile: ${(error as Error).message}`),
    )
  }
  return { file: `${file.name}/${shpName}`, format: 'shapefile', features, crs, encoding }
}

function dbfHeaderLength(dbf: Uint8Array): number {
  return dbf.length >= 10 ? dbf[8] | (dbf[9] << 8) : 0
}

/**
 * The text of a DBF: the field names from the header's 32-byte field descriptors (11 bytes each,
 * zero-terminated; the rest of a descriptor is binary and would spoil the guess) and the records.
 */
function dbfText(dbf: Uint8Array): Uint8Array {
  const headerLength = Math.min(dbfHeaderLength(dbf), dbf.length)
  const names: number[] = []
  for (let at = 32; at + 32 <= headerLength && dbf[at] !== 0x0d; at += 32) {
    for (let k = 0; k < 11 && dbf[at + k] !== 0; k++) names.push(dbf[at + k])
    names.push(0x20)
  }
  const text = new Uint8Array(names.length + dbf.length - headerLength)
  text.set(names)
  text.set(dbf.subarray(headerLength), names.length)
  return text
}

function normaliseEncoding(cpg: string): string {
  if (/^(utf-?8|65001)$/i.test(cpg)) return 'utf-8'
  if (/^(gbk|936|cp936|gb2312|gb18030)$/i.test(cpg)) return 'gbk'
  return cpg.toLowerCase()
}
