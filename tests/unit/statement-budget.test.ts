// Time-bounded import statements: the budget learns each statement's rate from its measured time and
// sizes the next one to take about statementTargetMs, within its bounds; inBatches runs every item
// once, in order, in batches so sized.
import { describe, expect, it } from 'vitest'
import {
  StatementBudget,
  featureBudget,
  inBatches,
  stagedWeight,
  statementTargetMs,
} from '../../server/services/imports/import-run.ts'

describe('StatementBudget', () => {
  const bounds = { initial: 100, min: 10, max: 10_000 }

  it('takes items up to the budget, and always one at least', () => {
    const budget = new StatementBudget(bounds)
    expect(budget.take(() => 30, 0, 10)).toEqual({ count: 3, weight: 90 })
    // one item over the whole budget is a batch of its own
    expect(budget.take(() => 500, 0, 10)).toEqual({ count: 1, weight: 500 })
    // near the end, what is left
    expect(budget.take(() => 30, 8, 10)).toEqual({ count: 2, weight: 60 })
  })

  it('grows at most ×2 while statements are quick, shrinks at most ÷4 when slow, within bounds', () => {
    const budget = new StatementBudget(bounds)
    // 100 units in 10 ms: 1,000 would fill 100 ms, but growth is at most ×2 a step
    budget.record(100, 10)
    expect(budget.budget).toBe(200)
    budget.record(200, 20)
    expect(budget.budget).toBe(400)
    // 400 units took 200 ms: 200 units fill the target
    budget.record(400, 200)
    expect(budget.budget).toBe(200)
    // 200 units took 2.4 s: ÷4 at most a step, then the floor
    budget.record(200, 2400)
    expect(budget.budget).toBe(50)
    budget.record(50, 2400)
    expect(budget.budget).toBe(12.5)
    budget.record(12, 2400)
    expect(budget.budget).toBe(bounds.min)
    for (let i = 0; i < 20; i++) budget.record(budget.budget, 1)
    expect(budget.budget).toBe(bounds.max)
  })

  it('settles on batches that take the target time at a steady rate', () => {
    const budget = new StatementBudget(bounds)
    // 5 units a millisecond
    for (let i = 0; i < 12; i++) budget.record(budget.budget, budget.budget / 5)
    expect(budget.budget).toBe(5 * statementTargetMs)
  })
})

describe('inBatches', () => {
  it('runs every item once, in order, in batches bounded by the weights', async () => {
    const items = Array.from({ length: 2000 }, (_, i) => i)
    const seen: number[] = []
    const sizes: number[] = []
    await inBatches(
      items,
      async (batch) => {
        seen.push(...batch)
      },
      { weight: () => stagedWeight('00'.repeat(100)), sizes },
    )
    expect(seen).toEqual(items)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(items.length)
    // the first batch holds what the initial budget allows (~145 tiny polygons), not 1,000
    expect(sizes[0]).toBe(Math.floor(featureBudget.initial / stagedWeight('00'.repeat(100))))
    // quick statements: the batches grow
    expect(Math.max(...sizes)).toBeGreaterThan(sizes[0])
  })

  it('puts a feature heavier than the budget into a statement of its own', async () => {
    const geometries = ['00', '00'.repeat(featureBudget.initial), '00']
    const batches: string[][] = []
    await inBatches(
      geometries,
      async (batch) => {
        batches.push(batch)
      },
      { weight: stagedWeight },
    )
    expect(batches.map((b) => b.length)).toEqual([1, 1, 1])
  })
})
