import { parseArgs } from 'node:util'
import { databaseFile, openDatabase, type DatabaseHandle } from '../db/client.ts'
import { ConfigError, loadConfig, type Config } from '../server/config.ts'
import { systemClock, type Clock } from '../server/lib/time.ts'
import { createServices, type Services } from '../server/services.ts'

/** The validated environment, for a command-line script; exits with a message naming a bad variable. */
export function configForScript(): Config {
  try {
    return loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`)
      process.exit(1)
    }
    throw err
  }
}

/** A whole-number flag within bounds, or the usage and exit 2. */
export function wholeNumberFlag(values: Record<string, unknown>, flag: string, min: number, max: number, usage: string): number {
  const n = Number(values[flag])
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${flag} must be a whole number from ${min} to ${max}\n${usage}`)
  return n
}

/** The one FILE argument a script takes, or the usage and exit 2. */
export function singleFileArgument(usage: string): string {
  try {
    const { positionals } = parseArgs({ allowPositionals: true, options: {} })
    if (positionals.length !== 1) fail(usage)
    return positionals[0]!
  } catch (err) {
    return fail(`${(err as Error).message}\n${usage}`)
  }
}

/** Config, a migrated database and the services, for a command-line script; exits with a message on bad config. */
export function openForScript(clock: Clock = systemClock): { config: Config; database: DatabaseHandle; services: Services } {
  const config = configForScript()
  const database = openDatabase(databaseFile(config.dataDir))
  return { config, database, services: createServices({ database, clock, config }) }
}

export function fail(message: string): never {
  console.error(message)
  process.exit(2)
}
