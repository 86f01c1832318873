import { describe, expect, it } from 'vitest'
import { runOutboxCrash } from '../../scripts/crash-lib.ts'

describe('crash safety of the outbox', () => {
  it('SIGKILL while deliveries are in flight (and others not yet tried): after the restart every message goes out within a minute', async () => {
    const summary = await runOutboxCrash({ items: 6, robotDelayMs: 3000 })
    expect(summary.problems).toEqual([])
    expect(summary.messages).toBe(6)
    // The robot held every request: nothing had been marked sent when the process died.
    expect(summary.unsentAtKill).toBe(6)
    expect(summary.allSentAfterMs).not.toBeNull()
    expect(summary.allSentAfterMs!).toBeLessThan(60_000)
    expect(summary.received).toBeGreaterThanOrEqual(6)
    expect(summary.cleanShutdown).toBe(true)
  }, 120_000)
})
