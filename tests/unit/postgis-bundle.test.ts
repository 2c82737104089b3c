import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { postgis } from '@electric-sql/pglite-postgis'
import { describe, expect, it, vi } from 'vitest'
import { projectRoot } from '../../server/config.ts'
import { filterTar, slimBundle, tarEntries } from '../../server/db/postgis-bundle.ts'

const original = path.join(projectRoot, 'node_modules', '@electric-sql', 'pglite-postgis', 'dist', 'postgis.tar.gz')

describe('the slim PostGIS bundle', () => {
  it('keeps the PostGIS library, PROJ data and install script, byte for byte, and drops raster, topology and upgrade scripts', async () => {
    const full = [...tarEntries(gunzipSync(await readFile(original)))]
    const slim = [...tarEntries(gunzipSync(await readFile(await slimBundle())))]
    const names = slim.map((e) => e.name)
    expect(names).toContain('lib/postgresql/postgis-3.so')
    expect(names).toContain('share/proj/proj.db')
    expect(names).toContain('share/postgresql/extension/postgis.control')
    expect(names.some((n) => /^share\/postgresql\/extension\/postgis--[0-9.]+\.sql$/.test(n))).toBe(true)
    expect(names.filter((n) => /raster|topology|--ANY--|--unpackaged--/.test(n))).toEqual([])
    const fullByName = new Map(full.map((e) => [e.name, e]))
    for (const entry of slim) expect(Buffer.compare(entry.bytes, fullByName.get(entry.name)!.bytes), entry.name).toBe(0)
    expect(slim.reduce((n, e) => n + e.size, 0)).toBeLessThan(full.reduce((n, e) => n + e.size, 0) / 2)
  })

  it('filters a tar archive into one a tar reader reads back', () => {
    const header = (name: string, body: string) => {
      const block = new Uint8Array(512 + Math.ceil(body.length / 512) * 512)
      block.set(new TextEncoder().encode(name))
      block.set(new TextEncoder().encode(body.length.toString(8).padStart(11, '0')), 124)
      block[156] = '0'.charCodeAt(0)
      block.set(new TextEncoder().encode(body), 512)
      return block
    }
    const tar = new Uint8Array([
      ...header('a.txt', 'alpha'),
      ...header('b.txt', 'x'.repeat(700)),
      ...header('c.txt', 'gamma'),
      ...new Uint8Array(1024),
    ])
    const entries = [...tarEntries(filterTar(tar, (name) => name !== 'b.txt'))]
    expect(entries.map((e) => [e.name, e.size, new TextDecoder().decode(e.bytes.subarray(512, 512 + e.size))])).toEqual(
      [
        ['a.txt', 5, 'alpha'],
        ['c.txt', 5, 'gamma'],
      ],
    )
  })

  it('falls back to the package’s own bundle where the slim one cannot be made', async () => {
    vi.stubEnv('TMPDIR', '/dev/null/not-a-directory')
    vi.resetModules()
    try {
      const fresh = await import('../../server/db/postgis-bundle.ts')
      expect(await fresh.postgisExtension()).toBe(postgis)
    } finally {
      vi.unstubAllEnvs()
    }
  })
})
