// Every text the user reads, in zh-CN. An English file with the same shape can sit beside it.
export const zhCN = {
  app: {
    title: '网格治理一张图',
    subtitle: '多网合一 · 党群服务阵地 · 党组织覆盖',
    loading: '正在加载地图图层…',
    unreachable: '无法连接服务，正在重试…',
    retryIn: (seconds: number) => `${seconds} 秒后重试`,
  },
  groups: {
    region: '行政区划',
    grid: '部门网格',
    service: '服务阵地',
    party: '党组织',
    population: '人口',
  } as Record<string, string>,
  panel: { layers: '图层', legend: '图例', close: '关闭', others: '同一位置的其他要素', noAttributes: '无属性' },
  kpi: {
    grids: '部门网格',
    serviceCenters: '党群服务中心',
    partyOrgs: '党组织',
    weak: '软弱涣散',
    shouldEstablish: '应建未建',
    residents: '常住人口',
  },
  properties: {
    code: '编码', name: '名称', level: '层级', isUrban: '城乡', parentName: '上级区划', id: '编号',
    department: '部门', communityCode: '所属社区编码', communityName: '所属社区/村', households: '户数', population: '人口',
    chiefName: '网格长', chiefPhone: '联系电话', version: '图层版本',
    status: '状态', floorAreaM2: '建筑面积（㎡）', radiusM: '服务半径（米）', regionName: '所在区划',
    tier: '组织类别', domain: '领域', establishment: '组建方式', starRating: '星级', memberCount: '党员数',
    kind: '单位类型', employees: '从业人员', formalPartyMembers: '正式党员', coverage: '覆盖方式', shouldEstablish: '应建未建',
    residents: '常住人口', areaM2: '面积（㎡）', note: '说明',
  } as Record<string, string>,
  values: {
    level: { district: '区县', street: '街道·乡镇', community: '社区·村', city: '市' },
    centerLevel: { district: '区县级', street: '街道·乡镇级', community: '社区·村级', station: '小区·楼宇·园区站点' },
    tier: { committee: '党委', general_branch: '党总支', branch: '党支部', joint_branch: '联合党支部', temporary_branch: '临时党支部' },
    domain: {
      rural: '农村', community: '社区', government: '机关', institution: '事业单位', state_enterprise: '国企',
      private_enterprise: '非公企业', social_org: '社会组织', new_economy: '新业态', park_building: '园区楼宇', mobile_members: '流动党员',
    },
    establishment: { own: '单独建', joint: '联合建', affiliated: '挂靠建' },
    status: { normal: '正常', weak: '软弱涣散', rectifying: '整顿中', hollow: '空壳' },
    centerStatus: { in_use: '在用', new: '新建', rebuilt: '改扩建', planned: '规划' },
    coverage: { own: '单独建', joint: '联合建', affiliated: '挂靠建', work: '工作覆盖', none: '未覆盖' },
    kind: {
      private_enterprise: '非公企业', social_org: '社会组织', cooperative: '专业合作社', industry_association: '产业协会',
      courier_hub: '快递物流网点', ecommerce: '电商', industrial_park: '园区', office_building: '商务楼宇', market: '商圈市场',
      property_company: '物业企业', mobile_member_cluster: '流动党员聚集点',
    },
    department: {
      party: '党建', governance: '综治', urban: '城管', social: '社保', emergency: '应急', market: '市场监管',
      civil: '民政', petition: '信访', health: '卫健', environment: '环保',
    },
    issueKind: { gap: '空白点', overlap: '重叠', sliver: '碎片', crosses_boundary: '跨社区', outside_region: '超出辖区', invalid_input: '无效图形' },
    isUrban: { true: '城镇', false: '农村' },
    boolean: { true: '是', false: '否' },
  } as Record<string, Record<string, string>>,
}

export type Messages = typeof zhCN
