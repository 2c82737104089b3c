import { describe, expect, it } from 'vitest'
import { TileCache, tileCacheKey } from '../../server/services/tiles/tiles.service.ts'
import type { Layer } from '../../server/services/tiles/layer-registry.ts'

const tile = (bytes: number) => new Uint8Array(bytes)

describe('TileCache', () => {
  it('returns what was stored', () => {
    const cache = new TileCache(100)
    const stored = tile(10)
    cache.set('a', stored)
    expect(cache.get('a')).toBe(stored)
  })

  it('evicts the least recently used tile when over its byte budget', () => {
    const cache = new TileCache(25)
    cache.set('a', tile(10))
    cache.set('b', tile(10))
    cache.get('a')
    cache.set('c', tile(10))
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBeDefined()
    expect(cache.get('c')).toBeDefined()
  })

  it('is empty after clear', () => {
    const cache = new TileCache(100)
    cache.set('a', tile(1))
    cache.clear()
    expect(cache.size).toBe(0)
  })
})

describe('tileCacheKey', () => {
  const layer = { id: 'grids-party' } as Layer
  it('is scopePrefix|layer|z|x|y|version, the prefix empty for everything', () => {
    expect(tileCacheKey({ regionPrefix: '410199001' }, layer, 14, 1, 2, 7)).toBe('410199001|grids-party|14|1|2|7')
    expect(tileCacheKey({}, layer, 14, 1, 2, 7)).toBe('|grids-party|14|1|2|7')
    expect(tileCacheKey({}, { ...layer, runId: 3 }, 14, 1, 2, 7)).toBe('|grids-party@3|14|1|2|7')
  })

  it('differs between scopes, so one account never gets another’s cached tile', () => {
    const keys = [
      {},
      { regionPrefix: '410199001' },
      { regionPrefix: '410199002' },
      { regionPrefix: '410199001001' },
    ].map((scope) => tileCacheKey(scope, layer, 14, 1, 2, 7))
    expect(new Set(keys).size).toBe(4)
  })
})
