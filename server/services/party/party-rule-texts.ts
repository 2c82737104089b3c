// The rules' titles and descriptions (zh-CN and en) and the filters each rule understands.
import type { PartyFindingsQuery, PartyRule } from '../../schemas/party.schema.ts'
import { LocalizedInputError } from '../../errors.ts'
import { levelOfCode } from '../../db/region-codes.ts'
type Text = { 'zh-CN': string; en: string }

/** The most rows one findings request or export returns. */
export const FINDINGS_EXPORT_LIMIT = 100_000

export const ruleTexts: Record<PartyRule, { title: Text; description: Text }> = {
  should_establish: {
    title: { 'zh-CN': '应建未建', en: 'Should establish' },
    description: {
      'zh-CN': '正式党员3人以上、没有单独建立党组织（覆盖方式不是“单独建”）的单位',
      en: 'Units with 3 or more formal party members and no organization of their own (coverage mode other than “own”)',
    },
  },
  joint_proposals: {
    title: { 'zh-CN': '联合党支部建议', en: 'Joint-branch proposals' },
    description: {
      'zh-CN':
        '正式党员1–2人、无组织覆盖的单位，在同一街道内先按同一楼宇/园区、再按距离（默认500米）组合，党员合计3人以上；每个单位至多进入一个建议',
      en: 'Units with 1–2 formal members and no organization coverage, grouped inside one street by same building or park first, then by distance (500 m by default), with 3 or more members in all; each unit in at most one proposal',
    },
  },
  tier_mismatch: {
    title: { 'zh-CN': '组织层级与党员数不符', en: 'Tier mismatches' },
    description: {
      'zh-CN': '党支部3–49人，党总支50人以上，党委100人以上；党员7人以上的支部设支部委员会，不足7人不设',
      en: 'A branch has 3–49 members, a general branch 50+, a committee 100+; a branch with 7+ members elects a branch committee, one with fewer does not',
    },
  },
  weak_share: {
    title: { 'zh-CN': '软弱涣散占比', en: 'Weak-and-lax share' },
    description: {
      'zh-CN': '每个区县、街道中软弱涣散与整顿中的党组织占全部党组织的比例，对照5%–10%的整顿指引',
      en: 'Share of organizations flagged weak or under rectification per district and street, against the 5–10 % rectification guideline',
    },
  },
  hollow_suspects: {
    title: { 'zh-CN': '疑似空壳支部', en: 'Hollow-branch suspects' },
    description: {
      'zh-CN':
        '没有党员的党组织，或有党员但最近一次有记录的活动早于设定月数（默认12个月）的党组织；未记录活动日期的不据此判断',
      en: 'Organizations with no members, or with members and a last recorded activity older than the set months (12 by default); an organization with no activity date recorded is not judged on it',
    },
  },
  new_economy: {
    title: { 'zh-CN': '新业态新就业群体覆盖', en: 'New-economy coverage' },
    description: {
      'zh-CN': '每个街道的快递物流网点（快递员、外卖骑手、网约车和货车司机的站点）按覆盖方式计数，以及新业态领域党组织',
      en: 'Per street: courier hubs (stations of couriers, riders and drivers) by coverage, and organizations of the new-economy domain',
    },
  },
}

/** The filters each rule understands; any other given filter is refused, not silently ignored. */
export const filtersOf: Record<PartyRule, readonly ('street' | 'community' | 'domain' | 'status')[]> = {
  should_establish: ['street', 'community', 'domain', 'status'],
  joint_proposals: ['street', 'community'],
  tier_mismatch: ['street', 'community', 'domain', 'status'],
  weak_share: ['street', 'domain'],
  hollow_suspects: ['street', 'community', 'domain', 'status'],
  new_economy: ['street'],
}
export const unitStatuses = ['own', 'joint', 'affiliated', 'work', 'none']
export const orgStatuses = ['normal', 'weak', 'rectifying', 'hollow']

/** Refuses a filter the rule does not understand, or a malformed street, community or status. */
export function checkFindingsFilters(query: PartyFindingsQuery) {
  const allowed = filtersOf[query.rule]
  for (const key of ['street', 'community', 'domain', 'status'] as const) {
    if (query[key] !== undefined && !allowed.includes(key))
      throw new LocalizedInputError(
        { 'zh-CN': `规则 ${query.rule} 不支持按 ${key} 筛选`, en: `Rule ${query.rule} cannot be filtered by ${key}` },
        [{ field: key }],
      )
  }
  if (query.street && levelOfCode(query.street) !== 'street')
    throw new LocalizedInputError(
      { 'zh-CN': `${query.street} 不是街道编码`, en: `${query.street} is not a street code` },
      [{ field: 'street' }],
    )
  if (query.community && levelOfCode(query.community) !== 'community')
    throw new LocalizedInputError(
      { 'zh-CN': `${query.community} 不是社区编码`, en: `${query.community} is not a community code` },
      [{ field: 'community' }],
    )
  if (query.status) {
    const valid = query.rule === 'should_establish' ? unitStatuses : orgStatuses
    if (!valid.includes(query.status))
      throw new LocalizedInputError(
        {
          'zh-CN': `规则 ${query.rule} 的状态须为 ${valid.join('、')}`,
          en: `Status for ${query.rule} must be one of ${valid.join(', ')}`,
        },
        [{ field: 'status' }],
      )
  }
}
