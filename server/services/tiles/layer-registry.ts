// The layer registry: one entry per map layer, as data — its title, group, legend, zoom range, SQL
// source (a select of layers.repository.ts, which also holds its scope column), feature properties
// and style hints; the catalog, the tile queries and the web's paint all come from it. Adding a layer
// is one entry in `registry`, at its place in the drawing order. Department grid layers come from the
// database (one per department with an active layer) and are drawn where `departmentGrids` stands.
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

/**
 * One registry entry: what varies from layer to layer. The tile URL and source-layer name follow from
 * the id; the max zoom is 16 and the layer shows at start unless the entry says otherwise.
 */
interface LayerEntry {
  id: string
  title: LayerInfo['title']
  group: LayerInfo['group']
  geometryType: LayerInfo['geometryType']
  minzoom: number
  /** 16 when absent */
  maxzoom?: number
  /** true when absent; 'published' for a layer shown at start only once a merge is published */
  defaultVisible?: boolean | 'published'
  legend: LayerInfo['legend']
  style: LayerStyle
  source: LayerSource
  sourceOfRun?: (runId: number) => LayerSource
  fields: Layer['fields']
}

function layerOf(entry: LayerEntry, published: boolean): Layer {
  const { id, title, group, geometryType, minzoom, maxzoom = 16, defaultVisible = true, legend, style } = entry
  return {
    id,
    title,
    group,
    geometryType,
    tiles: tilesOf(id),
    sourceLayer: id,
    minzoom,
    maxzoom,
    defaultVisible: defaultVisible === 'published' ? published : defaultVisible,
    legend,
    style,
    source: entry.source,
    ...(entry.sourceOfRun ? { sourceOfRun: entry.sourceOfRun } : {}),
    fields: entry.fields,
  }
}

const regionFields = {
  code: 'String',
  name: 'String',
  level: 'String',
  isUrban: 'Boolean',
  parentName: 'String',
} as const

/** Region boundaries: a fill shown only when selected (a click still finds the region) and a line. */
const regionFill = { opacity: 0, selectedOpacity: 0.12 }

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

/** Where the department grid layers (one per active department, from the database) are drawn. */
const departmentGrids = 'department-grids'

/** Every layer, in drawing order: region outlines, grids, party areas, labels, points, then siting. */
const registry: (LayerEntry | typeof departmentGrids)[] = [
  // the district's name as a label; street and community names come from `region-labels`, one point each
  {
    id: 'regions-district',
    title: text('区县界', 'District boundary'),
    group: 'region',
    geometryType: 'polygon',
    minzoom: 0,
    legend: { color: '#37474f' },
    style: { fill: regionFill, line: { width: 3 }, label: { field: 'name', size: 15, minzoom: 9, maxzoom: 11 } },
    source: selectRegionRows('district'),
    fields: regionFields,
  },
  {
    id: 'regions-street',
    title: text('街道/乡镇界', 'Street / township boundaries'),
    group: 'region',
    geometryType: 'polygon',
    minzoom: 8,
    legend: { color: '#455a64' },
    style: { fill: regionFill, line: { width: 2 } },
    source: selectRegionRows('street'),
    fields: regionFields,
  },
  {
    id: 'regions-community',
    title: text('社区/村界', 'Community / village boundaries'),
    group: 'region',
    geometryType: 'polygon',
    minzoom: 10,
    legend: { color: '#90a4ae' },
    style: { fill: regionFill, line: { width: 0.8, dash: [3, 2] } },
    source: selectRegionRows('community'),
    fields: regionFields,
  },
  departmentGrids,
  // the published 多网合一 result: the unified grids and the conflicts found on the way
  {
    id: 'unified-grids',
    title: text('全科网格（已发布）', 'Unified grids (published)'),
    group: 'grid',
    geometryType: 'polygon',
    minzoom: 9,
    defaultVisible: 'published',
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
    minzoom: 9,
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
  // party coverage beyond the points: a line from each unit to the organization covering it, and the
  // areas of area-wide joint committees (the union of their member regions)
  {
    id: 'party-links',
    title: text('单位—覆盖党组织连线', 'Unit to covering organization'),
    group: 'party',
    geometryType: 'line',
    minzoom: 12,
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
    minzoom: 8,
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
  {
    id: 'region-labels',
    title: text('街道/社区名称', 'Street / community names'),
    group: 'region',
    geometryType: 'point',
    // no label is drawn below zoom 10 (the style's minzoom): no tiles to fetch there either
    minzoom: 10,
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
  {
    id: 'service-centers',
    title: text('党群服务中心', 'Party-mass service centers'),
    group: 'service',
    geometryType: 'point',
    minzoom: 8,
    legend: {
      color: '#8d6e63',
      property: 'level',
      items: [
        item('district', '区县级', 'District', '#b71c1c'),
        item('street', '街道·乡镇级', 'Street / township', '#e65100'),
        item('community', '社区·村级', 'Community / village', '#f9a825'),
        item('station', '小区·楼宇·园区站点', 'Station', '#8d6e63'),
      ],
    },
    style: {
      circle: {
        radius: { property: 'level', values: { district: 9, street: 7, community: 5.5 }, otherwise: 4 },
        opacity: 0.9,
        strokeWidth: 1,
      },
    },
    source: selectServiceCenterRows,
    fields: {
      id: 'Number',
      code: 'String',
      name: 'String',
      level: 'String',
      status: 'String',
      floorAreaM2: 'Number',
      radiusM: 'Number',
      regionName: 'String',
    },
  },
  {
    id: 'party-orgs',
    title: text('党组织', 'Party organizations'),
    group: 'party',
    geometryType: 'point',
    minzoom: 10,
    legend: {
      color: '#c62828',
      property: 'status',
      items: [
        item('normal', '正常', 'Normal', '#c62828'),
        item('weak', '软弱涣散', 'Weak and lax', '#f9a825'),
        item('rectifying', '整顿中', 'Under rectification', '#ef6c00'),
        item('hollow', '空壳', 'Hollow', '#616161'),
      ],
    },
    style: {
      circle: {
        // the tier by size: 党委 largest, 党总支, then branches (联合/临时 included)
        radius: { property: 'tier', values: { committee: 8, general_branch: 6 }, otherwise: 4.5 },
        opacity: 0.9,
        strokeWidth: 1,
      },
      label: { field: 'stars', size: 10, minzoom: 14, maxzoom: 24 },
    },
    source: selectPartyOrgRows,
    fields: {
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
  },
  {
    id: 'units',
    title: text('两新组织等单位', 'Units to be covered'),
    group: 'party',
    geometryType: 'point',
    minzoom: 11,
    defaultVisible: false,
    legend: {
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
    style: { circle: pointCircle },
    source: selectUnitRows,
    fields: {
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
  },
  {
    id: 'population',
    title: text('人口分布', 'Population'),
    group: 'population',
    geometryType: 'point',
    minzoom: 13,
    defaultVisible: false,
    legend: { color: '#7e57c2' },
    style: {
      circle: {
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
    },
    source: selectPopulationRows,
    fields: { id: 'Number', residents: 'Number', households: 'Number' },
  },
  // catchments and who they leave out: stored circles and walking areas (POST /api/catchments), and
  // the residents outside every stored radius circle — points from zoom 13, 500 m cells summed below
  // it so that no tile carries every point of the district
  {
    id: 'catchments',
    title: text('服务范围', 'Service catchments'),
    group: 'service',
    geometryType: 'polygon',
    minzoom: 8,
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
    // below zoom 10 a cell is one or two pixels, and a tile would sum every point of the district
    minzoom: 10,
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
    minzoom: 13,
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

/** The one kind of layer made per database row: a department's grids. */
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
 * The whole catalog in drawing order. The first screen shows the published unified grid when there
 * is one; before any publish, the base department's layer (the merge's default base, else the first
 * department); the other departments are one click away.
 */
export function buildCatalog(departments: ActiveDepartmentLayer[], published = false): Layer[] {
  const base = departments.find((d) => d.department === defaultBaseDepartment) ?? departments[0]
  return registry.flatMap((entry) =>
    entry === departmentGrids
      ? departments.map((d) => gridLayer(d, !published && d === base))
      : [layerOf(entry, published)],
  )
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
