import { afterEach, describe, expect, it } from 'vitest'
import { reduceCoverage } from '../../server/services/siting/coverage-reduction.ts'
import { coverageSetsFromPairs } from '../../server/services/siting/coverage-sets.ts'
import { ExactRunner } from '../../server/services/siting/exact-runner.ts'

// Greedy's classic trap: C covers the middle four, but A and B together cover all six.
const lists = [[0, 1, 2], [3, 4, 5], [1, 2, 3, 4], [0], [5]]
const reduced = reduceCoverage(
  coverageSetsFromPairs(
    [1, 1, 1, 1, 1, 1],
    lists.length,
    { candidate: lists.flatMap((list, j) => list.map(() => j)), demand: lists.flat() },
    new Uint8Array(6),
  ),
)

const runners: ExactRunner[] = []
afterEach(async () => {
  await Promise.all(runners.map((runner) => runner.close()))
  runners.length = 0
})

const waitFor = async (condition: () => boolean, ms: number) => {
  const until = Date.now() + ms
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
}

describe('the exact solver thread', () => {
  it('answers in a thread and is kept warm: the second solve starts no thread', async () => {
    const runner = new ExactRunner()
    runners.push(runner)
    const first = await runner.maximalCovering(reduced, 2, 5)
    expect(first?.sites).toEqual([0, 1])
    expect(first?.status).toBe('optimal')
    expect(runner.liveThreads).toBe(1)
    const second = await runner.setCovering(reduced, 1, 5)
    expect(second && 'sites' in second ? second.sites : undefined).toEqual([0, 1])
    expect(runner.started).toBe(1)
    expect(runner.liveThreads).toBe(1)
  }, 60_000)

  it('solves at once get a thread each; one is kept', async () => {
    const runner = new ExactRunner()
    runners.push(runner)
    const answers = await Promise.all([1, 2, 3].map((k) => runner.maximalCovering(reduced, k, 5)))
    expect(answers.map((a) => a?.newlyCoveredWeight)).toEqual([4, 6, 6])
    expect(runner.started).toBe(3)
    await waitFor(() => runner.liveThreads === 1, 5000)
    expect(runner.liveThreads).toBe(1)
  }, 60_000)

  it('stops an idle thread after its idle time, and every thread on close', async () => {
    const runner = new ExactRunner(0.2)
    runners.push(runner)
    await runner.maximalCovering(reduced, 2, 5)
    await waitFor(() => runner.liveThreads === 0, 5000)
    expect(runner.liveThreads).toBe(0)
    await runner.maximalCovering(reduced, 2, 5)
    expect(runner.started).toBe(2)
    const closing = new ExactRunner()
    runners.push(closing)
    await closing.maximalCovering(reduced, 2, 5)
    expect(closing.liveThreads).toBe(1)
    await closing.close()
    expect(closing.liveThreads).toBe(0)
    // after close a solve still answers, and leaves no thread behind
    expect((await closing.maximalCovering(reduced, 2, 5))?.newlyCoveredWeight).toBe(6)
    expect(closing.liveThreads).toBe(0)
  }, 60_000)
})
