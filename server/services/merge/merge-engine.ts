// Merge steps on embedded engines in worker threads. The embedded driver serves the whole app from
// one PGlite connection on the main thread: a merge step there holds that connection (and the
// thread) statement by statement, on one core. An engine is a second PGlite + PostGIS, in memory, in
// a worker thread, with the app's schema: a step's inputs are copied to it, it runs the same step
// code there (runMergeStep), and its results are copied back. Two engines merge on two cores while
// the app's connection only reads inputs and stores results, and stays free for the map.
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Kysely } from 'kysely'
import { projectRoot } from '../../config.ts'
import { cachePath, isCached } from '../../db/cache-files.ts'
import { listMigrations } from '../../db/migrate.ts'
import {
  type JsonRows,
  type RunInputs,
  type StepInputs,
  type StepResults,
  readRunInputs,
  readStepInputs,
  readTilingInputs,
  storeStepResults,
} from '../../db/repositories/merge-engine.repository.ts'
import type { CommunityTiling } from '../../db/repositories/merge-tiling.repository.ts'
import type { Tables } from '../../db/tables.ts'
import type { MergeEngineFactory, MergeEngines, StepContext, StepReport } from './merge-step.ts'
import type { EngineOperation, EngineOperationArgs, EngineOperations } from './merge-engine-operations.ts'

/** A request to an engine thread and its answer (see merge-engine.worker.ts). */
export type EngineRequest =
  /** the template's file, read by the thread (made and, when `keep`, written there when missing) */
  | { type: 'open'; templateFile: string; keep: boolean }
  | { type: 'run'; context: StepContext; inputs: RunInputs }
  | { type: 'step'; communities: string[]; inputs: StepInputs }
  /** another service's work: the operation `name` of the table (merge-engine-operations.ts), called with the engine's database and `args` */
  | { type: 'call'; name: string; args: unknown[] }
  | { type: 'tiling'; communities: string[]; grids: JsonRows }

export interface EngineAnswers {
  /** made: the template was missing and the thread made it; notKept: why it could not be written */
  open: { made: boolean; notKept: string | null }
  run: null
  step: { report: StepReport; results: StepResults }
  call: unknown
  tiling: CommunityTiling[]
}

/**
 * The engine's code is TypeScript: the thread registers tsx's loader first (a loader given to the
 * thread as `--import` is not applied to it on Node 20), then loads the engine.
 */
const engineScript = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./merge-engine.worker.ts', import.meta.url).href)}) })`

/** One engine thread, asked one thing at a time. */
class EngineThread {
  private readonly worker = new Worker(engineScript, { eval: true })
  private pending?: { resolve: (value: unknown) => void; reject: (error: Error) => void }
  private idleTimer?: NodeJS.Timeout
  alive = true

  constructor() {
    this.worker.on('message', (answer: { value?: unknown; error?: string }) => {
      const pending = this.pending
      this.pending = undefined
      if (answer.error !== undefined) pending?.reject(new Error(`merge engine: ${answer.error}`))
      else pending?.resolve(answer.value)
    })
    this.worker.on('error', (error) => this.fail(error))
    this.worker.on('exit', (code) => this.fail(new Error(`merge engine stopped (exit code ${code})`)))
  }

  private fail(error: Error): void {
    this.alive = false
    this.pending?.reject(error)
    this.pending = undefined
  }

  ask<T extends EngineRequest>(request: T): Promise<EngineAnswers[T['type']]> {
    if (this.pending) throw new Error('merge engine: asked while busy')
    return new Promise((resolve, reject) => {
      this.pending = { resolve: resolve as (value: unknown) => void, reject }
      this.worker.postMessage(request)
    })
  }

  /** Idle: does not keep the process alive, and stops after `ms` unless woken. */
  sleep(ms: number, onStop: () => void): void {
    this.worker.unref()
    this.idleTimer = setTimeout(() => {
      onStop()
      void this.close()
    }, ms).unref()
  }

  wake(): void {
    clearTimeout(this.idleTimer)
    this.worker.ref()
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer)
    this.alive = false
    this.worker.removeAllListeners('exit')
    await this.worker.terminate()
  }
}

/**
 * A new engine starts from a dump of a migrated PGlite, several times faster than creating and
 * migrating one (figures: tests/bench/figures.md): the dump is cached (see cache-files.ts), named by the migrations and the PGlite packages.
 */
async function templatePath(): Promise<string> {
  const packages = ['pglite', 'pglite-postgis'].map((pkg) =>
    path.join(projectRoot, 'node_modules', '@electric-sql', pkg, 'package.json'),
  )
  const migrations = await listMigrations()
  return cachePath('merge-engine', 'tar', {
    files: [...packages, ...migrations.map((m) => m.file)],
    strings: migrations.map((m) => m.version),
  })
}

/**
 * Starts `count` engine threads, from the template (made by them when there is none, and kept by
 * the first). Each thread reads the template itself: read and copied here (67 MB, to each thread),
 * it held the server's thread 0.4–1 s under load.
 */
async function startThreads(count: number): Promise<EngineThread[]> {
  const templateFile = await templatePath()
  const threads = Array.from({ length: count }, () => new EngineThread())
  try {
    const opened = await Promise.all(
      threads.map((thread, i) => thread.ask({ type: 'open', templateFile, keep: i === 0 })),
    )
    // a template that cannot be kept (an unwritable temp directory) only costs the next start time
    for (const { notKept } of opened)
      if (notKept !== null) process.emitWarning(`merge engine template not kept: ${notKept}`)
    return threads
  } catch (error) {
    await Promise.all(threads.map((thread) => thread.close()))
    throw error
  }
}

/**
 * Makes the engines' template when it is missing (the first engine to start would otherwise make
 * it, the slow way): the test suite does before its files start engines at once on a fresh machine.
 */
export async function ensureEngineTemplate(): Promise<void> {
  if (await isCached(await templatePath())) return
  const [thread] = await startThreads(1)
  await thread.close()
}

/**
 * Engines wait this long for a run, after one or after being warmed (a planner tries thresholds one
 * run after another; the merge workspace warms them when it opens), before their threads stop.
 */
const idleMs = 120_000
const idle: EngineThread[] = []
/** Engines running a merge now. */
let busy = 0
/** A warm-up under way: a run waits for it rather than starting engines of its own. */
let warming: Promise<void> | undefined

function putBack(threads: EngineThread[]): void {
  for (const thread of threads.filter((t) => t.alive)) {
    idle.push(thread)
    thread.sleep(idleMs, () => idle.splice(idle.indexOf(thread), 1))
  }
}

async function takeThreads(count: number): Promise<EngineThread[]> {
  // a warm-up that failed was reported to whoever asked for it; the run starts its own engines
  await warming?.catch(() => undefined)
  const reused = idle.splice(0, count)
  for (const thread of reused) thread.wake()
  busy += count
  try {
    return reused.length === count ? reused : [...reused, ...(await startThreads(count - reused.length))]
  } catch (error) {
    busy -= count
    putBack(reused)
    throw error
  }
}

/** Ends a run's hold on its engines: they wait for the next run, or stop (after a failure). */
async function release(threads: EngineThread[], keep: boolean): Promise<void> {
  busy -= threads.length
  if (keep) putBack(threads)
  else await Promise.all(threads.map((thread) => thread.close()))
}

/**
 * Has `count` engines ready for a run (starting those missing) for the next `idleMs`; those running
 * a merge count as ready: they wait for the next run once it ends.
 */
function warmThreads(count: number): Promise<void> {
  warming ??= (async () => {
    const threads = idle.splice(0)
    for (const thread of threads) thread.wake()
    try {
      const missing = count - threads.length - busy
      if (missing > 0) threads.push(...(await startThreads(missing)))
    } finally {
      putBack(threads)
    }
  })().finally(() => (warming = undefined))
  return warming
}

/** Engines waiting for a run. */
export function idleEngineCount(): number {
  return idle.length
}

/** Stops the engines waiting for a run (the next run starts new ones). */
export async function stopIdleEngines(): Promise<void> {
  await warming?.catch(() => undefined) // (its failure was reported to whoever asked for it)
  await Promise.all(idle.splice(0).map((thread) => thread.close()))
}

/** Calls the operation `name` (merge-engine-operations.ts) in an engine's thread: name(db, ...args). */
export type EngineCall = <K extends EngineOperation>(
  name: K,
  ...args: EngineOperationArgs<K>
) => Promise<Awaited<ReturnType<EngineOperations[K]>>>

/**
 * Lends one engine (an idle one, or a new one) to other work than a merge, such as an import's huge
 * feature: `use` calls functions in its thread, on its database, which they leave as the next run
 * expects (a merge run reloads its inputs). The engine is then kept for the next run, or stopped
 * after a failure.
 */
export async function withEngine<T>(use: (call: EngineCall) => Promise<T>): Promise<T> {
  const threads = await takeThreads(1)
  const call: EngineCall = (name, ...args) =>
    threads[0].ask({ type: 'call', name, args }) as Promise<Awaited<ReturnType<EngineOperations[typeof name]>>>
  try {
    const result = await use(call)
    await release(threads, true)
    return result
  } catch (error) {
    await release(threads, false)
    throw error
  }
}

/**
 * Runs each step of a merge on one of `count` engines. A step's inputs are read and its results
 * stored on the app's connection: the inputs of the next steps are read while the engines work (an
 * engine never waits for its next inputs behind another step's results being stored), and the
 * results are stored while the engine goes on to its next step.
 */
export function embeddedEngines(count: number): MergeEngineFactory {
  return {
    size: count,
    warm: () => warmThreads(count),
    async open(db: Kysely<Tables>, context: StepContext, steps: string[][]): Promise<MergeEngines> {
      const threads = await takeThreads(count)
      try {
        const inputs = await readRunInputs(db, context.layerIds)
        await Promise.all(threads.map((thread) => thread.ask({ type: 'run', context, inputs })))
      } catch (error) {
        await release(threads, false)
        throw error
      }
      // the inputs of the step asked for and of the `count` after it, read in step order
      const reads = new Map<string[], Promise<StepInputs>>()
      let unread = 0
      const inputsOf = (communities: string[]): Promise<StepInputs> => {
        const at = steps.indexOf(communities)
        if (at < 0) throw new Error("merge engines: asked for a step that is not one of the run's")
        for (; unread <= Math.min(at + count, steps.length - 1); unread++) {
          const read = readStepInputs(db, {
            communities: steps[unread],
            layerIds: context.layerIds,
            previousRunId: context.previousRunId,
          })
          read.catch(() => undefined) // a read nobody asks for must not fail the process; its asker sees the error
          reads.set(steps[unread], read)
        }
        const read = reads.get(communities)!
        reads.delete(communities)
        return read
      }
      let stored: Promise<void> = Promise.resolve()
      let failed = false
      return {
        async runStep(engine, communities) {
          const inputs = await inputsOf(communities)
          const { report, results } = await threads[engine].ask({ type: 'step', communities, inputs })
          // one store after another on the app's connection; a failed store fails the run
          stored = stored.then(() => db.transaction().execute((trx) => storeStepResults(trx, results)))
          stored.catch(() => (failed = true))
          if (failed) await stored
          return report
        },
        async measureTiling(engine, communities) {
          // every step's results stored first: the grids of the neighbouring communities too
          await stored
          const grids = await readTilingInputs(db, context.runId, communities)
          return threads[engine].ask({ type: 'tiling', communities, grids })
        },
        close: async () => {
          try {
            await stored
          } catch (error) {
            await release(threads, false)
            throw error
          }
          await release(threads, true)
        },
      }
    },
  }
}
