// zh-CN texts. Importing files: what is checked and refused.
export const imports = {
  title: '导入网格、区划、路网、服务中心或人口',
  kinds: {
    grids: '部门网格',
    regions: '区划边界（街道/社区）',
    roads: '路网（道路与步行路径）',
    centers: '党群服务中心台账',
    population: '人口点（常住人口）',
  } as Record<string, string>,
  replaceDemo: '替换演示区',
  replaceDemoHint: '导入前删除生成的演示区（青禾区）及其网格、党组织、单位、服务中心和人口数据',
  regionsDone: (stored: number, replacedDemo: boolean) =>
    `已导入 ${stored} 个区划${replacedDemo ? '，演示区已替换' : ''}`,
  frames: {
    '': '坐标系：自动识别',
    'EPSG:4326': 'WGS84',
    'EPSG:4490': 'CGCS2000 经纬度',
    'EPSG:4547': 'CGCS2000 高斯-克吕格 114°E',
    'EPSG:3857': 'Web 墨卡托',
    'GCJ-02': 'GCJ-02（高德/腾讯）',
    'BD-09': 'BD-09（百度）',
  } as Record<string, string>,
  check: '校验（不入库）',
  run: '导入',
  checked: '校验通过',
  failed: '校验未通过，未入库',
  done: (version: number) => `已导入为第 ${version} 版`,
  counts: (accepted: number, total: number, kind = 'grids') =>
    `${accepted.toLocaleString('zh-CN')}/${total.toLocaleString('zh-CN')} 个${kind === 'regions' ? '区划' : '网格'}可用`,
  /** a refused file, named: what is wrong with it, not "0/0 usable" */
  refused: (file: string, errors: number) => `文件 ${file} 被拒收：${errors.toLocaleString('zh-CN')} 处错误，见下`,
  /** a feature of the file, counted from 1 as people count */
  feature: (index: number) => `第 ${(index + 1).toLocaleString('zh-CN')} 个要素`,
  assigned: (count: number) => `${count.toLocaleString('zh-CN')} 个网格无编码，已按所在社区编码 + 序号赋码`,
  /** road and path networks (kind roads): what was read, stored and left out */
  roadsChecked: '校验通过，未入库',
  roadsDone: (networkId: number) => `已导入为路网 ${networkId.toLocaleString('zh-CN')}，现为在用路网`,
  roadLines: (lines: number, dryRun: boolean) =>
    `${dryRun ? '可导入' : '已存入'} ${lines.toLocaleString('zh-CN')} 条道路线`,
  roadLength: (km: number) =>
    `总长 ${km.toLocaleString('zh-CN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} 公里`,
  roadLeftOut: (closed: number, notWalkable: number) =>
    `不可步行的线未导入：禁止步行 ${closed.toLocaleString('zh-CN')} 条，不可步行的道路类别（高速公路等）${notWalkable.toLocaleString('zh-CN')} 条`,
  roadFrame: (crs: string) => `坐标系 ${crs}`,
  roadAreas: (rebuilt: number) => `已按新路网重算 ${rebuilt.toLocaleString('zh-CN')} 个步行服务圈（中心 × 时段）`,
  roadUnsnapped: (codes: string[]) =>
    `${codes.length.toLocaleString('zh-CN')} 个服务中心附近没有可步行的道路，无步行服务圈：${codes.join('、')}`,
  roadRefused: '文件被拒收，未入库',
  /** where a refused file is wrong; feature counted from 1 */
  roadWhere: (file: string, feature?: number, field?: string) =>
    `文件 ${file}${feature !== undefined ? ` · 第 ${feature.toLocaleString('zh-CN')} 个要素` : ''}${field ? ` · 字段 ${field}` : ''}`,
  /** 党群服务中心 registers and population points (kinds centers, population) */
  replaceCentres: '删除台账外的中心',
  replaceCentresHint: '导入时删除已存而文件中没有的服务中心（其服务圈一并删除）',
  inputsDone: '已导入',
  centreCounts: (added: number, updated: number, removed: number, dryRun: boolean) =>
    `${dryRun ? '将' : '已'}新增 ${added.toLocaleString('zh-CN')} 个、更新 ${updated.toLocaleString('zh-CN')} 个、删除 ${removed.toLocaleString('zh-CN')} 个服务中心`,
  catchmentsRebuilt: (count: number) => `已重算 ${count.toLocaleString('zh-CN')} 个服务圈`,
  populationCounts: (points: number, residents: number, dryRun: boolean) =>
    `${dryRun ? '可导入' : '已替换为'} ${points.toLocaleString('zh-CN')} 个人口点，常住人口 ${residents.toLocaleString('zh-CN')} 人`,
  populationOutside: (count: number) => `${count.toLocaleString('zh-CN')} 个点不在本区任何社区内，未导入`,
  inputWhere: (sheet: string, row: number, column: string) =>
    `${sheet} 第 ${row.toLocaleString('zh-CN')} 行${column ? `“${column}”` : ''}`,
}
