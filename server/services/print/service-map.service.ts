// The printable service map (全科网格服务示意图): per published unified grid an A3 page with the
// grid's boundary drawn as vectors among its neighbours and landmarks (centres, organizations),
// its chief and workers with phone numbers (masked for roles that may not see them), the party
// organization there, and a QR code (vectors too) linking to the grid on the map. A community's
// grids print as one PDF, a page each. Chinese text is embedded as text in a subset of Noto Sans
// (Simplified Chinese) from an npm package: nothing is rasterized, nothing fetched.
import { createRequire } from 'node:module'
import path from 'node:path'
import type { Kysely } from 'kysely'
import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'
import * as repo from '../../db/repositories/service-maps.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { NotFoundError } from '../../errors.ts'
import { maskPersonal } from '../../db/mask.ts'
import { type Principal, maySeePersonalData } from '../auth/roles.ts'

const require = createRequire(import.meta.url)
// the package exports only its index (dist/index.cjs); its OTF files sit in fonts/ beside dist/
const fontDir = path.join(path.dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts')
export const serviceMapFonts = {
  regular: path.join(fontDir, 'NotoSansHans-Regular.otf'),
  bold: path.join(fontDir, 'NotoSansHans-Bold.otf'),
}

const roleNames: Record<string, string> = {
  chief: '网格长',
  full_time: '专职网格员',
  part_time: '兼职网格员',
  instructor: '网格指导员',
}
const tierNames: Record<string, string> = {
  committee: '党委',
  general_branch: '党总支',
  branch: '党支部',
  joint_branch: '联合党支部',
  temporary_branch: '临时党支部',
}
const centreLevels: Record<string, string> = {
  district: '区级党群服务中心',
  street: '街道党群服务中心',
  community: '社区党群服务站',
  station: '党群服务点',
}

type Ring = [number, number][]
type Polygons = Ring[][]

function polygonsOf(geojson: string): Polygons {
  const geometry = JSON.parse(geojson) as { type: string; coordinates: unknown }
  if (geometry.type === 'Polygon') return [geometry.coordinates as Ring[]]
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as Ring[][]
  return []
}

/** A3 landscape, in points. */
const page = { width: 1190.55, height: 841.89, margin: 36 }
const frame = { x: 36, y: 96, width: 760, height: 706 }
const panelX = 820

export interface ServiceMapOptions {
  /** the address the QR code links to (PUBLIC_URL); unset: a path on this server */
  publicUrl?: string
  principal?: Principal
}

export class ServiceMapService {
  constructor(private readonly db: Kysely<Tables>) {}

  /** One grid's page. */
  async gridPdf(code: string, prefix: string | null, options: ServiceMapOptions): Promise<Buffer> {
    const grids = await repo.findPublishedGrids(this.db, { code }, prefix)
    if (grids.length === 0)
      throw new NotFoundError({
        'zh-CN': `没有已发布的全科网格 ${code}`,
        en: `No published unified grid has the code ${code}`,
      })
    return this.render(grids, options)
  }

  /** Every published grid of a community, a page each. */
  async communityPdf(community: string, prefix: string | null, options: ServiceMapOptions): Promise<Buffer> {
    const grids = await repo.findPublishedGrids(this.db, { community }, prefix)
    if (grids.length === 0)
      throw new NotFoundError({
        'zh-CN': `社区 ${community} 没有已发布的全科网格`,
        en: `Community ${community} has no published unified grid`,
      })
    return this.render(grids, options)
  }

  private async render(grids: repo.ServiceMapGrid[], options: ServiceMapOptions): Promise<Buffer> {
    const doc = new PDFDocument({
      size: 'A3',
      layout: 'landscape',
      // no page margins: everything is placed by hand, and text near the edge must not start a page
      margin: 0,
      autoFirstPage: false,
      info: { Title: '全科网格服务示意图', Creator: '网格治理一张图' },
    })
    doc.registerFont('cjk', serviceMapFonts.regular)
    doc.registerFont('cjk-bold', serviceMapFonts.bold)
    const chunks: Buffer[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('end', () => resolve(Buffer.concat(chunks)))
      doc.on('error', reject)
    })
    for (const grid of grids) await this.drawPage(doc, grid, options)
    doc.end()
    return done
  }

  private async drawPage(doc: PDFKit.PDFDocument, grid: repo.ServiceMapGrid, options: ServiceMapOptions) {
    const [neighbours, staff, branch] = await Promise.all([
      repo.findNeighbourGrids(this.db, grid.id),
      repo.findGridStaff(this.db, grid.id),
      repo.findGridBranch(this.db, grid.id, grid.communityCode),
    ])
    // the map's extent: the grid with room around it for its neighbours, in the frame's proportions
    const [w, s, e, n] = grid.bbox
    const cos = Math.cos((((s + n) / 2) * Math.PI) / 180)
    const [cx, cy] = [(w + e) / 2, (s + n) / 2]
    const span = Math.max(((e - w) * cos) / frame.width, (n - s) / frame.height) * 1.8 || 1e-4
    const halfX = (frame.width * span) / cos / 2
    const halfY = (frame.height * span) / 2
    const extent: [number, number, number, number] = [cx - halfX, cy - halfY, cx + halfX, cy + halfY]
    const landmarks = await repo.findLandmarks(this.db, extent)
    const x = (lon: number) => frame.x + ((lon - extent[0]) * cos) / span
    const y = (lat: number) => frame.y + (extent[3] - lat) / span

    doc.addPage()
    doc.font('cjk-bold').fontSize(26).fillColor('#b71c1c').text('全科网格服务示意图', page.margin, 30)
    doc
      .font('cjk')
      .fontSize(13)
      .fillColor('#333333')
      .text(`${grid.streetName ?? ''} ${grid.communityName} · 网格 ${grid.code}`, page.margin, 64)

    // the map, clipped to its frame
    doc.save()
    doc.rect(frame.x, frame.y, frame.width, frame.height).fillAndStroke('#f7f9fb', '#90a4ae')
    doc.rect(frame.x, frame.y, frame.width, frame.height).clip()
    const trace = (polygons: Polygons) => {
      for (const polygon of polygons)
        for (const ring of polygon)
          ring.forEach(([lon, lat], i) => (i === 0 ? doc.moveTo(x(lon), y(lat)) : doc.lineTo(x(lon), y(lat))))
    }
    for (const neighbour of neighbours) {
      const polygons = polygonsOf(neighbour.geojson)
      trace(polygons)
      doc.fillOpacity(1).lineWidth(0.8).fillAndStroke('#eceff1', '#90a4ae')
    }
    const own = polygonsOf(grid.geojson)
    trace(own)
    doc.fillColor('#ffebee').fillOpacity(0.9).lineWidth(3).strokeColor('#c62828').fillAndStroke()
    doc.fillOpacity(1)
    for (const neighbour of neighbours) {
      const ring = polygonsOf(neighbour.geojson)[0]?.[0]
      if (!ring) continue
      const lon = ring.reduce((sum, p) => sum + p[0], 0) / ring.length
      const lat = ring.reduce((sum, p) => sum + p[1], 0) / ring.length
      doc
        .font('cjk')
        .fontSize(9)
        .fillColor('#607d8b')
        .text(neighbour.code, x(lon) - 40, y(lat) - 5, { width: 80, align: 'center' })
    }
    for (const landmark of landmarks) {
      const [px, py] = [x(landmark.lon), y(landmark.lat)]
      if (landmark.kind === 'center') doc.rect(px - 5, py - 5, 10, 10).fill('#d32f2f')
      else doc.circle(px, py, 4).fill('#f57c00')
      const label = landmark.kind === 'center' ? (centreLevels[landmark.detail] ?? '') : ''
      doc
        .font('cjk')
        .fontSize(8)
        .fillColor('#263238')
        .text(`${landmark.name}${label && !landmark.name.includes('中心') ? `（${label}）` : ''}`, px + 7, py - 5, {
          width: 160,
          lineBreak: false,
        })
    }
    doc.restore()
    // the grid's code over its middle, and the legend
    doc
      .font('cjk-bold')
      .fontSize(14)
      .fillColor('#b71c1c')
      .text(grid.code, x(cx) - 80, y(cy) - 8, { width: 160, align: 'center' })
    const legendY = frame.y + frame.height + 10
    doc.rect(frame.x, legendY, 14, 10).fillAndStroke('#ffebee', '#c62828')
    doc
      .font('cjk')
      .fontSize(9)
      .fillColor('#333333')
      .text('本网格', frame.x + 18, legendY)
    doc.rect(frame.x + 70, legendY, 14, 10).fillAndStroke('#eceff1', '#90a4ae')
    doc.fillColor('#333333').text('相邻网格', frame.x + 88, legendY)
    doc.rect(frame.x + 150, legendY, 10, 10).fill('#d32f2f')
    doc.fillColor('#333333').text('党群服务中心（站）', frame.x + 164, legendY)
    doc.circle(frame.x + 265, legendY + 5, 4).fill('#f57c00')
    doc.fillColor('#333333').text('党组织', frame.x + 274, legendY)

    // the panel: the grid, its people, the organization, the QR code
    const may = maySeePersonalData(options.principal, grid.communityCode)
    const personal = (value: string | null) => (value === null ? '—' : may ? value : maskPersonal(value))
    let py = frame.y
    const heading = (text: string) => {
      doc.font('cjk-bold').fontSize(15).fillColor('#b71c1c').text(text, panelX, py)
      py += 24
    }
    const line = (text: string, size = 12) => {
      doc.font('cjk').fontSize(size).fillColor('#212121').text(text, panelX, py, { width: 330 })
      py += size + 9
    }
    heading('网格基本情况')
    line(`网格编码：${grid.code}`)
    line(`所属社区：${grid.communityName}（${grid.communityCode}）`)
    if (grid.streetName) line(`所属街道：${grid.streetName}`)
    line(`户数：${grid.households.toLocaleString('zh-CN')} 户\u3000人口：${grid.population.toLocaleString('zh-CN')} 人`)
    py += 8
    heading('网格力量')
    const chiefs = staff.filter((p) => p.role === 'chief')
    const others = staff.filter((p) => p.role !== 'chief')
    if (chiefs.length === 0) line('网格长：未登记')
    for (const chief of chiefs) line(`网格长：${personal(chief.name)}\u3000电话：${personal(chief.phone)}`)
    for (const person of others.slice(0, 8))
      line(`${roleNames[person.role] ?? person.role}：${personal(person.name)}\u3000电话：${personal(person.phone)}`)
    if (others.length > 8) line(`另有 ${others.length - 8} 人`)
    py += 8
    heading('党组织')
    if (branch) {
      line(`${branch.name}（${tierNames[branch.tier] ?? branch.tier}，党员 ${branch.memberCount} 名）`)
      if (branch.secretaryName === null) line('书记：未登记', 11)
      else line(`书记：${personal(branch.secretaryName)}\u3000电话：${personal(branch.secretaryPhone)}`, 11)
    } else line('本网格内暂无党组织')

    // the map opened on the grid itself as a place, with the unified grids drawn (the web's URL state:
    // web/src/lib/stores/url-state.ts, a 15-digit place is a unified grid)
    const link = serviceMapLink(options.publicUrl, grid.code)
    drawQr(doc, link, panelX, page.height - 230, 150)
    doc
      .font('cjk')
      .fontSize(9)
      .fillColor('#555555')
      .text('扫码查看网格详情', panelX + 160, page.height - 220)
      .text(link, panelX + 160, page.height - 204, { width: 180 })
    doc
      .fontSize(8)
      .fillColor('#777777')
      .text(`打印时间 ${new Date().toLocaleString('zh-CN', { hour12: false })}`, panelX, page.height - 60)
  }
}

/** The grid's page on the map, which the QR code and the printed address name. */
export const serviceMapLink = (publicUrl: string | undefined, gridCode: string) =>
  `${publicUrl ?? ''}/#/?place=${gridCode}&layers=unified-grids`

/** A QR code drawn as filled squares (vectors), runs of dark modules merged into one rectangle. */
function drawQr(doc: PDFKit.PDFDocument, text: string, left: number, top: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const cell = size / (modules.size + 8)
  const origin = { x: left + 4 * cell, y: top + 4 * cell }
  doc.rect(left, top, size, size).fill('#ffffff')
  for (let row = 0; row < modules.size; row++) {
    let run = -1
    for (let col = 0; col <= modules.size; col++) {
      const dark = col < modules.size && modules.get(row, col)
      if (dark && run < 0) run = col
      if (!dark && run >= 0) {
        doc.rect(origin.x + run * cell, origin.y + row * cell, (col - run) * cell, cell)
        run = -1
      }
    }
  }
  doc.fill('#000000')
}
