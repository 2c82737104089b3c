// Teitz–Bart interchange (one site out, one in) with a short tabu memory: the incumbent of the exact
// maximal covering search, and the polish of the fast solver's greedy picks (greedy.ts). It runs on
// any coverage matrix that also indexes each row's candidates (the reduced instance does; `withRowIndex`
// adds the index to a plain matrix).
//
// A swap's effect is computed, not tried: with count[r] the chosen sites covering row r,
//
//   gain(c)      = Σ w_r over c's rows that nothing chosen covers             (kept up to date)
//   loss(s)      = Σ w_r over s's rows that only s covers
//   extra(s, c)  = Σ w_r over the rows of loss(s) that c also covers
//   swap s → c   = gain(c) + extra(s, c) − loss(s)
//
// so the whole neighbourhood (k × m swaps) costs one pass over the chosen sites' rows and their
// candidates plus one scan of the m gains. The descent takes the best swap while it improves; past a
// local optimum the search goes on with the best swap that is not tabu (a site just removed may not
// come back, one just added may not leave, for a few moves), which climbs out of the shallow local
// optima that plain 1-swap stops in (on clustered 10,000 × 1,000 instances 1-swap ends 1 % below the
// optimum). The best choice seen is returned. Deterministic: ties go to the lower index.

import type { CoverageMatrix } from './coverage-sets.ts'

/** A coverage matrix that also lists, for each row, the candidates covering it (compressed rows). */
export interface IndexedCoverage extends CoverageMatrix {
  rowStarts: Int32Array
  rowCandidates: Int32Array
}

/** Adds the row → candidates index to a coverage matrix (one counting pass over its pairs). */
export function withRowIndex(matrix: CoverageMatrix): IndexedCoverage {
  const { candidateCount: m, candidateStarts: cs, candidateRows: cr } = matrix
  const rows = matrix.rowWeight.length
  const rowStarts = new Int32Array(rows + 1)
  for (let q = 0; q < cr.length; q++) rowStarts[cr[q] + 1] += 1
  for (let r = 0; r < rows; r++) rowStarts[r + 1] += rowStarts[r]
  const fill = rowStarts.slice(0, rows)
  const rowCandidates = new Int32Array(cr.length)
  for (let j = 0; j < m; j++) for (let q = cs[j]; q < cs[j + 1]; q++) rowCandidates[fill[cr[q]]++] = j
  return { ...matrix, rowStarts, rowCandidates }
}

/** Residents a choice of sites covers, each row counted once. */
function valueOf(matrix: CoverageMatrix, sites: readonly number[]): number {
  const covered = new Uint8Array(matrix.rowWeight.length)
  let value = 0
  for (const j of sites)
    for (let q = matrix.candidateStarts[j]; q < matrix.candidateStarts[j + 1]; q++) {
      const r = matrix.candidateRows[q]
      if (covered[r] === 0) {
        covered[r] = 1
        value += matrix.rowWeight[r]
      }
    }
  return value
}

export interface InterchangeOptions {
  /** `performance.now()` milliseconds past which the search stops */
  deadline?: number
  /** moves past the last improvement of the best choice before stopping (0: plain descent) */
  patience?: number
  /** moves a site stays tabu after it left or entered */
  tenure?: number
}

export interface InterchangeResult {
  sites: number[]
  value: number
  moves: number
}

/**
 * Improves `sites` (matrix candidate indexes, at most the candidate count) by interchange with a
 * tabu memory; never returns a worse choice than it was given.
 */
export function interchangeSearch(
  reduced: IndexedCoverage,
  sites: readonly number[],
  options: InterchangeOptions = {},
): InterchangeResult {
  const { candidateCount: m, candidateStarts: cs, candidateRows: cr, rowWeight: w, rowStarts: rs } = reduced
  const rc = reduced.rowCandidates
  const deadline = options.deadline ?? Infinity
  const patience = options.patience ?? 200
  const tenure = options.tenure ?? Math.max(3, Math.min(10, Math.floor(sites.length / 2)))
  const chosen = [...new Set(sites)]
  const k = chosen.length
  if (k === 0 || k >= m) return { sites: chosen, value: valueOf(reduced, chosen), moves: 0 }

  const isChosen = new Uint8Array(m)
  const count = new Int32Array(w.length)
  const gain = new Float64Array(m)
  const extra = new Float64Array(m)
  const touched = new Int32Array(m)
  const tabuUntil = new Int32Array(m) // move number until which a site may not change side
  let value = 0
  for (const j of chosen) {
    isChosen[j] = 1
    for (let q = cs[j]; q < cs[j + 1]; q++) {
      if (count[cr[q]] === 0) value += w[cr[q]]
      count[cr[q]] += 1
    }
  }
  for (let c = 0; c < m; c++) {
    // a pass over every pair: on a million demand points it can outlast a short deadline
    if ((c & 255) === 0 && performance.now() > deadline)
      return { sites: chosen, value: valueOf(reduced, chosen), moves: 0 }
    let g = 0
    for (let q = cs[c]; q < cs[c + 1]; q++) if (count[cr[q]] === 0) g += w[cr[q]]
    gain[c] = g
  }
  const cover = (r: number) => {
    if (count[r] === 0) for (let p = rs[r]; p < rs[r + 1]; p++) gain[rc[p]] -= w[r]
    count[r] += 1
  }
  const uncover = (r: number) => {
    count[r] -= 1
    if (count[r] === 0) for (let p = rs[r]; p < rs[r + 1]; p++) gain[rc[p]] += w[r]
  }

  let best = value
  let bestSites = [...chosen]
  const tolerance = 1e-9 * Math.max(1, value)
  let sinceBest = 0
  let moves = 0
  for (;;) {
    // checked every move: on a million demand points one move costs milliseconds
    if (performance.now() > deadline) break
    let moveOut = -1
    let moveIn = -1
    let moveDelta = -Infinity
    // The best unchosen sites by gain alone (tabu or not): a swap with a site whose rows do not meet
    // the leaving one's only-covered rows can be no better than these.
    let anyBest = -1
    let freeBest = -1
    for (let c = 0; c < m; c++) {
      if (isChosen[c] === 1) continue
      if (anyBest === -1 || gain[c] > gain[anyBest]) anyBest = c
      if (tabuUntil[c] <= moves && (freeBest === -1 || gain[c] > gain[freeBest])) freeBest = c
    }
    const consider = (p: number, c: number, delta: number, outTabu: boolean) => {
      if (delta <= moveDelta + tolerance) return
      // a tabu move only when it beats the best choice seen (aspiration)
      if ((outTabu || tabuUntil[c] > moves) && value + delta <= best + tolerance) return
      moveDelta = delta
      moveOut = p
      moveIn = c
    }
    for (let p = 0; p < k; p++) {
      const s = chosen[p]
      let loss = 0
      let touchedCount = 0
      for (let q = cs[s]; q < cs[s + 1]; q++) {
        const r = cr[q]
        if (count[r] !== 1) continue
        loss += w[r]
        for (let t = rs[r]; t < rs[r + 1]; t++) {
          const c = rc[t]
          if (isChosen[c] === 1) continue
          if (extra[c] === 0) touched[touchedCount++] = c
          extra[c] += w[r]
        }
      }
      const outTabu = tabuUntil[s] > moves
      for (let t = 0; t < touchedCount; t++) {
        const c = touched[t]
        consider(p, c, gain[c] + extra[c] - loss, outTabu)
      }
      if (freeBest !== -1) consider(p, freeBest, gain[freeBest] + extra[freeBest] - loss, outTabu)
      if (anyBest !== -1) consider(p, anyBest, gain[anyBest] + extra[anyBest] - loss, outTabu)
      for (let t = 0; t < touchedCount; t++) extra[touched[t]] = 0
    }
    if (moveIn === -1) break
    if (moveDelta <= tolerance && patience === 0) break
    const s = chosen[moveOut]
    for (let q = cs[s]; q < cs[s + 1]; q++) uncover(cr[q])
    isChosen[s] = 0
    for (let q = cs[moveIn]; q < cs[moveIn + 1]; q++) cover(cr[q])
    isChosen[moveIn] = 1
    chosen[moveOut] = moveIn
    value += moveDelta
    moves += 1
    tabuUntil[s] = moves + tenure
    tabuUntil[moveIn] = moves + tenure
    if (value > best + tolerance) {
      best = value
      bestSites = [...chosen]
      sinceBest = 0
    } else if (++sinceBest >= patience) break
  }
  // counted again on the rows: the running sum only steers the search
  const exact = valueOf(reduced, bestSites)
  return { sites: bestSites, value: exact, moves }
}
