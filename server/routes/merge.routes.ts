import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import {
  MergeDiff,
  MergeDiffParams,
  MergeEngines,
  MergeIssueList,
  MergeIssuesQuery,
  MergeRequest,
  MergeRun,
  MergeRunParams,
} from '../schemas/merge.schema.ts'
import { codePrefixOf } from '../db/repositories/regions.repository.ts'
import { createMerge, diffMerges, getMergeRun, listMergeIssues, publishMerge } from '../services/merge/merge.service.ts'
import { executeMerge, mergeExecutionFor, prepareMerges } from '../services/merge/merge-run.ts'

const serialize = (run: Awaited<ReturnType<typeof getMergeRun>>) => ({
  ...run,
  startedAt: run.startedAt.toISOString(),
  finishedAt: run.finishedAt?.toISOString() ?? null,
  publishedAt: run.publishedAt?.toISOString() ?? null,
  alignment: run.alignment as MergeRun['alignment'],
})

export const mergeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.database

  app.post(
    '/api/merge-runs',
    {
      schema: {
        tags: ['merge'],
        summary: 'Start a 多网合一 merge; it runs in the background (poll GET /api/merge-runs/{id})',
        body: MergeRequest,
        response: { 202: MergeRun, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { sliverMinAreaM2, sliverThinMaxAreaM2, sliverMaxThinness, ...rest } = request.body
      const sliver = {
        ...(sliverMinAreaM2 !== undefined ? { minAreaM2: sliverMinAreaM2 } : {}),
        ...(sliverThinMaxAreaM2 !== undefined ? { thinMaxAreaM2: sliverThinMaxAreaM2 } : {}),
        ...(sliverMaxThinness !== undefined ? { maxThinness: sliverMaxThinness } : {}),
      }
      const execution = mergeExecutionFor(app.database.driver, app.tiles)
      const id = await createMerge(db, { ...rest, ...execution.request, sliver })
      // Not awaited: the run reports its progress in the database; its own failure is recorded there.
      void executeMerge(db, id, execution.hooks).catch((error: unknown) =>
        app.log.error({ err: error, runId: id }, 'merge run crashed'),
      )
      return reply.status(202).send(serialize(await getMergeRun(db, id)))
    },
  )

  app.post(
    '/api/merge-engines',
    {
      schema: {
        tags: ['merge'],
        summary:
          'Start the embedded merge engines ahead of a run (the merge workspace does on opening); they wait 2 minutes for one',
        response: { 200: MergeEngines, ...errorResponses },
      },
    },
    async () => prepareMerges(app.database.driver),
  )

  app.get(
    '/api/merge-runs/:id',
    {
      schema: {
        tags: ['merge'],
        summary: 'A merge run: progress, statistics, alignment per department',
        params: MergeRunParams,
        response: { 200: MergeRun, ...errorResponses },
      },
    },
    async (request) => serialize(await getMergeRun(db, request.params.id)),
  )

  app.get(
    '/api/merge-runs/:id/issues',
    {
      schema: {
        tags: ['merge'],
        summary: 'Conflicts found by a run: gaps, overlaps, slivers, grids crossing boundaries, invalid input',
        params: MergeRunParams,
        querystring: MergeIssuesQuery,
        response: { 200: MergeIssueList, ...errorResponses },
      },
    },
    async (request) => {
      const { kind, department, region, limit = 100, offset = 0 } = request.query
      const regionPrefix = region ? codePrefixOf(region) : undefined
      return listMergeIssues(db, request.params.id, { kind, department, regionPrefix, limit, offset })
    },
  )

  app.post(
    '/api/merge-runs/:id/publish',
    {
      schema: {
        tags: ['merge'],
        summary: 'Publish a succeeded run as the active unified grid',
        params: MergeRunParams,
        response: { 200: MergeRun, 409: errorResponses[400], ...errorResponses },
      },
    },
    async (request) => {
      const run = await publishMerge(db, request.params.id)
      app.invalidateMapData()
      return serialize(run)
    },
  )

  app.get(
    '/api/merge-runs/:id/diff/:other',
    {
      schema: {
        tags: ['merge'],
        summary: 'Unified grids added, removed and reshaped from run id to run other',
        params: MergeDiffParams,
        response: { 200: MergeDiff, ...errorResponses },
      },
    },
    async (request) => diffMerges(db, request.params.id, request.params.other),
  )
}
