import { describe, expect, it } from 'vitest'
import { Pace } from '../../server/services/imports/pace.ts'
import { parseUpload } from '../../server/services/imports/import-formats.ts'
import { parseLimitsOf } from '../../server/services/imports/parse-limits.ts'

/** Whether a callback queued on the event loop just before `work` starts has run by the time it settles. */
async function turnTakenDuring(work: () => Promise<unknown>): Promise<boolean> {
  let ran = false
  setImmediate(() => (ran = true))
  await work()
  return ran
}

describe('Pace', () => {
  it('gives the event loop a turn once its slice is spent', async () => {
    const pace = new Pace(0)
    expect(await turnTakenDuring(() => pace.step())).toBe(true)
  })

  it('returns at once within its slice', async () => {
    const pace = new Pace(60_000)
    expect(await turnTakenDuring(() => pace.step())).toBe(false)
  })
})

describe('parseUpload of a large file', () => {
  it('lets requests queued meanwhile run before it finishes, and reads every feature', async () => {
    const count = 100_000
    const features = Array.from({ length: count }, (_, i) => ({
      type: 'Feature',
      properties: { code: `G${i}` },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [113 + i * 1e-6, 34],
            [113.0001 + i * 1e-6, 34],
            [113.0001 + i * 1e-6, 34.0001],
            [113 + i * 1e-6, 34],
          ],
        ],
      },
    }))
    const file = {
      name: 'many.geojson',
      data: new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', features })),
    }
    const limits = { ...parseLimitsOf(), maxFeatures: count, maxVertices: count * 4 }
    let parsed: Awaited<ReturnType<typeof parseUpload>> | undefined
    // decoding and parsing ~10 MB of JSON alone takes longer than one slice
    expect(await turnTakenDuring(async () => (parsed = await parseUpload(file, limits)))).toBe(true)
    expect(parsed!.features).toHaveLength(count)
    expect(parsed!.features.at(-1)!.properties.code).toBe(`G${count - 1}`)
  })
})
