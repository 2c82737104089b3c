// The web draws every catalog layer from its style hints: which MapLibre layers, in which slot,
// with which paint. The expected values are the ones the map drew before the hints existed.
import { describe, expect, it } from 'vitest'
import type { LayerInfo } from '../../server/schemas/layers.schema.ts'
import { buildCatalog, toLayerInfo } from '../../server/services/tiles/layer-registry.ts'
import { circleRadius, colorOf, slotOf, styleParts, whenSelected } from '../../web/src/lib/map/layer-styles.ts'

const catalog = buildCatalog([{ department: 'party', name: '党建', color: '#c62828', version: 1 }]).map(toLayerInfo)
const layer = (id: string) => catalog.find((l) => l.id === id)!
const partsById = (info: LayerInfo) => Object.fromEntries(styleParts(info).map((p) => [p.id, p]))

describe('style hints to MapLibre layers', () => {
  it('draws a region as a fill seen only when selected and a line, each in its slot', () => {
    const parts = partsById(layer('regions-community'))
    expect(Object.keys(parts)).toEqual(['regions-community-fill', 'regions-community-line'])
    expect(parts['regions-community-fill']).toMatchObject({
      slot: 'slot-region-fill',
      interactive: true,
      paint: { 'fill-color': '#90a4ae', 'fill-opacity': whenSelected(0.12, 0) },
    })
    expect(parts['regions-community-line']).toMatchObject({
      slot: 'slot-region-line',
      interactive: false,
      paint: { 'line-color': '#90a4ae', 'line-width': 0.8, 'line-dasharray': [3, 2] },
    })
  })

  it('names each street and community once, from its label point, streets larger and earlier', () => {
    const parts = partsById(layer('region-labels'))
    expect(Object.keys(parts)).toEqual(['region-labels-label-street', 'region-labels-label-community'])
    expect(parts['region-labels-label-street']).toMatchObject({
      kind: 'symbol',
      slot: 'slot-label',
      minzoom: 10,
      maxzoom: 14,
      filter: ['==', ['get', 'level'], 'street'],
      layout: { 'text-field': ['get', 'name'], 'text-size': 15, 'text-font': ['Noto Sans SC'] },
    })
    expect(parts['region-labels-label-community']).toMatchObject({
      minzoom: 13,
      maxzoom: 24,
      filter: ['==', ['get', 'level'], 'community'],
      layout: { 'text-size': 12 },
    })
  })

  it('scales only the labels by the wall’s factor: text size and halo, nothing else', () => {
    const plain = partsById(layer('region-labels'))
    const wall = Object.fromEntries(styleParts(layer('region-labels'), 2.5).map((p) => [p.id, p]))
    expect(wall['region-labels-label-street']).toMatchObject({
      layout: { 'text-size': 37.5 },
      paint: { 'text-halo-width': 3.75 },
    })
    expect(wall['region-labels-label-community']).toMatchObject({ layout: { 'text-size': 30 } })
    expect({ ...wall['region-labels-label-street'], layout: {}, paint: {} }).toEqual({
      ...plain['region-labels-label-street'],
      layout: {},
      paint: {},
    })
    const grids = layer('regions-community')
    expect(styleParts(grids, 2.5)).toEqual(styleParts(grids))
  })

  it('gives the district and street lines their own widths, without a dash, and the district its label', () => {
    const district = partsById(layer('regions-district'))
    const street = partsById(layer('regions-street'))
    expect(district['regions-district-line'].paint).toEqual({ 'line-color': '#37474f', 'line-width': 3 })
    expect(street['regions-street-line'].paint).toEqual({ 'line-color': '#455a64', 'line-width': 2 })
    expect(district['regions-district-label']).toMatchObject({ minzoom: 9, maxzoom: 11, layout: { 'text-size': 15 } })
    expect(street['regions-street-label']).toBeUndefined()
  })

  it('draws department grids as outlines only (a transparent fill to click), stronger when selected', () => {
    const parts = partsById(layer('grids-party'))
    expect(parts['grids-party-fill']).toMatchObject({
      slot: 'slot-grid',
      minzoom: 9,
      paint: { 'fill-color': '#c62828', 'fill-opacity': whenSelected(0.45, 0) },
    })
    expect(parts['grids-party-line'].slot).toBe('slot-grid')
  })

  it('outlines a grid outside its household norm in red and wider', () => {
    const outsideNorm = ['boolean', ['get', 'outsideNorm'], false]
    for (const id of ['grids-party', 'unified-grids'])
      expect(partsById(layer(id))[`${id}-line`].paint).toMatchObject({
        'line-color': ['case', outsideNorm, '#d50000', id === 'grids-party' ? '#c62828' : '#6a1b9a'],
        'line-width': [
          'case',
          ['boolean', ['feature-state', 'selected'], false],
          3,
          ['case', outsideNorm, 2.5, id === 'grids-party' ? 1.2 : 1.1],
        ],
      })
  })

  it('labels a unified grid with its serial, and with its full code from zoom 16', () => {
    expect(partsById(layer('unified-grids'))['unified-grids-label'].layout).toMatchObject({
      'text-field': ['step', ['zoom'], ['get', 'serial'], 16, ['get', 'code']],
    })
  })

  it('shows the base department first before any publish, the unified grid alone after one', () => {
    const departments = ['party', 'governance', 'urban'].map((department) => ({
      department,
      name: department,
      color: '#000000',
      version: 1,
    }))
    const visible = (published: boolean) =>
      buildCatalog(departments, published)
        .filter((l) => l.group === 'grid' && l.defaultVisible)
        .map((l) => l.id)
    expect(visible(false)).toEqual(['grids-governance'])
    expect(visible(true)).toEqual(['unified-grids'])
  })

  it('colours by the legend property when the legend has items', () => {
    expect(colorOf(layer('merge-issues'))).toEqual([
      'match',
      ['get', 'kind'],
      'gap',
      '#e53935',
      'overlap',
      '#fb8c00',
      'sliver',
      '#8e24aa',
      'crosses_boundary',
      '#3949ab',
      'outside_region',
      '#00897b',
      'invalid_input',
      '#000000',
      '#9e9e9e',
    ])
    expect(colorOf(layer('unified-grids'))).toBe('#6a1b9a')
  })

  it('sizes points by zoom, by a value read as stops, or by a category', () => {
    expect(
      circleRadius({
        byZoom: [
          [10, 2.5],
          [15, 5.5],
        ],
      }),
    ).toEqual(['interpolate', ['linear'], ['zoom'], 10, 2.5, 15, 5.5])
    expect(partsById(layer('population'))['population-circle'].paint).toEqual({
      'circle-color': '#7e57c2',
      'circle-radius': ['interpolate', ['linear'], ['get', 'residents'], 1, 1.5, 60, 5],
      'circle-opacity': 0.55,
      'circle-stroke-color': whenSelected('#111111', '#ffffff'),
      'circle-stroke-width': whenSelected(2.5, 0),
    })
    expect(partsById(layer('service-centers'))['service-centers-circle'].paint).toMatchObject({
      'circle-radius': ['match', ['get', 'level'], 'district', 9, 'street', 7, 'community', 5.5, 4],
      'circle-opacity': 0.9,
      'circle-stroke-width': whenSelected(2.5, 1),
    })
    expect(partsById(layer('units'))['units-circle']).toMatchObject({
      slot: 'slot-point',
      interactive: true,
      paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 2.5, 15, 5.5] },
    })
    // organizations by tier: 党委 largest, 党总支, then branches
    expect(partsById(layer('party-orgs'))['party-orgs-circle'].paint).toMatchObject({
      'circle-radius': ['match', ['get', 'tier'], 'committee', 8, 'general_branch', 6, 4.5],
    })
  })

  it('draws a new layer from its hints alone, whatever its id', () => {
    const invented: LayerInfo = {
      ...layer('grids-party'),
      id: 'anything-new',
      sourceLayer: 'anything-new',
      group: 'service',
      geometryType: 'point',
      style: { circle: { radius: { byZoom: [[0, 3]] }, opacity: 0.4, strokeWidth: 2 } },
    }
    const parts = styleParts(invented)
    expect(parts.map((p) => [p.id, p.kind, p.slot])).toEqual([['anything-new-circle', 'circle', 'slot-point']])
    expect(slotOf({ group: 'region' }, 'line')).toBe('slot-region-line')
    expect(slotOf({ group: 'grid' }, 'line')).toBe('slot-grid')
  })
})
