// The little of oidc-provider (a dev dependency without its own types) the OIDC test uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  interface Account {
    accountId: string
    claims: () => Promise<Record<string, unknown>>
  }

  export interface Configuration {
    clients: Record<string, unknown>[]
    findAccount: (ctx: unknown, sub: string) => Promise<Account | undefined>
    claims?: Record<string, string[]>
    conformIdTokenClaims?: boolean
    features?: Record<string, { enabled: boolean }>
    cookies?: { keys: string[] }
  }

  export default class Provider {
    constructor(issuer: string, configuration: Configuration)
    callback(): (request: IncomingMessage, response: ServerResponse) => void
  }
}
