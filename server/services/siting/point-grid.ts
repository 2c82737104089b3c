// A uniform grid over points (cell → point indexes, compressed rows) and a growable Int32Array:
// the spatial hash the coverage sets, the cover counts and the walking graph's snapping use.
// Pure and database-free; coordinates in metres.

/**
 * A uniform grid over points: cell → point indexes in compressed rows. Cell size near the typical
 * radius keeps a circle query to about nine cells.
 */
export class PointGrid {
  readonly cellSize: number
  readonly minX: number
  readonly minY: number
  readonly columns: number
  readonly rows: number
  readonly cellStarts: Int32Array
  readonly cellPoints: Int32Array

  constructor(
    readonly x: ArrayLike<number>,
    readonly y: ArrayLike<number>,
    cellSize: number,
  ) {
    const n = x.length
    let minX = Infinity
    let minY = Infinity
    let maxX = -Infinity
    let maxY = -Infinity
    for (let i = 0; i < n; i++) {
      if (x[i] < minX) minX = x[i]
      if (x[i] > maxX) maxX = x[i]
      if (y[i] < minY) minY = y[i]
      if (y[i] > maxY) maxY = y[i]
    }
    if (n === 0) minX = minY = maxX = maxY = 0
    // Cap the cell count so a tiny radius over a wide area cannot allocate a huge grid.
    const span = Math.max(maxX - minX, maxY - minY, 1)
    this.cellSize = Math.max(cellSize, span / 4096)
    this.minX = minX
    this.minY = minY
    this.columns = Math.floor((maxX - minX) / this.cellSize) + 1
    this.rows = Math.floor((maxY - minY) / this.cellSize) + 1
    const cellOf = new Int32Array(n)
    const counts = new Int32Array(this.columns * this.rows + 1)
    for (let i = 0; i < n; i++) {
      const c = Math.floor((y[i] - minY) / this.cellSize) * this.columns + Math.floor((x[i] - minX) / this.cellSize)
      cellOf[i] = c
      counts[c + 1] += 1
    }
    for (let c = 0; c < this.columns * this.rows; c++) counts[c + 1] += counts[c]
    this.cellStarts = counts
    const fill = counts.slice(0, this.columns * this.rows)
    this.cellPoints = new Int32Array(n)
    // Points enter their cell in index order, so every query below visits ascending indexes per cell.
    for (let i = 0; i < n; i++) this.cellPoints[fill[cellOf[i]]++] = i
  }

  /** Calls `visit(i, squaredDistance)` for every point within `radius` of (px, py). */
  forEachWithin(px: number, py: number, radius: number, visit: (i: number, d2: number) => void): void {
    const r2 = radius * radius
    const c0 = Math.max(0, Math.floor((px - radius - this.minX) / this.cellSize))
    const c1 = Math.min(this.columns - 1, Math.floor((px + radius - this.minX) / this.cellSize))
    const r0 = Math.max(0, Math.floor((py - radius - this.minY) / this.cellSize))
    const r1 = Math.min(this.rows - 1, Math.floor((py + radius - this.minY) / this.cellSize))
    const { x, y, cellStarts, cellPoints } = this
    for (let r = r0; r <= r1; r++)
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.columns + c
        for (let k = cellStarts[cell]; k < cellStarts[cell + 1]; k++) {
          const i = cellPoints[k]
          const dx = x[i] - px
          const dy = y[i] - py
          const d2 = dx * dx + dy * dy
          if (d2 <= r2) visit(i, d2)
        }
      }
  }
}

/** A growable Int32Array: millions of pairs without a boxed number each. */
export class IntList {
  data: Int32Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity))
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length++] = value
  }
  pushAll(values: Int32Array): void {
    if (this.length + values.length > this.data.length) {
      const grown = new Int32Array(Math.max(this.data.length * 2, this.length + values.length))
      grown.set(this.data.subarray(0, this.length))
      this.data = grown
    }
    this.data.set(values, this.length)
    this.length += values.length
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length)
  }
}
