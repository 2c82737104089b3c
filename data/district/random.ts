// A small seeded PRNG (mulberry32): the demo district must be byte-identical for the same seed.

export interface Random {
  /** uniform in [0, 1) */
  next(): number
  between(min: number, max: number): number
  int(min: number, maxInclusive: number): number
  pick<T>(items: readonly T[]): T
  chance(probability: number): boolean
  /** standard normal (Box–Muller) */
  normal(): number
  /** picks by weight: [[value, weight], …] */
  weighted<T>(entries: readonly (readonly [T, number])[]): T
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const random: Random = {
    next,
    between: (min, max) => min + next() * (max - min),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (probability) => next() < probability,
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    weighted: (entries) => {
      const total = entries.reduce((sum, [, w]) => sum + w, 0)
      let r = next() * total
      for (const [value, weight] of entries) {
        r -= weight
        if (r < 0) return value
      }
      return entries[entries.length - 1][0]
    },
  }
  return random
}

/** A seed derived from a parent seed and a label, so that independent parts draw independent streams. */
export function deriveSeed(seed: number, label: string): number {
  let h = seed ^ 0x9e3779b9
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x85ebca6b) ^ (h >>> 13)
  return h >>> 0
}
