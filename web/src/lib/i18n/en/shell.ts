// English texts, the same shape as zh-CN/shell.ts. The app's frame: its title, the layer groups, the side panel, navigation, the KPI tiles, printing.
export const app = {
  title: 'Grid governance on one map',
  subtitle: 'Grid merge · Party–masses service centres · Party organization coverage',
  loading: 'Loading map layers…',
  unreachable: 'Cannot reach the service, retrying…',
  retryIn: (seconds: number) => `Retrying in ${seconds} s`,
}

export const groups = {
  region: 'Administrative regions',
  grid: 'Department grids',
  service: 'Service centres',
  party: 'Party organizations',
  population: 'Population',
} as Record<string, string>

export const panel = {
  layers: 'Layers',
  legend: 'Legend',
  close: 'Close',
  others: 'Other features at this place',
  noAttributes: 'No attributes',
}

export const nav = { overview: 'Map', merge: 'Grid merge', siting: 'Centre siting', party: 'Party coverage' }

export const kpi = {
  unifiedGrids: 'Unified grids',
  unifiedGridRun: (version: number, date: string | null) => `Version ${version}${date ? ` · published ${date}` : ''}`,
  notPublished: 'Not published yet',
  serviceCenters: 'Party–masses service centres',
  partyOrgs: 'Party organizations',
  weak: 'Weak and lax',
  shouldEstablish: 'Required but not set up',
  shouldEstablishNote: '3+ formal members, no own organization; the map\'s "uncovered": under 3 members, no coverage',
  residents: 'Residents',
}

export const print = {
  grid: 'Print service map',
  community: "Print this community's grid service map",
  hint: 'Unified grid service map (A3 PDF)',
}

/** The punctuation that joins texts: a count or an aside in brackets, a label before its value, a list. */
export const marks = {
  counted: (label: string, count: string) => `${label} (${count})`,
  aside: (text: string) => ` (${text})`,
  colon: ': ',
  list: ', ',
}

/** MapLibre's own controls (their tooltips and the scale's units), by MapLibre's string ids. */
export const mapControls = {
  'NavigationControl.ZoomIn': 'Zoom in',
  'NavigationControl.ZoomOut': 'Zoom out',
  'NavigationControl.ResetBearing': 'Reset bearing to north',
  'AttributionControl.ToggleAttribution': 'Toggle attribution',
  'ScaleControl.Meters': 'm',
  'ScaleControl.Kilometers': 'km',
} as Record<string, string>
