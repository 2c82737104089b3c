// The shapes of the 多网合一 face graph as the merge's SQL hands them to its pure rules (and back):
// a repository and the services both use them, so they live in db/, which never reaches up into
// services/ (services/merge/merge-grouping.ts re-exports them).

/** A face of the common refinement of one community: its figures in the metric frame. */
export interface Face {
  id: number
  areaM2: number
  perimeterM: number
  households: number
  /** the base department's grid that covers the face, if one does */
  baseGridId: number | null
  /** a point of the face, for a stable spatial order */
  x: number
  y: number
}

/** The faces a grid of a department covers (in one community; a face may have no grid of a department, or several). */
export interface GridCover {
  department: string
  gridId: number
  faceIds: number[]
  /** the community the grid belongs to (its code), where known */
  gridCommunity?: string | null
}

/** A gap, overlap or sliver found on the face graph, as its faces. */
export interface IssuePiece {
  kind: 'gap' | 'overlap' | 'sliver'
  department: string | null
  gridIds: number[]
  faceIds: number[]
  areaM2: number
  /** a sliver: which rule made it one (a chain of sliver faces, too small, or too thin) */
  note?: string
}
