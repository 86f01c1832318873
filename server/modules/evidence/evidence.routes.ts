import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { AppError } from '../../errors.ts'
import { attachmentDisposition } from '../../lib/content-disposition.ts'
import { errorResponses, IdParam, Instant, Nullable } from '../../lib/schemas.ts'
import { ItemIdParams } from '../items/items.schemas.ts'
import type { EvidenceService } from './evidence.service.ts'
import { ALLOWED_TYPES } from './evidence.store.ts'

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

/** The extension of a stored type (what the content is, not what the uploader called it): `evidence-12.jpg`. */
function extensionOf(fileType: string): string {
  return Object.entries(ALLOWED_TYPES).find(([, t]) => t.fileType === fileType)?.[0] ?? 'bin'
}

export const evidenceRoutes: FastifyPluginAsyncTypebox<{ evidence: EvidenceService; maxBytes: number }> = async (
  app,
  { evidence, maxBytes },
) => {
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
        multipartBody: Type.Object({
          file: Type.String({ format: 'binary', description: 'The file; its type is judged by its content, its name is kept for people' }),
        }),
        params: ItemIdParams,
        response: {
          200: {
            ...Type.Ref('Evidence'),
            description: 'The same file (same SHA-256) is already filed on this item: that record, nothing added',
          },
          201: { ...Type.Ref('Evidence'), description: 'Filed: the new evidence record' },
          ...errorResponses(403, 404, 413, 415),
        },
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
      const { view, created } = await evidence.upload(
        actor,
        request.params.itemId,
        { stream: part.file, fileName: part.filename },
        maxBytes,
      )
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
        response: {
          200: {
            description: 'The file as it was uploaded, with the media type of its content',
            headers: {
              'Content-Disposition': {
                type: 'string',
                description: 'attachment; filename="evidence-<id>.<ext>"; filename*=UTF-8\'\'<the uploaded name>',
              },
              'Content-Length': { type: 'integer' },
            },
            content: Object.fromEntries(
              Object.values(ALLOWED_TYPES).map((t) => [
                t.mediaType,
                { schema: Type.Unsafe<NodeJS.ReadableStream>({ type: 'string', format: 'binary' }) },
              ]),
            ),
          },
          ...errorResponses(403, 404),
        },
      },
    },
    async (request, reply) => {
      const { row, stream } = evidence.open(actorOf(request), request.params.evidenceId)
      return reply
        .type(row.mediaType)
        .header('content-length', String(row.sizeBytes))
        .header('content-disposition', attachmentDisposition(row.fileName, `evidence-${row.id}.${extensionOf(row.fileType)}`))
        .header('x-content-type-options', 'nosniff')
        .send(stream)
    },
  )
}
