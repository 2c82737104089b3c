// What the events tests share: an open event stream (GET /api/events) read with fetch, as a page's
// EventSource would be (the events as they arrive, each with the time it came, and a wait for the next
// one of a name), and the one-grid layer whose import makes a change near the first community.
import { type Kysely, sql } from 'kysely'
import type { Tables } from '../../server/db/tables.ts'
import type { Credentials } from './app.ts'

export interface SseEvent {
  event: string
  data: Record<string, unknown>
  at: number
}

/** One open event stream read with fetch, as a page's EventSource would be. */
export class EventStream {
  readonly events: SseEvent[] = []
  private readonly controller = new AbortController()
  private waiters: (() => void)[] = []
  opened: Promise<void>

  /** `timeoutMs`: how long `next` waits when its call names no time (20 s unless said) */
  constructor(
    origin: string,
    credentials: Credentials,
    private readonly timeoutMs = 20_000,
  ) {
    this.opened = this.read(origin, credentials)
  }

  private async read(origin: string, credentials: Credentials): Promise<void> {
    const response = await fetch(`${origin}/api/events`, {
      headers: { cookie: credentials.cookie, accept: 'text/event-stream' },
      signal: this.controller.signal,
    })
    if (response.status !== 200) throw new Error(`/api/events answered ${response.status}`)
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    const pump = async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
        if (done) return
        buffer += value
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (event && data) this.events.push({ event, data: JSON.parse(data), at: performance.now() })
          for (const wake of this.waiters.splice(0)) wake()
        }
      }
    }
    void pump()
  }

  /** The first `name` event after the first `since` events, waiting up to `timeoutMs`. */
  async next(name: string, since = 0, timeoutMs = this.timeoutMs): Promise<SseEvent> {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const found = this.events.slice(since).find((e) => e.event === name)
      if (found) return found
      if (performance.now() > deadline) throw new Error(`no ${name} event within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
  }

  close(): void {
    this.controller.abort()
  }
}

/** The first community (by code) and a point inside it. */
export async function firstCommunity(db: Kysely<Tables>): Promise<{ code: string; lon: number; lat: number }> {
  const { rows } = await sql<{ code: string; lon: number; lat: number }>`
    SELECT code, ST_X(ST_PointOnSurface(boundary)) AS lon, ST_Y(ST_PointOnSurface(boundary)) AS lat
    FROM regions WHERE level = 'community' ORDER BY code LIMIT 1`.execute(db)
  return rows[0]
}

/** A one-grid party layer as GeoJSON: a 40 m square around `at` (a point inside a community). */
export function oneGridLayer(at: { lon: number; lat: number }, code: string): string {
  const d = 0.0002
  const { lon, lat } = at
  const ring = [
    [lon - d, lat - d],
    [lon + d, lat - d],
    [lon + d, lat + d],
    [lon - d, lat + d],
    [lon - d, lat - d],
  ]
  return JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { code, name: `网格${code}`, households: 400 },
        geometry: { type: 'Polygon', coordinates: [ring] },
      },
    ],
  })
}
