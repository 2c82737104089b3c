// English texts, the same shape as zh-CN/imports.ts. Importing files: what is checked and refused.
export const imports = {
  title: 'Import grids or regions',
  kinds: { grids: 'Department grids', regions: 'Region boundaries (streets/communities)' } as Record<string, string>,
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
  /** a refused file: what is wrong with it, not "0/0 usable" */
  refused: (errors: number) =>
    `File refused: ${errors.toLocaleString('en')} ${errors === 1 ? 'error' : 'errors'}, see below`,
  /** a feature of the file, counted from 1 as people count */
  feature: (index: number) => `Feature ${(index + 1).toLocaleString('en')}`,
  assigned: (count: number) =>
    `${count.toLocaleString('en')} grids had no code and were given their community's code + a sequence number`,
}
