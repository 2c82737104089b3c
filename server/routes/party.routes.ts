import multipart from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { LocalizedInputError } from '../errors.ts'
import { Type } from 'typebox'
import { errorResponses } from '../schemas/common.schema.ts'
import {
  JointCommitteeList,
  PartyCoverage,
  PartyCoverageQuery,
  PartyFindings,
  PartyFindingsQuery,
  PartyCodeParams,
  PartyOrgProfile,
  PartyVocabulary,
  RegisterImportResult,
  UnitProfile,
} from '../schemas/party.schema.ts'
import { maySeePersonalData } from '../services/auth/roles.ts'
import { scopeOf } from './scope.ts'
import { sendTable } from './downloads.ts'
import { readUpload } from './uploads.ts'
import { partyVocabulary } from '../services/party/party-vocabulary.ts'

const FileResponse = Type.Unknown({ description: 'the file' })

export const partyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { party } = app.services

  app.get(
    '/api/party/vocabulary',
    {
      schema: {
        tags: ['party'],
        summary:
          'The words of party coverage with zh-CN and en labels: tiers, statuses, domains, coverage modes and categories, unit kinds, rule names',
        response: { 200: PartyVocabulary, ...errorResponses },
      },
    },
    async () => partyVocabulary,
  )

  app.get(
    '/api/party/coverage',
    {
      schema: {
        tags: ['party'],
        summary: 'Coverage figures per district, street, community and published unified grid below a region',
        querystring: PartyCoverageQuery,
        response: { 200: PartyCoverage, ...errorResponses },
      },
    },
    async (request) => party.getCoverage(request.query, scopeOf(request)),
  )

  for (const format of ['csv', 'xlsx'] as const)
    app.get(
      `/api/party/coverage.${format}`,
      {
        schema: {
          tags: ['party'],
          summary: `The coverage figures as ${format === 'csv' ? 'CSV (UTF-8 with BOM)' : 'XLSX'} with Chinese headers`,
          querystring: PartyCoverageQuery,
          response: { 200: FileResponse, ...errorResponses },
        },
      },
      async (request, reply) =>
        sendTable(reply, await party.coverageTable(request.query, scopeOf(request)), '党组织覆盖情况', format),
    )

  app.get(
    '/api/party/findings',
    {
      schema: {
        tags: ['party'],
        summary:
          'One rule’s findings (应建未建, joint proposals, tier mismatches, weak share, hollow suspects, 新业态)',
        querystring: PartyFindingsQuery,
        response: { 200: PartyFindings, ...errorResponses },
      },
    },
    async (request) => party.getFindings(request.query, scopeOf(request)),
  )

  for (const format of ['csv', 'xlsx'] as const)
    app.get(
      `/api/party/findings.${format}`,
      {
        schema: {
          tags: ['party'],
          summary: `One rule’s findings, every row, as ${format === 'csv' ? 'CSV (UTF-8 with BOM)' : 'XLSX'} with Chinese headers`,
          querystring: PartyFindingsQuery,
          response: { 200: FileResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        const table = await party.findingsTable(request.query, scopeOf(request))
        return sendTable(reply, table, table.title, format)
      },
    )

  await app.register(multipart, {
    limits: { fileSize: app.initialConfig.bodyLimit, files: 1, fields: 10, fieldSize: 1024 },
  })

  app.post(
    '/api/party/imports',
    {
      schema: {
        tags: ['party'],
        consumes: ['multipart/form-data'],
        summary: 'Import a register of party organizations or units (CSV in UTF-8 or GBK, or XLSX; Chinese headers)',
        description:
          'Multipart fields: kind=party_orgs|units, crs? (default WGS84), dryRun?, file. A file with any bad row is refused whole (400; every fault in details.errors with sheet, row and column).',
        response: { 200: RegisterImportResult, ...errorResponses },
      },
    },
    async (request) => {
      const { file, fields } = await readUpload(request, app.initialConfig.bodyLimit ?? 0, {
        tooLarge: (name, limit) => ({
          'zh-CN': `${name}：超过上传大小限制 ${limit.toLocaleString('zh-CN')} 字节`,
          en: `${name}: larger than the upload limit of ${limit.toLocaleString('en-US')} bytes`,
        }),
        noFile: { 'zh-CN': '没有上传文件', en: 'No file uploaded' },
      })
      if (fields.kind !== 'party_orgs' && fields.kind !== 'units')
        throw new LocalizedInputError(
          { 'zh-CN': 'kind 须为 party_orgs（党组织）或 units（单位）', en: 'kind must be party_orgs or units' },
          [{ field: 'kind' }],
        )
      return party.importRegister(
        { kind: fields.kind, file, crs: fields.crs || undefined, dryRun: fields.dryRun === 'true' },
        scopeOf(request),
      )
    },
  )

  app.get(
    '/api/party/orgs/:code',
    {
      schema: {
        tags: ['party'],
        summary:
          'An organization’s profile: tier, members, secretary (phone masked), parent, star history, units covered',
        params: PartyCodeParams,
        response: { 200: PartyOrgProfile, ...errorResponses },
      },
    },
    async (request) =>
      party.getOrgProfile(request.params.code, scopeOf(request), (region) =>
        maySeePersonalData(request.principal, region),
      ),
  )

  app.get(
    '/api/party/units/:code',
    {
      schema: {
        tags: ['party'],
        summary: 'A unit’s profile: members, coverage, 应建未建, the covering organization and its secretary',
        params: PartyCodeParams,
        response: { 200: UnitProfile, ...errorResponses },
      },
    },
    async (request) =>
      party.getUnitProfile(request.params.code, scopeOf(request), (region) =>
        maySeePersonalData(request.principal, region),
      ),
  )

  app.get(
    '/api/party/joint-committees',
    {
      schema: {
        tags: ['party'],
        summary:
          'Area-wide joint committees (大党委/联合党委): area as the union of member regions, with what lies inside',
        response: { 200: JointCommitteeList, ...errorResponses },
      },
    },
    async (request) => party.listJointCommittees(scopeOf(request)),
  )
}
