// Runs the exact solver in a worker thread with a hard deadline: past the solver's own time limit
// plus a grace period the thread is terminated and the caller gets `undefined` (the service then
// reports greedy's answer and says the exact solve was stopped).
//
// A thread that answered is kept warm for the next solve (its module graph loaded and the solver's
// code compiled: starting one costs a second or more, and its first solve runs unoptimized code)
// for `idleSeconds`, then stopped; `close()` (the app's close) stops every thread. A thread that
// overran or failed is never reused. Solves at once get a thread each; one is kept.
import { Worker } from 'node:worker_threads'
import type { ReducedCoverage } from './coverage-reduction.ts'
import type { ExactSetCoveringResult, ExactSolution } from './exact.ts'
import type { ExactJob } from './exact.worker.ts'

/** The thread registers tsx's loader first (as the merge engine's does), then loads the solver. */
const script = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./exact.worker.ts', import.meta.url).href)}) })`

/** Seconds past the solver's time limit before the thread is stopped (starting the thread and HiGHS takes seconds under load). */
export const graceSeconds = (timeLimitSeconds: number) => Math.max(10, timeLimitSeconds * 0.5)

export class ExactRunner {
  /** every live thread, busy or idle (all stopped by `close`) */
  private readonly workers = new Set<Worker>()
  private idle: { worker: Worker; timer: NodeJS.Timeout } | undefined
  private closed = false
  /** threads started so far (a warm solve starts none) */
  started = 0

  /** @param idleSeconds how long an answered thread waits for the next solve before it is stopped */
  constructor(private readonly idleSeconds = 120) {}

  maximalCovering(reduced: ReducedCoverage, k: number, timeLimitSeconds: number): Promise<ExactSolution | undefined> {
    return this.run({ objective: 'max_covering', reduced, k, options: { timeLimitSeconds } }, timeLimitSeconds)
  }

  setCovering(
    reduced: ReducedCoverage,
    targetShare: number,
    timeLimitSeconds: number,
  ): Promise<ExactSetCoveringResult | undefined> {
    return this.run(
      { objective: 'set_covering', reduced, targetShare, options: { timeLimitSeconds } },
      timeLimitSeconds,
    )
  }

  /** Threads alive now (busy or idle). */
  get liveThreads(): number {
    return this.workers.size
  }

  /** Stops every thread; a solve still running rejects. Later solves start a thread and stop it after. */
  async close(): Promise<void> {
    this.closed = true
    if (this.idle) clearTimeout(this.idle.timer)
    this.idle = undefined
    await Promise.all([...this.workers].map((worker) => worker.terminate()))
    this.workers.clear()
  }

  private take(): Worker {
    if (this.idle) {
      const { worker, timer } = this.idle
      clearTimeout(timer)
      this.idle = undefined
      worker.ref()
      return worker
    }
    const worker = new Worker(script, { eval: true })
    this.started += 1
    this.workers.add(worker)
    // an idle thread that dies is forgotten
    worker.once('exit', () => {
      this.workers.delete(worker)
      if (this.idle?.worker === worker) {
        clearTimeout(this.idle.timer)
        this.idle = undefined
      }
    })
    return worker
  }

  private stop(worker: Worker): void {
    this.workers.delete(worker)
    void worker.terminate()
  }

  /** Keeps an answered thread for the next solve (one at most), not holding the process open. */
  private keep(worker: Worker): void {
    if (this.closed || this.idle) return this.stop(worker)
    worker.unref()
    const timer = setTimeout(() => {
      if (this.idle?.worker !== worker) return
      this.idle = undefined
      this.stop(worker)
    }, this.idleSeconds * 1000)
    timer.unref()
    this.idle = { worker, timer }
  }

  private run<T>(job: ExactJob, timeLimitSeconds: number): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      const worker = this.take()
      let settled = false
      const finish = (reuse: boolean, fn: () => void) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onExit)
        if (reuse) this.keep(worker)
        else this.stop(worker)
        fn()
      }
      const onMessage = (answer: { value?: T; error?: string }) =>
        finish(true, () => (answer.error !== undefined ? reject(new Error(answer.error)) : resolve(answer.value)))
      const onError = (error: Error) => finish(false, () => reject(error))
      const onExit = (code: number) =>
        finish(false, () => reject(new Error(`exact solver thread stopped (exit code ${code})`)))
      const timer = setTimeout(
        () => finish(false, () => resolve(undefined)),
        (timeLimitSeconds + graceSeconds(timeLimitSeconds)) * 1000,
      )
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
      worker.postMessage(job)
    })
  }
}
