// A throwaway PostgreSQL cluster for the server-PostGIS test tier and the benchmark: initdb into a
// temporary directory, start on a free loopback port, and remove it all on stop. initdb and postgres
// refuse to run as root, so as root they run as the `postgres` user on a directory it owns.
import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface Cluster {
  url: string
  stop(): Promise<void>
  /** Stops the server but keeps its data, as a database restart or outage would (resume starts it again). */
  pause(): Promise<void>
  resume(): Promise<void>
}

function pgConfig(flag: string): string | undefined {
  const result = spawnSync('pg_config', [flag], { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : undefined
}

/** The directory holding initdb and pg_ctl, newest installed version first. */
export function findPostgresBinaries(): string | undefined {
  const candidates: string[] = []
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    for (const version of readdirSync(root).sort((a, b) => Number(b) - Number(a)))
      candidates.push(path.join(root, version, 'bin'))
  }
  const bindir = pgConfig('--bindir')
  if (bindir) candidates.push(bindir)
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')))
}

/** Whether the PostGIS extension is installed for the server in `bindir` (Debian layout or pg_config's). */
export function hasPostgis(bindir: string): boolean {
  const version = path.basename(path.dirname(bindir))
  const shareDirs = [path.join('/usr/share/postgresql', version), pgConfig('--sharedir')].filter(
    (d): d is string => !!d,
  )
  return shareDirs.some((dir) => existsSync(path.join(dir, 'extension', 'postgis.control')))
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

const isRoot = process.getuid?.() === 0

function runAsOwner(command: string, args: string[]): void {
  const [file, fileArgs] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]
  execFileSync(file, fileArgs, { stdio: 'pipe', encoding: 'utf8' })
}

function logTail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-20).join('\n') : '(no log)'
}

export async function startThrowawayCluster(): Promise<Cluster> {
  const bindir = findPostgresBinaries()
  if (!bindir) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) are not installed')
  if (!hasPostgis(bindir))
    throw new Error(`PostGIS is not installed for ${bindir} (apt-get install postgresql-15-postgis-3)`)
  const dir = mkdtempSync(path.join(tmpdir(), 'wangge-pg-'))
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(dir, uid, gid)
  }
  const data = path.join(dir, 'data')
  const log = path.join(dir, 'postgres.log')
  const port = await freePort()
  try {
    runAsOwner(path.join(bindir, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--no-sync',
      '--locale=C',
    ])
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? error}`, { cause: error })
  }
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=100',
    '-c shared_buffers=256MB',
  ].join(' ')
  try {
    runAsOwner(path.join(bindir, 'pg_ctl'), ['-D', data, '-o', options, '-l', log, '-w', '-t', '60', 'start'])
  } catch (error) {
    const tail = logTail(log)
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`pg_ctl start failed: ${(error as { stderr?: string }).stderr ?? error}\n${tail}`, { cause: error })
  }
  let stopped = false
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async pause() {
      runAsOwner(path.join(bindir, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'])
    },
    async resume() {
      runAsOwner(path.join(bindir, 'pg_ctl'), ['-D', data, '-o', options, '-l', log, '-w', '-t', '60', 'start'])
    },
    async stop() {
      if (stopped) return
      stopped = true
      try {
        runAsOwner(path.join(bindir, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
