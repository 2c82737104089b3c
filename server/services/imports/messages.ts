// What an import tells the office, in zh-CN (the default) and English through Accept-Language.
import type { LocalizedText } from '../../errors.ts'

/** A message in zh-CN (what the office reads) and English. */
export const say = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en })

/** A feature as people count: the first in the file is 第 1 个要素 / feature 1. */
export const featureNo = (index: number): LocalizedText =>
  say(`第 ${(index + 1).toLocaleString('zh-CN')} 个要素`, `feature ${(index + 1).toLocaleString('en-US')}`)
