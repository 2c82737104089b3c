// The wall's panels as rows: the counters, and the bars of street coverage (least covered first),
// household norms, party organizations by status and merge issues by kind, each with its colour.
// Pure: the figures in, the rows out (WallPage derives them as the figures change).
import type { MergeIssueList, Summary } from '../../lib/api/types.ts'
import { wordOf } from '../../lib/i18n/vocabulary.svelte.ts'
import { formatPercent, wallText as w } from './texts.ts'
import type { Coverage, PartyCoverage } from './types.ts'

export function counterRows(summary: Summary | undefined) {
  if (!summary) return []
  return [
    { key: 'grids', value: summary.grids.reduce((s, g) => s + g.count, 0) },
    { key: 'unifiedGrids', value: summary.unifiedGrids },
    { key: 'partyOrgs', value: summary.partyOrgs.total },
    { key: 'weak', value: summary.partyOrgs.weak, alert: true },
    { key: 'shouldEstablish', value: summary.units.shouldEstablish, alert: true },
    { key: 'residents', value: summary.population.residents },
  ]
}

/** The least covered streets first: a panel holds about six rows, and those are what the wall is for. */
export function streetCoverageRows(coverage: Coverage | undefined) {
  return [...(coverage?.streets ?? [])]
    .sort((a, b) => a.coveredShare - b.coveredShare)
    .map((s) => ({
      label: s.name,
      value: s.coveredShare,
      text: formatPercent(s.coveredShare),
      color: s.coveredShare >= 0.9 ? '#66bb6a' : s.coveredShare >= 0.7 ? '#ffca28' : '#ef5350',
    }))
}

const normColors: Record<string, string> = {
  below: '#ffca28',
  within: '#66bb6a',
  above: '#ef5350',
  noNorm: '#78909c',
}

export function householdRows(summary: Summary | undefined) {
  if (!summary) return []
  return Object.entries(summary.householdNorm).map(([key, value]) => ({
    label: w.norm[key],
    value,
    color: normColors[key],
  }))
}

const statusColors: Record<string, string> = {
  normal: '#66bb6a',
  weak: '#ffca28',
  rectifying: '#ffa726',
  hollow: '#ef5350',
}

/** The district's organizations by status (the first row when no district row is given). */
export function orgRows(party: PartyCoverage | undefined) {
  const district = party?.rows.find((r) => r.level === 'district') ?? party?.rows[0]
  if (!district) return []
  return Object.entries(district.figures.orgsByStatus).map(([key, value]) => ({
    label: wordOf('statuses', key),
    value,
    color: statusColors[key],
  }))
}

export function issueRows(issues: MergeIssueList | undefined) {
  return Object.entries(issues?.byKind ?? {})
    .filter(([, count]) => count > 0)
    .map(([kind, value]) => ({ label: wordOf('issueKinds', kind), value, color: '#ff8a65' }))
}
