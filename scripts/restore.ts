// npm run restore -- FILE
// Restores a backup made by `npm run backup` into DATA_DIR, which must be empty or not exist yet. Every file is
// checked against the manifest and the database against PRAGMA integrity_check before anything lands there.
import { BackupRefused, restoreBackup } from './backup-lib.ts'
import { configForScript, fail, singleFileArgument } from './lib.ts'

const usage = 'usage: npm run restore -- FILE   (restores into DATA_DIR, which must be empty)'
const file = singleFileArgument(usage)
const dataDir = configForScript().dataDir

try {
  const manifest = await restoreBackup(file, dataDir)
  console.log(
    `restored ${file} (taken ${manifest.createdAt}) into ${dataDir}: ${manifest.rows.items ?? 0} items, ` +
      `${manifest.rows.item_events ?? 0} events, ${manifest.evidence.length} evidence files; integrity check ok`,
  )
} catch (err) {
  if (err instanceof BackupRefused) fail(err.message)
  console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
