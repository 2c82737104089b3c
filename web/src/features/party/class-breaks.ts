// Class breaks for choropleths: quantile, equal interval and natural breaks (Jenks), and the class
// of a value with a no-data class for regions without the figure. Pure: no map, no DOM.

export type ClassMethod = 'quantile' | 'equal_interval' | 'jenks'

/**
 * The class bounds [min, b1, …, max] of the values (nulls and NaN left out): class i holds
 * bounds[i] < v ≤ bounds[i + 1] (the first class includes bounds[0]). Fewer distinct values than
 * `classes` give one class per distinct value; no values give [].
 *  - equal_interval: the range cut into equal widths;
 *  - quantile: about the same number of values in each class (class i ends at the value of rank
 *    ⌈(i + 1)·n / k⌉ in ascending order);
 *  - jenks: Fisher–Jenks natural breaks, the classes with the least sum of squared deviations from
 *    their means (exact, by dynamic programming).
 */
export function classBreaks(values: readonly (number | null)[], classes: number, method: ClassMethod): number[] {
  const sorted = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return []
  const distinct = new Set(sorted).size
  const k = Math.max(1, Math.min(Math.floor(classes), distinct))
  const min = sorted[0]
  const max = sorted[sorted.length - 1]
  if (k === 1 || min === max) return [min, max]
  if (method === 'equal_interval') {
    const width = (max - min) / k
    return [min, ...Array.from({ length: k - 1 }, (_, i) => min + width * (i + 1)), max]
  }
  if (method === 'quantile') {
    const n = sorted.length
    const ends = Array.from({ length: k }, (_, i) => sorted[Math.ceil(((i + 1) * n) / k) - 1])
    return [min, ...dedupe(ends)]
  }
  return [min, ...jenksEnds(sorted, k)]
}

/** Quantile ends with ties collapsed (a class that would end where the previous one ended is empty). */
function dedupe(ends: number[]): number[] {
  return ends.filter((end, i) => i === 0 || end > ends[i - 1])
}

/** The upper end of each of k Fisher–Jenks classes of sorted values. */
function jenksEnds(sorted: readonly number[], k: number): number[] {
  const n = sorted.length
  // prefix sums for the squared deviation of any run sorted[a..b]
  const sum = [0]
  const squares = [0]
  for (const v of sorted) {
    sum.push(sum[sum.length - 1] + v)
    squares.push(squares[squares.length - 1] + v * v)
  }
  const deviation = (a: number, b: number) => {
    const count = b - a + 1
    const s = sum[b + 1] - sum[a]
    return squares[b + 1] - squares[a] - (s * s) / count
  }
  // cost[c][j]: the least total deviation of the first j + 1 values in c + 1 classes; start[c][j]: where the last class starts
  const cost = Array.from({ length: k }, () => new Array<number>(n).fill(Infinity))
  const start = Array.from({ length: k }, () => new Array<number>(n).fill(0))
  for (let j = 0; j < n; j++) cost[0][j] = deviation(0, j)
  for (let c = 1; c < k; c++)
    for (let j = c; j < n; j++)
      for (let i = c; i <= j; i++) {
        const candidate = cost[c - 1][i - 1] + deviation(i, j)
        if (candidate < cost[c][j]) {
          cost[c][j] = candidate
          start[c][j] = i
        }
      }
  const ends: number[] = []
  let j = n - 1
  for (let c = k - 1; c >= 0; c--) {
    ends.unshift(sorted[j])
    j = start[c][j] - 1
  }
  return ends
}

/** The class of a value (0-based), or null for no data; a value outside the bounds goes to the nearest class. */
export function classOf(value: number | null, bounds: readonly number[]): number | null {
  if (value === null || !Number.isFinite(value) || bounds.length < 2) return null
  for (let i = 1; i < bounds.length; i++) if (value <= bounds[i]) return i - 1
  return bounds.length - 2
}

/** How many values fall in each class, and how many have no data. */
export function countPerClass(
  values: readonly (number | null)[],
  bounds: readonly number[],
): { counts: number[]; noData: number } {
  const counts = new Array<number>(Math.max(0, bounds.length - 1)).fill(0)
  let noData = 0
  for (const value of values) {
    const c = classOf(value, bounds)
    if (c === null) noData++
    else counts[c]++
  }
  return { counts, noData }
}

/** Sequential reds, light to dark, for up to 7 classes; grey for no data. */
const palette = ['#fee5d9', '#fcbba1', '#fc9272', '#fb6a4a', '#ef3b2c', '#cb181d', '#99000d']
export const noDataColor = '#bdbdbd'

/** k colours spread over the palette, lightest first. */
export function classColors(k: number): string[] {
  if (k <= 0) return []
  if (k === 1) return [palette[3]]
  return Array.from({ length: k }, (_, i) => palette[Math.round((i * (palette.length - 1)) / (k - 1))])
}
