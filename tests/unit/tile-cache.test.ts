import { describe, expect, it } from 'vitest'
import { TileCache } from '../../server/services/tiles/tiles.service.ts'

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
