// What an import tells the office, in zh-CN (the default) and English through Accept-Language.
import type { LocalizedText } from '../../errors.ts'

/** A message in zh-CN (what the office reads) and English. */
export const say = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en })

/** A number as each language writes it, grouped by thousands: 1,000,001 (zh-CN and English alike). */
export const numberZh = (n: number): string => n.toLocaleString('zh-CN')
export const numberEn = (n: number): string => n.toLocaleString('en-US')

/** A feature as people count: the first in the file is 第 1 个要素 / feature 1. */
export const featureNo = (index: number): LocalizedText =>
  say(`第 ${numberZh(index + 1)} 个要素`, `feature ${numberEn(index + 1)}`)

/** GEOS's validity reasons (`ST_IsValidReason`) in zh-CN, longest first so a ring's wins over the plain one. */
const geometryReasonsZh: [string, string][] = [
  ['Ring Self-intersection', '环自相交'],
  ['Self-intersection', '自相交'],
  ['Too few points in geometry component', '几何部件的点太少'],
  ['Hole lies outside shell', '内环在外环之外'],
  ['Nested holes', '内环相互嵌套'],
  ['Interior is disconnected', '内部不连通'],
  ['Nested shells', '外环相互嵌套'],
  ['Duplicate Rings', '环重复'],
  ['Invalid Coordinate', '坐标无效'],
  ['Ring is not closed', '环未闭合'],
]

/**
 * Why a shape is invalid, as the office reads it: "Self-intersection[113.577 34.652]" becomes
 * "自相交，位于 113.577, 34.652". A reason GEOS words otherwise is kept as it came.
 */
export function geometryReasonZh(reason: string): string {
  const match = /^(.*?)\s*\[(-?[\d.e+-]+) (-?[\d.e+-]+)\]$/.exec(reason)
  const words = match ? match[1] : reason
  const known = geometryReasonsZh.find(([en]) => words === en)
  if (!known) return reason
  return match ? `${known[1]}，位于 ${match[2]}, ${match[3]}` : known[1]
}
