// English texts, the same shape as zh-CN/imports.ts. Importing files: what is checked and refused.
export const imports = {
  title: 'Import grids, regions, roads, service centres or population',
  kinds: {
    grids: 'Department grids',
    regions: 'Region boundaries (streets/communities)',
    roads: 'Road and path network',
    centers: 'Party–masses service centre register',
    population: 'Population points (residents)',
  } as Record<string, string>,
  replaceDemo: 'Replace the demo district',
  replaceDemoHint:
    'Before importing, delete the generated demo district (青禾区) with its grids, party organizations, units, service centres and population',
  regionsDone: (stored: number, replacedDemo: boolean) =>
    `Imported ${stored.toLocaleString('en')} regions${replacedDemo ? '; the demo district was replaced' : ''}`,
  frames: {
    '': 'Coordinate system: detect',
    'EPSG:4326': 'WGS84',
    'EPSG:4490': 'CGCS2000 geographic',
    'EPSG:4547': 'CGCS2000 Gauss–Krüger 114°E',
    'EPSG:3857': 'Web Mercator',
    'GCJ-02': 'GCJ-02 (Amap/Tencent)',
    'BD-09': 'BD-09 (Baidu)',
  } as Record<string, string>,
  check: 'Check (do not store)',
  run: 'Import',
  checked: 'Check passed',
  failed: 'Check failed; nothing stored',
  done: (version: number) => `Imported as version ${version}`,
  counts: (accepted: number, total: number, kind = 'grids') =>
    `${accepted.toLocaleString('en')}/${total.toLocaleString('en')} ${kind === 'regions' ? 'regions' : 'grids'} usable`,
  /** a refused file, named: what is wrong with it, not "0/0 usable" */
  refused: (file: string, errors: number) =>
    `File ${file} refused: ${errors.toLocaleString('en')} ${errors === 1 ? 'error' : 'errors'}, see below`,
  /** a feature of the file, counted from 1 as people count */
  feature: (index: number) => `Feature ${(index + 1).toLocaleString('en')}`,
  assigned: (count: number) =>
    `${count.toLocaleString('en')} grids had no code and were given their community's code + a sequence number`,
  /** road and path networks (kind roads): what was read, stored and left out */
  roadsChecked: 'Check passed; nothing stored',
  roadsDone: (networkId: number) =>
    `Imported as road network ${networkId.toLocaleString('en')}, now the network in use`,
  roadLines: (lines: number, dryRun: boolean) =>
    `${lines.toLocaleString('en')} road and path lines ${dryRun ? 'can be imported' : 'stored'}`,
  roadLength: (km: number) =>
    `${km.toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} km in all`,
  roadLeftOut: (closed: number, notWalkable: number) =>
    `Lines no one may walk left out: ${closed.toLocaleString('en')} closed to walkers, ${notWalkable.toLocaleString('en')} of classes not walked (motorways and the like)`,
  roadFrame: (crs: string) => `frame ${crs}`,
  roadAreas: (rebuilt: number) =>
    `${rebuilt.toLocaleString('en')} walking service areas (centre × band) rebuilt on the new network`,
  roadUnsnapped: (codes: string[]) =>
    `${codes.length.toLocaleString('en')} service centres have no walkable line nearby and no walking area: ${codes.join(', ')}`,
  roadRefused: 'File refused; nothing stored',
  /** where a refused file is wrong; feature counted from 1 */
  roadWhere: (file: string, feature?: number, field?: string) =>
    `File ${file}${feature !== undefined ? ` · feature ${feature.toLocaleString('en')}` : ''}${field ? ` · field ${field}` : ''}`,
  /** 党群服务中心 registers and population points (kinds centers, population) */
  replaceCentres: 'Remove centres not in the register',
  replaceCentresHint: 'Delete the stored service centres the file does not list (their service areas go with them)',
  inputsDone: 'Imported',
  centreCounts: (added: number, updated: number, removed: number, dryRun: boolean) =>
    `${dryRun ? 'Would add' : 'Added'} ${added.toLocaleString('en')}, ${dryRun ? 'update' : 'updated'} ${updated.toLocaleString('en')} and ${dryRun ? 'remove' : 'removed'} ${removed.toLocaleString('en')} service centres`,
  catchmentsRebuilt: (count: number) => `${count.toLocaleString('en')} service areas rebuilt`,
  populationCounts: (points: number, residents: number, dryRun: boolean) =>
    `${dryRun ? 'Can import' : 'Replaced with'} ${points.toLocaleString('en')} population points, ${residents.toLocaleString('en')} residents`,
  populationOutside: (count: number) =>
    `${count.toLocaleString('en')} points lie in no community of the district and were left out`,
  inputWhere: (sheet: string, row: number, column: string) =>
    `${sheet} row ${row.toLocaleString('en')}${column ? ` "${column}"` : ''}`,
}
