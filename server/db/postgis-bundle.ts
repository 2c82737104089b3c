// PGlite's PostGIS extension unpacks its whole bundle into every database it opens: 95 MB, with the
// raster and topology libraries (31 MB of WebAssembly, compiled at every start) and upgrade scripts
// this app never uses. The app's databases and the merge engines open the same extension from a
// bundle without them (made once, kept in the temp directory): each opens faster (tests/bench/figures.md).
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Extension } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import { projectRoot } from '../config.ts'
import { cachePath, isCached, writeCached } from './cache-files.ts'

/** Files of the bundle the app never loads: the raster and topology extensions, upgrade scripts. */
const unused = [
  /postgis_(raster|topology|tiger_geocoder|sfcgal)/,
  /--(unpackaged|ANY)--/,
  /^share\/postgresql\/contrib\//,
]

/** The entries of a tar archive (512-byte headers, data padded to 512): name and bytes, header included. */
export function* tarEntries(
  tar: Uint8Array,
): Generator<{ name: string; type: string; size: number; bytes: Uint8Array }> {
  const text = (from: number, to: number) => new TextDecoder().decode(tar.subarray(from, to)).replace(/\0.*$/s, '')
  let offset = 0
  while (offset + 512 <= tar.length && tar.subarray(offset, offset + 512).some((byte) => byte !== 0)) {
    const type = String.fromCharCode(tar[offset + 156])
    // extended headers describe the entry after them: filtering entries one by one would split them
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K')
      throw new Error(`tar entry at byte ${offset}: extended headers are not supported`)
    const name = [text(offset + 345, offset + 500), text(offset, offset + 100)].filter(Boolean).join('/')
    const size = parseInt(text(offset + 124, offset + 136).trim() || '0', 8)
    const end = offset + 512 + Math.ceil(size / 512) * 512
    yield { name, type, size, bytes: tar.subarray(offset, end) }
    offset = end
  }
}

/** The entries of a tar archive whose name `keep` accepts, as a tar archive. */
export function filterTar(tar: Uint8Array, keep: (name: string) => boolean): Uint8Array {
  const kept = [...tarEntries(tar)].filter((entry) => keep(entry.name)).map((entry) => entry.bytes)
  kept.push(new Uint8Array(1024)) // the two zero blocks that end an archive
  const out = new Uint8Array(kept.reduce((n, part) => n + part.length, 0))
  let at = 0
  for (const part of kept) {
    out.set(part, at)
    at += part.length
  }
  return out
}

const packageDir = path.join(projectRoot, 'node_modules', '@electric-sql', 'pglite-postgis')

/** The slim bundle's path, made from the package's bundle when missing. */
export async function slimBundle(): Promise<string> {
  const original = path.join(packageDir, 'dist', 'postgis.tar.gz')
  const file = await cachePath('postgis', 'tar.gz', {
    files: [path.join(packageDir, 'package.json')],
    strings: unused.map(String),
  })
  if (!(await isCached(file))) {
    const tar = filterTar(gunzipSync(await readFile(original)), (name) => !unused.some((pattern) => pattern.test(name)))
    await writeCached(file, gzipSync(tar, { level: 1 }))
  }
  return file
}

let slim: Promise<Extension> | undefined

/**
 * PostGIS for PGlite, from the slim bundle (made on first use); from the package's own bundle where
 * the slim one cannot be made (a temp directory that cannot be written): slower, never broken.
 */
export function postgisExtension(): Promise<Extension> {
  slim ??= slimBundle().then(
    (file): Extension => ({
      name: postgis.name,
      setup: async (pg, options) => ({ ...(await postgis.setup(pg, options)), bundlePath: pathToFileURL(file) }),
    }),
    (error: Error): Extension => {
      process.emitWarning(`PostGIS opens from its full bundle: the slim one could not be made (${error.message})`)
      return postgis
    },
  )
  return slim
}
