import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { startCheckpointer } from '../db/checkpointer.ts'
import { databaseFile, openDatabase, type DatabaseHandle } from '../db/client.ts'
import { buildApp } from './app.ts'
import type { Config } from './config.ts'
import { systemClock, type Clock } from './lib/time.ts'
import { createLogger } from './logger.ts'

export interface RunningService {
  app: FastifyInstance
  database: DatabaseHandle
  url: string
  stop(): Promise<void>
}

/**
 * Opens (and migrates) the database, builds the app, listens, and installs a SIGTERM/SIGINT handler that
 * stops taking requests, lets the running ones finish, closes the database and exits 0.
 */
export async function startService(config: Config, options: { clock?: Clock; logger?: Logger; handleSignals?: boolean } = {}) {
  const logger = options.logger ?? createLogger(config.logLevel)
  const file = databaseFile(config.dataDir)
  const database = openDatabase(file)
  const checkpointer =
    config.walCheckpointMs > 0
      ? startCheckpointer(file, config.walCheckpointMs, (message) => logger.warn({ err: message }, 'WAL checkpoint failed'))
      : null
  const clock = options.clock ?? systemClock
  const app = await buildApp({ config, database, clock, logger })
  const address = await app.listen({ port: config.port, host: config.host })
  logger.info({ address, dataDir: config.dataDir, jobs: config.jobs }, 'listening')

  let stopping: Promise<void> | null = null
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down')
      await app.close()
      await checkpointer?.stop()
      database.close()
      logger.info('stopped')
    })()
    return stopping
  }
  if (options.handleSignals !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      // `on`, not `once`: a second signal during shutdown (tsx relays the one its process group got) must not kill
      // the process half-way through; stop() is the same promise each time.
      process.on(signal, () => {
        stop().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed')
            process.exit(1)
          },
        )
      })
    }
  }
  return { app, database, url: address, stop } satisfies RunningService
}
