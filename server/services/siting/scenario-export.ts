// A saved siting scenario as files: GeoJSON of the proposed sites, CSV (UTF-8 with a BOM so Excel
// reads the Chinese headers), XLSX (summary and sites sheets) and a printable one-page HTML summary.
import ExcelJS from 'exceljs'
import type { Scenario } from '../../schemas/siting.schema.ts'

const objectiveNames: Record<string, string> = { max_covering: '最大覆盖', set_covering: '集合覆盖' }
const methodNames: Record<string, string> = { radius: '服务半径', network: '步行路网' }
const solverNames: Record<string, string> = {
  greedy: '快速（贪心，最大覆盖另加交换优化）',
  exact: '精确（混合整数规划）',
  both: '快速与精确',
}
const pct = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '—')
/** A count as a person reads it: grouped by thousands (zh-CN). */
const grouped = (value: string | number) => (typeof value === 'number' ? value.toLocaleString('zh-CN') : value)
/** When, as a person in the district reads it: Beijing time, zh-CN. */
const localTime = (at: string | Date) =>
  `${new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'long', timeStyle: 'short' }).format(new Date(at))}（北京时间）`

export function scenarioGeoJson(s: Scenario) {
  return {
    type: 'FeatureCollection' as const,
    properties: { scenario: s.id, name: s.name, method: s.method, objective: s.objective },
    features: s.chosen.map((site, n) => ({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: [site.lon, site.lat] },
      properties: { rank: n + 1, addedResidents: site.gain, source: site.source ?? null },
    })),
  }
}

function csvCell(value: string | number): string {
  const text = String(value)
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function scenarioCsv(s: Scenario): string {
  const rows: (string | number)[][] = [['序号', '经度', '纬度', '新增覆盖人口', '候选来源']]
  s.chosen.forEach((site, n) => rows.push([n + 1, site.lon, site.lat, site.gain, site.source ?? '']))
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`
}

/** The fast solver's heuristic and pure greedy's figure, when the scenario reports them. */
function fastRows(s: Scenario): [string, string | number][] {
  const fast = s.result.solvers.find((solver) => solver.heuristicLabel)
  if (!fast?.heuristicLabel) return []
  return [
    ['快速求解方法', fast.heuristicLabel['zh-CN']],
    ['纯贪心新增覆盖', fast.greedyNewlyCovered ?? '—'],
    ['快速求解新增覆盖', fast.newlyCovered],
  ]
}

function summaryRows(s: Scenario, regionName?: string): [string, string | number][] {
  return [
    ['方案', s.name],
    ['区划', regionName && s.regionCode ? `${regionName}（${s.regionCode}）` : (s.regionCode ?? '')],
    ['目标', objectiveNames[s.objective] ?? s.objective],
    ['服务范围', methodNames[s.method] ?? s.method],
    ['求解器', solverNames[s.solver] ?? s.solver],
    ...fastRows(s),
    ['新建数量', s.chosen.length],
    ['常住人口', s.totalResidents],
    ['现状覆盖', s.coveredBefore],
    ['方案覆盖', s.coveredAfter],
    ['现状覆盖率', pct(s.coveredBefore, s.totalResidents)],
    ['方案覆盖率', pct(s.coveredAfter, s.totalResidents)],
    ['最优性间隙', s.optimalityGap === null ? '—' : `${(s.optimalityGap * 100).toFixed(2)}%`],
    ['耗时（毫秒）', s.runtimeMs ?? ''],
  ]
}

export async function scenarioXlsx(s: Scenario): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const summary = workbook.addWorksheet('方案')
  summary.columns = [{ width: 16 }, { width: 40 }]
  for (const row of summaryRows(s)) summary.addRow(row)
  const sites = workbook.addWorksheet('选址')
  sites.columns = [
    { header: '序号', key: 'rank', width: 8 },
    { header: '经度', key: 'lon', width: 14 },
    { header: '纬度', key: 'lat', width: 14 },
    { header: '新增覆盖人口', key: 'gain', width: 14 },
    { header: '候选来源', key: 'source', width: 30 },
  ]
  s.chosen.forEach((site, n) =>
    sites.addRow({ rank: n + 1, lon: site.lon, lat: site.lat, gain: site.gain, source: site.source ?? '' }),
  )
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

const escapeHtml = (text: string | number) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** The printable one-page summary; `regionName` names the scenario's region beside its code. */
export function scenarioHtml(s: Scenario, regionName?: string): string {
  const summary = summaryRows(s, regionName)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(grouped(v))}</td></tr>`)
    .join('')
  const sites = s.chosen
    .map(
      (site, n) =>
        `<tr><td>${n + 1}</td><td>${site.lon.toFixed(6)}</td><td>${site.lat.toFixed(6)}</td><td>${escapeHtml(grouped(site.gain))}</td></tr>`,
    )
    .join('')
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(s.name)}</title>
<style>
@page { size: A4; margin: 15mm }
body { font-family: sans-serif; font-size: 11pt; margin: 0 }
h1 { font-size: 16pt; margin: 0 0 8px }
table { border-collapse: collapse; width: 100%; margin-bottom: 10px }
th, td { border: 1px solid #999; padding: 2px 6px; text-align: left }
th { background: #eee; width: 30% }
</style></head>
<body>
<h1>党群服务中心选址方案：${escapeHtml(s.name)}</h1>
<table>${summary}</table>
<h2 style="font-size:13pt">建议新建点位</h2>
<table><tr><th>序号</th><th>经度</th><th>纬度</th><th>新增覆盖人口</th></tr>${sites}</table>
<p>生成时间 ${escapeHtml(localTime(s.createdAt))} · 覆盖人口按常住人口点计，${s.method === 'network' ? '步行时间沿路网计算' : '服务半径按真实距离计算'}。</p>
</body></html>
`
}
