// The basemap under the grids: raster tiles, a self-hosted MapLibre style or a local PMTiles archive,
// one at most; none by default (nothing requested outside).
import path from 'node:path'
import { type Settings, httpUrl, projectRoot } from './parsers.ts'

export interface BasemapConfig {
  /** A raster basemap's tile URL template ({z}/{x}/{y}), e.g. 天地图 WMTS with its key; none by default. */
  basemapTiles: string | undefined
  /** The basemap's attribution, shown on the map when one is set. */
  basemapAttribution: string
  /** A self-hosted MapLibre style's URL: its sources and layers go under the grids; none by default. */
  basemapStyle: string | undefined
  /** A local PMTiles archive of raster tiles, served by this server; none by default. */
  basemapPmtiles: string | undefined
}

export const basemapSettings: Settings<BasemapConfig> = {
  basemapTiles: {
    env: 'BASEMAP_TILES',
    default: '',
    parse: (raw) => {
      if (raw === '') return undefined
      httpUrl(raw.replace(/[{}]/g, ''), 'expected an http(s) tile URL template with {z}, {x} and {y}')
      for (const part of ['{z}', '{x}', '{y}']) if (!raw.includes(part)) throw new Error(`the template has no ${part}`)
      return raw
    },
    doc: 'raster basemap tiles (a URL template with {z}, {x}, {y}; 天地图 WMTS with tk=your key); empty = no basemap, nothing requested outside',
  },
  basemapAttribution: {
    env: 'BASEMAP_ATTRIBUTION',
    default: '',
    parse: (raw) => raw.slice(0, 200),
    doc: "the basemap's attribution, shown on the map",
  },
  basemapStyle: {
    env: 'BASEMAP_STYLE',
    default: '',
    parse: (raw) => {
      if (raw === '') return undefined
      httpUrl(raw, 'expected the http(s) URL of a MapLibre style (style.json)')
      return raw
    },
    doc: "a self-hosted MapLibre style (its URL): its sources and layers are drawn under the grids, and the page's CSP allows that style's host only",
  },
  basemapPmtiles: {
    env: 'BASEMAP_PMTILES',
    default: '',
    parse: (raw) => {
      if (raw === '') return undefined
      const file = path.resolve(projectRoot, raw)
      if (!file.endsWith('.pmtiles')) throw new Error('expected the path of a .pmtiles file')
      return file
    },
    doc: 'a local PMTiles archive of raster tiles (path; relative to the project), served by this server at /api/basemap.pmtiles: nothing requested outside',
  },
}

/** The problems of the parsed basemap settings together: more than one basemap. */
export function basemapProblems(config: Partial<Record<keyof BasemapConfig, unknown>>): string[] {
  const basemaps = (['basemapTiles', 'basemapStyle', 'basemapPmtiles'] as const).filter((key) => config[key])
  return basemaps.length > 1
    ? [`${basemaps.map((key) => basemapSettings[key].env).join(' and ')}: set one basemap at most`]
    : []
}
