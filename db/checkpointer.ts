import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * SQLite in WAL mode copies the log back into the database (a checkpoint) in the connection whose commit takes the
 * log past 1,000 pages, inside that commit: a few to tens of milliseconds of copying and fsync on the event loop,
 * during which every other request waits. Under a steady mix of writes that is a stall every second or so, and it
 * is what a request's p99 shows. This runs the checkpoints instead on a thread of its own, with its own connection,
 * every `everyMs`: a PASSIVE checkpoint copies what no reader still needs and blocks neither readers nor the writer,
 * so the log is emptied before a commit ever reaches the automatic threshold (which stays, as the safety net should
 * this thread stop).
 */
export interface Checkpointer {
  /** Stops the timer and closes the thread's connection. */
  stop(): Promise<void>
}

// Plain CommonJS evaluated in the worker: it loads the same better-sqlite3 the service uses (by resolved path).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const messageOf = (err) => String((err && err.message) || err)
let db
try {
  db = new Database(workerData.file, { fileMustExist: true })
  db.pragma('synchronous = NORMAL')
} catch (err) {
  parentPort.postMessage({ error: messageOf(err) })
  parentPort.close()
}
let failing = false
const timer = db && setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    failing = false
  } catch (err) {
    // Reported once per run of failures: the automatic checkpoint still runs in the writing connection.
    if (!failing) parentPort.postMessage({ error: messageOf(err) })
    failing = true
  }
}, workerData.everyMs)
parentPort.on('message', () => {
  clearInterval(timer)
  if (db) db.close()
  parentPort.close()
})
`

export function startCheckpointer(file: string, everyMs: number, onError: (message: string) => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, everyMs, driver } })
  worker.on('message', (message: { error?: string }) => {
    if (message.error) onError(message.error)
  })
  worker.on('error', (err: unknown) => onError(err instanceof Error ? err.message : String(err)))
  // The thread never keeps the process alive: a service that has stopped serving exits however the timer stands.
  worker.unref()
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  return {
    stop() {
      worker.postMessage('stop')
      return exited
    },
  }
}
