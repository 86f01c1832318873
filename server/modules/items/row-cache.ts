import type { items } from '../../../db/schema/index.ts'

type ItemRow = typeof items.$inferSelect

/** The item row's own columns a list entry shows: all but the long target and measures and the notice's details. */
export type ItemOwnSummary = Omit<ItemRow, 'target' | 'measures' | 'note' | 'noticeEndsAt' | 'noticeCalendarFallback'>
/** The rest of the row, which a whole item shows. */
export type ItemOwnDetail = Pick<ItemRow, 'target' | 'measures' | 'note' | 'noticeEndsAt' | 'noticeCalendarFallback'>

interface Entry {
  summary: ItemOwnSummary
  detail: ItemOwnDetail | null
}

/** Rows kept at most (the oldest kept goes first): ~1–2 KB each, so a few tens of MB at most. */
export const ROW_CACHE_CAPACITY = 20_000

/**
 * The item rows' own columns, kept per item at the version they were read at: the one cache of the read path.
 *
 * Why: most of a list's time went into turning each row's columns into JavaScript values, its Chinese text above
 * all (V8 decodes UTF-8 Chinese at ~10 ns a byte), over and over for rows that had not changed. A read still asks
 * SQLite for each item's current version, with what is not the row's own (its lead unit's name, its plan's zone,
 * its report months, responsible units and evidence); only the row's own columns come from here, and only when
 * the version SQLite gave is the one they were read at.
 *
 * Why it is never stale: an item row's columns change only together with its version, whichever connection or
 * process writes them. The database enforces it (trigger `items_version_grows`, migration 0016: an UPDATE that does
 * not move the version on is refused), and a committed item's id is never given to another (AUTOINCREMENT). So
 * (id, version) names one content of the row for ever, once committed. Hence the repository keeps only rows it read
 * outside a write transaction: inside one (an import's preview always rolls back) a version may be rolled back and
 * the same number later committed with other content, and a rolled-back insert's id is given out again.
 */
export function createRowCache(capacity = ROW_CACHE_CAPACITY) {
  const entries = new Map<number, Entry>()

  function put(id: number, entry: Entry): void {
    // Re-inserted, so that Map order is the order rows were last read in from SQLite.
    entries.delete(id)
    entries.set(id, entry)
    if (entries.size > capacity) entries.delete(entries.keys().next().value!)
  }

  return {
    /** The row's own summary columns at `version`, if kept. */
    summary(id: number, version: number): ItemOwnSummary | undefined {
      const entry = entries.get(id)
      return entry?.summary.version === version ? entry.summary : undefined
    },
    /** The row's own columns, summary and detail, at `version`, if both are kept. */
    whole(id: number, version: number): { summary: ItemOwnSummary; detail: ItemOwnDetail } | undefined {
      const entry = entries.get(id)
      return entry?.detail && entry.summary.version === version ? { summary: entry.summary, detail: entry.detail } : undefined
    },
    /** Keeps what was just read of a row; a detail already kept for the same version stays with it. */
    keep(summary: ItemOwnSummary, detail: ItemOwnDetail | null): void {
      const kept = entries.get(summary.id)
      put(summary.id, { summary, detail: detail ?? (kept && kept.summary.version === summary.version ? kept.detail : null) })
    },
    get size(): number {
      return entries.size
    },
  }
}

export type RowCache = ReturnType<typeof createRowCache>
