// Long loops over an upload's features share the server's thread with every request and, on the
// embedded database (PGlite), with the database itself: they give the event loop a turn every
// ~20 ms of work so that reads queued meanwhile (tiles, the summary) are answered between them.

/** Milliseconds of synchronous work between turns given to the event loop. */
export const paceSliceMs = 20

/** One turn of the event loop: timers, I/O and queued requests run before the caller goes on. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Times a loop's work and yields once a slice is spent: `await pace.step()` at each feature costs
 * a clock read, and a turn of the event loop every `sliceMs` ms.
 */
export class Pace {
  private since = performance.now()

  constructor(private readonly sliceMs = paceSliceMs) {}

  /** Yields when the current slice is spent; otherwise returns at once. */
  async step(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return
    await yieldToEventLoop()
    this.since = performance.now()
  }
}
