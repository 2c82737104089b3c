// A dedicated server-PostgreSQL connection that LISTENs on one channel and stays listening: when the
// connection drops (pg_terminate_backend, a restart, a network cut) it logs once per outage, never
// ends the process (as connection-health.ts does for the pool), and connects again with a growing
// pause (0.25 s up to 5 s) until the database is back. After a reconnection `onReconnected` runs, so
// that the owner can read what was announced while nobody was listening.
import pg from 'pg'
import { describeConnectionError } from './connection-health.ts'

export interface NotificationListenerOptions {
  /** the pool's options (connection string, application name): the listener connects as the pool does */
  connection: pg.ClientConfig
  channel: string
  onNotification(payload: string): void
  /** after the second and every later connection: what was missed may be read now */
  onReconnected?(): void
  log?: (message: string) => void
}

export type ListenerState = 'connecting' | 'listening' | 'reconnecting' | 'closed'

const firstPauseMs = 250
const longestPauseMs = 5000

export class NotificationListener {
  private client: pg.Client | undefined
  private timer: NodeJS.Timeout | undefined
  private pauseMs = firstPauseMs
  private connectedBefore = false
  private lostLogged = false
  state: ListenerState = 'connecting'

  constructor(private readonly options: NotificationListenerOptions) {}

  /** Connects and listens; resolves once listening or, if the database is away, once retrying. */
  async start(): Promise<void> {
    await this.connect()
  }

  async close(): Promise<void> {
    this.state = 'closed'
    clearTimeout(this.timer)
    const client = this.client
    this.client = undefined
    await client?.end().catch(() => undefined)
  }

  /** The backend pid of the listening connection (for tests that terminate it). */
  async backendPid(): Promise<number | undefined> {
    const client = this.client
    if (!client || this.state !== 'listening') return undefined
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    return rows[0].pid
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return
    const client = new pg.Client({ ...this.options.connection, application_name: 'wangge-listener' })
    // a client without an 'error' listener ends the process when its connection dies
    client.on('error', (error) => this.lost(client, error))
    client.on('end', () => this.lost(client, new Error('Connection terminated')))
    client.on('notification', (message) => {
      if (message.channel === this.options.channel && message.payload !== undefined)
        this.options.onNotification(message.payload)
    })
    this.client = client
    try {
      await client.connect()
      await client.query(`LISTEN ${pg.escapeIdentifier(this.options.channel)}`)
    } catch (error) {
      this.lost(client, error)
      return
    }
    if ((this.state as ListenerState) === 'closed' || this.client !== client) {
      await client.end().catch(() => undefined)
      return
    }
    this.state = 'listening'
    this.pauseMs = firstPauseMs
    if (this.lostLogged) this.options.log?.(`listening on ${this.options.channel} again`)
    this.lostLogged = false
    const reconnected = this.connectedBefore
    this.connectedBefore = true
    if (reconnected) this.options.onReconnected?.()
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client || this.state === 'closed') return
    this.client = undefined
    this.state = 'reconnecting'
    client.removeAllListeners('end')
    client.end().catch(() => undefined)
    if (!this.lostLogged) {
      this.lostLogged = true
      this.options.log?.(
        `the ${this.options.channel} listener lost its connection (${describeConnectionError(error)}); reconnecting`,
      )
    }
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.connect(), this.pauseMs)
    this.timer.unref()
    this.pauseMs = Math.min(this.pauseMs * 2, longestPauseMs)
  }
}
