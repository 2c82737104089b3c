// The layer registry: one entry per map layer, with its title, legend, zoom range, SQL source and
// style hints; the catalog, the tile queries and the web's paint all come from it. Department grid
// layers come from the database (one per department with an active layer); the rest are fixed.
import type { LayerInfo, LayerStyle } from '../../schemas/layers.schema.ts'
import { MergeRequest } from '../../schemas/merge.schema.ts'
import {
  type ActiveDepartmentLayer,
  type LayerSource,
  selectGridRows,
  selectMergeIssueRows,
  selectJointCommitteeRows,
  selectPartyLinkRows,
  selectPartyOrgRows,
  selectPopulationRows,
  selectCatchmentRows,
  selectUncoveredCellRows,
  selectUncoveredResidentRows,
  selectRegionLabelRows,
  selectRegionRows,
  selectServiceCenterRows,
  selectUnifiedGridRows,
  selectUnitRows,
} from '../../db/repositories/layers.repository.ts'

export type { ActiveDepartmentLayer, LayerSource }

/** The merge's default base department (its request schema states it). */
const defaultBaseDepartment = (MergeRequest.properties.baseDepartment as { default?: string }).default

/** One map layer: what the catalog shows, the SQL of its rows and how the web draws it. */
export interface Layer extends LayerInfo {
  /** Its rows in an envelope (a select of `layers.repository.ts`). */
  source: LayerSource
  /** Feature property names and their MVT types (TileJSON vector_layers.fields). */
  fields: Record<string, 'String' | 'Number' | 'Boolean'>
  /** Merge layers: the rows of one merge run instead of the published one. */
  sourceOfRun?: (runId: number) => LayerSource
  /** The merge run shown (absent: the published one); part of the tile cache key. */
  runId?: number
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

/**
 * Region boundaries: a fill shown only when selected and a line; the district's name as a label
 * (street and community names come from `region-labels`, one point each).
 */
function regionLayer(
  level: 'district' | 'street' | 'community',
  title: ReturnType<typeof text>,
  color: string,
  minzoom: number,
  line: NonNullable<LayerStyle['line']>,
  label?: Omit<NonNullable<LayerStyle['label']>, 'field'>,
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
    style: {
      fill: { opacity: 0, selectedOpacity: 0.12 },
      line,
      ...(label ? { label: { field: 'name', ...label } } : {}),
    },
    source: selectRegionRows(level),
    fields: regionFields,
  }
}

function pointLayer(
  id: string,
  source: LayerSource,
  title: ReturnType<typeof text>,
  group: Layer['group'],
  minzoom: number,
  defaultVisible: boolean,
  legend: Layer['legend'],
  fields: Layer['fields'],
  circle: LayerStyle['circle'] = pointCircle,
  label?: LayerStyle['label'],
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
    style: label ? { circle, label } : { circle },
    source,
    fields,
  }
}

/** Points grow with the zoom. */
const pointCircle: LayerStyle['circle'] = {
  radius: {
    byZoom: [
      [10, 2.5],
      [15, 5.5],
    ],
  },
  opacity: 0.9,
  strokeWidth: 1,
}

/** Polygons of the grid slot: a translucent fill and an outline, both stronger when selected. */
const gridStyle: LayerStyle = { fill: { opacity: 0.2, selectedOpacity: 0.55 }, line: { width: 1.1, selectedWidth: 3 } }

/** Grids outside their community's household norm are outlined in red. */
const normFlag = { property: 'outsideNorm', color: '#d50000', width: 2.5 }

/**
 * Department grids: outlines only (four departments' fills over each other make a muddy map); the
 * fill stays, transparent, so that a click still finds the grid.
 */
const departmentGridStyle: LayerStyle = {
  fill: { opacity: 0, selectedOpacity: 0.45 },
  line: { width: 1.2, selectedWidth: 3, flag: normFlag },
  label: { field: 'name', size: 11, minzoom: 15, maxzoom: 24 },
}

/** The unified grid: fill and outline; its serial from zoom 14, the full code from zoom 16. */
const unifiedGridStyle: LayerStyle = {
  fill: { opacity: 0.2, selectedOpacity: 0.55 },
  line: { width: 1.1, selectedWidth: 3, flag: normFlag },
  label: { field: 'serial', size: 11, minzoom: 14, maxzoom: 24, detail: { field: 'code', minzoom: 16 } },
}

const fixedLayers: Layer[] = [
  regionLayer(
    'district',
    text('区县界', 'District boundary'),
    '#37474f',
    0,
    { width: 3 },
    { size: 15, minzoom: 9, maxzoom: 11 },
  ),
  regionLayer('street', text('街道/乡镇界', 'Street / township boundaries'), '#455a64', 8, { width: 2 }),
  regionLayer('community', text('社区/村界', 'Community / village boundaries'), '#90a4ae', 10, {
    width: 0.8,
    dash: [3, 2],
  }),
  {
    id: 'region-labels',
    title: text('街道/社区名称', 'Street / community names'),
    group: 'region',
    geometryType: 'point',
    tiles: tilesOf('region-labels'),
    sourceLayer: 'region-labels',
    minzoom: 8,
    maxzoom: 16,
    defaultVisible: true,
    legend: { color: '#263238' },
    style: {
      label: {
        field: 'name',
        size: 12,
        minzoom: 10,
        maxzoom: 24,
        byProperty: {
          property: 'level',
          values: { street: { size: 15, minzoom: 10, maxzoom: 14 }, community: { size: 12, minzoom: 13, maxzoom: 24 } },
        },
      },
    },
    source: selectRegionLabelRows,
    fields: { code: 'String', name: 'String', level: 'String' },
  },
  pointLayer(
    'service-centers',
    selectServiceCenterRows,
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
    {
      radius: { property: 'level', values: { district: 9, street: 7, community: 5.5 }, otherwise: 4 },
      opacity: 0.9,
      strokeWidth: 1,
    },
  ),
  pointLayer(
    'party-orgs',
    selectPartyOrgRows,
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
      stars: 'String',
      status: 'String',
      memberCount: 'Number',
      regionName: 'String',
      regionCode: 'String',
    },
    {
      // the tier by size: 党委 largest, 党总支, then branches (联合/临时 included)
      radius: { property: 'tier', values: { committee: 8, general_branch: 6 }, otherwise: 4.5 },
      opacity: 0.9,
      strokeWidth: 1,
    },
    { field: 'stars', size: 10, minzoom: 14, maxzoom: 24 },
  ),
  pointLayer(
    'units',
    selectUnitRows,
    text('两新组织等单位', 'Units to be covered'),
    'party',
    11,
    false,
    {
      color: '#e53935',
      property: 'category',
      items: [
        item('own', '单独建', 'Own organization', '#1565c0'),
        item('joint', '联合建', 'Joint organization', '#42a5f5'),
        item('affiliated', '挂靠建', 'Affiliated', '#26a69a'),
        item('work', '仅工作覆盖', 'Work coverage only', '#ffb300'),
        item('should_establish', '应建未建（党员3人以上）', 'Should establish (3+ members)', '#d50000'),
        item('none', '未覆盖（党员不足3人）', 'Not covered (under 3 members)', '#9e9e9e'),
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
      category: 'String',
      orgCode: 'String',
      orgName: 'String',
      regionCode: 'String',
    },
  ),
  pointLayer(
    'population',
    selectPopulationRows,
    text('人口分布', 'Population'),
    'population',
    13,
    false,
    { color: '#7e57c2' },
    { id: 'Number', residents: 'Number', households: 'Number' },
    {
      radius: {
        property: 'residents',
        stops: [
          [1, 1.5],
          [60, 5],
        ],
      },
      opacity: 0.55,
      strokeWidth: 0,
    },
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
    style: { fill: { opacity: 0.18, selectedOpacity: 0.35 }, line: { width: 1, selectedWidth: 2.5 } },
    source: selectCatchmentRows,
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
    style: { fill: { opacity: 0.45, selectedOpacity: 0.7 }, line: { width: 0.5 } },
    source: selectUncoveredCellRows,
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
    style: {
      circle: {
        radius: {
          property: 'residents',
          stops: [
            [1, 2],
            [60, 6],
          ],
        },
        opacity: 0.8,
        strokeWidth: 0,
      },
    },
    source: selectUncoveredResidentRows,
    fields: { id: 'Number', residents: 'Number', households: 'Number' },
  },
]

/**
 * Party coverage beyond the points: a line from each unit to the organization covering it, and the
 * areas of area-wide joint committees (the union of their member regions).
 */
const partyLayers: Layer[] = [
  {
    id: 'party-links',
    title: text('单位—覆盖党组织连线', 'Unit to covering organization'),
    group: 'party',
    geometryType: 'line',
    tiles: tilesOf('party-links'),
    sourceLayer: 'party-links',
    minzoom: 12,
    maxzoom: 16,
    defaultVisible: false,
    legend: {
      color: '#1565c0',
      property: 'mode',
      items: [
        item('own', '单独建', 'Own organization', '#1565c0'),
        item('joint', '联合建', 'Joint organization', '#42a5f5'),
        item('affiliated', '挂靠建', 'Affiliated', '#26a69a'),
      ],
    },
    style: { line: { width: 1.2 } },
    source: selectPartyLinkRows,
    fields: {
      unitCode: 'String',
      unitName: 'String',
      orgCode: 'String',
      orgName: 'String',
      mode: 'String',
      regionCode: 'String',
    },
  },
  {
    id: 'joint-committees',
    title: text('区域化党建联合党委（大党委）', 'Area-wide joint committees'),
    group: 'party',
    geometryType: 'polygon',
    tiles: tilesOf('joint-committees'),
    sourceLayer: 'joint-committees',
    minzoom: 8,
    maxzoom: 16,
    defaultVisible: false,
    legend: { color: '#ad1457' },
    style: { fill: { opacity: 0.12, selectedOpacity: 0.3 }, line: { width: 2, dash: [4, 2] } },
    source: selectJointCommitteeRows,
    fields: {
      code: 'String',
      name: 'String',
      tier: 'String',
      status: 'String',
      memberCount: 'Number',
      regions: 'Number',
      regionCode: 'String',
    },
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
    style: unifiedGridStyle,
    source: selectUnifiedGridRows(),
    sourceOfRun: selectUnifiedGridRows,
    fields: {
      id: 'Number',
      code: 'String',
      serial: 'String',
      outsideNorm: 'Boolean',
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
    style: gridStyle,
    source: selectMergeIssueRows(),
    sourceOfRun: selectMergeIssueRows,
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
  outsideNorm: 'Boolean',
} as const

export function gridLayer(department: ActiveDepartmentLayer, defaultVisible = true): Layer {
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
    defaultVisible,
    department: department.department,
    legend: { color: department.color },
    style: departmentGridStyle,
    source: selectGridRows(department.department),
    fields: gridFields,
  }
}

/** A merge layer showing one run instead of the published one (the merge workspace's preview). */
export function forMergeRun(layer: Layer, runId: number): Layer {
  if (!layer.sourceOfRun) return layer
  return { ...layer, source: layer.sourceOfRun(runId), runId }
}

/**
 * The whole catalog in drawing order: region fills, grids, then points. The first screen shows the
 * published unified grid when there is one; before any publish, the base department's layer (the
 * merge's default base, else the first department); the other departments are one click away.
 */
export function buildCatalog(departments: ActiveDepartmentLayer[], published = false): Layer[] {
  const [district, street, community, labels, ...points] = fixedLayers
  const base = departments.find((d) => d.department === defaultBaseDepartment) ?? departments[0]
  const grids = departments.map((d) => gridLayer(d, !published && d === base))
  const merge = mergeLayers.map((l) => (l.id === 'unified-grids' ? { ...l, defaultVisible: published } : l))
  return [district, street, community, ...grids, ...merge, ...partyLayers, labels, ...points, ...sitingLayers]
}

/** The catalog entry as the API shows it (without the server-side source description). */
export function toLayerInfo({
  source: _source,
  fields: _fields,
  sourceOfRun: _sourceOfRun,
  runId: _runId,
  ...info
}: Layer): LayerInfo {
  return info
}
