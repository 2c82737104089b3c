// The screen in the URL hash — `#/<page>?place=<code>&layers=<id,id>&view=<zoom>/<lon>/<lat>` — so
// that a reload or a shared link shows the same screen. Entering a place adds a history entry (the
// browser's back goes up again); moving the map only replaces the current one.

export interface ScreenState {
  page: string
  place: string | null
  layers: string[] | null
  view: { zoom: number; center: [number, number] } | null
}

export function readScreen(hash = location.hash): ScreenState {
  const [path, query = ''] = hash.replace(/^#/, '').split('?')
  const params = new URLSearchParams(query)
  const view = /^(-?[\d.]+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(params.get('view') ?? '')
  const place = params.get('place')
  return {
    page: path.replace(/^\//, ''),
    // a region's 12-digit code, or a published unified grid's 15 (its community's code and a serial)
    place: place && /^\d{12}(\d{3})?$/.test(place) ? place : null,
    layers: params.has('layers') ? (params.get('layers') ?? '').split(',').filter(Boolean) : null,
    view: view ? { zoom: Number(view[1]), center: [Number(view[2]), Number(view[3])] } : null,
  }
}

export function screenHash(state: ScreenState): string {
  const params: string[] = []
  if (state.place) params.push(`place=${state.place}`)
  if (state.layers) params.push(`layers=${state.layers.join(',')}`)
  if (state.view)
    params.push(
      `view=${state.view.zoom.toFixed(2)}/${state.view.center[0].toFixed(5)}/${state.view.center[1].toFixed(5)}`,
    )
  return `#/${state.page}${params.length ? `?${params.join('&')}` : ''}`
}

/** Writes the state into the URL: a new history entry when asked (a new place), else in place. */
export function writeScreen(state: ScreenState, push = false): void {
  const hash = screenHash(state)
  if (hash === location.hash) return
  if (push) history.pushState(null, '', hash)
  else history.replaceState(null, '', hash)
}
