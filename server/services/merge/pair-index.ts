// A hash map from pairs of 32-bit integers to indexes, in typed arrays. The merge keys millions of
// vertices, segments and face pairs a run by two integers each: as one number in a Map, every such
// key above 2³¹ is a heap number, allocated and collected; here no key is ever boxed. Pure.

const EMPTY = -1

export class PairIndex {
  private firsts: Int32Array
  private seconds: Int32Array
  private values: Int32Array
  private mask: number
  size = 0

  constructor(expected = 1024) {
    let capacity = 1024
    while (capacity < expected * 2) capacity *= 2
    this.firsts = new Int32Array(capacity)
    this.seconds = new Int32Array(capacity)
    this.values = new Int32Array(capacity).fill(EMPTY)
    this.mask = capacity - 1
  }

  private slotOf(first: number, second: number): number {
    let h = Math.imul(first, 0x9e3779b1) ^ Math.imul(second ^ (second >>> 15), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    let slot = (h ^ (h >>> 16)) & this.mask
    while (this.values[slot] !== EMPTY && (this.firsts[slot] !== first || this.seconds[slot] !== second))
      slot = (slot + 1) & this.mask
    return slot
  }

  /** The value of the pair, or -1. */
  get(first: number, second: number): number {
    return this.values[this.slotOf(first, second)]
  }

  /** The value of the pair; a pair not seen before gets `value` (≥ 0) and answers -1. */
  getOrSet(first: number, second: number, value: number): number {
    const slot = this.slotOf(first, second)
    const found = this.values[slot]
    if (found !== EMPTY) return found
    this.firsts[slot] = first
    this.seconds[slot] = second
    this.values[slot] = value
    if (++this.size * 2 > this.mask) this.grow()
    return EMPTY
  }

  private grow(): void {
    const { firsts, seconds, values } = this
    const capacity = values.length * 2
    this.firsts = new Int32Array(capacity)
    this.seconds = new Int32Array(capacity)
    this.values = new Int32Array(capacity).fill(EMPTY)
    this.mask = capacity - 1
    for (let i = 0; i < values.length; i++) {
      if (values[i] === EMPTY) continue
      const slot = this.slotOf(firsts[i], seconds[i])
      this.firsts[slot] = firsts[i]
      this.seconds[slot] = seconds[i]
      this.values[slot] = values[i]
    }
  }
}
