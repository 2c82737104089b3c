// A basemap is configuration, in a real browser: a local PMTiles archive (written here by the spec,
// read back with the maintained pmtiles reader) served by the app and read by range requests, and a
// self-hosted MapLibre style on another loopback origin, which the page's CSP then allows and no other.
// Each is checked by the pixels it draws: the archive's tiles are one magenta, the style's background
// one green, and each page shows its own colour and not the other's. With nothing configured nothing
// leaves the machine (every browser test watches that; see overview.test.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { type Server, createServer } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import { PMTiles, type RangeResponse, type Source, zxyToTileId } from 'pmtiles'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'
import { openTestDatabase } from '../helpers/databases.ts'

const viewport = { width: 1280, height: 800 }
const magenta = [255, 0, 255] as const

/** A PNG of one colour (8-bit RGB, no filter). */
function solidPng(size: number, [r, g, b]: readonly [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8)
  const row = Buffer.alloc(1 + size * 3)
  for (let x = 0; x < size; x++) row.set([r, g, b], 1 + x * 3)
  const pixels = Buffer.concat(Array.from({ length: size }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

function varints(...values: number[]): Buffer {
  const bytes: number[] = []
  for (let value of values) {
    while (value >= 0x80) {
      bytes.push((value % 0x80) | 0x80)
      value = Math.floor(value / 0x80)
    }
    bytes.push(value)
  }
  return Buffer.from(bytes)
}

/**
 * A PMTiles v3 archive (github.com/protomaps/PMTiles spec/v3): every tile of zooms 0…maxZoom is one
 * PNG, so the root directory is one entry whose run covers all their tile ids (uncompressed).
 */
function pmtilesArchive(tile: Buffer, maxZoom: number): Buffer {
  const tiles = (4 ** (maxZoom + 1) - 1) / 3
  // entries: count, tile-id deltas, run lengths, lengths, offsets (+1)
  const directory = varints(1, 0, tiles, tile.length, 0 + 1)
  const metadata = Buffer.from('{"name":"test basemap"}')
  const header = Buffer.alloc(127)
  header.write('PMTiles', 0, 'latin1')
  header.writeUInt8(3, 7)
  const rootOffset = 127
  const metadataOffset = rootOffset + directory.length
  const dataOffset = metadataOffset + metadata.length
  const u64 = (offset: number, value: number) => header.writeBigUInt64LE(BigInt(value), offset)
  u64(8, rootOffset)
  u64(16, directory.length)
  u64(24, metadataOffset)
  u64(32, metadata.length)
  u64(40, dataOffset) // no leaf directories
  u64(48, 0)
  u64(56, dataOffset)
  u64(64, tile.length)
  u64(72, tiles) // addressed tiles
  u64(80, 1) // tile entries
  u64(88, 1) // tile contents
  header.writeUInt8(1, 96) // clustered
  header.writeUInt8(1, 97) // internal compression: none
  header.writeUInt8(1, 98) // tile compression: none
  header.writeUInt8(2, 99) // tile type: png
  header.writeUInt8(0, 100)
  header.writeUInt8(maxZoom, 101)
  header.writeInt32LE(-180e7, 102)
  header.writeInt32LE(-85e7, 106)
  header.writeInt32LE(180e7, 110)
  header.writeInt32LE(85e7, 114)
  header.writeUInt8(0, 118)
  header.writeInt32LE(0, 119)
  header.writeInt32LE(0, 123)
  return Buffer.concat([header, directory, metadata, tile])
}

/** The pmtiles reader over bytes in memory. */
class BytesSource implements Source {
  constructor(private readonly bytes: Buffer) {}
  getKey = () => 'memory'
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const slice = this.bytes.subarray(offset, offset + length)
    return { data: slice.buffer.slice(slice.byteOffset, slice.byteOffset + slice.length) as ArrayBuffer }
  }
}

/** Share of the map's pixels near a colour (the grids and the mask over it tint, not hide, it). */
async function shareOf(page: Page, rgb: readonly [number, number, number]): Promise<number> {
  const shot = await page.getByTestId('map').screenshot()
  return page.evaluate(
    async ({ base64, rgb }) => {
      const image = new Image()
      image.src = `data:image/png;base64,${base64}`
      await image.decode()
      const canvas = new OffscreenCanvas(image.width, image.height)
      const context = canvas.getContext('2d')!
      context.drawImage(image, 0, 0)
      const { data } = context.getImageData(0, 0, image.width, image.height)
      // the hue, not the shade: each channel's excess over the darkest agrees with the colour's
      let near = 0
      for (let i = 0; i < data.length; i += 4) {
        const low = Math.min(data[i], data[i + 1], data[i + 2])
        const excess = [data[i] - low, data[i + 1] - low, data[i + 2] - low]
        const want = rgb.map((c) => c - Math.min(...rgb))
        const max = Math.max(...excess)
        if (max > 40 && excess.every((e, c) => Math.abs(e / max - want[c] / Math.max(...want)) < 0.35)) near++
      }
      return near / (data.length / 4)
    },
    { base64: shot.toString('base64'), rgb },
  )
}

describe('basemaps as configuration in a real browser', () => {
  let database: Database
  let browser: Browser
  let dir: string
  let archive: string
  let tile: Buffer
  let styleServer: Server
  let styleOrigin: string
  const green = [0, 200, 83] as const

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wg-basemap-'))
    tile = solidPng(256, magenta)
    archive = path.join(dir, 'basemap.pmtiles')
    await writeFile(archive, pmtilesArchive(tile, 14))
    // a self-hosted style on its own loopback origin (CORS as a style server sends it)
    styleServer = createServer((request, response) => {
      if (request.url !== '/style.json') return response.writeHead(404).end()
      response.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' })
      response.end(
        JSON.stringify({
          version: 8,
          sources: {},
          layers: [{ id: 'land', type: 'background', paint: { 'background-color': '#00c853' } }],
        }),
      )
    })
    await new Promise<void>((resolve) => styleServer.listen(0, '127.0.0.1', resolve))
    const address = styleServer.address()
    styleOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    database = await openTestDatabase('pglite')
    browser = await launchChromium()
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await database?.close()
    await new Promise((resolve) => styleServer?.close(resolve))
    await rm(dir, { recursive: true, force: true })
  })

  it('writes an archive the maintained pmtiles reader reads: header and a tile at zoom 12', async () => {
    const bytes = pmtilesArchive(tile, 14)
    const reader = new PMTiles(new BytesSource(bytes))
    const header = await reader.getHeader()
    expect(header.specVersion).toBe(3)
    expect(header.maxZoom).toBe(14)
    expect(zxyToTileId(12, 3300, 1700)).toBeGreaterThan(0)
    const found = await reader.getZxy(12, 3300, 1700)
    expect(Buffer.from(found!.data).equals(tile)).toBe(true)
  })

  /** The app with a basemap set, its page signed in, the map drawn with the basemap's layer. */
  async function open(config: {
    basemapPmtiles?: string
    basemapStyle?: string
  }): Promise<{ app: TestApp; origin: string; watched: WatchedPage }> {
    const { app, origin } = await serveTestApp(database, { serveWeb: true, config })
    const watched = await openWatchedPage(browser, { origin, credentials: app.credentials }, viewport)
    return { app, origin, watched }
  }

  it(
    'draws a local PMTiles archive served by the app, read by range requests; the CSP stays this server only',
    { timeout: 240_000 },
    async () => {
      const { app, origin, watched } = await open({ basemapPmtiles: archive })
      try {
        const ranges: string[] = []
        watched.page.on('request', (request) => {
          if (request.url().endsWith('/api/basemap.pmtiles')) ranges.push(request.headers().range ?? 'none')
        })
        const catalog = (await app.inject({ url: '/api/layers' })).json()
        expect(catalog.basemap).toEqual({ pmtiles: '/api/basemap.pmtiles', attribution: '' })
        const csp = (await app.inject({ url: '/' })).headers['content-security-policy'] as string
        expect(csp).toContain("connect-src 'self';")
        await watched.page.goto(origin)
        await watched.page.waitForFunction(
          () => {
            const map = window.__wgMaps?.overview
            return !!map && !!map.getSource('basemap') && map.loaded() && map.isSourceLoaded('basemap')
          },
          undefined,
          { timeout: 180_000, polling: 250 },
        )
        expect(ranges.length).toBeGreaterThan(0)
        expect(ranges.every((range) => /^bytes=\d+-\d+$/.test(range))).toBe(true)
        await expect.poll(() => shareOf(watched.page, magenta), { timeout: 30_000 }).toBeGreaterThan(0.2)
        expect(await shareOf(watched.page, green)).toBeLessThan(0.01)
        // a range past the end is refused as HTTP says
        const past = await app.inject({ url: '/api/basemap.pmtiles', headers: { range: 'bytes=999999-' } })
        expect(past.statusCode).toBe(416)
        expect(watched.outsideRequests).toEqual([])
        expect(watched.pageErrors).toEqual([])
        expect(watched.serverErrors).toEqual([])
      } finally {
        await watched.page.close()
        await app.close()
      }
    },
  )

  it(
    "draws a self-hosted style's layers under the grids, and the CSP opens that style's origin only",
    { timeout: 240_000 },
    async () => {
      const { app, origin, watched } = await open({ basemapStyle: `${styleOrigin}/style.json` })
      try {
        const csp = (await app.inject({ url: '/' })).headers['content-security-policy'] as string
        expect(csp).toContain(`connect-src 'self' ${styleOrigin};`)
        await watched.page.goto(origin)
        await watched.page.waitForFunction(
          () => {
            const map = window.__wgMaps?.overview
            return !!map && !!map.getLayer('basemap-land') && map.loaded()
          },
          undefined,
          { timeout: 180_000, polling: 250 },
        )
        await expect.poll(() => shareOf(watched.page, green), { timeout: 30_000 }).toBeGreaterThan(0.2)
        expect(await shareOf(watched.page, magenta)).toBeLessThan(0.01)
        expect(watched.pageErrors).toEqual([])
      } finally {
        await watched.page.close()
        await app.close()
      }
    },
  )

  it('refuses two basemaps at once, naming both settings', async () => {
    const { loadConfig } = await import('../../server/config.ts')
    expect(() => loadConfig({ BASEMAP_PMTILES: archive, BASEMAP_STYLE: `${styleOrigin}/style.json` })).toThrow(
      /BASEMAP_STYLE and BASEMAP_PMTILES: set one basemap at most/,
    )
    expect(() => loadConfig({ BASEMAP_PMTILES: path.join(dir, 'basemap.mbtiles') })).toThrow(/BASEMAP_PMTILES/)
  })
})
