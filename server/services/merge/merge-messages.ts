// What the merge tells a person, in zh-CN first and English on Accept-Language (see plugins/language.ts).
import type { LocalizedText } from '../../errors.ts'
import { departmentName, mergeWordsOf } from './merge-vocabulary.ts'

/** Department names as the workspace shows them (the codes stay in English). */
export const departmentNames = mergeWordsOf('departments')

const statusNames: Record<string, LocalizedText> = {
  pending: { 'zh-CN': '待运行', en: 'pending' },
  running: { 'zh-CN': '运行中', en: 'running' },
  succeeded: { 'zh-CN': '成功', en: 'succeeded' },
  failed: { 'zh-CN': '失败', en: 'failed' },
}

const zhDepartment = (code: string) => (departmentNames[code] ? `${departmentNames[code]}（${code}）` : `“${code}”`)
/** in English too a department reads by its name, the code the request gave beside it */
const enDepartment = (code: string) => {
  const name = departmentName(code, 'en')
  return name === code ? `"${code}"` : `${name} ("${code}")`
}
const list = (codes: string[], zh: boolean) =>
  codes.map((c) => (zh ? zhDepartment(c) : enDepartment(c))).join(zh ? '、' : ', ')

export const mergeMessages = {
  notFound: (runId: number): LocalizedText => ({
    'zh-CN': `没有编号为 ${runId} 的合并运行`,
    en: `No merge run has the id ${runId}`,
  }),
  notPublishable: (runId: number, status: string): LocalizedText => ({
    'zh-CN': `合并运行 ${runId} 状态为“${statusNames[status]?.['zh-CN'] ?? status}”：只有成功的合并运行才能发布`,
    en: `Merge run ${runId} is ${statusNames[status]?.en ?? status}: only a succeeded run can be published`,
  }),
  noLayerForDepartment: (missing: string[], available: string[]): LocalizedText => ({
    'zh-CN': `以下部门没有启用的网格图层：${list(missing, true)}（字段 departments）；有图层的部门：${available.length > 0 ? list(available, true) : '无'}`,
    en: `No active grid layer for department ${list(missing, false)} (field departments); departments with layers: ${available.length > 0 ? list(available, false) : 'none'}`,
  }),
  noLayerWithId: (missing: number[]): LocalizedText => ({
    'zh-CN': `没有编号为 ${missing.join('、')} 的网格图层（字段 layerIds）`,
    en: `No grid layer has the id ${missing.join(', ')} (field layerIds)`,
  }),
  noLayers: (): LocalizedText => ({
    'zh-CN': '没有可合并的网格图层：请先导入各部门网格（字段 layerIds）',
    en: 'There are no grid layers to merge: import department grids first (field layerIds)',
  }),
  oneLayerPerDepartment: (departments: string[]): LocalizedText => ({
    'zh-CN': `每个部门只能选一个图层：${list(departments, true)} 选了多个（字段 layerIds）`,
    en: `Choose one layer per department: ${list(departments, false)} has more than one (field layerIds)`,
  }),
  baseDepartmentMissing: (department: string, available: string[]): LocalizedText => ({
    'zh-CN': `基准部门 ${zhDepartment(department)} 不在本次合并的图层中（字段 baseDepartment）；可选：${list(available, true)}`,
    en: `The base department ${enDepartment(department)} has no layer among those merged (field baseDepartment); choose one of ${list(available, false)}`,
  }),
  noHouseholds: (departments: string[]): LocalizedText => ({
    'zh-CN': `按户数均衡合并需要户数：所选图层（${list(departments, true)}）都没有户数字段，辖区也没有人口点数据。请导入带户数的网格图层或人口点后再试（字段 strategy）`,
    en: `The household-balanced strategy needs households: none of the layers merged (${list(departments, false)}) has household counts and there are no population points. Import a layer with households or population points first (field strategy)`,
  }),
}
