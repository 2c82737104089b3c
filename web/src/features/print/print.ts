// The printable service maps (全科网格服务示意图) as the app links them: their addresses, and whether
// the signed-in account may fetch them, as /api/auth/me says (its `actions`, decided by the server's
// access table), so a button is shown exactly to those the route would serve.
import type { Me } from '../auth/session.svelte.ts'

export type PrintKind = 'grid' | 'community'

const actions: Record<PrintKind, Me['actions'][number]> = {
  grid: 'print-grid-map',
  community: 'print-community-map',
}

/** Whether `me` may print this kind of service map (no account: no). */
export function mayPrint(kind: PrintKind, me: Me | undefined): boolean {
  return !!me && me.actions.includes(actions[kind])
}

/** The PDF of one unified grid, or of every grid of a community (a page each). */
export function serviceMapUrl(kind: PrintKind, code: string): string {
  return `/api/service-maps/${kind}/${encodeURIComponent(code)}.pdf`
}
