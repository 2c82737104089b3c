// A unified grid is a place in the URL as a region is: its 15-digit code (the community's 12 and a
// serial) is read back from the hash, and the printed service map's QR code links to exactly that page.
import { describe, expect, it } from 'vitest'
import { serviceMapLink } from '../../server/services/print/service-map.service.ts'
import { readScreen, screenHash } from '../../web/src/lib/stores/url-state.ts'

describe('a place in the URL', () => {
  it('reads a region’s 12-digit code and a unified grid’s 15, nothing else', () => {
    expect(readScreen('#/?place=410199001001&layers=unified-grids').place).toBe('410199001001')
    expect(readScreen('#/?place=410199001001002&layers=unified-grids').place).toBe('410199001001002')
    for (const bad of ['4101990010010', '41019900100100', '4101990010010021', 'x10199001001002'])
      expect(readScreen(`#/?place=${bad}`).place, bad).toBeNull()
  })

  it('links a printed grid to its own page, which reads back as that grid', () => {
    const link = serviceMapLink('https://grid.example.gov.cn', '410199001001002')
    expect(link).toBe('https://grid.example.gov.cn/#/?place=410199001001002&layers=unified-grids')
    const screen = readScreen(link.slice(link.indexOf('#')))
    expect(screen).toEqual({ page: '', place: '410199001001002', layers: ['unified-grids'], view: null })
    expect(screenHash(screen)).toBe(link.slice(link.indexOf('#')))
    expect(serviceMapLink(undefined, '410199001001002')).toBe('/#/?place=410199001001002&layers=unified-grids')
  })
})
