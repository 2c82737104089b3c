// The load generator in a process of its own: autocannon in a child process, so that it neither
// shares the server's event loop nor its CPU, and every answer that is not 2xx and every error is
// counted and reported (a refused or failed request must not pass for throughput).
//   runLoad(...) from the bench spawns this file; run directly, it reads its options on stdin and
//   prints autocannon's result as JSON on stdout.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

export interface LoadOptions {
  /** The server's origin, e.g. http://127.0.0.1:3000 */
  origin: string
  /** Paths requested in turn by every connection. */
  paths: string[]
  headers: Record<string, string>
  connections: number
  durationSeconds: number
}

export interface LoadResult {
  requests: number
  perSecond: number
  p50: number
  p97_5: number
  p99: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
}

const thisFile = fileURLToPath(import.meta.url)

/** Runs the load from a child process and answers what it measured. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', thisFile], { stdio: ['pipe', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the load generator exited with ${code}`))
      try {
        resolve(JSON.parse(output) as LoadResult)
      } catch (error) {
        reject(new Error(`the load generator printed no result: ${String(error)}`))
      }
    })
    child.stdin.end(JSON.stringify(options))
  })
}

/** A summary line for the bench table: what went wrong, or that nothing did. */
export function failuresOf(result: LoadResult): string {
  // autocannon's errors include its timeouts
  if (result.non2xx + result.errors === 0) return '0 errors, 0 non-2xx'
  const codes = Object.entries(result.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${n}×${code}`)
  return `${result.errors} errors, ${result.timeouts} timeouts, non-2xx ${result.non2xx}${codes.length ? ` (${codes.join(', ')})` : ''}`
}

async function main(): Promise<void> {
  let input = ''
  for await (const chunk of process.stdin) input += String(chunk)
  const options = JSON.parse(input) as LoadOptions
  const result = await autocannon({
    url: options.origin,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: options.headers,
    requests: options.paths.map((path) => ({ method: 'GET', path })),
  })
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, (stats as { count: number }).count]),
  )
  const report: LoadResult = {
    requests: result.requests.total,
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  }
  process.stdout.write(JSON.stringify(report))
}

if (process.argv[1] === thisFile) await main()
