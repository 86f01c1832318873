import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { AppError } from '../../errors.ts'
import { errorResponses, IdParam, Instant, Nullable } from '../../lib/schemas.ts'
import { ItemIdParams } from '../items/items.schemas.ts'
import type { EvidenceService } from './evidence.service.ts'

const Evidence = Type.Object(
  {
    id: Type.Integer(),
    itemId: Type.Integer(),
    fileName: Type.String(),
    fileType: Type.String(),
    mediaType: Type.String(),
    sizeBytes: Type.Integer(),
    sha256: Type.String(),
    uploadedAt: Instant,
    uploadedBy: Type.String(),
    uploaderUnit: Nullable(Type.String()),
    reused: Type.Boolean({ description: 'The same file stands on another item too (纸面销号 warning)' }),
    reusedOnItems: Type.Array(Type.Object({ itemId: Type.Integer(), code: Type.String() })),
  },
  { $id: 'Evidence', title: 'Evidence' },
)

export const evidenceSchemas = [Evidence]

/** RFC 6266 / 5987: a plain ASCII fallback and the UTF-8 name for clients that read it. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}

export const evidenceRoutes: FastifyPluginAsyncTypebox<{ evidence: EvidenceService; maxBytes: number }> = async (app, { evidence, maxBytes }) => {
  app.get(
    '/items/:itemId/evidence',
    {
      config: { permission: 'evidence:read' },
      schema: {
        tags: ['evidence'],
        summary: 'Evidence files filed on an item',
        params: ItemIdParams,
        response: { 200: Type.Array(Type.Ref('Evidence')), ...errorResponses(403, 404) },
      },
    },
    async (request) => evidence.list(actorOf(request), request.params.itemId),
  )

  app.post(
    '/items/:itemId/evidence',
    {
      config: { permission: 'evidence:create' },
      schema: {
        tags: ['evidence'],
        summary: 'Upload one evidence file (multipart/form-data, field "file"): PDF, JPEG, PNG, DOCX or XLSX',
        consumes: ['multipart/form-data'],
        params: ItemIdParams,
        response: { 200: Type.Ref('Evidence'), 201: Type.Ref('Evidence'), ...errorResponses(403, 404, 413, 415) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      if (!request.isMultipart()) throw new AppError(415, 'NOT_MULTIPART', 'Send the file as multipart/form-data')
      const part = await request.file()
      if (!part) throw new AppError(400, 'FILE_REQUIRED', 'The request has no file part')
      // A body that ends inside the file leaves the part's stream destroyed before we get it, and piping a destroyed
      // stream never settles: answer now instead of holding the request (and a temp file) open for good.
      if (part.file.destroyed) throw new AppError(400, 'MALFORMED_MULTIPART', 'The multipart body ends before the file does')
      const { view, created } = await evidence.upload(actor, request.params.itemId, { stream: part.file, fileName: part.filename }, maxBytes)
      return reply.code(created ? 201 : 200).send(view)
    },
  )

  app.get(
    '/evidence/:evidenceId/content',
    {
      config: { permission: 'evidence:read' },
      schema: {
        tags: ['evidence'],
        summary: 'The bytes of an evidence file',
        params: Type.Object({ evidenceId: IdParam }),
        response: { 200: Type.Unsafe<NodeJS.ReadableStream>({ type: 'string', format: 'binary' }), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      const { row, stream } = evidence.open(actorOf(request), request.params.evidenceId)
      return reply
        .type(row.mediaType)
        .header('content-length', String(row.sizeBytes))
        .header('content-disposition', contentDisposition(row.fileName))
        .header('x-content-type-options', 'nosniff')
        .send(stream)
    },
  )
}
