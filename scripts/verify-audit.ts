// npm run verify-audit: walks the audit trail's hash chain and reports the first broken link (exit 1), or that it
// is intact (exit 0). Read-only; safe while the server runs.
import { verifyAuditChain } from '../server/modules/events/audit-chain.ts'
import { openForScript } from './lib.ts'

const { database } = openForScript()
try {
  const { checked, broken } = verifyAuditChain(database.sqlite)
  if (broken) {
    console.error(`audit chain BROKEN after ${checked} intact events: ${broken.message}`)
    process.exitCode = 1
  } else {
    console.log(`audit chain intact: ${checked} events verified`)
  }
} finally {
  database.close()
}
