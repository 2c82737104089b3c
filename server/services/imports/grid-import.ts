// A department's grid layer: each feature's code, community and households read and checked (the
// geometry against the stored regions, set-based, through the staged rows), codes in the scheme
// assigned to grids without one, and the layer stored as a new version.
import type { Kysely } from 'kysely'
import { insertStagedCopy } from '../../db/repositories/import-engine.repository.ts'
import * as imports from '../../db/repositories/imports.repository.ts'
import { type HouseholdNorm, findHouseholdNorms } from '../../db/repositories/regions.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { refreshStatistics } from '../../db/statistics.ts'
import { LocalizedInputError, type LocalizedText } from '../../errors.ts'
import { ImportReport, field, judgeGeometry, prepareGeometryPaced, readUniqueCode, textOf } from './import-checks.ts'
import { say } from './messages.ts'
import type { ImportFile } from './import-formats.ts'
import { inBatches, measureHeavyAreas, refuseFailed, runImport, stagedWeight } from './import-run.ts'
import { Pace } from './pace.ts'
import { checkGridsOffThread, positionsOfWkb } from './import-engine.ts'
import type { ParseLimits } from './parse-limits.ts'
import { levelNames, levelOfCode } from '../../db/region-codes.ts'
import type { ImportResult } from '../../schemas/imports.schema.ts'

/** The share of a grid's area that may lie outside the district (boundaries drawn apart) before a warning. */
export const gridOutsideTolerance = 0.01

const gridFields = {
  code: ['code', 'grid_code', 'gridcode', '网格编码', '网格代码', 'wgbm'],
  name: ['name', 'grid_name', '网格名称', 'wgmc'],
  communityCode: ['community_code', 'communitycode', 'community', '社区编码', '所属社区编码', 'sqbm'],
  households: ['households', '户数', 'hs'],
  /** the department's own identifier, kept beside the code in the scheme */
  sourceId: ['objectid', 'fid', 'id', 'gid', 'ogc_fid', '编号', '原编号', '网格编号', '要素编号', 'bh'],
} as const

/** A grid code in the scheme: the 12-digit code of its community and a 3-digit serial. */
const schemeCode = /^(\d{12})(\d{3})$/

const gridCodeRule = {
  noun: say('网格编码', 'grid code'),
  fields: 'code / 网格编码',
  problem: (code: string) => {
    if (code.length > 40) return say('超过 40 个字符', 'is longer than 40 characters')
    // twelve digits or more mean a code in the scheme: it must be one
    const scheme = schemeCode.exec(code)
    if (/^\d{12,}$/.test(code) && !(scheme && levelOfCode(scheme[1]) === 'community'))
      return say(
        '格式不对：规范的网格编码是所在社区的 12 位代码加 3 位序号',
        'is malformed: a code in the scheme is the 12-digit code of its community and a 3-digit serial',
      )
    return undefined
  },
}

/** How grid imports run here. */
export interface GridImportOptions {
  /** positions from which a grid is staged and checked on an engine thread (import-engine.ts); null: never */
  offThreadFrom: number | null
  /** hex characters of such a grid's shape written in one statement (insertStagedCopy's default if absent) */
  stagedPartChars?: number
}

export async function importGridLayer(
  db: Kysely<Tables>,
  request: { file: ImportFile; department: string; crs?: string; dryRun: boolean; limits?: ParseLimits },
  options: GridImportOptions = { offThreadFrom: null },
): Promise<ImportResult> {
  const department = await db
    .selectFrom('departments')
    .select(['code', 'name'])
    .where('code', '=', request.department)
    .executeTakeFirst()
  if (!department) {
    const known = await db.selectFrom('departments').select('code').orderBy('code').execute()
    const codes = known.map((d) => d.code).join(', ')
    throw new LocalizedInputError(
      say(
        `未知的部门“${request.department}”：可用的部门代码为 ${codes}`,
        `Unknown department "${request.department}": use one of ${codes}`,
      ),
      [{ field: 'department' }],
    )
  }
  const result = await runImport(
    db,
    { ...request, kind: 'grids' },
    async ({ runId, parsed, crs, sourceCrs, report }) => {
      const candidates: (imports.GridInsert & imports.StagedRow)[] = []
      const seenCodes = new Map<string, number>()
      // a turn for queued reads every ~20 ms of checking: 200,000 features take seconds
      const pace = new Pace()
      for (const feature of parsed.features) {
        await pace.step()
        // a grid without a code gets one in the scheme once its community is known
        const givenCode = textOf(field(feature.properties, gridFields.code))
        const codeText = givenCode ? readUniqueCode(feature, gridFields.code, seenCodes, report, gridCodeRule) : null
        if (codeText === undefined) continue
        const prepared = await prepareGeometryPaced(feature, crs, pace)
        // the WKB carries the geometry on: the parsed one (a million positions, for a huge grid) can go
        feature.geometry = null
        if ('error' in prepared) {
          report.error(feature.index, 'geometry', prepared.error)
          continue
        }
        const households = field(feature.properties, gridFields.households)
        const householdCount =
          households && households.value !== '' && households.value !== null ? Number(households.value) : null
        if (householdCount !== null && (!Number.isInteger(householdCount) || householdCount < 0)) {
          const given = String(households!.value)
          report.error(
            feature.index,
            households!.key,
            say(`户数须为不小于 0 的整数，实际为“${given}”`, `households must be a whole number ≥ 0, got "${given}"`),
          )
          continue
        }
        candidates.push({
          index: feature.index,
          ...prepared,
          communityCode: textOf(field(feature.properties, gridFields.communityCode)) || null,
          code: codeText ?? '',
          name: textOf(field(feature.properties, gridFields.name)) || codeText || '',
          households: householdCount,
          attributes: feature.properties,
          sourceId: textOf(field(feature.properties, gridFields.sourceId)).slice(0, 100) || null,
        })
      }

      // a huge grid is staged and checked on an engine thread (on PGlite), the others here
      const from = options.offThreadFrom
      const huge = from === null ? [] : candidates.filter((c) => positionsOfWkb(c.geometry) >= from)
      const here = huge.length === 0 ? candidates : candidates.filter((c) => !huge.includes(c))
      const offThread = await checkGridsOffThread(
        db,
        runId,
        huge.map(({ index, geometry, srid, communityCode }) => ({ index, geometry, srid, communityCode })),
        !request.dryRun,
      )
      for (const candidate of huge) candidate.geometry = ''
      // staged and checked as joins in time-bounded batches (weighed by their WKB), letting reads
      // through between batches
      const weights = here.map((c) => stagedWeight(c.geometry))
      const weight = (_: unknown, i: number) => weights[i]
      await inBatches(
        here,
        async (batch) => {
          await imports.stageGeometries(db, runId, batch)
          // the geometry lives on in the staged row: the file's copy is no longer needed
          for (const candidate of batch) candidate.geometry = ''
        },
        { weight },
      )
      await measureHeavyAreas(
        db,
        runId,
        here.map((c, i) => ({ index: c.index, weight: weights[i] })),
      )
      const checkedHere = new Map<number, imports.GeometryCheck & imports.GridPlacement>()
      await inBatches(
        here,
        async (batch) => {
          const found = await imports.checkStagedGrids(db, runId, batch[0].index, batch.at(-1)!.index + 1)
          for (const check of found) checkedHere.set(check.index, check)
        },
        { weight },
      )
      const checks = candidates.map((c) => checkedHere.get(c.index) ?? offThread.get(c.index)!.check)
      // the huge grids' staged rows, as the engine made them, for the store
      for (const { copy } of offThread.values())
        if (copy) await insertStagedCopy(db, runId, copy, options.stagedPartChars)
      const communityOf = (i: number) => candidates[i].communityCode ?? checks[i].containingCommunity
      const norms = await findHouseholdNorms(db, [
        ...new Set(checks.map((_, i) => communityOf(i)).filter((c): c is string => c !== null)),
      ])
      const accepted: imports.GridInsert[] = []
      let repaired = 0
      for (const [i, check] of checks.entries()) {
        await pace.step()
        const { geometry: _geometry, srid: _srid, ...candidate } = candidates[i]
        const community = communityOf(i)
        if (!judgeGeometry(check, report, sourceCrs, 'grid')) continue
        if (!check.valid) repaired += 1
        if (!check.communityKnown) {
          report.error(
            check.index,
            'community_code',
            say(`未知的社区代码“${candidate.communityCode}”`, `unknown community code "${candidate.communityCode}"`),
          )
          continue
        }
        if (check.outsideShare >= 1)
          report.warn(
            check.index,
            'geometry',
            say(
              `该网格完全位于已存辖区之外${candidate.communityCode ? '' : '，不属于任何社区'}`,
              `the grid lies wholly outside the stored districts${candidate.communityCode ? '' : ': it belongs to no community'}`,
            ),
          )
        else if (check.outsideShare > gridOutsideTolerance)
          report.warn(
            check.index,
            'geometry',
            say(
              `该网格有 ${(check.outsideShare * 100).toFixed(1)} % 的面积位于辖区之外`,
              `${(check.outsideShare * 100).toFixed(1)} % of the grid lies outside the district`,
            ),
          )
        const norm = community ? norms.get(community) : null
        if (
          norm &&
          candidate.households !== null &&
          (candidate.households < norm.min || candidate.households > norm.max)
        ) {
          const below = candidate.households < norm.min
          report.warn(
            check.index,
            'households',
            say(
              `${candidate.households.toLocaleString('zh-CN')} 户：${below ? '低于' : '高于'}${describeNorm(norm, community!)['zh-CN']}`,
              `${candidate.households.toLocaleString('en-US')} households: ${below ? 'below' : 'above'} the ${describeNorm(norm, community!).en}`,
            ),
          )
        }
        if (!candidate.code && !community) {
          report.error(
            check.index,
            'code',
            say(
              '缺少网格编码（字段 code / 网格编码），且该网格不在任何社区内，无法为它编码',
              'no grid code (field code / 网格编码), and the grid lies in no community to assign one from',
            ),
          )
          continue
        }
        accepted.push({ ...candidate, communityCode: community })
      }
      const assigned = await assignGridCodes(db, request.department, accepted, report)
      return {
        accepted: accepted.length,
        repaired,
        assigned,
        // all or nothing: a failure here rolls the whole layer back
        store: async () => {
          const stored = await db.transaction().execute((trx) =>
            imports.insertGridLayerVersion(
              trx,
              {
                department: request.department,
                title: `${department.name}网格（${parsed.file}）`,
                importRunId: runId,
                sourceCrs,
              },
              accepted,
            ),
          )
          await refreshStatistics(db, ['grid_layers', 'grids'])
          return { layer: { department: request.department, version: stored.version } }
        },
      }
    },
  )
  return refuseFailed(result)
}

/**
 * Codes in the scheme for the accepted grids that have none, by the community each lies in (as its
 * file says, else where it mostly lies): the code the department's active layer gave the same own
 * identifier if it is free, else the community's code and the next serial after every serial in
 * use (in the file or the active layer). Reported as one warning; a serial beyond 999 is an error.
 * Returns how many were assigned.
 */
async function assignGridCodes(
  db: Kysely<Tables>,
  department: string,
  grids: imports.GridInsert[],
  report: ImportReport,
): Promise<number> {
  const missing = grids.filter((g) => !g.code)
  if (missing.length === 0) return 0
  const active = await imports.findActiveGridCodes(db, department)
  const taken = new Set(grids.filter((g) => g.code).map((g) => g.code))
  const lastSerial = new Map<string, number>()
  for (const code of [...taken, ...active.map((a) => a.code)]) {
    const scheme = schemeCode.exec(code)
    if (scheme) lastSerial.set(scheme[1], Math.max(lastSerial.get(scheme[1]) ?? 0, Number(scheme[2])))
  }
  const before = new Map(active.filter((a) => a.sourceId !== null).map((a) => [a.sourceId!, a.code]))
  let assigned = 0
  for (const grid of missing) {
    const community = grid.communityCode!
    const kept = grid.sourceId !== null ? before.get(grid.sourceId) : undefined
    if (kept && kept.startsWith(community) && !taken.has(kept)) grid.code = kept
    else {
      const serial = (lastSerial.get(community) ?? 0) + 1
      if (serial > 999) {
        report.error(
          grid.index,
          'code',
          say(
            `社区 ${community} 的网格序号（001–999）已用完，无法再编码`,
            `community ${community} has no grid serial left (001–999) to assign`,
          ),
        )
        continue
      }
      lastSerial.set(community, serial)
      grid.code = `${community}${String(serial).padStart(3, '0')}`
    }
    taken.add(grid.code)
    grid.name ||= grid.code
    assigned += 1
  }
  report.warn(
    undefined,
    'code',
    say(
      `${assigned.toLocaleString('zh-CN')} 个网格没有编码：已按所在社区代码加序号编码（部门原编号保留在 source_id）`,
      `${assigned.toLocaleString('en-US')} grid(s) had no code: each was given its community's code and a serial (the department's own identifier is kept as source_id)`,
    ),
  )
  return assigned
}

/** "300–500 norm of an urban community (the default)", "100–200 norm set by street 东村镇 (410188002000)". */
function describeNorm(norm: HouseholdNorm, community: string): LocalizedText {
  const range = `${norm.min.toLocaleString('en-US')}–${norm.max.toLocaleString('en-US')}`
  if (!norm.setBy) return say(`城市社区默认户数标准 ${range}`, `${range} norm of an urban community (the default)`)
  const own = norm.setBy.code === community
  const by = own ? 'its community' : norm.setBy.level
  const byZh = own ? '本社区' : levelNames[norm.setBy.level as keyof typeof levelNames]
  return say(
    `${byZh}${norm.setBy.name}（${norm.setBy.code}）设定的户数标准 ${range}`,
    `${range} norm set by ${by} ${norm.setBy.name} (${norm.setBy.code})`,
  )
}
