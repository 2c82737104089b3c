// Files the server derives once and keeps between runs in the system's temp directory (the merge
// engines' template, the slimmed PostGIS bundle), each named by a hash of what it was made from.
import { createHash } from 'node:crypto'
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { threadId } from 'node:worker_threads'

/** The path of a cached file: `name` with the hash of `sources` (file contents or strings) in it. */
export async function cachePath(
  name: string,
  extension: string,
  sources: { files?: string[]; strings?: string[] },
): Promise<string> {
  const hash = createHash('sha256')
  for (const file of sources.files ?? []) hash.update(await readFile(file))
  for (const text of sources.strings ?? []) hash.update(text)
  return path.join(tmpdir(), 'wangge-cache', `${name}-${hash.digest('hex').slice(0, 16)}.${extension}`)
}

/** Whether the cached file was made. */
export async function isCached(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}

/** The cached file, or null when it was not made yet. */
export async function readCached(file: string): Promise<Uint8Array<ArrayBuffer> | null> {
  try {
    return new Uint8Array(await readFile(file))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

/** Written under a name of its own, then renamed: processes (or threads) making one at once never read half a file. */
export async function writeCached(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const partial = `${file}.${process.pid}.${threadId}.${Date.now()}`
  await writeFile(partial, bytes)
  await rename(partial, file)
}
