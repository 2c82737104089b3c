// The words of the merge, written once with zh-CN and en labels: the departments whose grids are merged
// and the kinds of issue a merge finds. The merge's messages (merge-messages.ts), the place lists, the
// merge-issues layer's legend and the web (GET /api/merge-runs/vocabulary) all read them from here.
import type { LocalizedText } from '../../errors.ts'
import { wordsIn } from '../../errors.ts'
import type { MergeIssueKind } from '../../schemas/merge.schema.ts'

export const mergeVocabulary = {
  /** the departments the workspace knows by name (a layer may carry any other code: it reads as itself) */
  departments: {
    party: { 'zh-CN': '党建', en: 'Party building' },
    governance: { 'zh-CN': '综治', en: 'Comprehensive governance' },
    urban: { 'zh-CN': '城管', en: 'Urban management' },
    social: { 'zh-CN': '社保', en: 'Social security' },
    emergency: { 'zh-CN': '应急', en: 'Emergency management' },
    market: { 'zh-CN': '市场监管', en: 'Market regulation' },
    civil: { 'zh-CN': '民政', en: 'Civil affairs' },
    petition: { 'zh-CN': '信访', en: 'Petitions' },
    health: { 'zh-CN': '卫健', en: 'Health' },
    environment: { 'zh-CN': '环保', en: 'Environment' },
  } as Record<string, LocalizedText>,
  issueKinds: {
    gap: { 'zh-CN': '空白点', en: 'Gap' },
    overlap: { 'zh-CN': '重叠', en: 'Overlap' },
    sliver: { 'zh-CN': '碎片', en: 'Sliver' },
    crosses_boundary: { 'zh-CN': '跨社区', en: 'Crosses community' },
    outside_region: { 'zh-CN': '超出辖区', en: 'Outside district' },
    invalid_input: { 'zh-CN': '无效图形', en: 'Invalid input' },
  } satisfies Record<MergeIssueKind, LocalizedText>,
}

export type MergeVocabularyTable = keyof typeof mergeVocabulary

/** One table's words in one language (code → label). */
export function mergeWordsOf(
  table: MergeVocabularyTable,
  language: keyof LocalizedText = 'zh-CN',
): Record<string, string> {
  return wordsIn(mergeVocabulary[table], language)
}

/**
 * A department's name in `language` (what users read wherever a department is shown: the place lists,
 * the grid exports, the layer titles); a code the vocabulary does not know reads as `otherwise`, else as itself.
 */
export function departmentName(code: string, language: keyof LocalizedText, otherwise?: string | null): string {
  return mergeVocabulary.departments[code]?.[language] ?? otherwise ?? code
}

/** Every table in one language: what GET /api/merge-runs/vocabulary answers. */
export function mergeVocabularyIn(language: keyof LocalizedText): Record<MergeVocabularyTable, Record<string, string>> {
  return { departments: mergeWordsOf('departments', language), issueKinds: mergeWordsOf('issueKinds', language) }
}
