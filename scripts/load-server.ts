// The service exactly as `npm start` runs it, plus one thing the load test needs: on an IPC message it collects
// garbage and reports its memory, so growth between runs is measured on the server alone, not its clients.
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
  if (message.type !== 'memory') return
  // Twice: the first pass may only schedule finalizers whose memory the second frees.
  gc()
  gc()
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
  process.send!({ type: 'memory', rss, heapUsed, heapTotal, external })
})
// The load test went away without stopping us: stop too rather than linger.
process.on('disconnect', () => void service.stop().then(() => process.exit(0)))
