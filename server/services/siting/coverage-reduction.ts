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
