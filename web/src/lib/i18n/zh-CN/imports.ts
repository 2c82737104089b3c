// zh-CN texts. Importing files: what is checked and refused.
export const imports = {
  title: '导入网格或区划',
  kinds: { grids: '部门网格', regions: '区划边界（街道/社区）' } as Record<string, string>,
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
}
