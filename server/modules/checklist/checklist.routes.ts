import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Multipart } from '@fastify/multipart'
import { Type } from 'typebox'
import { AppError, badRequest } from '../../errors.ts'
import { attachmentDisposition } from '../../lib/content-disposition.ts'
import { errorResponses, IdParam, Nullable } from '../../lib/schemas.ts'
import { actorOf } from '../../plugins/auth.ts'
import type { ChecklistService, ImportOptions } from './checklist.service.ts'

const PlanIdParams = Type.Object({ planId: IdParam })

const ImportQuery = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Boolean({ description: 'Answer 200 with every row as it would be imported and every error, and save nothing (default false)' }),
    ),
    createUnits: Type.Optional(
      Type.Boolean({ description: 'Create the units the sheet names that do not exist yet (default false: they are errors)' }),
    ),
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

const SheetErrorSchema = Type.Object({
  row: Nullable(Type.Integer({ description: 'The sheet row; null for the sheet as a whole' })),
  column: Nullable(Type.String({ description: 'The column header (序号, 问题, …, 类别, 备注); null for the row as a whole' })),
  message: Type.String(),
})

const ImportPreview = Type.Object(
  {
    ok: Type.Boolean({ description: 'The import would succeed (errors is empty)' }),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    createdUnits: Type.Array(Type.String(), { description: 'Units the import would create (createUnits=true)' }),
    rows: Type.Array(
      Type.Object({
        row: Type.Integer({ description: 'The sheet row' }),
        code: Type.String({ description: 'The item code, 3-1, 3-2 … for the measures of one problem' }),
        category: Type.String({ description: 'The task area the item goes into' }),
        problem: Type.String(),
        target: Type.String(),
        measures: Type.String(),
        leadUnit: Type.String(),
        responsibleUnits: Type.Array(Type.String()),
        deadlineKind: Nullable(Type.Union([Type.Literal('immediate'), Type.Literal('date'), Type.Literal('long_term')])),
        deadline: Nullable(Type.String({ format: 'date' })),
        deadlineText: Type.String({ description: 'The 完成时限 as written' }),
        note: Type.String({ description: 'The 备注' }),
        outcome: Nullable(Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('unchanged')])),
      }),
    ),
    errors: Type.Array(SheetErrorSchema, { description: 'Every error, as a real import would list them in its 422' }),
  },
  { $id: 'ChecklistImportPreview', title: 'ChecklistImportPreview' },
)

export const checklistSchemas = [ImportResult, ImportPreview]

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Options sent as multipart fields (before the file part) instead of in the query string. */
function optionsFromFields(fields: Multipart['fields']): ImportOptions & { dryRun?: boolean } {
  const options: ImportOptions & { dryRun?: boolean } = {}
  for (const [name, entry] of Object.entries(fields)) {
    const field = Array.isArray(entry) ? entry[0] : entry
    if (field?.type !== 'field') continue
    const value = String(field.value).trim()
    if (name === 'createUnits' || name === 'dryRun') {
      if (!['true', 'false', '1', '0'].includes(value)) throw badRequest('VALIDATION_FAILED', `${name} must be true or false`)
      options[name] = value === 'true' || value === '1'
    } else if (name === 'mode') {
      if (value !== 'create' && value !== 'update') throw badRequest('VALIDATION_FAILED', 'mode must be create or update')
      options.mode = value
    } else {
      throw badRequest('VALIDATION_FAILED', `${name} is not an import option (createUnits, mode, dryRun)`)
    }
  }
  return options
}

export const checklistRoutes: FastifyPluginAsyncTypebox<{ checklist: ChecklistService; maxBytes: number }> = async (
  app,
  { checklist, maxBytes },
) => {
  app.post(
    '/plans/:planId/import',
    {
      config: { permission: 'checklist:import' },
      schema: {
        tags: ['checklist'],
        summary: 'Import a checklist spreadsheet (.xlsx, multipart field "file") into a plan: all rows or none',
        description:
          'Columns by their headers 序号, 问题, 整改目标, 整改措施, 牵头单位, 责任单位, 完成时限 in any order, under any title rows; ' +
          'the task area comes from heading rows (一、…), a 类别 column, or (a plan with one task area) the plan; 序号 merged over ' +
          'several rows gives one item per row coded <序号>-<n>. Any error → 422 IMPORT_FAILED with every error in details.errors ' +
          '({ row, column, message }) and nothing written. dryRun=true answers 200 with every row as it would be imported and every ' +
          'error, and saves nothing. Options go in the query string or as multipart fields before the file.',
        consumes: ['multipart/form-data'],
        multipartBody: Type.Object({
          createUnits: Type.Optional(Type.Boolean({ description: 'As in the query string; a field must come before the file' })),
          mode: Type.Optional(
            Type.Union([Type.Literal('create'), Type.Literal('update')], {
              description: 'As in the query string; a field must come before the file',
            }),
          ),
          dryRun: Type.Optional(Type.Boolean({ description: 'As in the query string; a field must come before the file' })),
          file: Type.String({ format: 'binary', description: 'The checklist, .xlsx' }),
        }),
        params: PlanIdParams,
        querystring: ImportQuery,
        response: {
          200: Type.Ref('ChecklistImportPreview'),
          201: Type.Ref('ChecklistImportResult'),
          ...errorResponses(403, 404, 413, 415, 422),
        },
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
      for (const key of ['createUnits', 'mode', 'dryRun'] as const) {
        const fromQuery = request.query[key]
        if (fromQuery !== undefined && fields[key] !== undefined && fields[key] !== fromQuery) {
          throw badRequest('VALIDATION_FAILED', `${key} is given twice, differently, in the query and as a field`)
        }
      }
      const { dryRun, ...fromQuery } = { ...request.query, ...fields }
      const options: ImportOptions = fromQuery
      const sheet = await checklist.readWorkbook(bytes)
      if (dryRun) {
        const preview = checklist.previewImport(actor, request.params.planId, sheet, options)
        request.log.info(
          { planId: request.params.planId, ok: preview.ok, rows: preview.rows.length, errors: preview.errors.length },
          'checklist import previewed',
        )
        return reply.code(200).send(preview)
      }
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
            headers: {
              'Content-Disposition': { type: 'string', description: 'attachment, with an ASCII filename and the Chinese one in filename*' },
            },
            content: { [XLSX_TYPE]: { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } },
          },
          ...errorResponses(403, 404),
        },
      },
    },
    async (request, reply) => {
      const { fileName, asciiFileName, bytes } = await checklist.exportWorkbook(actorOf(request), request.params.planId)
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', attachmentDisposition(fileName, asciiFileName))
        .header('x-content-type-options', 'nosniff')
        .send(bytes)
    },
  )
}
