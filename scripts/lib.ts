import { databaseFile, openDatabase, type DatabaseHandle } from '../db/client.ts'
import { ConfigError, loadConfig, type Config } from '../server/config.ts'
import { systemClock, type Clock } from '../server/lib/time.ts'
import { createServices, type Services } from '../server/services.ts'

/** Config, a migrated database and the services, for a command-line script; exits with a message on bad config. */
export function openForScript(clock: Clock = systemClock): { config: Config; database: DatabaseHandle; services: Services } {
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`)
      process.exit(1)
    }
    throw err
  }
  const database = openDatabase(databaseFile(config.dataDir))
  return { config, database, services: createServices({ database, clock, config }) }
}

export function fail(message: string): never {
  console.error(message)
  process.exit(2)
}
