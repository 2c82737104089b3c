// The columns of each exported table: a Chinese header and how to read the cell off a row. Words
// for codes (tiers, domains, statuses, kinds) are the ones offices use.
import type { PartyCoverage, PartyFindings, PartyRule } from '../../schemas/party.schema.ts'
import type { Cell } from './party-tables.ts'
import { wordsOf } from './party-vocabulary.ts'

// the words of party-vocabulary.ts (one source with the web's), in Chinese
export const tierWords: Record<string, string> = wordsOf('expectedTiers')
Object.assign(tierWords, wordsOf('tiers'))
export const domainWords: Record<string, string> = wordsOf('domains')
export const statusWords: Record<string, string> = wordsOf('statuses')
export const coverageWords: Record<string, string> = wordsOf('coverageModes')
export const kindWords: Record<string, string> = wordsOf('unitKinds')
const levelWords: Record<string, string> = { district: '区县', street: '街道/乡镇', community: '社区/村', grid: '网格' }
const verdictWords: Record<string, string> = {
  below: '低于5%',
  within: '5%–10%之间',
  above: '高于10%',
  no_data: '无党组织',
}

type RowOf<R extends PartyRule> = Extract<PartyFindings, { rule: R }>['rows'][number]
interface Column<T> {
  header: string
  value: (row: T) => Cell
}

const word = (words: Record<string, string>, key: string | null) => (key === null ? null : (words[key] ?? key))
const percent = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 100)
const lon = (p: [number, number] | null) => p?.[0] ?? null
const lat = (p: [number, number] | null) => p?.[1] ?? null

const placeColumns = <
  T extends { streetName: string | null; communityName: string | null; point: [number, number] | null },
>(): Column<T>[] => [
  { header: '街道', value: (r) => r.streetName },
  { header: '社区', value: (r) => r.communityName },
  { header: '经度', value: (r) => lon(r.point) },
  { header: '纬度', value: (r) => lat(r.point) },
]

export const findingColumns: { [R in PartyRule]: Column<RowOf<R>>[] } = {
  should_establish: [
    { header: '单位编码', value: (r) => r.code },
    { header: '单位名称', value: (r) => r.name },
    { header: '单位类别', value: (r) => word(kindWords, r.kind) },
    { header: '从业人员数', value: (r) => r.employees },
    { header: '正式党员数', value: (r) => r.members },
    { header: '现覆盖方式', value: (r) => word(coverageWords, r.coverage) },
    { header: '覆盖党组织', value: (r) => r.orgName },
    { header: '党建指导员', value: (r) => r.instructorName },
    ...placeColumns<RowOf<'should_establish'>>(),
  ],
  joint_proposals: [
    { header: '建议编号', value: (r) => r.id },
    { header: '组建依据', value: (r) => (r.basis === 'same_site' ? '同一楼宇/园区' : '就近组建') },
    { header: '牵头单位', value: (r) => r.hostName },
    { header: '单位数', value: (r) => r.units.length },
    { header: '党员合计', value: (r) => r.members },
    { header: '成员单位', value: (r) => r.units.map((u) => `${u.name}（${u.members}人）`).join('；') },
    { header: '成员单位编码', value: (r) => r.units.map((u) => u.code).join('；') },
    { header: '街道编码', value: (r) => r.streetCode },
    { header: '经度', value: (r) => lon(r.point) },
    { header: '纬度', value: (r) => lat(r.point) },
  ],
  tier_mismatch: [
    { header: '组织编码', value: (r) => r.code },
    { header: '组织名称', value: (r) => r.name },
    { header: '组织类别', value: (r) => word(tierWords, r.tier) },
    { header: '党员数', value: (r) => r.members },
    { header: '应设类别', value: (r) => word(tierWords, r.expectedTier) },
    { header: '类别相符', value: (r) => r.tierMatches },
    {
      header: '支部委员会',
      value: (r) =>
        ({ ok: '相符', missing: '应设未设', not_allowed: '不足7人不应设', unknown: '未登记' })[r.branchCommittee],
    },
    { header: '所属领域', value: (r) => word(domainWords, r.domain) },
    { header: '状态', value: (r) => word(statusWords, r.status) },
    ...placeColumns<RowOf<'tier_mismatch'>>(),
  ],
  weak_share: [
    { header: '层级', value: (r) => word(levelWords, r.level) },
    { header: '区划编码', value: (r) => r.code },
    { header: '名称', value: (r) => r.name },
    { header: '党组织数', value: (r) => r.organizations },
    { header: '软弱涣散', value: (r) => r.weak },
    { header: '整顿中', value: (r) => r.rectifying },
    { header: '占比(%)', value: (r) => percent(r.share.value) },
    { header: '对照5%–10%', value: (r) => word(verdictWords, r.verdict) },
  ],
  hollow_suspects: [
    { header: '组织编码', value: (r) => r.code },
    { header: '组织名称', value: (r) => r.name },
    { header: '组织类别', value: (r) => word(tierWords, r.tier) },
    { header: '党员数', value: (r) => r.members },
    { header: '最近活动日期', value: (r) => r.lastActivityOn },
    {
      header: '疑似原因',
      value: (r) => r.reasons.map((x) => (x === 'no_members' ? '无党员' : '长期无活动记录')).join('；'),
    },
    { header: '状态', value: (r) => word(statusWords, r.status) },
    ...placeColumns<RowOf<'hollow_suspects'>>(),
  ],
  new_economy: [
    { header: '街道编码', value: (r) => r.streetCode },
    { header: '街道', value: (r) => r.streetName },
    { header: '快递物流网点数', value: (r) => r.hubs },
    { header: '组织覆盖', value: (r) => r.hubsOrgCovered },
    { header: '仅工作覆盖', value: (r) => r.hubsWorkOnly },
    { header: '未覆盖', value: (r) => r.hubsUncovered },
    { header: '组织覆盖率(%)', value: (r) => percent(r.orgCoverageRate.value) },
    { header: '从业人员数', value: (r) => r.workers },
    { header: '组织覆盖从业人员', value: (r) => r.workersOrgCovered },
    { header: '新业态党组织数', value: (r) => r.organizations },
    { header: '新业态党组织党员数', value: (r) => r.organizationMembers },
  ],
}

type CoverageRow = PartyCoverage['rows'][number]
export const coverageColumns: Column<CoverageRow>[] = [
  { header: '层级', value: (r) => word(levelWords, r.level) },
  { header: '编码', value: (r) => r.code },
  { header: '名称', value: (r) => r.name },
  { header: '上级编码', value: (r) => r.parentCode },
  { header: '单位数', value: (r) => r.figures.orgCoverageRate.denominator },
  { header: '组织覆盖单位数', value: (r) => r.figures.orgCoverageRate.numerator },
  { header: '组织覆盖率(%)', value: (r) => percent(r.figures.orgCoverageRate.value) },
  { header: '工作覆盖单位数（含组织覆盖）', value: (r) => r.figures.workCoverageRate.numerator },
  { header: '工作覆盖率(%)', value: (r) => percent(r.figures.workCoverageRate.value) },
  { header: '应建未建', value: (r) => r.figures.shouldEstablish },
  { header: '未覆盖单位', value: (r) => r.figures.uncovered },
  { header: '党组织·正常', value: (r) => r.figures.orgsByStatus.normal },
  { header: '党组织·软弱涣散', value: (r) => r.figures.orgsByStatus.weak },
  { header: '党组织·整顿中', value: (r) => r.figures.orgsByStatus.rectifying },
  { header: '党组织·空壳', value: (r) => r.figures.orgsByStatus.hollow },
  { header: '平均星级', value: (r) => r.figures.averageStarRating.value },
  { header: '党员数', value: (r) => r.figures.membersPer100Residents.numerator },
  { header: '居民数', value: (r) => r.figures.membersPer100Residents.denominator },
  { header: '每百名居民党员数', value: (r) => r.figures.membersPer100Residents.value },
]
