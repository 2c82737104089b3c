// The reduction both solvers start from: demand no candidate covers dropped, demand points covered
// by exactly the same candidates merged into one weighted row, candidates that cover nothing
// dropped. Pure and database-free.

import type { CoverageMatrix, CoverageSets } from './coverage-sets.ts'

/**
 * The reduced instance: demand no candidate covers dropped, demand points covered by exactly the
 * same candidates merged into one weighted row, candidates that cover nothing dropped. A MIP over
 * it has one y per distinct coverage pattern instead of one per point.
 */
export interface ReducedCoverage extends CoverageMatrix {
  /** reduced candidate index → original candidate index */
  candidateOriginal: Int32Array
  /** original candidate index → reduced index, or -1 when dropped */
  candidateReduced: Int32Array
  /** row → candidates covering it (reduced indexes), compressed rows */
  rowStarts: Int32Array
  rowCandidates: Int32Array
  /** original demand index → its row, or -1 (covered by a fixed centre, or by no candidate) */
  demandRow: Int32Array
  /** residents no candidate and no fixed centre covers: beyond any choice of sites */
  uncoverableWeight: number
  /** residents some candidate covers (the most any choice of sites can add) */
  coverableWeight: number
  totalWeight: number
  fixedCoveredWeight: number
  originalCandidateCount: number
}

/** Reduces coverage sets for the solvers (see `ReducedCoverage`). */
export function reduceCoverage(sets: CoverageSets): ReducedCoverage {
  const n = sets.demandCount
  const m = sets.candidateCount
  const { candidateStarts, candidateDemand, weight } = sets

  // Transpose: demand → candidates, ascending (candidates are visited in order).
  const demandStarts = new Int32Array(n + 1)
  for (let k = 0; k < candidateDemand.length; k++) demandStarts[candidateDemand[k] + 1] += 1
  for (let i = 0; i < n; i++) demandStarts[i + 1] += demandStarts[i]
  const fill = demandStarts.slice(0, n)
  const demandCandidates = new Int32Array(candidateDemand.length)
  for (let j = 0; j < m; j++)
    for (let k = candidateStarts[j]; k < candidateStarts[j + 1]; k++) demandCandidates[fill[candidateDemand[k]]++] = j

  // Candidates that cover something keep a reduced index, in original order (deterministic).
  const candidateReduced = new Int32Array(m).fill(-1)
  const kept: number[] = []
  for (let j = 0; j < m; j++)
    if (candidateStarts[j + 1] > candidateStarts[j]) {
      candidateReduced[j] = kept.length
      kept.push(j)
    }

  // Group demand by its candidate list: a hash of the list, then an exact comparison on collision.
  const demandRow = new Int32Array(n).fill(-1)
  const groupsByHash = new Map<number, number[]>()
  const rowFirstDemand: number[] = []
  const rowWeights: number[] = []
  let uncoverableWeight = 0
  let coverableWeight = 0
  const sameList = (a: number, b: number) => {
    const la = demandStarts[a + 1] - demandStarts[a]
    if (la !== demandStarts[b + 1] - demandStarts[b]) return false
    for (let k = 0; k < la; k++)
      if (demandCandidates[demandStarts[a] + k] !== demandCandidates[demandStarts[b] + k]) return false
    return true
  }
  for (let i = 0; i < n; i++) {
    if (sets.coveredByFixed[i] === 1) continue
    const from = demandStarts[i]
    const to = demandStarts[i + 1]
    if (from === to) {
      uncoverableWeight += weight[i]
      continue
    }
    coverableWeight += weight[i]
    let h = 0x811c9dc5 ^ (to - from)
    for (let k = from; k < to; k++) h = Math.imul(h ^ demandCandidates[k], 0x01000193)
    let bucket = groupsByHash.get(h)
    if (!bucket) {
      bucket = []
      groupsByHash.set(h, bucket)
    }
    let row = -1
    for (const r of bucket)
      if (sameList(rowFirstDemand[r], i)) {
        row = r
        break
      }
    if (row === -1) {
      row = rowFirstDemand.length
      rowFirstDemand.push(i)
      rowWeights.push(0)
      bucket.push(row)
    }
    rowWeights[row] += weight[i]
    demandRow[i] = row
  }

  const rowCount = rowFirstDemand.length
  const rowStarts = new Int32Array(rowCount + 1)
  for (let r = 0; r < rowCount; r++) {
    const i = rowFirstDemand[r]
    rowStarts[r + 1] = rowStarts[r] + demandStarts[i + 1] - demandStarts[i]
  }
  const rowCandidates = new Int32Array(rowStarts[rowCount])
  for (let r = 0; r < rowCount; r++) {
    const i = rowFirstDemand[r]
    for (let k = 0; k < demandStarts[i + 1] - demandStarts[i]; k++)
      rowCandidates[rowStarts[r] + k] = candidateReduced[demandCandidates[demandStarts[i] + k]]
  }
  // And the candidate → rows view the greedy reads.
  const reducedCount = kept.length
  const cStarts = new Int32Array(reducedCount + 1)
  for (let k = 0; k < rowCandidates.length; k++) cStarts[rowCandidates[k] + 1] += 1
  for (let c = 0; c < reducedCount; c++) cStarts[c + 1] += cStarts[c]
  const cFill = cStarts.slice(0, reducedCount)
  const cRows = new Int32Array(rowCandidates.length)
  for (let r = 0; r < rowCount; r++)
    for (let k = rowStarts[r]; k < rowStarts[r + 1]; k++) cRows[cFill[rowCandidates[k]]++] = r

  return {
    candidateCount: reducedCount,
    rowWeight: Float64Array.from(rowWeights),
    candidateStarts: cStarts,
    candidateRows: cRows,
    candidateOriginal: Int32Array.from(kept),
    candidateReduced,
    rowStarts,
    rowCandidates,
    demandRow,
    uncoverableWeight,
    coverableWeight,
    totalWeight: sets.totalWeight,
    fixedCoveredWeight: sets.fixedCoveredWeight,
    originalCandidateCount: m,
  }
}

/**
 * Candidates whose rows are a subset of another kept candidate's rows (equal sets: the lower index
 * stays) cannot be needed by a maximal or set covering: swapping one for its dominator never covers
 * fewer residents nor adds a site. Returns each reduced candidate's kept dominator (itself when
 * kept): every chain of dominators ends at a kept candidate, so all can be dropped at once.
 */
export function findDominators(reduced: ReducedCoverage): Int32Array {
  const m = reduced.candidateCount
  const { candidateStarts: cs, candidateRows: cr, rowStarts: rs, rowCandidates: rc } = reduced
  const mark = new Int32Array(reduced.rowWeight.length).fill(-1)
  const dominator = new Int32Array(m)
  for (let j = 0; j < m; j++) {
    dominator[j] = j
    const size = cs[j + 1] - cs[j]
    if (size === 0) continue
    for (let q = cs[j]; q < cs[j + 1]; q++) mark[cr[q]] = j
    // a dominator covers j's first row, so only that row's candidates need a look
    const first = cr[cs[j]]
    for (let p = rs[first]; p < rs[first + 1]; p++) {
      const o = rc[p]
      const otherSize = cs[o + 1] - cs[o]
      if (o === j || otherSize < size || (otherSize === size && o > j)) continue
      let shared = 0
      for (let q = cs[o]; q < cs[o + 1] && shared < size; q++) if (mark[cr[q]] === j) shared += 1
      if (shared === size) {
        dominator[j] = o
        break
      }
    }
  }
  // follow each chain to its end (a candidate nothing dominates); strictly larger sets or lower
  // indexes along the way, so it ends
  for (let j = 0; j < m; j++) {
    let d = dominator[j]
    while (dominator[d] !== d) d = dominator[d]
    dominator[j] = d
  }
  return dominator
}

/**
 * The reduced instance without dominated candidates (`findDominators`), rows whose candidate lists
 * became equal merged again. Same optimum for maximal and set covering; mappings are to the
 * original candidates and demand, as `reduceCoverage`'s. `dominator` maps each candidate of
 * `reduced` to its index in the returned instance.
 */
export function dropDominatedCandidates(reduced: ReducedCoverage): {
  reduced: ReducedCoverage
  dominator: Int32Array
} {
  const m = reduced.candidateCount
  const dominatorOld = findDominators(reduced)
  const keptOld: number[] = []
  const keptIndex = new Int32Array(m).fill(-1)
  for (let j = 0; j < m; j++)
    if (dominatorOld[j] === j) {
      keptIndex[j] = keptOld.length
      keptOld.push(j)
    }
  // the rows as demand and the kept candidates as candidates: reduceCoverage merges equal rows
  const starts = new Int32Array(keptOld.length + 1)
  for (let c = 0; c < keptOld.length; c++)
    starts[c + 1] = starts[c] + reduced.candidateStarts[keptOld[c] + 1] - reduced.candidateStarts[keptOld[c]]
  const rowsOf = new Int32Array(starts[keptOld.length])
  for (let c = 0; c < keptOld.length; c++)
    rowsOf.set(
      reduced.candidateRows.subarray(reduced.candidateStarts[keptOld[c]], reduced.candidateStarts[keptOld[c] + 1]),
      starts[c],
    )
  const rows = reduced.rowWeight.length
  const again = reduceCoverage({
    demandCount: rows,
    candidateCount: keptOld.length,
    weight: reduced.rowWeight,
    coveredByFixed: new Uint8Array(rows),
    candidateStarts: starts,
    candidateDemand: rowsOf,
    totalWeight: reduced.coverableWeight,
    fixedCoveredWeight: 0,
  })
  const candidateReduced = new Int32Array(reduced.originalCandidateCount).fill(-1)
  for (let original = 0; original < candidateReduced.length; original++) {
    const old = reduced.candidateReduced[original]
    if (old >= 0 && keptIndex[old] >= 0) candidateReduced[original] = again.candidateReduced[keptIndex[old]]
  }
  const demandRow = reduced.demandRow.map((r) => (r >= 0 ? again.demandRow[r] : -1))
  const dominator = new Int32Array(m)
  for (let j = 0; j < m; j++) dominator[j] = again.candidateReduced[keptIndex[dominatorOld[j]]]
  return {
    reduced: {
      candidateCount: again.candidateCount,
      rowWeight: again.rowWeight,
      candidateStarts: again.candidateStarts,
      candidateRows: again.candidateRows,
      candidateOriginal: Int32Array.from(again.candidateOriginal, (c) => reduced.candidateOriginal[keptOld[c]]),
      candidateReduced,
      rowStarts: again.rowStarts,
      rowCandidates: again.rowCandidates,
      demandRow,
      uncoverableWeight: reduced.uncoverableWeight,
      coverableWeight: reduced.coverableWeight,
      totalWeight: reduced.totalWeight,
      fixedCoveredWeight: reduced.fixedCoveredWeight,
      originalCandidateCount: reduced.originalCandidateCount,
    },
    dominator,
  }
}
