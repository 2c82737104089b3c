// Runs the exact solver in a worker thread with a hard deadline: past the solver's own time limit
// plus a grace period the thread is terminated and the caller gets `undefined` (the service then
// reports greedy's answer and says the exact solve was stopped).
import { Worker } from 'node:worker_threads'
import type { ReducedCoverage } from './coverage-reduction.ts'
import type { ExactSetCoveringResult, ExactSolution } from './exact.ts'
import type { ExactJob } from './exact.worker.ts'

/** The thread registers tsx's loader first (as the merge engine's does), then loads the solver. */
const script = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./exact.worker.ts', import.meta.url).href)}) })`

/** Seconds past the solver's time limit before the thread is stopped (starting the thread and HiGHS takes seconds under load). */
export const graceSeconds = (timeLimitSeconds: number) => Math.max(10, timeLimitSeconds * 0.5)

function run<T>(job: ExactJob, timeLimitSeconds: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { eval: true })
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      void worker.terminate()
      fn()
    }
    const timer = setTimeout(
      () => finish(() => resolve(undefined)),
      (timeLimitSeconds + graceSeconds(timeLimitSeconds)) * 1000,
    )
    worker.on('message', (answer: { value?: T; error?: string }) =>
      finish(() => (answer.error !== undefined ? reject(new Error(answer.error)) : resolve(answer.value))),
    )
    worker.on('error', (error) => finish(() => reject(error)))
    worker.on('exit', (code) => finish(() => reject(new Error(`exact solver thread stopped (exit code ${code})`))))
    worker.postMessage(job)
  })
}

export function maximalCoveringExactWithDeadline(
  reduced: ReducedCoverage,
  k: number,
  timeLimitSeconds: number,
): Promise<ExactSolution | undefined> {
  return run({ objective: 'max_covering', reduced, k, options: { timeLimitSeconds } }, timeLimitSeconds)
}

export function setCoveringExactWithDeadline(
  reduced: ReducedCoverage,
  targetShare: number,
  timeLimitSeconds: number,
): Promise<ExactSetCoveringResult | undefined> {
  return run({ objective: 'set_covering', reduced, targetShare, options: { timeLimitSeconds } }, timeLimitSeconds)
}
