import { and, asc, eq, inArray, ne } from 'drizzle-orm'
import type { Readable } from 'node:stream'
import type { Db } from '../../../db/client.ts'
import { accounts, evidence, items as itemsTable, units } from '../../../db/schema/index.ts'
import { AppError, forbidden, notFound } from '../../errors.ts'
import type { Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import { isItemUnit, type AccountActor } from '../auth/permissions.ts'
import type { EventsRepo } from '../events/events.repo.ts'
import type { ItemsService } from '../items/items.service.ts'
import type { EvidenceStore } from './evidence.store.ts'

export interface EvidenceView {
  id: number
  itemId: number
  fileName: string
  fileType: string
  mediaType: string
  sizeBytes: number
  sha256: string
  uploadedAt: string
  uploadedBy: string
  uploaderUnit: string | null
  /** The same file stands on another item too (a 纸面销号 warning sign). */
  reused: boolean
  /** The other items, for roles that see every item; empty for a unit, which may not see them. */
  reusedOnItems: { itemId: number; code: string }[]
}

export function createEvidenceService({
  db,
  items,
  eventsRepo,
  store,
  clock,
  transact,
}: {
  db: Db
  items: ItemsService
  eventsRepo: EventsRepo
  store: EvidenceStore
  clock: Clock
  transact: Transact
}) {
  function views(actor: AccountActor, where: ReturnType<typeof eq>): EvidenceView[] {
    const rows = db
      .select({
        id: evidence.id,
        itemId: evidence.itemId,
        fileName: evidence.fileName,
        fileType: evidence.fileType,
        mediaType: evidence.mediaType,
        sizeBytes: evidence.sizeBytes,
        sha256: evidence.sha256,
        uploadedAt: evidence.uploadedAt,
        uploadedBy: accounts.name,
        uploaderUnit: units.name,
      })
      .from(evidence)
      .innerJoin(accounts, eq(accounts.id, evidence.uploadedBy))
      .leftJoin(units, eq(units.id, evidence.uploaderUnitId))
      .where(where)
      .orderBy(asc(evidence.id))
      .all()
    const hashes = [...new Set(rows.map((r) => r.sha256))]
    const twins =
      hashes.length === 0
        ? []
        : db
            .select({ sha256: evidence.sha256, itemId: evidence.itemId, code: itemsTable.code })
            .from(evidence)
            .innerJoin(itemsTable, eq(itemsTable.id, evidence.itemId))
            .where(inArray(evidence.sha256, hashes))
            .all()
    return rows.map((r) => {
      const elsewhere = twins.filter((t) => t.sha256 === r.sha256 && t.itemId !== r.itemId)
      return {
        ...r,
        reused: elsewhere.length > 0,
        reusedOnItems: actor.role === 'unit' ? [] : elsewhere.map(({ itemId, code }) => ({ itemId, code })),
      }
    })
  }

  return {
    list(actor: AccountActor, itemId: number): EvidenceView[] {
      items.loadVisible(actor, itemId)
      return views(actor, eq(evidence.itemId, itemId))
    },

    /**
     * Files an upload on an item for its lead or a responsible unit. The bytes are on disk under their hash before
     * the row that names them is written; the same file twice on one item returns the first record.
     */
    async upload(
      actor: AccountActor,
      itemId: number,
      file: { stream: Readable & { truncated?: boolean }; fileName: string },
      maxBytes: number,
    ): Promise<{ view: EvidenceView; created: boolean }> {
      const { record, responsible } = items.loadVisible(actor, itemId)
      if (!isItemUnit(actor, { leadUnitId: record.leadUnitId, responsibleUnitIds: responsible.map((u) => u.id) })) {
        throw forbidden('Only the lead unit or a responsible unit files evidence on an item', 'NOT_ITEM_UNIT')
      }
      const received = await store.receive(file.stream)
      // A streamed part that hit the size limit simply ends early, marked truncated: it must not be kept.
      if (file.stream.truncated || received.sizeBytes > maxBytes) {
        await store.discard(received)
        throw new AppError(413, 'FILE_TOO_LARGE', `Evidence files may be at most ${maxBytes} bytes`)
      }
      const type = await store.sniff(received)
      if (!type) {
        await store.discard(received)
        throw new AppError(415, 'UNSUPPORTED_FILE_TYPE', 'Evidence must be a PDF, JPEG, PNG, DOCX or XLSX file (judged by its content)')
      }
      if (received.sizeBytes === 0) {
        await store.discard(received)
        throw new AppError(400, 'EMPTY_FILE', 'The file is empty')
      }
      await store.keep(received)
      const at = clock.now().toISOString()
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a stored file name must not keep
      const fileName = file.fileName.replace(/[\u0000-\u001f/\\]/g, '_').slice(0, 200) || 'evidence'
      const { id, created } = transact(() => {
        const existing = db
          .select({ id: evidence.id })
          .from(evidence)
          .where(and(eq(evidence.itemId, itemId), eq(evidence.sha256, received.sha256)))
          .get()
        if (existing) return { id: existing.id, created: false }
        const row = db
          .insert(evidence)
          .values({
            itemId,
            sha256: received.sha256,
            sizeBytes: received.sizeBytes,
            fileType: type.fileType,
            mediaType: type.mediaType,
            fileName,
            uploadedAt: at,
            uploadedBy: actor.accountId,
            uploaderUnitId: actor.unitId,
          })
          .returning({ id: evidence.id })
          .get()
        const reusedOn = db
          .select({ itemId: evidence.itemId })
          .from(evidence)
          .where(and(eq(evidence.sha256, received.sha256), ne(evidence.itemId, itemId)))
          .all()
          .map((r) => r.itemId)
        eventsRepo.append({
          itemId,
          at,
          actor,
          action: 'evidence_added',
          details: {
            evidenceId: row.id,
            fileName,
            fileType: type.fileType,
            sizeBytes: received.sizeBytes,
            sha256: received.sha256,
            reusedOnItemIds: reusedOn,
          },
        })
        return { id: row.id, created: true }
      })
      return { view: views(actor, eq(evidence.id, id))[0]!, created }
    },

    /** The stored bytes of one file, for those who may see its item. */
    open(actor: AccountActor, evidenceId: number) {
      const row = db.select().from(evidence).where(eq(evidence.id, evidenceId)).get()
      if (!row) throw notFound(`Evidence ${evidenceId}`, 'EVIDENCE_NOT_FOUND')
      try {
        items.loadVisible(actor, row.itemId)
      } catch {
        throw notFound(`Evidence ${evidenceId}`, 'EVIDENCE_NOT_FOUND')
      }
      return { row, stream: store.read(row.sha256) }
    },
  }
}

export type EvidenceService = ReturnType<typeof createEvidenceService>
