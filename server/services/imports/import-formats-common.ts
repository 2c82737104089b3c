// What every format's reader shares: the parsed features' shapes, the refusal naming file, feature
// and field, and text decoding (UTF-8, else GBK). Pure: no database.
import type { Geometry } from 'geojson'
import { LocalizedInputError, type LocalizedText } from '../../errors.ts'
import { featureNo } from './messages.ts'
import type { SourceCrs } from './crs.ts'

export type ImportFormat = 'geojson' | 'shapefile' | 'csv' | 'geopackage'

export interface ParsedFeature {
  /** 0-based position in the file */
  index: number
  geometry: Geometry | null
  properties: Record<string, unknown>
}

export interface ParsedLayer {
  file: string
  format: ImportFormat
  features: ParsedFeature[]
  /** the frame the file declares (.prj, GeoJSON crs), if any */
  crs?: SourceCrs
  /** the attribute encoding used (Shapefile/CSV) */
  encoding?: string
}

export interface ImportFile {
  name: string
  data: Uint8Array
}

/** Refuses the file: `message` in zh-CN and English, or one text for both (a parser's own words). */
export const fail = (file: string, message: LocalizedText | string, field?: string, feature?: number): never => {
  const text = typeof message === 'string' ? { 'zh-CN': message, en: message } : message
  const at = feature !== undefined ? featureNo(feature) : undefined
  throw new LocalizedInputError(
    {
      'zh-CN': `${file}${at ? ` ${at['zh-CN']}` : ''}${field ? ` 字段“${field}”` : ''}：${text['zh-CN']}`,
      en: `${file}${at ? ` ${at.en}` : ''}${field ? ` field "${field}"` : ''}: ${text.en}`,
    },
    [{ file, feature, field }],
  )
}

/** UTF-8 when the bytes are valid UTF-8, else GBK (Chinese offices' default). */
export function decodeText(bytes: Uint8Array, declared?: string): { text: string; encoding: string } {
  if (declared) return { text: new TextDecoder(declared).decode(bytes), encoding: declared.toLowerCase() }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'utf-8' }
  } catch {
    return { text: new TextDecoder('gbk').decode(bytes), encoding: 'gbk' }
  }
}
