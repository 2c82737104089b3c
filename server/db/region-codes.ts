// Reading the 12-digit statistical region code (统计用区划代码: PP CC DD SSS CCC — province, city,
// district, street/township, community/village) and the words a region file uses for levels and
// urban/rural. Pure functions.
import type { RegionLevel } from './tables.ts'
import { regionCodePrefix } from './scope.ts'

/** The prefix a region's descendants share, read off the code itself (its level: trailing zero groups). */
export function codePrefixOf(code: string): string {
  return regionCodePrefix(code, levelOfCode(code))
}

export const isRegionCode = (code: string) => /^[0-9]{12}$/.test(code)

/** The level a code names: trailing zero groups say how far down the tree it reaches. */
export function levelOfCode(code: string): RegionLevel {
  if (code.endsWith('000000')) return code.slice(4, 6) === '00' ? 'city' : 'district'
  if (code.endsWith('000')) return 'street'
  return 'community'
}

/** The parent's code read off the child's (a city has none: provinces are not in the tree). */
export function parentCodeOf(code: string, level: RegionLevel): string | null {
  if (level === 'community') return `${code.slice(0, 9)}000`
  if (level === 'street') return `${code.slice(0, 6)}000000`
  if (level === 'district') return `${code.slice(0, 4)}00000000`
  return null
}

/** The level a region's parent must have. */
export const parentLevelOf: Record<RegionLevel, RegionLevel | null> = {
  city: null,
  district: 'city',
  street: 'district',
  community: 'street',
}

export const levelNames: Record<RegionLevel, string> = {
  city: '市',
  district: '区县',
  street: '街道/乡镇',
  community: '社区/村',
}

/** Level words, English or Chinese; a Chinese word also says urban (街道, 社区) or rural (乡镇, 村). */
const levelWords: Record<string, { level: RegionLevel; isUrban?: boolean }> = {
  city: { level: 'city' },
  市: { level: 'city' },
  district: { level: 'district' },
  区县: { level: 'district' },
  区: { level: 'district' },
  县: { level: 'district' },
  street: { level: 'street' },
  街道: { level: 'street', isUrban: true },
  乡镇: { level: 'street', isUrban: false },
  镇: { level: 'street', isUrban: false },
  乡: { level: 'street', isUrban: false },
  community: { level: 'community' },
  社区: { level: 'community', isUrban: true },
  村: { level: 'community', isUrban: false },
}

export function parseLevel(raw: string): { level: RegionLevel; isUrban?: boolean } | undefined {
  return levelWords[raw.trim().toLowerCase()]
}

/**
 * Urban or rural, from the most specific evidence: an is_urban flag, else the 城乡分类代码 (1xx
 * urban, 2xx rural), else the level word or the name's ending (街道/社区 urban, 乡/镇/村 rural);
 * urban by default. `undefined` when a flag or code is given but unreadable.
 */
export function decideUrban(evidence: {
  flag: string
  urbanRuralCode: string
  levelWord?: boolean
  name: string
}): boolean | undefined {
  if (evidence.flag) {
    if (/^(1|true|t|yes|y|是|城镇|urban)$/i.test(evidence.flag)) return true
    if (/^(0|false|f|no|n|否|乡村|rural)$/i.test(evidence.flag)) return false
    return undefined
  }
  if (evidence.urbanRuralCode) {
    if (/^1[0-9]{2}$/.test(evidence.urbanRuralCode)) return true
    if (/^2[0-9]{2}$/.test(evidence.urbanRuralCode)) return false
    return undefined
  }
  if (evidence.levelWord !== undefined) return evidence.levelWord
  if (/(街道|社区|居委会|居民委员会)$/.test(evidence.name)) return true
  if (/(乡|镇|村|村委会|村民委员会)$/.test(evidence.name)) return false
  return true
}
