import { ConfigError, loadConfig } from './config.ts'
import { startService } from './start.ts'

try {
  await startService(loadConfig())
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`Configuration error: ${err.message}`)
    process.exit(1)
  }
  console.error(err)
  process.exit(1)
}
