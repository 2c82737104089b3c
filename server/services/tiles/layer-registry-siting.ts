// The registry's siting family: party-mass service centres, where residents live, the stored
// catchments and the residents they leave out.
import {
  selectCatchmentRows,
  selectPopulationRows,
  selectServiceCenterRows,
  selectUncoveredCellRows,
  selectUncoveredResidentRows,
} from '../../db/repositories/layers.repository.ts'
import { type LayerEntry, item, text } from './layer-registry-entry.ts'

export const serviceCenters: LayerEntry = {
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
}

export const population: LayerEntry = {
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
}

// catchments and who they leave out: stored circles and walking areas (POST /api/catchments), and
// the residents outside every stored radius circle — points from zoom 13, 500 m cells summed below
// it so that no tile carries every point of the district
export const catchments: LayerEntry = {
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
}

export const uncoveredCells: LayerEntry = {
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
}

export const uncoveredResidents: LayerEntry = {
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
}
