import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Multipart } from '@fastify/multipart'
import { Type } from 'typebox'
import { AppError, badRequest } from '../../errors.ts'
import { errorResponses, IdParam } from '../../lib/schemas.ts'
import { actorOf } from '../../plugins/auth.ts'
import type { ChecklistService, ImportOptions } from './checklist.service.ts'

const PlanIdParams = Type.Object({ planId: IdParam })

const ImportQuery = Type.Object(
  {
    createUnits: Type.Optional(Type.Boolean({ description: 'Create the units the sheet names that do not exist yet (default false: they are errors)' })),
    mode: Type.Optional(
      Type.Union([Type.Literal('create'), Type.Literal('update')], {
        description: 'create (default): a code the plan already has is an error; update: those items are edited (audited as edit events)',
      }),
    ),
  },
  { additionalProperties: false },
)

const ImportResult = Type.Object(
  {
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer({ description: 'Items the sheet names with exactly their current content (mode=update)' }),
    createdUnits: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
    items: Type.Array(
      Type.Object({
        row: Type.Integer({ description: 'The sheet row the item came from' }),
        code: Type.String(),
        id: Type.Integer(),
        outcome: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('unchanged')]),
      }),
    ),
  },
  { $id: 'ChecklistImportResult', title: 'ChecklistImportResult' },
)

export const checklistSchemas = [ImportResult]

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** RFC 6266 / 5987: an ASCII fallback and the UTF-8 name. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}

/** Options sent as multipart fields (before the file part) instead of in the query string. */
function optionsFromFields(fields: Multipart['fields']): ImportOptions {
  const options: ImportOptions = {}
  for (const [name, entry] of Object.entries(fields)) {
    const field = Array.isArray(entry) ? entry[0] : entry
    if (!field || field.type !== 'field') continue
    const value = String(field.value).trim()
    if (name === 'createUnits') {
      if (!['true', 'false', '1', '0'].includes(value)) throw badRequest('VALIDATION_FAILED', 'createUnits must be true or false')
      options.createUnits = value === 'true' || value === '1'
    } else if (name === 'mode') {
      if (value !== 'create' && value !== 'update') throw badRequest('VALIDATION_FAILED', 'mode must be create or update')
      options.mode = value
    } else {
      throw badRequest('VALIDATION_FAILED', `${name} is not an import option (createUnits, mode)`)
    }
  }
  return options
}

export const checklistRoutes: FastifyPluginAsyncTypebox<{ checklist: ChecklistService; maxBytes: number }> = async (app, { checklist, maxBytes }) => {
  app.post(
    '/plans/:planId/import',
    {
      config: { permission: 'checklist:import' },
      schema: {
        tags: ['checklist'],
        summary: 'Import a checklist spreadsheet (.xlsx, multipart field "file") into a plan: all rows or none',
        description:
          'Columns by their headers 序号, 问题, 整改目标, 整改措施, 牵头单位, 责任单位, 完成时限 in any order, under any title rows; ' +
          'heading rows (一、…) set the task area of the rows below. Any error → 422 IMPORT_FAILED with every error in details.errors ' +
          '({ row, column, message }) and nothing written. Options go in the query string or as multipart fields before the file.',
        consumes: ['multipart/form-data'],
        multipartBody: Type.Object({
          createUnits: Type.Optional(Type.Boolean({ description: 'As in the query string; a field must come before the file' })),
          mode: Type.Optional(Type.Union([Type.Literal('create'), Type.Literal('update')], { description: 'As in the query string; a field must come before the file' })),
          file: Type.String({ format: 'binary', description: 'The checklist, .xlsx' }),
        }),
        params: PlanIdParams,
        querystring: ImportQuery,
        response: { 201: Type.Ref('ChecklistImportResult'), ...errorResponses(403, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      if (!request.isMultipart()) throw new AppError(415, 'NOT_MULTIPART', 'Send the spreadsheet as multipart/form-data')
      checklist.requirePlan(request.params.planId)
      const part = await request.file()
      if (!part) throw new AppError(400, 'FILE_REQUIRED', 'The request has no file part')
      let bytes: Buffer
      try {
        bytes = await part.toBuffer()
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new AppError(413, 'FILE_TOO_LARGE', `The spreadsheet is larger than ${maxBytes} bytes (IMPORT_MAX_BYTES)`)
        }
        throw err
      }
      const fields = optionsFromFields(part.fields)
      for (const key of ['createUnits', 'mode'] as const) {
        const fromQuery = request.query[key]
        if (fromQuery !== undefined && fields[key] !== undefined && fields[key] !== fromQuery) {
          throw badRequest('VALIDATION_FAILED', `${key} is given twice, differently, in the query and as a field`)
        }
      }
      const options: ImportOptions = { ...request.query, ...fields }
      const sheet = await checklist.readWorkbook(bytes)
      const result = checklist.importSheet(actor, request.params.planId, sheet, options)
      request.log.info({ planId: request.params.planId, created: result.created, updated: result.updated }, 'checklist imported')
      return reply.code(201).send(result)
    },
  )

  app.get(
    '/plans/:planId/export',
    {
      config: { permission: 'checklist:export' },
      schema: {
        tags: ['checklist'],
        summary: 'The checklist as an .xlsx with its status columns; a unit gets only the items it leads or shares',
        params: PlanIdParams,
        response: {
          200: {
            description: 'The checklist workbook',
            headers: { 'Content-Disposition': { type: 'string', description: 'attachment, with an ASCII filename and the Chinese one in filename*' } },
            content: { [XLSX_TYPE]: { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } },
          },
          ...errorResponses(403, 404),
        },
      },
    },
    async (request, reply) => {
      const { fileName, bytes } = await checklist.exportWorkbook(actorOf(request), request.params.planId)
      return reply.type(XLSX_TYPE).header('content-disposition', contentDisposition(fileName)).header('x-content-type-options', 'nosniff').send(bytes)
    },
  )
}
