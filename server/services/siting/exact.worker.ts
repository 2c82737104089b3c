// The exact solver in a thread of its own, so the caller can stop it: HiGHS (WebAssembly) overshoots
// its own time limit by a wide margin on hard instances, and a request must never hang on it.
import { parentPort } from 'node:worker_threads'
import type { ReducedCoverage } from './coverage-reduction.ts'
import { type ExactOptions, solveMaximalCoveringExact, solveSetCoveringExact } from './exact.ts'

export type ExactJob =
  | { objective: 'max_covering'; reduced: ReducedCoverage; k: number; options: ExactOptions }
  | { objective: 'set_covering'; reduced: ReducedCoverage; targetShare: number; options: ExactOptions }

parentPort!.on('message', async (job: ExactJob) => {
  try {
    const value =
      job.objective === 'max_covering'
        ? await solveMaximalCoveringExact(job.reduced, job.k, job.options)
        : await solveSetCoveringExact(job.reduced, job.targetShare, job.options)
    parentPort!.postMessage({ value })
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) })
  }
})
