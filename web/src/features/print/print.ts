// The printable service maps (全科网格服务示意图) as the app links them: their addresses, and whether
// the signed-in account may fetch them, decided by the server's own access table (access.ts), so a
// button is shown exactly to those the route would serve.
import { accessTable, refusalFor } from '../../../../server/services/auth/access.ts'
import type { Me } from '../auth/session.svelte.ts'

export type PrintKind = 'grid' | 'community'

const routes: Record<PrintKind, string> = {
  grid: 'GET /api/service-maps/grid/:code.pdf',
  community: 'GET /api/service-maps/community/:code.pdf',
}

/** Whether `me` may print this kind of service map (no account: no). */
export function mayPrint(kind: PrintKind, me: Me | undefined): boolean {
  const entry = accessTable[routes[kind]]
  return !!me && !!entry && refusalFor(entry.access, me) === undefined
}

/** The PDF of one unified grid, or of every grid of a community (a page each). */
export function serviceMapUrl(kind: PrintKind, code: string): string {
  return `/api/service-maps/${kind}/${encodeURIComponent(code)}.pdf`
}
