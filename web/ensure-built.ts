// npm start runs this first: it builds the web client only when web/dist is missing or older than
// its sources, so a second start does not pay for a Vite build.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const web = import.meta.dirname
const builtIndex = path.join(web, 'dist', 'index.html')
const sources = [
  path.join(web, 'src'),
  path.join(web, 'index.html'),
  path.join(web, 'vite.config.ts'),
  path.join(web, '..', 'package-lock.json'),
]

function newestChange(entry: string): number {
  if (!existsSync(entry)) return 0
  const stat = statSync(entry)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestChange(path.join(entry, name))))
}

const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0
if (builtAt < Math.max(...sources.map(newestChange))) {
  console.log('building the web client (web/dist is missing or stale)…')
  execFileSync(
    process.execPath,
    [
      path.join(web, '..', 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(web, 'vite.config.ts'),
    ],
    { stdio: 'inherit' },
  )
}
