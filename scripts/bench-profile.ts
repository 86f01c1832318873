// CPU profiles of the server thread for scripts/bench.ts (--profile <dir>): the V8 profiler through node:inspector
// on the main thread (where the servers run) during a scenario's measured run, written as .cpuprofile files
// (open them in Chrome DevTools or speedscope), with the top functions by self time printed.
import { Session } from 'node:inspector/promises'
import { writeFileSync } from 'node:fs'
import { relative } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples?: number[]
  startTime: number
  endTime: number
}

export interface Profiler {
  stop(file: string): Promise<string>
}

/** Starts sampling the main thread; `stop` writes the profile and returns its summary. */
export async function startProfiler(): Promise<Profiler> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
  return {
    async stop(file) {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile }
      session.disconnect()
      writeFileSync(file, JSON.stringify(profile))
      return summarize(profile)
    },
  }
}

/** The functions with the most self time, as "share  name  place" lines. */
export function summarize(profile: CpuProfile, top = 30): string {
  const self = new Map<string, number>()
  let total = 0
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    if (hits === 0) continue
    total += hits
    const { functionName, url, lineNumber } = node.callFrame
    const place = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : ''
    const key = `${functionName || '(anonymous)'}  ${place}`
    self.set(key, (self.get(key) ?? 0) + hits)
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, hits]) => `    ${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n')
}
