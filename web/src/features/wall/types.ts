// Wire types of the wall: the event stream's messages and the tour playlists (borrowed from the
// server's contracts), and the figures the wall reads from existing APIs.
export type { Tour, TourInput, TourStep, TourList } from '../../../../server/schemas/wall.schema.ts'
import type { Static } from 'typebox'
import type { Coverage as CoverageSchema } from '../../../../server/schemas/siting.schema.ts'
export type { PartyCoverage } from '../../../../server/schemas/party.schema.ts'

/** GET /api/events, on connecting: the data version, when it last changed, each layer's version. */
export interface Hello {
  version: number
  at: string | null
  layers: Record<string, number>
}

/** GET /api/events: a change to the data, with the layers and regions it touched. */
export interface DataChanged {
  version: number
  at: string
  kind: string
  layers: string[]
  regions: string[]
}
export type BusEventData = Record<string, unknown> & { type: string }

/** GET /api/coverage: residents covered by service centres, for the district and each street. */
export type Coverage = Static<typeof CoverageSchema>
