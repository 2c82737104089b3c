// The layer registry: one entry per map layer, as data — its title, group, legend, zoom range, SQL
// source (a select of layers.repository.ts, which also holds its scope column), feature properties
// and style hints; the catalog, the tile queries and the web's paint all come from it. The entries
// live by family (layer-registry-grids.ts, -party.ts, -siting.ts); adding a layer is one entry there
// and its name at its place in the drawing order below. Department grid layers come from the
// database (one per department with an active layer) and are drawn where `departmentGrids` stands.
import type { LayerInfo } from '../../schemas/layers.schema.ts'
import { MergeRequest } from '../../schemas/merge.schema.ts'
import type { ActiveDepartmentLayer } from '../../db/repositories/layers.repository.ts'
import { type Layer, type LayerEntry, tilesOf } from './layer-registry-entry.ts'
import {
  gridLayer,
  mergeIssues,
  regionLabels,
  regionsCommunity,
  regionsDistrict,
  regionsStreet,
  unifiedGrids,
} from './layer-registry-grids.ts'
import { jointCommittees, partyLinks, partyOrgs, units } from './layer-registry-party.ts'
import { catchments, population, serviceCenters, uncoveredCells, uncoveredResidents } from './layer-registry-siting.ts'

export type { ActiveDepartmentLayer, LayerSource, Layer } from './layer-registry-entry.ts'
export { gridLayer }

/** The merge's default base department (its request schema states it). */
const defaultBaseDepartment = (MergeRequest.properties.baseDepartment as { default?: string }).default

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

/** Where the department grid layers (one per active department, from the database) are drawn. */
const departmentGrids = 'department-grids'

/** Every layer, in drawing order: region outlines, grids, party areas, labels, points, then siting. */
const registry: (LayerEntry | typeof departmentGrids)[] = [
  regionsDistrict,
  regionsStreet,
  regionsCommunity,
  departmentGrids,
  unifiedGrids,
  mergeIssues,
  partyLinks,
  jointCommittees,
  regionLabels,
  serviceCenters,
  partyOrgs,
  units,
  population,
  catchments,
  uncoveredCells,
  uncoveredResidents,
]

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
