// The service exactly as `npm start` runs it, plus what the load test asks over IPC: its memory after a full GC
// (so growth between runs is the server's alone, not its clients'), and what under-pressure measures meanwhile.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { loadConfig } from '../server/config.ts'
import { startService } from '../server/start.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

if (!process.send) {
  console.error('scripts/load-server.ts is started by scripts/load-test.ts with an IPC channel')
  process.exit(2)
}
const service = await startService(loadConfig())
process.on('message', (message: { type?: string }) => {
  if (message.type === 'sample') {
    // What under-pressure sees right now (no GC): how close the run comes to the 503 thresholds.
    const { eventLoopDelay, heapUsed, rssBytes } = service.app.memoryUsage()
    process.send!({ type: 'sample', eventLoopDelay, heapUsed, rss: rssBytes, underPressure: service.app.isUnderPressure() })
    return
  }
  if (message.type !== 'memory') return
  // Twice: the first pass may only schedule finalizers whose memory the second frees.
  gc()
  gc()
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
  process.send!({ type: 'memory', rss, heapUsed, heapTotal, external })
})
// The load test went away without stopping us: stop too rather than linger.
process.on('disconnect', () => void service.stop().then(() => process.exit(0)))
