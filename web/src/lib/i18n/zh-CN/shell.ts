// zh-CN texts. The app's frame: its title, the layer groups, the side panel, navigation, the KPI tiles, printing.
export const app = {
  title: '网格治理一张图',
  subtitle: '多网合一 · 党群服务阵地 · 党组织覆盖',
  loading: '正在加载地图图层…',
  unreachable: '无法连接服务，正在重试…',
  retryIn: (seconds: number) => `${seconds} 秒后重试`,
}

export const groups = {
  region: '行政区划',
  grid: '部门网格',
  service: '服务阵地',
  party: '党组织',
  population: '人口',
} as Record<string, string>

export const panel = {
  layers: '图层',
  legend: '图例',
  close: '关闭',
  others: '同一位置的其他要素',
  noAttributes: '无属性',
}

export const nav = { overview: '一张图', merge: '多网合一', siting: '阵地选址', party: '党组织覆盖' }

export const kpi = {
  unifiedGrids: '全科网格',
  unifiedGridRun: (version: number, date: string | null) => `第 ${version} 版${date ? ` · ${date} 发布` : ''}`,
  notPublished: '尚未发布',
  serviceCenters: '党群服务中心',
  partyOrgs: '党组织',
  weak: '软弱涣散',
  shouldEstablish: '应建未建',
  shouldEstablishNote: '正式党员≥3人、未单独建；地图“未覆盖”是党员不足3人的无覆盖单位',
  residents: '常住人口',
}

export const print = {
  grid: '打印服务示意图',
  community: '打印本社区网格服务示意图',
  hint: '全科网格服务示意图（A3 PDF）',
}

/** The punctuation that joins texts: a count or an aside in brackets, a label before its value, a list. */
export const marks = {
  counted: (label: string, count: string) => `${label}（${count}）`,
  aside: (text: string) => `（${text}）`,
  colon: '：',
  list: '、',
}

/** MapLibre's own controls (their tooltips and the scale's units), by MapLibre's string ids. */
export const mapControls = {
  'NavigationControl.ZoomIn': '放大',
  'NavigationControl.ZoomOut': '缩小',
  'NavigationControl.ResetBearing': '恢复正北朝向',
  'AttributionControl.ToggleAttribution': '显示或隐藏版权信息',
  'ScaleControl.Meters': '米',
  'ScaleControl.Kilometers': '公里',
} as Record<string, string>
