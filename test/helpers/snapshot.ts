import type { Sqlite } from '../../db/client.ts'

/**
 * Every table's row count and highest rowid: equal before and after a request means it wrote nothing (an insert
 * rolled back still leaves the counts as they were; a write that was kept changes one of them or the content hash).
 */
export function databaseSnapshot(sqlite: Sqlite): Record<string, { rows: number; maxRowid: number | null; hash: string }> {
  const tables = sqlite
    .prepare(
      `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name`,
    )
    .pluck()
    .all() as string[]
  const out: Record<string, { rows: number; maxRowid: number | null; hash: string }> = {}
  for (const table of tables) {
    const quoted = `"${table.replace(/"/g, '""')}"`
    const rows = sqlite.prepare(`select * from ${quoted}`).raw().all() as unknown[][]
    let maxRowid: number | null = null
    try {
      maxRowid = sqlite.prepare(`select max(rowid) from ${quoted}`).pluck().get() as number | null
    } catch {
      // WITHOUT ROWID tables
    }
    out[table] = {
      rows: rows.length,
      maxRowid,
      hash: JSON.stringify(rows, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v)),
    }
  }
  return out
}
