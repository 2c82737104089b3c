// The merge's step scheduler: steps in order, `parallel` at a time, one at a time while held back.
import { describe, expect, it } from 'vitest'
import { runInParallel } from '../../server/services/merge.service.ts'

/** Runs ten 20 ms steps and reports the most that ran at once and the order they started in. */
async function schedule(parallel: number, holdBack?: () => boolean) {
  let running = 0
  let most = 0
  const started: number[] = []
  await runInParallel([...Array(10).keys()], parallel, async (item) => {
    started.push(item)
    most = Math.max(most, ++running)
    await new Promise((resolve) => setTimeout(resolve, 20))
    running -= 1
  }, holdBack)
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
    await expect(runInParallel([1, 2, 3, 4], 1, async (item) => {
      if (item === 2) throw new Error('step 2 failed')
      done.push(item)
    })).rejects.toThrow('step 2 failed')
    expect(done).toEqual([1])
  })
})
