// The words of party-organization coverage, written once with zh-CN and en labels: tiers, statuses,
// domains, establishment and coverage modes, the units layer's categories, unit kinds, regions'
// levels and the rules' names. The exports (party-columns.ts), the register import's word lookup
// (party-registers-checks.ts) and the web (GET /api/party/vocabulary) all read them from here.
import { wordsIn } from '../../errors.ts'
import type { PartyRule } from '../../schemas/party.schema.ts'
import { ruleTexts } from './party-rule-texts.ts'

export type Label = { 'zh-CN': string; en: string }
type Words = Record<string, Label>

const tiers = {
  committee: { 'zh-CN': '党委', en: 'Party committee' },
  general_branch: { 'zh-CN': '党总支', en: 'General branch' },
  branch: { 'zh-CN': '党支部', en: 'Branch' },
  joint_branch: { 'zh-CN': '联合党支部', en: 'Joint branch' },
  temporary_branch: { 'zh-CN': '临时党支部', en: 'Temporary branch' },
} satisfies Words

export const partyVocabulary = {
  tiers,
  /** the tier a member count calls for (tier check): a branch of any kind, or none below 3 members */
  expectedTiers: {
    committee: tiers.committee,
    general_branch: tiers.general_branch,
    branch: tiers.branch,
    none: { 'zh-CN': '不足3人，不单独建', en: 'Fewer than 3: none of its own' },
  },
  domains: {
    rural: { 'zh-CN': '农村', en: 'Rural' },
    community: { 'zh-CN': '社区', en: 'Community' },
    government: { 'zh-CN': '机关', en: 'Government' },
    institution: { 'zh-CN': '事业单位', en: 'Public institution' },
    state_enterprise: { 'zh-CN': '国企', en: 'State enterprise' },
    private_enterprise: { 'zh-CN': '非公企业', en: 'Private enterprise' },
    social_org: { 'zh-CN': '社会组织', en: 'Social organization' },
    new_economy: { 'zh-CN': '新业态', en: 'New economy' },
    park_building: { 'zh-CN': '园区楼宇', en: 'Parks and buildings' },
    mobile_members: { 'zh-CN': '流动党员', en: 'Mobile members' },
  },
  statuses: {
    normal: { 'zh-CN': '正常', en: 'Normal' },
    weak: { 'zh-CN': '软弱涣散', en: 'Weak and lax' },
    rectifying: { 'zh-CN': '整顿中', en: 'Under rectification' },
    hollow: { 'zh-CN': '空壳', en: 'Hollow' },
  },
  /** how an organization was formed (组建方式) */
  establishments: {
    own: { 'zh-CN': '单独建', en: 'Own' },
    joint: { 'zh-CN': '联合建', en: 'Joint' },
    affiliated: { 'zh-CN': '挂靠建', en: 'Affiliated' },
  },
  /** a unit's coverage mode (覆盖方式); none: no coverage row */
  coverageModes: {
    own: { 'zh-CN': '单独建', en: 'Own' },
    joint: { 'zh-CN': '联合建', en: 'Joint' },
    affiliated: { 'zh-CN': '挂靠建', en: 'Affiliated' },
    work: { 'zh-CN': '工作覆盖', en: 'Work coverage' },
    none: { 'zh-CN': '未覆盖', en: 'Not covered' },
  },
  /** the units layer's categories (a partition of the units: 应建未建 before the coverage mode) */
  coverageCategories: {
    own: { 'zh-CN': '单独建', en: 'Own' },
    joint: { 'zh-CN': '联合建', en: 'Joint' },
    affiliated: { 'zh-CN': '挂靠建', en: 'Affiliated' },
    work: { 'zh-CN': '仅工作覆盖', en: 'Work coverage only' },
    should_establish: { 'zh-CN': '应建未建', en: 'Should establish' },
    none: { 'zh-CN': '未覆盖（党员不足3人）', en: 'Not covered (fewer than 3 members)' },
  },
  unitKinds: {
    private_enterprise: { 'zh-CN': '非公企业', en: 'Private enterprise' },
    social_org: { 'zh-CN': '社会组织', en: 'Social organization' },
    cooperative: { 'zh-CN': '专业合作社', en: 'Cooperative' },
    industry_association: { 'zh-CN': '产业协会', en: 'Industry association' },
    courier_hub: { 'zh-CN': '快递物流网点', en: 'Courier hub' },
    ecommerce: { 'zh-CN': '电商', en: 'E-commerce' },
    industrial_park: { 'zh-CN': '园区', en: 'Industrial park' },
    office_building: { 'zh-CN': '商务楼宇', en: 'Office building' },
    market: { 'zh-CN': '商圈市场', en: 'Market' },
    property_company: { 'zh-CN': '物业企业', en: 'Property company' },
    mobile_member_cluster: { 'zh-CN': '流动党员聚集点', en: 'Mobile-member cluster' },
  },
  rules: Object.fromEntries(Object.entries(ruleTexts).map(([rule, text]) => [rule, text.title])) as Record<
    PartyRule,
    Label
  >,
} satisfies Record<string, Words>

export type PartyVocabularyTable = keyof typeof partyVocabulary

/** One table's words in one language (code → label). */
export function wordsOf(table: PartyVocabularyTable, language: keyof Label = 'zh-CN'): Record<string, string> {
  return wordsIn(partyVocabulary[table], language)
}
