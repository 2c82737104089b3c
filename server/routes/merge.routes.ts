import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { preferredLanguage } from '../plugins/language.ts'
import { errorResponses } from '../schemas/common.schema.ts'
import {
  MergeDefaults,
  MergeDiff,
  MergeDiffPath,
  MergeEngines,
  MergeIssueList,
  MergeIssuesQuery,
  MergeRequest,
  MergeRun,
  MergeRunPath,
  MergeVocabulary,
} from '../schemas/merge.schema.ts'
import { mergeVocabularyIn } from '../services/merge/merge-vocabulary.ts'
import { scopeOf } from './scope.ts'

/** A run as the request reads it: why it failed in English when the request prefers English. */
function inLanguage<T extends { error: string | null; errorEn: string | null }>(run: T, request: FastifyRequest): T {
  const english = preferredLanguage(request.headers['accept-language']) === 'en'
  return english && run.errorEn ? { ...run, error: run.errorEn } : run
}

export const mergeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const merges = app.services.merge

  app.get(
    '/api/merge-runs/defaults',
    {
      schema: {
        tags: ['merge'],
        summary: 'Every merge parameter’s default and bounds (the merge form shows them)',
        response: { 200: MergeDefaults, 500: errorResponses[500] },
      },
    },
    async () => merges.defaults(),
  )

  app.get(
    '/api/merge-runs/vocabulary',
    {
      schema: {
        tags: ['merge'],
        summary:
          'Department and merge issue kind names in the request’s language (zh-CN, or English by Accept-Language)',
        response: { 200: MergeVocabulary, ...errorResponses },
      },
    },
    async (request) => mergeVocabularyIn(preferredLanguage(request.headers['accept-language'])),
  )

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
    async (request, reply) => reply.status(202).send(inLanguage(await merges.startRun(request.body), request)),
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
    async () => merges.prepareEngines(),
  )

  app.get(
    '/api/merge-runs/:id',
    {
      schema: {
        tags: ['merge'],
        summary: 'A merge run: progress, statistics, alignment per department',
        params: MergeRunPath,
        response: { 200: MergeRun, ...errorResponses },
      },
    },
    async (request) => inLanguage(await merges.getRun(request.params.id), request),
  )

  app.get(
    '/api/merge-runs/:id/issues',
    {
      schema: {
        tags: ['merge'],
        summary: 'Conflicts found by a run: gaps, overlaps, slivers, grids crossing boundaries, invalid input',
        params: MergeRunPath,
        querystring: MergeIssuesQuery,
        response: { 200: MergeIssueList, ...errorResponses },
      },
    },
    async (request) => merges.listIssues(request.params.id, request.query, scopeOf(request)),
  )

  app.post(
    '/api/merge-runs/:id/publish',
    {
      schema: {
        tags: ['merge'],
        summary: 'Publish a succeeded run as the active unified grid',
        params: MergeRunPath,
        response: { 200: MergeRun, 409: errorResponses[400], ...errorResponses },
      },
    },
    async (request) => inLanguage(await merges.publishRun(request.params.id), request),
  )

  app.get(
    '/api/merge-runs/:id/diff/:other',
    {
      schema: {
        tags: ['merge'],
        summary: 'Unified grids added, removed and reshaped from run id to run other',
        params: MergeDiffPath,
        response: { 200: MergeDiff, ...errorResponses },
      },
    },
    async (request) => merges.diffRuns(request.params.id, request.params.other, scopeOf(request)),
  )
}
