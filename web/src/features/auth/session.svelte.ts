// Who is signed in, as /api/auth/me says, and the CSRF token every state-changing request sends.
// A wall link (/?wall=TOKEN) signs the browser in read-only: the server sets an HTTP-only cookie
// and the token leaves the address bar.
import { ApiError } from '../../lib/api/client.ts'
import { locale } from '../../lib/i18n/index.ts'
import type { Me } from '../../../../server/schemas/auth.schema.ts'

export type { Me }

class Session {
  me = $state<Me | undefined>(undefined)
  /** undefined until /api/auth/me has answered. */
  checked = $state(false)
}

export const session = new Session()

/** Headers a state-changing request adds: the session's CSRF token. */
export function csrfHeaders(): Record<string, string> {
  const token = session.me?.csrfToken
  return token ? { 'X-CSRF-Token': token } : {}
}

async function readMe(response: Response): Promise<Me | undefined> {
  if (response.status === 401) return undefined
  const body = await response.json().catch(() => undefined)
  if (!response.ok)
    throw new ApiError(response.status, body?.error ?? 'http_error', body?.message ?? response.statusText)
  return body as Me
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
  session.me = await readMe(await fetch(path, { headers: { Accept: 'application/json' } }))
  session.checked = true
}

export async function login(username: string, password: string): Promise<void> {
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    // the server answers in the language the page speaks, not the browser's default
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Language': locale },
    body: JSON.stringify({ username, password }),
  })
  const body = await response.json().catch(() => undefined)
  if (!response.ok)
    throw new ApiError(response.status, body?.error ?? 'http_error', body?.message ?? response.statusText)
  session.me = body as Me
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const response = await fetch('/api/auth/password', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept-Language': locale, ...csrfHeaders() },
    body: JSON.stringify({ currentPassword, newPassword }),
  })
  if (!response.ok) {
    const body = await response.json().catch(() => undefined)
    throw new ApiError(response.status, body?.error ?? 'http_error', body?.message ?? response.statusText)
  }
  await checkSession()
}

export async function logout(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', headers: csrfHeaders() }).catch(() => undefined)
  session.me = undefined
}
