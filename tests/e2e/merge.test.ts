// The 多网合一 workspace in a real browser: choose layers, strategy and thresholds, run a merge of the
// demo district with visible progress, read the alignment and the issue list (a page at a time,
// filtered by kind, department and street, each kind in its colour), see the run's unified grids and
// issues drawn from vector tiles, lay a department over the result, compare before and after side
// by side, zoom to an issue, publish; then import a layer and a region tree.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database.ts'
import { idleEngineCount } from '../../server/services/merge/merge-engine.ts'
import { defaultMergeParams } from '../../server/services/merge/merge-params.ts'
import { type TestApp, serveTestApp } from '../helpers/app.ts'
import { openTestDatabase } from '../helpers/databases.ts'
import { type WatchedPage, launchChromium, openWatchedPage } from '../helpers/browser.ts'

const issueKinds = ['gap', 'overlap', 'sliver', 'crosses_boundary', 'outside_region', 'invalid_input']
const merged = ['party', 'governance', 'urban']
const pageSize = 100

interface IssuePage {
  byKind: Record<string, number>
  total: number
  issues: { id: number; kind: string; department: string | null; communityCode: string | null }[]
}

describe('the merge workspace in a real browser', () => {
  let database: Database
  let app: TestApp
  let browser: Browser
  let page: Page
  let watched: WatchedPage
  let origin: string
  let warmed: Promise<Response>
  /** every tile the page asked for, in order */
  const tileRequests: string[] = []
  let runId: number

  const issuesOf = async (query: string): Promise<IssuePage> =>
    (await app.inject(`/api/merge-runs/${runId}/issues?${query}`)).json()
  const listedTotal = async () => Number(await page.getByTestId('issue-range').getAttribute('data-total'))
  const rowValues = (attribute: string) =>
    page
      .getByTestId('issue-row')
      .evaluateAll((rows, name) => rows.map((row) => row.getAttribute(name) ?? ''), attribute)
  const rowIds = async () => (await rowValues('data-id')).map(Number)
  const visibility = (layer: string, map = 'after') =>
    page.evaluate(([id, name]) => window.__wgMaps![name].getLayoutProperty(id, 'visibility'), [layer, map])
  const rendered = (layer: string, map = 'after') =>
    page.evaluate(([id, name]) => window.__wgMaps![name].queryRenderedFeatures({ layers: [id] }).length, [layer, map])

  beforeAll(async () => {
    database = await openTestDatabase('pglite')
    ;({ app, origin } = await serveTestApp(database, { serveWeb: true }))
    browser = await launchChromium()
    watched = await openWatchedPage(browser, { origin, credentials: app.credentials })
    page = watched.page
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/tiles/')) tileRequests.push(request.url())
    })
    warmed = page.waitForResponse((response) => response.url().endsWith('/api/merge-engines'), { timeout: 30_000 })
    await page.goto(`${origin}/#/merge`)
    await page.getByTestId('merge-workspace').waitFor({ timeout: 30_000 })
    await page.waitForFunction(() => window.__wgMaps?.after?.loaded(), undefined, { timeout: 30_000, polling: 100 })
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  it('starts the embedded merge engines as it opens, before any run is asked for', async () => {
    const response = await warmed
    expect(response.status()).toBe(200)
    expect(await response.json()).toEqual({ engines: 2 })
    expect(idleEngineCount()).toBe(2)
  })

  it('shows every threshold with the server’s default and unit, the base department for the base strategy and target households for the other', async () => {
    const shown = {
      snapToleranceM: defaultMergeParams.snapToleranceM,
      sliverMinAreaM2: defaultMergeParams.sliver.minAreaM2,
      sliverThinMaxAreaM2: defaultMergeParams.sliver.thinMaxAreaM2,
      sliverMaxThinness: defaultMergeParams.sliver.maxThinness,
    }
    for (const [key, value] of Object.entries(shown))
      await expect(page.getByTestId(`merge-param-${key}`).inputValue(), key).resolves.toBe(String(value))
    const form = await page.locator('.controls').innerText()
    for (const label of [
      '捕捉容差（米）',
      '碎片面积阈值（㎡）',
      '狭长碎片面积上限（㎡）',
      '狭长度阈值（4πA/P²）',
      `默认 ${defaultMergeParams.sliver.thinMaxAreaM2}`,
      `默认 ${defaultMergeParams.sliver.maxThinness}`,
    ]) {
      expect(form).toContain(label)
    }
    await expect(page.getByTestId('merge-param-baseDepartment').inputValue()).resolves.toBe(
      defaultMergeParams.baseDepartment,
    )
    expect(form).toContain('默认 综治')
    // the department pickers start on a real choice; the base department offers the departments
    // that have layers, each once
    const optionsOf = (testId: string) =>
      page
        .getByTestId(testId)
        .locator('option')
        .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value))
    const layered = await database.db
      .selectFrom('grid_layers')
      .select('department')
      .distinct()
      .where('is_active', '=', true)
      .execute()
    expect([...(await optionsOf('merge-param-baseDepartment'))].sort()).toEqual(layered.map((l) => l.department).sort())
    const importDepartments = await optionsOf('import-department')
    await expect(page.getByTestId('import-department').inputValue()).resolves.toBe(importDepartments[0])
    expect(importDepartments[0]).not.toBe('')
    // the import offers every department the server names, by its name (GET /api/merge-runs/vocabulary)
    const vocabulary = await app.inject('/api/merge-runs/vocabulary')
    const departmentNames = vocabulary.json().departments as Record<string, string>
    expect(importDepartments).toEqual(Object.keys(departmentNames))
    expect(await page.getByTestId('import-department').locator('option').allInnerTexts()).toEqual(
      Object.values(departmentNames),
    )
    await expect(page.getByTestId('merge-param-targetHouseholds').count()).resolves.toBe(0)

    await page.getByTestId('merge-strategy').selectOption('household_balanced')
    await expect(page.getByTestId('merge-param-baseDepartment').count()).resolves.toBe(0)
    // no target by default: each community's household norm sets it
    expect(defaultMergeParams.targetHouseholds).toBeUndefined()
    await expect(page.getByTestId('merge-param-targetHouseholds').inputValue()).resolves.toBe('')
    expect(await page.locator('.controls').innerText()).toContain('默认 各社区户数标准的中值')
    expect(await page.locator('.controls').innerText()).toContain('目标户数（户）')
  })

  it(
    'merges only the ticked layers, with the chosen strategy and thresholds, and shows its progress',
    { timeout: 150_000 },
    async () => {
      await page.getByTestId('merge-choose-grids-social').uncheck()
      await page.getByTestId('merge-param-targetHouseholds').fill('300')
      await page.getByTestId('merge-param-sliverMaxThinness').fill('0.1')
      const started = page.waitForResponse(
        (response) => response.url().endsWith('/api/merge-runs') && response.request().method() === 'POST',
      )
      await page.getByTestId('merge-run').click()
      runId = (await (await started).json()).id
      await page.getByTestId('merge-progress').waitFor({ timeout: 10_000 })
      // while the engines start the run has no progress yet: the workspace says so, not 已完成 0%
      const firstProgress = await page.getByTestId('merge-progress-text').innerText()
      expect(firstProgress).not.toBe('已完成 0%')
      expect(firstProgress).toMatch(/^(引擎启动中，稍候开始计算…|已完成 [1-9]\d*%)$/)
      await page.getByTestId('merge-stats').waitFor({ timeout: 120_000 })
      expect(await page.locator('.controls').innerText()).toContain('已完成 100%')

      const run = (await app.inject(`/api/merge-runs/${runId}`)).json()
      expect(run.strategy).toBe('household_balanced')
      expect(run.params.targetHouseholds).toBe(300)
      expect(run.params.sliver).toEqual({ ...defaultMergeParams.sliver, maxThinness: 0.1 })
      // where the households came from, as the run recorded it
      const sources: Record<string, string> = {
        grid_layers: '部门网格的户数字段',
        population_points: '人口点（落在各叠加面内）',
      }
      expect(Object.keys(sources)).toContain(run.householdSource)
      expect(await page.getByTestId('merge-household-source').innerText()).toBe(sources[run.householdSource])
      const active = await database.db
        .selectFrom('grid_layers')
        .select(['id', 'department'])
        .where('is_active', '=', true)
        .execute()
      expect(active.map((l) => l.department).sort()).toEqual([...merged, 'social'].sort())
      expect([...run.layerIds].sort()).toEqual(
        active
          .filter((l) => merged.includes(l.department))
          .map((l) => l.id)
          .sort(),
      )

      const alignment = page.getByTestId('merge-alignment')
      expect(await alignment.locator('tbody tr').count()).toBe(3)
      expect(await alignment.innerText()).toContain('综治')
      expect(await alignment.innerText()).not.toContain('社保')
    },
  )

  it('lists the issues a page at a time, largest first, with their total', async () => {
    await expect.poll(() => page.getByTestId('issue-row').count(), { timeout: 20_000 }).toBe(pageSize)
    const all = await issuesOf(`limit=${pageSize}`)
    expect(all.total).toBeGreaterThan(pageSize)
    expect(await listedTotal()).toBe(all.total)
    expect(await page.getByTestId('merge-issues').locator('h2').innerText()).toContain(
      `（${all.total.toLocaleString('zh-CN')}）`,
    )
    expect(await page.getByTestId('issue-range').innerText()).toBe(
      `第 1–100 条，共 ${all.total.toLocaleString('zh-CN')} 条`,
    )
    expect(await rowIds()).toEqual(all.issues.map((i) => i.id))
    await expect(page.getByTestId('issue-previous').isDisabled()).resolves.toBe(true)

    await page.getByTestId('issue-next').click()
    const second = await issuesOf(`limit=${pageSize}&offset=${pageSize}`)
    await expect.poll(rowIds).toEqual(second.issues.map((i) => i.id))
    expect(await page.getByTestId('issue-range').innerText()).toMatch(/^第 101–\d+ 条/)
    expect(second.issues.some((i) => all.issues.some((j) => j.id === i.id))).toBe(false)

    await page.getByTestId('issue-previous').click()
    await expect.poll(rowIds).toEqual(all.issues.map((i) => i.id))
  })

  it('filters the issues by department and by street, starting again at the first page', async () => {
    const everything = (await issuesOf('limit=1')).total
    await page.getByTestId('issue-next').click()
    await expect.poll(() => page.getByTestId('issue-range').innerText()).toMatch(/^第 101–/)

    await page.getByTestId('issue-department').selectOption('urban')
    const urban = await issuesOf(`department=urban&limit=${pageSize}`)
    expect(urban.total).toBeGreaterThan(0)
    expect(urban.total).toBeLessThan(everything)
    await expect.poll(listedTotal).toBe(urban.total)
    expect(await page.getByTestId('issue-range').innerText()).toMatch(/^第 1–/)
    expect(await rowIds()).toEqual(urban.issues.map((i) => i.id))
    expect(new Set(await rowValues('data-department'))).toEqual(new Set(['urban']))
    expect(await page.getByTestId('issue-row').first().innerText()).toContain('城管')

    const community = (await rowValues('data-community')).find((code) => code !== '')!
    const street = `${community.slice(0, 9)}000`
    await page.getByTestId('issue-region').selectOption(street)
    const urbanInStreet = await issuesOf(`department=urban&region=${street}&limit=${pageSize}`)
    expect(urbanInStreet.total).toBeGreaterThan(0)
    expect(urbanInStreet.total).toBeLessThan(urban.total)
    await expect.poll(listedTotal).toBe(urbanInStreet.total)
    expect(await rowIds()).toEqual(urbanInStreet.issues.map((i) => i.id))
    expect(new Set(await rowValues('data-department'))).toEqual(new Set(['urban']))
    for (const code of await rowValues('data-community')) expect(code.startsWith(community.slice(0, 9))).toBe(true)

    await page.getByTestId('issue-department').selectOption('')
    const inStreet = await issuesOf(`region=${street}&limit=${pageSize}`)
    expect(inStreet.total).toBeGreaterThan(urbanInStreet.total)
    expect(inStreet.total).toBeLessThan(everything)
    await expect.poll(listedTotal).toBe(inStreet.total)
    expect(await rowIds()).toEqual(inStreet.issues.map((i) => i.id))
    for (const code of await rowValues('data-community')) expect(code.startsWith(community.slice(0, 9))).toBe(true)

    await page.getByTestId('issue-region').selectOption('')
    await expect.poll(listedTotal).toBe(everything)
  })

  it('gives every issue kind its own colour, in the legend, the list and the map', async () => {
    const legend = page.getByTestId('merge-legend')
    const entries = await legend.locator('li').evaluateAll((items) =>
      items.map((item) => ({
        kind: item.getAttribute('data-value'),
        label: (item as HTMLElement).innerText.trim(),
        color: getComputedStyle(item.querySelector('.dot')!).backgroundColor,
      })),
    )
    expect(entries.map((e) => e.kind).sort()).toEqual([...issueKinds].sort())
    expect(new Set(entries.map((e) => e.color)).size).toBe(issueKinds.length)
    expect(entries.find((e) => e.kind === 'invalid_input')?.label).toBe('无效图形')

    const first = page.getByTestId('issue-row').first()
    const kind = await first.getAttribute('data-kind')
    const swatch = await first.locator('.swatch').evaluate((element) => getComputedStyle(element).backgroundColor)
    expect(swatch).toBe(entries.find((e) => e.kind === kind)?.color)

    // the map's fill colours the same kinds: a match on kind with a colour of its own for each
    const fill = (await page.evaluate(() =>
      window.__wgMaps!.after.getPaintProperty('merge-issues-fill', 'fill-color'),
    )) as unknown[]
    expect(fill[0]).toBe('match')
    const coloured = new Map<string, string>()
    for (let i = 2; i < fill.length - 1; i += 2) coloured.set(fill[i] as string, fill[i + 1] as string)
    expect([...coloured.keys()].sort()).toEqual([...issueKinds].sort())
    expect(new Set(coloured.values()).size).toBe(issueKinds.length)
  })

  it('draws the run’s unified grids and issues from vector tiles of that run', async () => {
    const ofRun = (layer: string) =>
      tileRequests.filter(
        (url) => url.includes(`/tiles/${layer}/`) && new URL(url).searchParams.get('run') === String(runId),
      )
    await expect.poll(() => ofRun('unified-grids').length, { timeout: 20_000 }).toBeGreaterThan(0)
    await expect.poll(() => ofRun('merge-issues').length, { timeout: 20_000 }).toBeGreaterThan(0)
    await expect.poll(() => rendered('unified-grids-fill'), { timeout: 30_000 }).toBeGreaterThan(100)
    await expect.poll(() => rendered('merge-issues-fill'), { timeout: 30_000 }).toBeGreaterThan(0)
  })

  it('lays a department’s grids over the result when its overlay is ticked, and takes them off again', async () => {
    const urbanTiles = () => tileRequests.filter((url) => url.includes('/tiles/grids-urban/')).length
    expect(await visibility('grids-urban-fill')).toBe('none')
    expect(urbanTiles()).toBe(0)
    await page.getByTestId('merge-show-grids-urban').check()
    await expect.poll(() => visibility('grids-urban-fill')).toBe('visible')
    await expect.poll(urbanTiles, { timeout: 20_000 }).toBeGreaterThan(0)
    await expect.poll(() => rendered('grids-urban-fill'), { timeout: 30_000 }).toBeGreaterThan(10)
    expect(await visibility('grids-party-fill')).toBe('none')
    await page.getByTestId('merge-show-grids-urban').uncheck()
    await expect.poll(() => visibility('grids-urban-fill')).toBe('none')
    await expect.poll(() => rendered('grids-urban-fill')).toBe(0)
  })

  it('compares side by side: the merged departments’ grids before, the unified grids after, moving together', async () => {
    await page.getByTestId('merge-compare').check()
    await expect.poll(() => page.locator('canvas.maplibregl-canvas').count()).toBe(2)
    await page.waitForFunction(() => window.__wgMaps?.before?.loaded(), undefined, { timeout: 30_000, polling: 100 })
    expect(await page.getByTestId('merge-workspace').innerText()).toContain('合并前：部门网格')

    for (const department of merged) {
      expect(await visibility(`grids-${department}-fill`, 'before')).toBe('visible')
      await expect.poll(() => rendered(`grids-${department}-fill`, 'before'), { timeout: 30_000 }).toBeGreaterThan(10)
    }
    expect(await visibility('grids-social-fill', 'before')).toBe('none')
    expect(await page.evaluate(() => window.__wgMaps!.before.getLayer('unified-grids-fill'))).toBeUndefined()
    expect(await rendered('unified-grids-fill', 'after')).toBeGreaterThan(100)
    for (const department of merged) expect(await visibility(`grids-${department}-fill`, 'after')).toBe('none')

    // the after map moved; the before map follows to the same place
    const apart = () =>
      page.evaluate(() => {
        const { before, after } = window.__wgMaps!
        return Math.max(Math.abs(before.getZoom() - after.getZoom()), before.getCenter().distanceTo(after.getCenter()))
      })
    const zoom = await page.evaluate(() => window.__wgMaps!.before.getZoom())
    await page.evaluate(() =>
      window.__wgMaps!.after.jumpTo({
        zoom: window.__wgMaps!.after.getZoom() + 0.5,
        center: window.__wgMaps!.after.unproject([300, 300]),
      }),
    )
    expect(await page.evaluate(() => window.__wgMaps!.before.getZoom())).toBeCloseTo(zoom + 0.5, 6)
    expect(await apart()).toBeLessThan(0.01)
  })

  it('filters the issues by kind, and zooms both maps to one on click, where it is drawn', async () => {
    await page.getByTestId('issue-department').selectOption('')
    await page.getByTestId('issue-region').selectOption('')
    await page.getByTestId('issue-kind').selectOption('gap')
    const gaps = await issuesOf(`kind=gap&limit=${pageSize}`)
    await expect.poll(listedTotal).toBe(gaps.total)
    // each kind's option says how many issues of that kind there are
    expect(await page.getByTestId('issue-kind').locator('option[value="gap"]').innerText()).toBe(
      `空白点（${gaps.total.toLocaleString('zh-CN')}）`,
    )
    expect(await page.getByTestId('issue-kind').locator('option[value="overlap"]').innerText()).toContain(
      `（${(gaps.byKind.overlap ?? 0).toLocaleString('zh-CN')}）`,
    )
    expect(new Set(await rowValues('data-kind'))).toEqual(new Set(['gap']))
    expect(await page.getByTestId('issue-row').first().innerText()).toContain('空白点')

    const zooms = () => page.evaluate(() => [window.__wgMaps!.before.getZoom(), window.__wgMaps!.after.getZoom()])
    const [before] = await zooms()
    const issueId = Number(await page.getByTestId('issue-row').first().getAttribute('data-id'))
    await page.getByTestId('issue-row').first().click()
    await expect.poll(async () => Math.min(...(await zooms())), { timeout: 10_000 }).toBeGreaterThan(before + 1)
    await expect
      .poll(
        () =>
          page.evaluate(
            (id) =>
              window
                .__wgMaps!.after.queryRenderedFeatures({ layers: ['merge-issues-fill'] })
                .some((f) => f.properties.id === id),
            issueId,
          ),
        { timeout: 30_000 },
      )
      .toBe(true)
  })

  it('publishes the run as the current unified grid', async () => {
    await page.getByTestId('merge-publish').click()
    // publishing waits behind the tiles of both maps zoomed in by the test before (several seconds
    // on a loaded machine)
    await expect.poll(() => page.getByTestId('merge-publish').innerText(), { timeout: 30_000 }).toBe('已发布')
    const run = (await app.inject(`/api/merge-runs/${runId}`)).json()
    expect(run.isPublished).toBe(true)
    expect(run.stats.unifiedGrids).toBeGreaterThan(500)
    expect((await app.inject('/api/summary')).json().unifiedGrids).toBe(run.stats.unifiedGrids)
    // the header's tile follows without a reload of the page
    await expect
      .poll(() => page.getByTestId('kpi-unified-grids').innerText(), { timeout: 30_000 })
      .toContain(run.stats.unifiedGrids.toLocaleString('zh-CN'))
    await mkdir(path.join(import.meta.dirname, 'screenshots'), { recursive: true })
    await page.screenshot({ path: path.join(import.meta.dirname, 'screenshots', 'merge-workspace.png') })
  })

  it(
    'draws another run in the same sources, their tiles swapped in place instead of the sources rebuilt',
    { timeout: 150_000 },
    async () => {
      const marked = () =>
        page.evaluate(() =>
          ['unified-grids', 'merge-issues'].map(
            (id) => (window.__wgMaps!.after.getSource(id) as unknown as { e2eMark?: string } | undefined)?.e2eMark,
          ),
        )
      await page.evaluate(() => {
        for (const id of ['unified-grids', 'merge-issues'])
          Object.assign(window.__wgMaps!.after.getSource(id)!, { e2eMark: 'first run' })
      })
      await page.getByTestId('merge-strategy').selectOption('base_department')
      await page.getByTestId('merge-choose-grids-party').uncheck()
      await page.getByTestId('merge-choose-grids-urban').uncheck()
      const started = page.waitForResponse(
        (response) => response.url().endsWith('/api/merge-runs') && response.request().method() === 'POST',
      )
      await page.getByTestId('merge-run').click()
      const secondId: number = (await (await started).json()).id
      expect(secondId).not.toBe(runId)
      await expect
        .poll(async () => (await app.inject(`/api/merge-runs/${secondId}`)).json().status, { timeout: 120_000 })
        .toBe('succeeded')
      await expect
        .poll(() => tileRequests.filter((url) => new URL(url).searchParams.get('run') === String(secondId)).length, {
          timeout: 20_000,
        })
        .toBeGreaterThan(0)
      const versions = () =>
        page.evaluate(() => [
          ...new Set(
            window
              .__wgMaps!.after.queryRenderedFeatures({ layers: ['unified-grids-fill'] })
              .map((f) => f.properties.version),
          ),
        ])
      await expect.poll(versions, { timeout: 30_000 }).toEqual([secondId])
      expect(await marked()).toEqual(['first run', 'first run'])
      await page.getByTestId('merge-choose-grids-party').check()
      await page.getByTestId('merge-choose-grids-urban').check()
    },
  )

  it('checks an uploaded layer first, then imports it as a new version', async () => {
    const { features } = (await app.inject('/api/layers/regions-community/features?bbox=73,18,135,54&limit=1')).json()
    const layer = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: 'E2E-1', name: '端到端网格', households: 420 },
          geometry: features[0].geometry,
        },
      ],
    }
    await page.getByTestId('import-department').selectOption('emergency')
    await page.getByTestId('import-file').setInputFiles({
      name: 'emergency.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify(layer)),
    })
    await page.getByTestId('import-check').click()
    await expect.poll(() => page.getByTestId('import-result').innerText()).toContain('校验通过')
    await page.getByTestId('import-run').click()
    await expect.poll(() => page.getByTestId('import-result').innerText()).toContain('已导入为第 1 版')
    expect((await app.inject('/api/layers')).json().layers.map((l: { id: string }) => l.id)).toContain(
      'grids-emergency',
    )
  })

  it('refuses a region tree whose parent is unknown, naming the field, then imports a new district beside the demo', async () => {
    const box = (w: number, s: number, e: number, n: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [w, s],
          [e, s],
          [e, n],
          [w, n],
          [w, s],
        ],
      ],
    })
    const region = (code: string, name: string, geometry: object) => ({
      type: 'Feature',
      properties: { code, name },
      geometry,
    })
    const tree = (features: object[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }))
    await page.getByTestId('import-kind').selectOption('regions')
    await page.getByTestId('import-file').setInputFiles({
      name: 'orphan.geojson',
      mimeType: 'application/geo+json',
      buffer: tree([region('410188001001', '孤儿社区', box(114.0, 34.0, 114.01, 34.01))]),
    })
    await page.getByTestId('import-check').click()
    await expect.poll(() => page.getByTestId('import-result').innerText()).toContain('校验未通过')
    expect(await page.getByTestId('import-result').innerText()).toContain('parent_code')
    const district = [
      region('410188000000', '试验区', box(114.0, 34.0, 114.02, 34.01)),
      region('410188001000', '一街道', box(114.0, 34.0, 114.02, 34.01)),
      region('410188001001', '甲社区', box(114.0, 34.0, 114.01, 34.01)),
      region('410188001002', '乙社区', box(114.01, 34.0, 114.02, 34.01)),
    ]
    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'district.geojson', mimeType: 'application/geo+json', buffer: tree(district) })
    await page.getByTestId('import-run').click()
    await expect.poll(() => page.getByTestId('import-result').innerText()).toContain('已导入 4 个区划')
    expect((await app.inject('/api/regions/410188001002')).json()).toMatchObject({
      code: '410188001002',
      level: 'community',
      parentCode: '410188001000',
    })
    expect((await app.inject('/api/regions/410199000000')).statusCode).toBe(200)
    await page.getByTestId('import-kind').selectOption('grids')
  })

  it('fetches nothing from outside the machine and meets no page or server errors', () => {
    expect(watched.outsideRequests).toEqual([])
    expect(watched.pageErrors).toEqual([])
    expect(watched.serverErrors).toEqual([])
  })
})
