// npm run backup -- FILE
// A consistent online backup of DATA_DIR (the database and the evidence files it references) as one .tar.gz.
// Safe while the server runs: the database is copied with SQLite's backup API in one read transaction.
import { BackupRefused, createBackup } from './backup-lib.ts'
import { configForScript, fail, singleFileArgument } from './lib.ts'

const usage = 'usage: npm run backup -- FILE   (backs up DATA_DIR; FILE must not exist yet, e.g. backup-2019-02-28.tar.gz)'
const file = singleFileArgument(usage)
const dataDir = configForScript().dataDir

try {
  const started = Date.now()
  const manifest = await createBackup(dataDir, file)
  const bytes = manifest.evidence.reduce((sum, e) => sum + e.sizeBytes, 0)
  console.log(
    `backed up ${dataDir} to ${file}: database ${manifest.database.sizeBytes} bytes (${manifest.rows.items ?? 0} items, ` +
      `${manifest.rows.item_events ?? 0} events), ${manifest.evidence.length} evidence files (${bytes} bytes) in ${Date.now() - started} ms`,
  )
} catch (err) {
  if (err instanceof BackupRefused) fail(err.message)
  console.error(`backup failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
