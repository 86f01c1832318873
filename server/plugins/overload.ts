import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.ts'

export interface OverloadLimits {
  /** Mean event-loop delay in ms; 0 turns the check off. */
  maxEventLoopDelayMs: number
  maxHeapUsedBytes: number
  maxRssBytes: number
}

// An orchestrator must be able to tell "busy" from "dead", so the probes answer however loaded the process is.
const PROBES = new Set(['/healthz', '/readyz'])
// under-pressure samples once a second; a few seconds lets a backlog drain before clients come back.
const RETRY_AFTER_SECONDS = 5
const WARN_EVERY_MS = 10_000
// under-pressure measures the loop from registration on, so building the app (schemas compiled in one long
// synchronous stretch, over a second on a busy machine) reads as overload for the first sample or two after
// start. Two sample intervals after ready, every sample is of serving.
const STARTUP_GRACE_MS = 2_500

/**
 * Sheds load with 503 SERVICE_OVERLOADED (and Retry-After) while the event loop lags or memory nears its limit,
 * before the process falls over. Refused requests stop in onRequest: no token lookup, no body parsing.
 */
export const overloadPlugin = fp<OverloadLimits>(async function overload(app: FastifyInstance, limits) {
  let lastWarnedAt = 0
  let settledAt = Number.POSITIVE_INFINITY
  app.addHook('onReady', async () => {
    settledAt = Date.now() + STARTUP_GRACE_MS
  })
  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxHeapUsedBytes: limits.maxHeapUsedBytes,
    maxRssBytes: limits.maxRssBytes,
    exposeStatusRoute: false,
    // Thrown rather than sent, so the one error handler writes the body in the usual shape.
    pressureHandler: async (request, reply, type, value) => {
      if (PROBES.has(request.routeOptions.url ?? '')) return
      const now = Date.now()
      if (type === underPressure.TYPE_EVENT_LOOP_DELAY && now < settledAt) return
      // One line per burst, not per refused request: logging each would add work exactly when there is too much.
      if (now - lastWarnedAt >= WARN_EVERY_MS) {
        lastWarnedAt = now
        request.log.warn({ pressure: type, value }, 'overloaded: refusing requests with 503')
      }
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS))
      throw new AppError(503, 'SERVICE_OVERLOADED', 'The service is overloaded; try again shortly')
    },
  })
})
