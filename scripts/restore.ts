// npm run restore -- FILE
// Restores a backup made by `npm run backup` into DATA_DIR, which must be empty or not exist yet. Every file is
// checked against the manifest and the database against PRAGMA integrity_check before anything lands there.
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../server/config.ts'
import { BackupRefused, restoreBackup } from './backup-lib.ts'
import { fail } from './lib.ts'

const usage = 'usage: npm run restore -- FILE   (restores into DATA_DIR, which must be empty)'
let file: string | undefined
try {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} })
  if (positionals.length !== 1) fail(usage)
  file = positionals[0]
} catch (err) {
  fail(`${(err as Error).message}\n${usage}`)
}

let dataDir: string
try {
  dataDir = loadConfig().dataDir
} catch (err) {
  if (err instanceof ConfigError) fail(`Configuration error: ${err.message}`)
  throw err
}

try {
  const manifest = await restoreBackup(file!, dataDir)
  console.log(
    `restored ${file} (taken ${manifest.createdAt}) into ${dataDir}: ${manifest.rows['items'] ?? 0} items, ` +
      `${manifest.rows['item_events'] ?? 0} events, ${manifest.evidence.length} evidence files; integrity check ok`,
  )
} catch (err) {
  if (err instanceof BackupRefused) fail(err.message)
  console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
