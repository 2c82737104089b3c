// The wall's line to GET /api/events: it hears of every data change and of the heartbeat, comes back
// by itself when the stream drops (a restart of the API or the database: EventSource retries on its
// own, and when the server refused it we open a new one), and knows since when its data is stale —
// from the first moment the stream was lost or a heartbeat was missed until fresh figures arrive.
import type { BusEventData, DataChanged, Hello } from './types.ts'

/** No word for this long (heartbeats come every 10 s) counts as a lost stream. */
const silenceMs = 25_000

export class LiveFeed {
  connected = $state(false)
  /** when the data shown stopped being known current; undefined while it is */
  staleSince = $state<Date | undefined>(undefined)
  /** the data version of the figures shown */
  version = $state(0)
  /** when the data last changed, as the server says */
  asOf = $state<Date | undefined>(undefined)
  lastMessageAt = 0
  reconnects = 0

  private source: EventSource | undefined
  private retry: ReturnType<typeof setTimeout> | undefined
  private watchdog: ReturnType<typeof setInterval> | undefined
  private closed = false

  constructor(
    /** a change concerning these layers (hello after a reconnect: everything, layers undefined) */
    private readonly onChange: (change: { layers?: string[]; version: number }) => void,
    private readonly onProgress?: (event: BusEventData) => void,
  ) {}

  start(): void {
    this.closed = false
    this.open()
    this.watchdog = setInterval(() => {
      if (this.connected && performance.now() - this.lastMessageAt > silenceMs) {
        this.markStale()
        this.reopen()
      }
    }, 5_000)
  }

  stop(): void {
    this.closed = true
    clearInterval(this.watchdog)
    clearTimeout(this.retry)
    this.source?.close()
    this.source = undefined
  }

  /** Figures were read afresh: nothing shown is stale any more (while the stream is up). */
  fresh(): void {
    if (this.connected) this.staleSince = undefined
  }

  markStale(): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a moment, replaced whole, never mutated
    this.staleSince ??= new Date()
  }

  private open(): void {
    const source = new EventSource('/api/events')
    this.source = source
    source.addEventListener('open', () => {
      this.reconnects = 0
      this.heard()
    })
    source.addEventListener('hello', (message) => {
      this.heard()
      const hello = JSON.parse(message.data) as Hello
      const missed = hello.version !== this.version || this.staleSince !== undefined
      this.version = hello.version
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a moment, replaced whole, never mutated
      if (hello.at) this.asOf = new Date(hello.at)
      // first connection, or back after a gap: read everything again
      if (missed) this.onChange({ version: hello.version })
    })
    source.addEventListener('data-changed', (message) => {
      this.heard()
      const change = JSON.parse(message.data) as DataChanged
      this.version = change.version
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a moment, replaced whole, never mutated
      this.asOf = new Date(change.at)
      this.onChange({ layers: change.layers, version: change.version })
    })
    source.addEventListener('heartbeat', () => this.heard())
    for (const name of ['merge-progress', 'siting-progress'])
      source.addEventListener(name, (message) => {
        this.heard()
        this.onProgress?.(JSON.parse(message.data) as BusEventData)
      })
    source.addEventListener('error', () => {
      this.connected = false
      this.markStale()
      // EventSource would retry by itself after a dropped stream, at its own growing pace, and gives
      // up after a refused one (a 5xx while the database is away): open a new one ourselves, soon
      this.reopen()
    })
  }

  private heard(): void {
    this.connected = true
    this.lastMessageAt = performance.now()
  }

  private reopen(): void {
    if (this.closed) return
    this.source?.close()
    this.source = undefined
    this.connected = false
    clearTimeout(this.retry)
    this.reconnects += 1
    this.retry = setTimeout(() => !this.closed && this.open(), Math.min(1_000 * this.reconnects, 3_000))
  }
}
