// How the steps of a run are cut and run side by side: generic, no merge rule in here.

/** The items in batches of `size`, in order. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * The steps of a run: batches of `size` items, but the last `parallel` batches' worth in quarter
 * batches, so that steps running side by side end nearly together (instead of one core waiting out
 * the last full step alone).
 */
export function stepsOf<T>(items: T[], size: number, parallel: number): T[][] {
  const tail = parallel > 1 ? Math.min(items.length, size * parallel) : 0
  return [
    ...chunks(items.slice(0, items.length - tail), size),
    ...chunks(items.slice(items.length - tail), Math.ceil(size / 4)),
  ]
}

/**
 * Runs `work` on every item, `parallel` at a time (workers 0 … parallel − 1), in order; the first
 * failure stops the rest. While `holdBack` answers true, only worker 0 takes new items.
 */
export async function runInParallel<T>(
  items: T[],
  parallel: number,
  work: (item: T, worker: number) => Promise<void>,
  holdBack: () => boolean = () => false,
): Promise<void> {
  let next = 0
  let failed = false
  const worker = async (_: unknown, index: number) => {
    while (next < items.length && !failed) {
      if (index > 0 && holdBack()) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        continue
      }
      const item = items[next++]
      try {
        await work(item, index)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, parallel) }, worker))
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (rejected) throw rejected.reason
}
