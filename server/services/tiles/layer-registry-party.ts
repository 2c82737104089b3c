// The registry's party family: organizations and the units to be covered as points, the links from
// units to their covering organizations, and area-wide joint committees.
import {
  selectJointCommitteeRows,
  selectPartyLinkRows,
  selectPartyOrgRows,
  selectUnitRows,
} from '../../db/repositories/layers.repository.ts'
import type { LayerStyle } from '../../schemas/layers.schema.ts'
import { type LayerEntry, item, text } from './layer-registry-entry.ts'

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

// party coverage beyond the points: a line from each unit to the organization covering it, and the
// areas of area-wide joint committees (the union of their member regions)
export const partyLinks: LayerEntry = {
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
}

export const jointCommittees: LayerEntry = {
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
}

export const partyOrgs: LayerEntry = {
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
}

export const units: LayerEntry = {
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
}
