// The map layers this product serves, with their titles, legends and zoom ranges. Department grid
// layers come from the database (one per department with an active layer); the rest are fixed.
import type { LayerInfo } from '../schemas/layers.schema.ts'
import type { RegionLevel } from '../db/tables.ts'

/** What a layer reads from the database: the repository turns this into SQL. */
export type LayerSource =
  | { kind: 'regions'; level: Exclude<RegionLevel, 'city'> }
  | { kind: 'grids'; department: string }
  | { kind: 'service-centers' }
  | { kind: 'party-orgs' }
  | { kind: 'units' }
  | { kind: 'population' }
  | { kind: 'unified-grids'; runId?: number }
  | { kind: 'merge-issues'; runId?: number }
  | { kind: 'catchments' }
  | { kind: 'uncovered-residents' }
  | { kind: 'uncovered-cells' }

export interface Layer extends LayerInfo {
  source: LayerSource
  /** Feature property names and their MVT types (TileJSON vector_layers.fields). */
  fields: Record<string, 'String' | 'Number' | 'Boolean'>
}

export interface ActiveDepartmentLayer {
  department: string
  name: string
  color: string
  version: number
}

const text = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const item = (value: string, zh: string, en: string, color: string) => ({ value, label: text(zh, en), color })

const tilesOf = (id: string) => `/tiles/${id}/{z}/{x}/{y}.mvt`

const regionFields = {
  code: 'String',
  name: 'String',
  level: 'String',
  isUrban: 'Boolean',
  parentName: 'String',
} as const

function regionLayer(
  level: 'district' | 'street' | 'community',
  title: ReturnType<typeof text>,
  color: string,
  minzoom: number,
): Layer {
  const id = `regions-${level}`
  return {
    id,
    title,
    group: 'region',
    geometryType: 'polygon',
    tiles: tilesOf(id),
    sourceLayer: id,
    minzoom,
    maxzoom: 16,
    defaultVisible: true,
    legend: { color },
    source: { kind: 'regions', level },
    fields: regionFields,
  }
}

type PointSource = Extract<LayerSource, { kind: 'service-centers' | 'party-orgs' | 'units' | 'population' }>['kind']

function pointLayer(
  id: PointSource,
  title: ReturnType<typeof text>,
  group: Layer['group'],
  minzoom: number,
  defaultVisible: boolean,
  legend: Layer['legend'],
  fields: Layer['fields'],
): Layer {
  return {
    id,
    title,
    group,
    geometryType: 'point',
    tiles: tilesOf(id),
    sourceLayer: id,
    minzoom,
    maxzoom: 16,
    defaultVisible,
    legend,
    source: { kind: id },
    fields,
  }
}

const fixedLayers: Layer[] = [
  regionLayer('district', text('区县界', 'District boundary'), '#37474f', 0),
  regionLayer('street', text('街道/乡镇界', 'Street / township boundaries'), '#455a64', 8),
  regionLayer('community', text('社区/村界', 'Community / village boundaries'), '#90a4ae', 10),
  pointLayer(
    'service-centers',
    text('党群服务中心', 'Party-mass service centers'),
    'service',
    8,
    true,
    {
      color: '#8d6e63',
      property: 'level',
      items: [
        item('district', '区县级', 'District', '#b71c1c'),
        item('street', '街道·乡镇级', 'Street / township', '#e65100'),
        item('community', '社区·村级', 'Community / village', '#f9a825'),
        item('station', '小区·楼宇·园区站点', 'Station', '#8d6e63'),
      ],
    },
    {
      id: 'Number',
      code: 'String',
      name: 'String',
      level: 'String',
      status: 'String',
      floorAreaM2: 'Number',
      radiusM: 'Number',
      regionName: 'String',
    },
  ),
  pointLayer(
    'party-orgs',
    text('党组织', 'Party organizations'),
    'party',
    10,
    true,
    {
      color: '#c62828',
      property: 'status',
      items: [
        item('normal', '正常', 'Normal', '#c62828'),
        item('weak', '软弱涣散', 'Weak and lax', '#f9a825'),
        item('rectifying', '整顿中', 'Under rectification', '#ef6c00'),
        item('hollow', '空壳', 'Hollow', '#616161'),
      ],
    },
    {
      id: 'Number',
      code: 'String',
      name: 'String',
      tier: 'String',
      domain: 'String',
      establishment: 'String',
      starRating: 'Number',
      status: 'String',
      memberCount: 'Number',
      regionName: 'String',
    },
  ),
  pointLayer(
    'units',
    text('两新组织等单位', 'Units to be covered'),
    'party',
    11,
    false,
    {
      color: '#e53935',
      property: 'coverage',
      items: [
        item('own', '单独建', 'Own organization', '#1565c0'),
        item('joint', '联合建', 'Joint organization', '#42a5f5'),
        item('affiliated', '挂靠建', 'Affiliated', '#26a69a'),
        item('work', '工作覆盖', 'Work coverage only', '#ffb300'),
        item('none', '未覆盖', 'Not covered', '#e53935'),
      ],
    },
    {
      id: 'Number',
      code: 'String',
      name: 'String',
      kind: 'String',
      employees: 'Number',
      formalPartyMembers: 'Number',
      coverage: 'String',
      shouldEstablish: 'Boolean',
    },
  ),
  pointLayer(
    'population',
    text('人口分布', 'Population'),
    'population',
    13,
    false,
    { color: '#7e57c2' },
    { id: 'Number', residents: 'Number', households: 'Number' },
  ),
]

/**
 * Catchments and who they leave out: stored circles and walking areas (POST /api/catchments), and the
 * residents outside every stored radius circle — points from zoom 13, 500 m cells summed below it so
 * that no tile carries every point of the district.
 */
const sitingLayers: Layer[] = [
  {
    id: 'catchments',
    title: text('服务范围', 'Service catchments'),
    group: 'service',
    geometryType: 'polygon',
    tiles: tilesOf('catchments'),
    sourceLayer: 'catchments',
    minzoom: 8,
    maxzoom: 16,
    defaultVisible: false,
    legend: {
      color: '#f9a825',
      property: 'band',
      items: [
        item('radius', '服务半径', 'Service radius', '#f9a825'),
        item('5', '步行5分钟', '5-minute walk', '#2e7d32'),
        item('10', '步行10分钟', '10-minute walk', '#66bb6a'),
        item('15', '步行15分钟', '15-minute walk', '#a5d6a7'),
      ],
    },
    source: { kind: 'catchments' },
    fields: {
      id: 'Number',
      centerId: 'Number',
      centerCode: 'String',
      centerName: 'String',
      method: 'String',
      band: 'String',
      minutes: 'Number',
      radiusM: 'Number',
    },
  },
  {
    id: 'uncovered-cells',
    title: text('未覆盖人口（500米网格）', 'Uncovered residents (500 m cells)'),
    group: 'population',
    geometryType: 'polygon',
    tiles: tilesOf('uncovered-cells'),
    sourceLayer: 'uncovered-cells',
    minzoom: 8,
    maxzoom: 12,
    defaultVisible: false,
    legend: { color: '#d84315' },
    source: { kind: 'uncovered-cells' },
    fields: { residents: 'Number', points: 'Number' },
  },
  {
    id: 'uncovered-residents',
    title: text('未覆盖人口', 'Uncovered residents'),
    group: 'population',
    geometryType: 'point',
    tiles: tilesOf('uncovered-residents'),
    sourceLayer: 'uncovered-residents',
    minzoom: 13,
    maxzoom: 16,
    defaultVisible: false,
    legend: { color: '#d84315' },
    source: { kind: 'uncovered-residents' },
    fields: { id: 'Number', residents: 'Number', households: 'Number' },
  },
]

/** The published 多网合一 result: the unified grids and the conflicts found on the way. */
const mergeLayers: Layer[] = [
  {
    id: 'unified-grids',
    title: text('全科网格（已发布）', 'Unified grids (published)'),
    group: 'grid',
    geometryType: 'polygon',
    tiles: tilesOf('unified-grids'),
    sourceLayer: 'unified-grids',
    minzoom: 9,
    maxzoom: 16,
    defaultVisible: false,
    legend: { color: '#6a1b9a' },
    source: { kind: 'unified-grids' },
    fields: {
      id: 'Number',
      code: 'String',
      communityCode: 'String',
      communityName: 'String',
      areaM2: 'Number',
      households: 'Number',
      population: 'Number',
      version: 'Number',
    },
  },
  {
    id: 'merge-issues',
    title: text('多网合一问题', 'Merge issues'),
    group: 'grid',
    geometryType: 'polygon',
    tiles: tilesOf('merge-issues'),
    sourceLayer: 'merge-issues',
    minzoom: 9,
    maxzoom: 16,
    defaultVisible: false,
    legend: {
      color: '#9e9e9e',
      property: 'kind',
      items: [
        item('gap', '空白点', 'Gap', '#e53935'),
        item('overlap', '重叠', 'Overlap', '#fb8c00'),
        item('sliver', '碎片', 'Sliver', '#8e24aa'),
        item('crosses_boundary', '跨社区', 'Crosses community', '#3949ab'),
        item('outside_region', '超出辖区', 'Outside district', '#00897b'),
        item('invalid_input', '无效图形', 'Invalid input', '#000000'),
      ],
    },
    source: { kind: 'merge-issues' },
    fields: {
      id: 'Number',
      kind: 'String',
      department: 'String',
      communityCode: 'String',
      areaM2: 'Number',
      note: 'String',
    },
  },
]

const gridFields = {
  id: 'Number',
  code: 'String',
  name: 'String',
  department: 'String',
  communityCode: 'String',
  communityName: 'String',
  households: 'Number',
  population: 'Number',
  chiefName: 'String',
  chiefPhone: 'String',
  version: 'Number',
} as const

export function gridLayer(department: ActiveDepartmentLayer): Layer {
  const id = `grids-${department.department}`
  return {
    id,
    title: text(`${department.name}网格`, `${department.department} grids`),
    group: 'grid',
    geometryType: 'polygon',
    tiles: tilesOf(id),
    sourceLayer: id,
    minzoom: 9,
    maxzoom: 16,
    defaultVisible: true,
    department: department.department,
    legend: { color: department.color },
    source: { kind: 'grids', department: department.department },
    fields: gridFields,
  }
}

/** A merge layer showing one run instead of the published one (the merge workspace's preview). */
export function forMergeRun(layer: Layer, runId: number): Layer {
  if (layer.source.kind !== 'unified-grids' && layer.source.kind !== 'merge-issues') return layer
  return { ...layer, source: { ...layer.source, runId } }
}

/** The whole catalog in drawing order: region fills, grids, then points. */
export function buildCatalog(departments: ActiveDepartmentLayer[]): Layer[] {
  const [district, street, community, ...points] = fixedLayers
  return [district, street, community, ...departments.map(gridLayer), ...mergeLayers, ...points, ...sitingLayers]
}

/** The catalog entry as the API shows it (without the server-side source description). */
export function toLayerInfo({ source: _source, fields: _fields, ...info }: Layer): LayerInfo {
  return info
}
