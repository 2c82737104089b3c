// The merge's step scheduler: steps in order, `parallel` at a time, one at a time while held back.
import { describe, expect, it } from 'vitest'
import { runInParallel, stepsOf } from '../../server/services/merge/merge-scheduling.ts'

/** Runs ten 20 ms steps and reports the most that ran at once and the order they started in. */
async function schedule(parallel: number, holdBack?: () => boolean) {
  let running = 0
  let most = 0
  const started: number[] = []
  await runInParallel(
    [...Array(10).keys()],
    parallel,
    async (item) => {
      started.push(item)
      most = Math.max(most, ++running)
      await new Promise((resolve) => setTimeout(resolve, 20))
      running -= 1
    },
    holdBack,
  )
  return { most, started }
}

describe('runInParallel', () => {
  it('runs the steps in order, two at a time', async () => {
    expect(await schedule(2)).toEqual({ most: 2, started: [...Array(10).keys()] })
  })

  it('runs one step at a time while held back (the map is drawing)', async () => {
    expect(await schedule(2, () => true)).toEqual({ most: 1, started: [...Array(10).keys()] })
  })

  it('stops at the first failure', async () => {
    const done: number[] = []
    await expect(
      runInParallel([1, 2, 3, 4], 1, async (item) => {
        if (item === 2) throw new Error('step 2 failed')
        done.push(item)
      }),
    ).rejects.toThrow('step 2 failed')
    expect(done).toEqual([1])
  })
})

describe('stepsOf', () => {
  const items = [...Array(103).keys()]

  it('ends with quarter steps worth two full ones when two run at once, every item once and in order', () => {
    const steps = stepsOf(items, 20, 2)
    expect(steps.map((s) => s.length)).toEqual([20, 20, 20, 3, 5, 5, 5, 5, 5, 5, 5, 5])
    expect(steps.flat()).toEqual(items)
  })

  it('keeps full steps when one runs at a time, and copes with fewer items than the tail', () => {
    expect(stepsOf(items, 20, 1).map((s) => s.length)).toEqual([20, 20, 20, 20, 20, 3])
    expect(stepsOf([1, 2, 3], 8, 2)).toEqual([[1, 2], [3]])
  })
})
