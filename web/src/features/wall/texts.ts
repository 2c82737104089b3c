// The wall's texts, zh-CN first; English beside them in the same shape (organization statuses and
// issue kind names come from the server: lib/i18n/vocabulary.svelte.ts).
import { locale } from '../../lib/i18n/index.ts'

const texts = {
  'zh-CN': {
    title: '网格治理一张图 · 指挥中心',
    asOf: '数据更新于',
    noData: '暂无数据',
    live: '实时',
    connecting: '正在连接服务…',
    stale: (since: string) => `数据可能已过时（自 ${since} 起未能更新），正在重连…`,
    counters: {
      grids: '部门网格',
      unifiedGrids: '全科网格',
      partyOrgs: '党组织',
      weak: '软弱涣散',
      shouldEstablish: '应建未建',
      residents: '常住人口',
    },
    panels: {
      coverage: '各街道党群服务覆盖率',
      households: '全科网格户数与标准',
      orgs: '党组织状态',
      issues: '多网合一待处理问题',
    } as Record<string, string>,
    norm: { below: '低于标准', within: '符合标准', above: '超出标准', noNorm: '无标准' } as Record<string, string>,
    notPublished: '尚未发布全科网格',
    noCatchments: '尚未生成服务范围',
    /** under the coverage bars when not every street fits: those left out are the better covered */
    moreStreets: (n: string, least: string) => `另有 ${n} 个街道未显示（覆盖率均不低于 ${least}）`,
    tour: {
      playing: '巡游中',
      paused: '已暂停，稍后继续',
      step: (n: number, of: number) => `第 ${n} / ${of} 站`,
      district: '全区',
      edit: '编辑巡游',
      close: '关闭',
      name: '名称',
      newTour: '新建巡游',
      addStep: '添加一站',
      remove: '删除',
      save: '保存',
      saved: '已保存',
      region: '地点',
      layers: '图层',
      panel: '图表',
      dwell: '停留（秒）',
      none: '无',
      deleteTour: '删除巡游',
    },
  },
  en: {
    title: 'Grid governance · command center',
    asOf: 'Data as of',
    noData: 'No data',
    live: 'Live',
    connecting: 'Connecting…',
    stale: (since: string) => `Data may be stale (not updated since ${since}); reconnecting…`,
    counters: {
      grids: 'Department grids',
      unifiedGrids: 'Unified grids',
      partyOrgs: 'Party organizations',
      weak: 'Weak or lax',
      shouldEstablish: 'Should establish',
      residents: 'Residents',
    },
    panels: {
      coverage: 'Service coverage by street',
      households: 'Unified grid households against the norm',
      orgs: 'Party organizations by status',
      issues: 'Open merge issues',
    } as Record<string, string>,
    norm: { below: 'Below', within: 'Within', above: 'Above', noNorm: 'No norm' } as Record<string, string>,
    notPublished: 'No unified grid published yet',
    noCatchments: 'No catchments built yet',
    moreStreets: (n: string, least: string) => `${n} more streets not shown (each at least ${least} covered)`,
    tour: {
      playing: 'Touring',
      paused: 'Paused, resuming shortly',
      step: (n: number, of: number) => `Stop ${n} of ${of}`,
      district: 'Whole district',
      edit: 'Edit tours',
      close: 'Close',
      name: 'Name',
      newTour: 'New tour',
      addStep: 'Add a stop',
      remove: 'Remove',
      save: 'Save',
      saved: 'Saved',
      region: 'Place',
      layers: 'Layers',
      panel: 'Chart',
      dwell: 'Dwell (s)',
      none: 'None',
      deleteTour: 'Delete tour',
    },
  },
}

export const wallText = texts[locale]

/** Numbers with thousands separators. */
export const formatCount = (n: number) => n.toLocaleString(locale)
export const formatPercent = (share: number) =>
  share.toLocaleString(locale, { style: 'percent', maximumFractionDigits: 1 })
export const formatTime = (date: Date) =>
  date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
export const formatDateTime = (date: Date) => `${date.toLocaleDateString(locale)} ${formatTime(date)}`
