// Who is signed in, as /api/auth/me says, and the CSRF token every state-changing request sends.
// A wall link (/?wall=TOKEN) signs the browser in read-only: the server sets an HTTP-only cookie
// and the token leaves the address bar.
import { ApiError, request, useCsrfToken } from '../../lib/api/client.ts'
import type { Me } from '../../../../server/schemas/auth.schema.ts'

export type { Me }

class Session {
  me = $state<Me | undefined>(undefined)
  /** undefined until /api/auth/me has answered. */
  checked = $state(false)
}

export const session = new Session()

/** Who is signed in now; every state-changing request then sends this session's CSRF token. */
function signedIn(me: Me | undefined): void {
  session.me = me
  useCsrfToken(me?.csrfToken ?? undefined)
}

/** Asks who is signed in; a wall token in the page's URL is exchanged for a read-only cookie first. */
export async function checkSession(): Promise<void> {
  const { pathname, search, hash } = window.location
  // read once, never reactive state
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const query = [...new URLSearchParams(search)]
  const wall =
    query.find(([key]) => key === 'wall')?.[1] ??
    (pathname === '/wall' ? query.find(([key]) => key === 'token')?.[1] : undefined)
  let path = '/api/auth/me'
  if (wall) {
    path += `?wall=${encodeURIComponent(wall)}`
    const rest = query.filter(([key]) => key !== 'wall' && key !== 'token')
    const kept =
      rest.length > 0 ? `?${rest.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''
    window.history.replaceState(null, '', pathname + kept + hash)
  }
  try {
    signedIn(await request<Me>('GET', path))
  } catch (failure) {
    if (!(failure instanceof ApiError && failure.status === 401)) throw failure
    signedIn(undefined)
  }
  session.checked = true
}

export async function login(username: string, password: string): Promise<void> {
  signedIn(await request<Me>('POST', '/api/auth/login', { body: { username, password } }))
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await request('POST', '/api/auth/password', { body: { currentPassword, newPassword } })
  await checkSession()
}

export async function logout(): Promise<void> {
  await request('POST', '/api/auth/logout').catch(() => undefined)
  signedIn(undefined)
}

/** Whether this site signs people in through its OIDC provider (the login screen then offers it). */
export async function oidcOffered(): Promise<boolean> {
  try {
    return (await request<{ local: boolean; oidc: boolean }>('GET', '/api/auth/providers')).oidc
  } catch {
    return false
  }
}
