// What other services may ask an engine thread to do (withEngine's `call`), by name: a fixed table,
// so that no message names a module for the thread to import. Each operation is called with the
// engine's database and the arguments the message carries.
import {
  checkHeavyGrid,
  checkRegionShapesHere,
  readRegionShapesHere,
  stageHeavyGrid,
  stageHeavyRegion,
} from '../imports/import-engine-operations.ts'

export const engineOperations = {
  stageHeavyGrid,
  checkHeavyGrid,
  stageHeavyRegion,
  checkRegionShapesHere,
  readRegionShapesHere,
}

export type EngineOperations = typeof engineOperations
export type EngineOperation = keyof EngineOperations

/** The arguments of an operation after the engine's database. */
export type EngineOperationArgs<K extends EngineOperation> = EngineOperations[K] extends (
  db: never,
  ...args: infer A
) => unknown
  ? A
  : never

/** The operation of this name, or undefined for a name not in the table (not one inherited from Object). */
export function findEngineOperation(name: string): ((...args: unknown[]) => Promise<unknown>) | undefined {
  return Object.hasOwn(engineOperations, name)
    ? (engineOperations[name as EngineOperation] as (...args: unknown[]) => Promise<unknown>)
    : undefined
}
