// zh-CN texts. The search box.
export const search = {
  placeholder: '搜索 名称、编码、网格长、地名或拼音首字母',
  none: '没有找到',
  chief: '网格长',
  kinds: {
    region: '行政区划',
    unifiedGrid: '全科网格',
    grid: '部门网格',
    serviceCenter: '党群服务中心',
    partyOrg: '党组织',
    unit: '单位',
  } as Record<string, string>,
}
