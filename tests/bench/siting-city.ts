// The siting bench's instances, shared by tests/bench/siting.ts and the CBC reference
// (tests/bench/siting-cbc.ts): a seeded clustered city.
import { createRandom } from '../../data/district/random.ts'

/** A seeded sequence (mulberry32, the demo generator's), so random cases repeat exactly. */
const random = (seed: number): (() => number) => createRandom(seed).next

/**
 * A clustered city: `n` demand points (1–20 residents each) in blobs whose spread is drawn from
 * `spread` (default 150–1,200 m) and whose sizes follow a heavy tail, over a square whose side grows
 * with √n (≈ 8 km at 10,000 points, 40 km at 1,000,000); `m` candidates, 70 % near a random
 * resident, 30 % anywhere.
 */
export function generateCity(seed: number, n: number, m: number, spread: readonly [number, number] = [150, 1200]) {
  const next = random(seed)
  const side = 8000 * Math.sqrt(n / 10_000) ** 0.7
  const clusters = Math.max(20, Math.round(Math.sqrt(n) / 2))
  const cx = new Float64Array(clusters)
  const cy = new Float64Array(clusters)
  const blob = new Float64Array(clusters)
  const cumulative = new Float64Array(clusters)
  let total = 0
  for (let c = 0; c < clusters; c++) {
    cx[c] = next() * side
    cy[c] = next() * side
    blob[c] = spread[0] + next() * (spread[1] - spread[0])
    total += 1 / (0.05 + next()) ** 1.2
    cumulative[c] = total
  }
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  const weight = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const target = next() * total
    let lo = 0
    let hi = clusters - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid] < target) lo = mid + 1
      else hi = mid
    }
    x[i] = cx[lo] + gaussian() * blob[lo]
    y[i] = cy[lo] + gaussian() * blob[lo]
    weight[i] = 1 + Math.floor(next() * 20)
  }
  const candidates = { x: new Float64Array(m), y: new Float64Array(m), radius: 500 }
  for (let j = 0; j < m; j++) {
    if (next() < 0.7) {
      const i = Math.floor(next() * n)
      candidates.x[j] = x[i] + (next() - 0.5) * 200
      candidates.y[j] = y[i] + (next() - 0.5) * 200
    } else {
      candidates.x[j] = next() * side
      candidates.y[j] = next() * side
    }
  }
  return { demand: { x, y, weight }, candidates }
}
