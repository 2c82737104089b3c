// The region tree (街道/乡镇, 社区/村 and above): each feature's code, name, level, parent, urban flag
// and household norm read and checked, the geometry checked set-based through the staged rows and
// against parents and siblings, and the tree upserted (replacing the demo district when asked).
import type { Kysely } from 'kysely'
import * as demo from '../../db/repositories/demo.repository.ts'
import * as imports from '../../db/repositories/imports.repository.ts'
import * as regionImports from '../../db/repositories/region-imports.repository.ts'
import type { RegionLevel, Tables } from '../../db/tables.ts'
import { regionCodePrefix } from '../../db/scope.ts'
import { refreshStatistics } from '../../db/statistics.ts'
import { ImportReport, field, judgeGeometry, prepareGeometry, readUniqueCode, textOf } from './import-checks.ts'
import { say } from './messages.ts'
import type { ImportFile, ParsedFeature } from './import-formats.ts'
import { inBatches, measureHeavyAreas, refuseFailed, runImport, stagedWeight } from './import-run.ts'
import { Pace } from './pace.ts'
import {
  checkRegionShapesOffThread,
  positionsOfWkb,
  prepareRegionShapesOffThread,
  stageRegionsOffThread,
} from './import-engine.ts'
import { deleteStagedParts } from '../../db/repositories/import-engine.repository.ts'
import type { ParseLimits } from './parse-limits.ts'
import {
  decideUrban,
  isRegionCode,
  levelNames,
  levelOfCode,
  parentCodeOf,
  parentLevelOf,
  parseLevel,
} from '../../db/region-codes.ts'
import type { ImportResult } from '../../schemas/imports.schema.ts'

/** The share of a region's area that may lie outside its parent, or overlap a sibling, before a warning. */
export const regionShapeTolerance = 0.01

const regionFields = {
  code: ['code', '区划代码', '统计用区划代码', 'qhdm'],
  name: ['name', '名称', '区划名称', 'qhmc'],
  level: ['level', '级别', '层级'],
  parentCode: ['parent_code', 'parentcode', 'parent', '上级代码', '上级区划代码', 'sjdm'],
  isUrban: ['is_urban', 'isurban', 'urban'],
  urbanRuralCode: ['urban_rural_code', 'urbanrural', '城乡分类代码', 'cxfldm'],
  householdsMin: ['households_min', 'householdsmin', 'min_households', '户数下限', '网格户数下限'],
  householdsMax: ['households_max', 'householdsmax', 'max_households', '户数上限', '网格户数上限'],
} as const

const regionCodeRule = {
  noun: say('区划代码', 'region code'),
  fields: 'code / 区划代码',
  problem: (code: string) =>
    isRegionCode(code) ? undefined : say('不是 12 位数字（统计用区划代码）', 'is not 12 digits (统计用区划代码)'),
}

/** How region imports run here. */
export interface RegionImportOptions {
  /**
   * positions from which a region is staged and checked on an engine thread, and the shape checks of
   * a file holding one run there too (import-engine.ts); null: never
   */
  offThreadFrom: number | null
  /** hex characters of such a region's shape written in one statement (writeStagedParts's default if absent) */
  stagedPartChars?: number
}

/**
 * Imports a region tree (街道/乡镇, 社区/村 and above): upserted by code, parents first. With
 * `replaceDemo` the generated demo district and every row that refers to it are deleted in the same
 * transaction first.
 */
export async function importRegionTree(
  db: Kysely<Tables>,
  request: { file: ImportFile; crs?: string; dryRun: boolean; replaceDemo: boolean; limits?: ParseLimits },
  options: RegionImportOptions = { offThreadFrom: null },
): Promise<ImportResult> {
  const result = await runImport(
    db,
    { ...request, kind: 'regions', department: null },
    async ({ runId, parsed, crs, sourceCrs, report }) => {
      // regions about to be deleted neither count as known parents nor as neighbours to compare with
      const leavingOut = request.replaceDemo ? await demo.findDemoRegionCodes(db) : []
      if (request.replaceDemo && leavingOut.length === 0)
        report.warn(
          undefined,
          'replaceDemo',
          say('未加载示例辖区：没有可替换的内容', 'no demo district is loaded: nothing to replace'),
        )
      const candidates: (regionImports.RegionUpsert & { parentField: string; parentGiven: boolean })[] = []
      const levels = new Map<string, RegionLevel>()
      const seenCodes = new Map<string, number>()
      // a turn for queued reads every ~20 ms of checking
      const pace = new Pace()
      for (const feature of parsed.features) {
        await pace.step()
        const codeText = readUniqueCode(feature, regionFields.code, seenCodes, report, regionCodeRule)
        if (codeText === undefined) continue
        const level = levelOfCode(codeText)
        levels.set(codeText, level)
        const name = textOf(field(feature.properties, regionFields.name))
        if (!name) {
          report.error(feature.index, 'name', say('缺少名称（字段 name / 名称）', 'no name (field name / 名称)'))
          continue
        }
        if (name.length > 100) {
          report.error(
            feature.index,
            field(feature.properties, regionFields.name)!.key,
            say('名称超过 100 个字符', 'the name is longer than 100 characters'),
          )
          continue
        }
        const levelField = field(feature.properties, regionFields.level)
        const levelText = textOf(levelField)
        const given = levelText ? parseLevel(levelText) : undefined
        if (levelText && !given) {
          report.error(
            feature.index,
            levelField!.key,
            say(
              `未知的级别“${levelText}”：可用 市/区县/街道/乡镇/社区/村 或 city/district/street/community`,
              `unknown level "${levelText}": use city/district/street/community or 市/区县/街道/乡镇/社区/村`,
            ),
          )
          continue
        }
        if (given && given.level !== level) {
          report.error(
            feature.index,
            levelField!.key,
            say(
              `级别“${levelText}”与代码 ${codeText} 不符：该代码表示${levelNames[level]}`,
              `level "${levelText}" contradicts the code ${codeText}, which names a ${level} (${levelNames[level]})`,
            ),
          )
          continue
        }
        const parentField = field(feature.properties, regionFields.parentCode)
        const parentText = textOf(parentField)
        if (parentText && !isRegionCode(parentText)) {
          report.error(
            feature.index,
            parentField!.key,
            say(
              `上级代码“${parentText.slice(0, 20)}”不是 12 位数字`,
              `parent code "${parentText.slice(0, 20)}" is not 12 digits`,
            ),
          )
          continue
        }
        const urbanField = field(feature.properties, regionFields.isUrban)
        const urbanRuralField = field(feature.properties, regionFields.urbanRuralCode)
        const isUrban = decideUrban({
          flag: textOf(urbanField),
          urbanRuralCode: textOf(urbanRuralField),
          levelWord: given?.isUrban,
          name,
        })
        if (isUrban === undefined) {
          report.error(
            feature.index,
            (urbanField ?? urbanRuralField)!.key,
            say(
              `无法识别的城乡属性“${textOf(urbanField) || textOf(urbanRuralField)}”：请用 is_urban true/false 或城乡分类代码 1xx/2xx`,
              `unreadable urban/rural value "${textOf(urbanField) || textOf(urbanRuralField)}": use is_urban true/false or a 城乡分类代码 1xx/2xx`,
            ),
          )
          continue
        }
        const householdsNorm = readHouseholdNorm(feature, report)
        if (householdsNorm === undefined) continue
        const prepared = prepareGeometry(feature, crs)
        if ('error' in prepared) {
          report.error(feature.index, 'geometry', prepared.error)
          continue
        }
        candidates.push({
          index: feature.index,
          ...prepared,
          code: codeText,
          name,
          level,
          parentCode: parentText || parentCodeOf(codeText, level),
          parentField: parentField?.key ?? 'parent_code',
          parentGiven: !!parentText,
          isUrban,
          householdsMin: householdsNorm?.min ?? null,
          householdsMax: householdsNorm?.max ?? null,
        })
      }

      // the parent: in the file, else stored (and not about to be deleted), of the level above
      const parentCodes = [
        ...new Set(candidates.map((c) => c.parentCode).filter((p): p is string => !!p && !levels.has(p))),
      ]
      const stored = await regionImports.findRegionLevels(db, parentCodes, leavingOut)
      const placed: typeof candidates = []
      for (const candidate of candidates) {
        await pace.step()
        const parentLevel = candidate.parentCode
          ? (levels.get(candidate.parentCode) ?? stored.get(candidate.parentCode))
          : undefined
        const expected = parentLevelOf[candidate.level]
        const where = candidate.parentGiven
          ? say(`上级 ${candidate.parentCode}`, `parent ${candidate.parentCode}`)
          : say(`上级 ${candidate.parentCode}（由代码推得）`, `parent ${candidate.parentCode} (read off the code)`)
        const named = `${candidate.name} (${candidate.code})`
        if (candidate.parentCode && !parentLevel) {
          // a district may stand without its city; any other region needs its parent
          if (candidate.level === 'district' && !candidate.parentGiven) {
            placed.push({ ...candidate, parentCode: null })
            continue
          }
          report.error(
            candidate.index,
            candidate.parentField,
            say(
              `${named}：${where['zh-CN']}既不在文件中，也未入库`,
              `${named}: ${where.en} is neither in the file nor stored`,
            ),
          )
          continue
        }
        if (candidate.parentCode && parentLevel !== expected) {
          report.error(
            candidate.index,
            candidate.parentField,
            expected
              ? say(
                  `${named}：${where['zh-CN']}是${levelNames[parentLevel!]}，而${levelNames[candidate.level]}的上级须是${levelNames[expected]}`,
                  `${named}: ${where.en} is a ${parentLevel} (${levelNames[parentLevel!]}): the parent of a ${candidate.level} must be a ${expected} (${levelNames[expected]})`,
                )
              : say(
                  `${named}：${where['zh-CN']}——市在区划树中没有上级`,
                  `${named}: ${where.en}: a city has no parent region in the tree`,
                ),
          )
          continue
        }
        const parentPrefix = candidate.parentCode ? regionCodePrefix(candidate.parentCode, parentLevel!) : ''
        if (!candidate.code.startsWith(parentPrefix))
          report.warn(
            candidate.index,
            candidate.parentField,
            say(
              `${candidate.name}：代码 ${candidate.code} 不以上级的前缀 ${parentPrefix} 开头`,
              `${candidate.name}: the code ${candidate.code} does not begin with its parent's prefix ${parentPrefix}`,
            ),
          )
        placed.push(candidate)
      }

      // a huge region is staged and checked on an engine thread (on PGlite), the others here
      const from = options.offThreadFrom
      const huge = from === null ? [] : placed.filter((c) => positionsOfWkb(c.geometry) >= from)
      const hugeIndexes = new Set(huge.map((c) => c.index))
      const here = huge.length === 0 ? placed : placed.filter((c) => !hugeIndexes.has(c.index))
      const checkedOffThread = await stageRegionsOffThread(
        runId,
        huge.map(({ index, geometry, srid }) => ({ index, geometry, srid })),
      )
      // staged and checked in time-bounded batches, weighed by their WKB
      const weight = (row: (typeof placed)[number]) => stagedWeight(row.geometry)
      await inBatches(
        here,
        (batch) =>
          imports.stageGeometries(
            db,
            runId,
            batch.map(({ index, geometry, srid }) => ({ index, geometry, srid })),
          ),
        { weight },
      )
      await measureHeavyAreas(
        db,
        runId,
        here.map((row) => ({ index: row.index, weight: weight(row) })),
      )
      const checkedHere = new Map<number, imports.GeometryCheck>()
      await inBatches(
        here,
        async (batch) => {
          const found = await imports.checkStagedGeometries(db, runId, batch[0].index, batch.at(-1)!.index + 1)
          for (const check of found) checkedHere.set(check.index, check)
        },
        { weight },
      )
      const checks = placed.map((row) => checkedHere.get(row.index) ?? checkedOffThread.get(row.index)!)
      const accepted: regionImports.RegionUpsert[] = []
      let repaired = 0
      for (const [i, check] of checks.entries()) {
        if (!judgeGeometry(check, report, sourceCrs, 'region')) continue
        if (!check.valid) repaired += 1
        const { parentField: _parentField, parentGiven: _parentGiven, ...row } = placed[i]
        accepted.push(row)
      }
      const shapeRows = accepted.map(({ index, code, parentCode, geometry, srid }) => ({
        index,
        code,
        parentCode,
        geometry,
        srid,
      }))
      // with a huge region among them, on an engine thread (the same statement, on a copy of the stored regions it reads)
      const findings =
        accepted.length === 0
          ? []
          : accepted.some((r) => hugeIndexes.has(r.index))
            ? await checkRegionShapesOffThread(db, shapeRows, leavingOut, regionShapeTolerance)
            : await regionImports.checkRegionShapes(db, shapeRows, leavingOut, regionShapeTolerance)
      const regionAt = new Map(accepted.map((r) => [r.index, r]))
      // parents and siblings named too: from the file, else as stored
      const otherCodes = [...new Set(findings.map((f) => f.other))]
      const nameOf = new Map<string, string>([
        ...(await regionImports.findRegionNames(db, otherCodes)),
        ...accepted.map((r): [string, string] => [r.code, r.name]),
      ])
      for (const finding of findings) {
        // the region itself is named, not only its parent or sibling
        const region = regionAt.get(finding.index)
        const named = region ? `${region.name} (${region.code})` : ''
        const other = nameOf.get(finding.other) ? `${nameOf.get(finding.other)} (${finding.other})` : finding.other
        const share = (finding.share * 100).toFixed(1)
        report.warn(
          finding.index,
          'geometry',
          finding.kind === 'outside_parent'
            ? say(
                `${named}：该区划有 ${share} % 的面积位于上级 ${other} 之外`,
                `${named}: ${share} % of the region lies outside its parent ${other}`,
              )
            : say(
                `${named}：与同级区划 ${other} 重叠，重叠面积为两者中较小者的 ${share} %`,
                `${named}: overlaps its sibling ${other} by ${share} % of the smaller one's area`,
              ),
        )
      }
      return {
        accepted: accepted.length,
        repaired,
        // all or nothing: the demo goes and the tree comes in one transaction
        store: async () => {
          // the huge regions' shapes made on an engine thread, here in parts
          const fromParts = accepted.filter((r) => hugeIndexes.has(r.index))
          await prepareRegionShapesOffThread(
            db,
            runId,
            fromParts.map(({ index, geometry, srid }) => ({ index, geometry, srid })),
            options.stagedPartChars,
          )
          const removed = await db
            .transaction()
            .execute(async (trx) => {
              const gone = request.replaceDemo ? await demo.deleteDemoDistrict(trx) : {}
              await regionImports.upsertRegions(
                trx,
                accepted.map((r) => (hugeIndexes.has(r.index) ? { ...r, geometry: '' } : r)),
                { runId, indexes: fromParts.map((r) => r.index) },
              )
              return gone
            })
            .finally(() => Promise.all(fromParts.map((r) => deleteStagedParts(db, runId, r.index))))
          await refreshStatistics(db, request.replaceDemo ? demo.districtTables : ['regions'])
          return {
            layer: null,
            regions: { stored: accepted.length, replacedDemo: Object.keys(removed).length > 0, removed },
          }
        },
      }
    },
  )
  return refuseFailed(result)
}

/**
 * A region's own households-per-grid norm: both bounds or neither (null), whole numbers, the minimum
 * not above the maximum. Undefined when it is wrong (the fault is reported).
 */
function readHouseholdNorm(
  feature: ParsedFeature,
  report: ImportReport,
): { min: number; max: number } | null | undefined {
  const bounds = (['householdsMin', 'householdsMax'] as const).map((name) => {
    const found = field(feature.properties, regionFields[name])
    const text = textOf(found)
    return { key: found?.key ?? regionFields[name][0], text, value: text === '' ? null : Number(text) }
  })
  const [min, max] = bounds
  for (const bound of bounds) {
    if (bound.value !== null && (!Number.isInteger(bound.value) || bound.value < 0)) {
      report.error(
        feature.index,
        bound.key,
        say(
          `每格户数须为不小于 0 的整数，实际为“${bound.text.slice(0, 20)}”`,
          `households per grid must be a whole number ≥ 0, got "${bound.text.slice(0, 20)}"`,
        ),
      )
      return undefined
    }
  }
  if ((min.value === null) !== (max.value === null)) {
    const [given, missing] = min.value === null ? [max, min] : [min, max]
    report.error(
      feature.index,
      given.key,
      say(
        `户数标准须同时给出上下限：给了 ${given.key}，缺少 ${missing.key}`,
        `a household norm needs both bounds: ${given.key} is given, ${missing.key} is not`,
      ),
    )
    return undefined
  }
  if (min.value === null || max.value === null) return null
  if (min.value > max.value || max.value === 0) {
    report.error(
      feature.index,
      min.key,
      say(
        `户数标准 ${min.value}–${max.value} 无效：${min.key} 不能大于 ${max.key}，且 ${max.key} 至少为 1`,
        `the household norm ${min.value}–${max.value} is empty: ${min.key} must not exceed ${max.key}, and ${max.key} must be at least 1`,
      ),
    )
    return undefined
  }
  return { min: min.value, max: max.value }
}
