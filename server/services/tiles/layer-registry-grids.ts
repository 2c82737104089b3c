// The registry's grid family: region outlines and names, the department grids (one layer per
// department with an active layer, from the database), the published unified grid and the merge's issues.
import {
  type ActiveDepartmentLayer,
  selectGridRows,
  selectMergeIssueRows,
  selectRegionLabelRows,
  selectRegionRows,
  selectUnifiedGridRows,
} from '../../db/repositories/layers.repository.ts'
import type { LayerStyle } from '../../schemas/layers.schema.ts'
import type { MergeIssueKind } from '../../schemas/merge.schema.ts'
import { departmentName, mergeVocabulary } from '../merge/merge-vocabulary.ts'
import { type Layer, type LayerEntry, item, text, tilesOf } from './layer-registry-entry.ts'

const regionFields = {
  code: 'String',
  name: 'String',
  level: 'String',
  isUrban: 'Boolean',
  parentName: 'String',
} as const

/** Region boundaries: a fill shown only when selected (a click still finds the region) and a line. */
const regionFill = { opacity: 0, selectedOpacity: 0.12 }

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

// the district's name as a label; street and community names come from `region-labels`, one point each
export const regionsDistrict: LayerEntry = {
  id: 'regions-district',
  title: text('区县界', 'District boundary'),
  group: 'region',
  geometryType: 'polygon',
  minzoom: 0,
  legend: { color: '#37474f' },
  style: { fill: regionFill, line: { width: 3 }, label: { field: 'name', size: 15, minzoom: 9, maxzoom: 11 } },
  source: selectRegionRows('district'),
  fields: regionFields,
}

export const regionsStreet: LayerEntry = {
  id: 'regions-street',
  title: text('街道/乡镇界', 'Street / township boundaries'),
  group: 'region',
  geometryType: 'polygon',
  minzoom: 8,
  legend: { color: '#455a64' },
  style: { fill: regionFill, line: { width: 2 } },
  source: selectRegionRows('street'),
  fields: regionFields,
}

export const regionsCommunity: LayerEntry = {
  id: 'regions-community',
  title: text('社区/村界', 'Community / village boundaries'),
  group: 'region',
  geometryType: 'polygon',
  minzoom: 10,
  legend: { color: '#90a4ae' },
  style: { fill: regionFill, line: { width: 0.8, dash: [3, 2] } },
  source: selectRegionRows('community'),
  fields: regionFields,
}

// the published 多网合一 result: the unified grids and the conflicts found on the way
export const unifiedGrids: LayerEntry = {
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
}

/** A merge issue kind's legend entry, named as the merge's vocabulary names it. */
function issueKindItem(kind: MergeIssueKind, color: string) {
  const label = mergeVocabulary.issueKinds[kind]
  return item(kind, label['zh-CN'], label.en, color)
}

export const mergeIssues: LayerEntry = {
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
      issueKindItem('gap', '#e53935'),
      issueKindItem('overlap', '#fb8c00'),
      issueKindItem('sliver', '#8e24aa'),
      issueKindItem('crosses_boundary', '#3949ab'),
      issueKindItem('outside_region', '#00897b'),
      issueKindItem('invalid_input', '#000000'),
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
}

export const regionLabels: LayerEntry = {
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
}

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
    title: text(
      `${departmentName(department.department, 'zh-CN', department.name)}网格`,
      `${departmentName(department.department, 'en', department.name)} grids`,
    ),
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
