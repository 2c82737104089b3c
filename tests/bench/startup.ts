// `npm start` to a drawn map, first run (fresh data directory: database created, demo loaded) and
// second run (reopened), measured from spawning the command to Chromium having drawn the grids.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { launchChromium } from '../helpers/browser.ts'

const projectRoot = path.resolve(import.meta.dirname, '../..')

async function timeToDrawnMap(dataDir: string, port: number): Promise<{ readyMs: number; drawnMs: number }> {
  const started = performance.now()
  const server = spawn('npm', ['start'], {
    cwd: projectRoot,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  })
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      server.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready at')) resolve(performance.now() - started)
      })
      server.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)))
    })
    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
      await page.goto(`http://127.0.0.1:${port}/`)
      await page.waitForFunction(
        () => {
          const map = window.__wgMaps?.overview
          return !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['grids-governance-fill'] }).length > 0
        },
        undefined,
        { timeout: 120_000, polling: 100 },
      )
      return { readyMs, drawnMs: performance.now() - started }
    } finally {
      await browser.close()
    }
  } finally {
    process.kill(-server.pid!, 'SIGTERM')
    await new Promise((resolve) => server.once('exit', resolve))
  }
}

export async function benchStartup(): Promise<(string | number)[][]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wangge-start-'))
  try {
    const first = await timeToDrawnMap(path.join(dir, 'pglite'), 3917)
    const second = await timeToDrawnMap(path.join(dir, 'pglite'), 3917)
    return [
      ['npm start, first run: server ready', 1, first.readyMs, '', '—'],
      ['npm start, first run: grids drawn in Chromium', 1, first.drawnMs, '', '≤ 60,000'],
      ['npm start, second run: server ready', 1, second.readyMs, '', '—'],
      ['npm start, second run: grids drawn in Chromium', 1, second.drawnMs, '', '≤ 10,000'],
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
