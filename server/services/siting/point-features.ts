// GeoJSON points as table rows: each Point feature a row of its properties with its coordinates
// under `x` and `y`, numbered as features are (the first is 1), so that the siting inputs' checks read
// a GeoJSON file like a sheet. A feature that is not a Point refuses the file, naming it.
import { LocalizedInputError } from '../../errors.ts'
import type { SheetRow } from '../party/party-registers.ts'

const refuse = (file: string, zh: string, en: string, feature?: number, field?: string): never => {
  const at =
    feature === undefined ? { zh: '', en: '' } : { zh: ` 第 ${feature + 1} 个要素`, en: ` feature ${feature + 1}` }
  throw new LocalizedInputError(
    {
      'zh-CN': `${file}${at.zh}${field ? ` 字段“${field}”` : ''}：${zh}`,
      en: `${file}${at.en}${field ? ` field "${field}"` : ''}: ${en}`,
    },
    [{ file, ...(feature === undefined ? {} : { feature }), ...(field ? { field } : {}) }],
  )
}

export function readPointFeatures(file: { name: string; data: Uint8Array }): {
  rows: SheetRow[]
  headers: Map<string, string[]>
} {
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8').decode(file.data).replace(/^\uFEFF/, ''))
  } catch (error) {
    return refuse(
      file.name,
      `不是有效的 JSON（${(error as Error).message}）`,
      `not valid JSON (${(error as Error).message})`,
    )
  }
  const collection = parsed as { type?: unknown; features?: unknown }
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features))
    return refuse(
      file.name,
      '不是 GeoJSON 要素集合（FeatureCollection）',
      'not a GeoJSON FeatureCollection',
      undefined,
      'type',
    )
  const names = new Set<string>(['x', 'y'])
  const rows: SheetRow[] = collection.features.map((feature: unknown, index: number) => {
    const f = feature as { geometry?: { type?: unknown; coordinates?: unknown } | null; properties?: unknown }
    const coordinates = f?.geometry?.coordinates
    if (f?.geometry?.type !== 'Point' || !Array.isArray(coordinates) || coordinates.length < 2)
      return refuse(
        file.name,
        `不是点要素（几何类型 ${String(f?.geometry?.type ?? '无')}），此处只收点`,
        `not a point (geometry ${String(f?.geometry?.type ?? 'none')}); only points are taken here`,
        index,
        'geometry',
      )
    const cells: Record<string, string> = { x: String(coordinates[0]), y: String(coordinates[1]) }
    for (const [key, value] of Object.entries((f.properties ?? {}) as Record<string, unknown>)) {
      if (key === 'x' || key === 'y') continue
      names.add(key)
      cells[key] = value === null || value === undefined ? '' : String(value)
    }
    return { sheet: file.name, row: index + 1, cells }
  })
  return { rows, headers: new Map([[file.name, [...names]]]) }
}
