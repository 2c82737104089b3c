// A merge engine (see merge-engine.ts): an in-memory PGlite + PostGIS with the app's schema, in a
// worker thread. It answers one request at a time: open (from the template, read here, or made from
// scratch and then dumped as the template), run (the run's inputs), step (a step's inputs in, its results out) and
// call (an operation of merge-engine-operations.ts's table on the engine's database, see withEngine).
import { parentPort } from 'node:worker_threads'
import { readCached, writeCached } from '../../db/cache-files.ts'
import { type Database, createPgliteDatabase } from '../../db/database.ts'
import { migrate } from '../../db/migrate.ts'
import {
  loadRunInputs,
  loadStepInputs,
  loadTilingInputs,
  prepareEngine,
  readStepResults,
} from '../../db/repositories/merge-engine.repository.ts'
import type { EngineAnswers, EngineRequest } from './merge-engine.ts'
import { findEngineOperation } from './merge-engine-operations.ts'
import { type StepContext, runMergeStep } from './merge-step.ts'
import { measureTiling } from './merge-tiling.ts'

let database: Database | undefined
let context: StepContext | undefined

/**
 * Opens the engine from the template, read here (not on the server's thread); or makes the engine
 * and, when `keep`, writes its dump as the template.
 */
async function open(templateFile: string, keep: boolean): Promise<EngineAnswers['open']> {
  const template = await readCached(templateFile)
  database = await createPgliteDatabase('memory://', template ? new Blob([template]) : undefined)
  let notKept: string | null = null
  if (!template) {
    await migrate(database.db)
    if (keep) {
      const made = new Uint8Array(await (await database.pglite!.dumpDataDir('none')).arrayBuffer())
      await writeCached(templateFile, made).catch((error: Error) => (notKept = error.message))
    }
  }
  await prepareEngine(database.db)
  return { made: !template, notKept }
}

async function answer(request: EngineRequest): Promise<EngineAnswers[EngineRequest['type']]> {
  if (request.type === 'open') return open(request.templateFile, request.keep)
  if (!database) throw new Error('not open')
  const { db } = database
  if (request.type === 'call') {
    const operation = findEngineOperation(request.name)
    if (!operation) throw new Error(`no engine operation is named ${JSON.stringify(request.name)}`)
    return operation(db, ...request.args)
  }
  if (request.type === 'run') {
    context = request.context
    await loadRunInputs(db, request.inputs)
    return null
  }
  if (!context) throw new Error('no run')
  const run = context
  if (request.type === 'tiling') {
    await loadTilingInputs(db, request.grids)
    return measureTiling(db, run.runId, run.params.sliver, run.srid, request.communities)
  }
  await loadStepInputs(db, request.inputs)
  const report = await db.transaction().execute((trx) => runMergeStep(trx, run, request.communities))
  return { report, results: await readStepResults(db, run.runId) }
}

parentPort!.on('message', (request: EngineRequest) => {
  answer(request).then(
    (value) => parentPort!.postMessage({ value }),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  )
})
