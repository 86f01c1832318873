import type { FastifyRateLimitStore } from '@fastify/rate-limit'
import { isIPv6 } from 'node:net'

/** Clients remembered at most; the oldest window is forgotten first (a forgotten client starts afresh). */
const MAX_CLIENTS = 10_000

/**
 * @fastify/rate-limit's in-memory store, counting per client in fixed windows, but answering each request with the
 * count at its own arrival. The plugin's LocalStore hands every request the same counter object and reads it after
 * an await, so requests that arrive together all see the burst's final count: all of them are refused, the first
 * `max` too. Wall-clock time, as the plugin's own store: a limit on request rate, not a date of the domain.
 */
export class ArrivalCountStore implements FastifyRateLimitStore {
  readonly #windows = new Map<string, { count: number; startedMs: number }>()
  /** The stores of routes that share one allowance (`config.rateLimit.groupId`), by group. */
  readonly #groups = new Map<string, ArrivalCountStore>()

  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow = 60_000): void {
    const now = Date.now()
    let window = this.#windows.get(key)
    if (!window || window.startedMs + timeWindow <= now) {
      this.#windows.delete(key)
      if (this.#windows.size >= MAX_CLIENTS) this.#windows.delete(this.#windows.keys().next().value!)
      window = { count: 0, startedMs: now }
      this.#windows.set(key, window)
    }
    window.count += 1
    callback(null, { current: window.count, ttl: window.startedMs + timeWindow - now })
  }

  /**
   * Each route with its own limit counts on its own, except routes that name the same `groupId`: they share one
   * count (the plugin gives every such route a child store of its own, so sharing the key alone would not). The
   * plugin passes the route's merged limit options, `groupId` among them, though its types name route options.
   */
  child(routeParams: Parameters<FastifyRateLimitStore['child']>[0]): ArrivalCountStore {
    const groupId = (routeParams as { groupId?: unknown }).groupId
    if (typeof groupId !== 'string') return new ArrivalCountStore()
    let store = this.#groups.get(groupId)
    if (!store) {
      store = new ArrivalCountStore()
      this.#groups.set(groupId, store)
    }
    return store
  }
}

/**
 * Whom a limit counts: an IPv4 address as it is, an IPv6 address by its /64 (one household's or one host's network,
 * whose addresses a client may rotate through at will to escape a per-address count), an IPv4-mapped one as IPv4.
 */
export function clientKey(ip: string): string {
  const address = ip.split('%', 1)[0]!
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1]!
  if (!isIPv6(address)) return ip
  const [head = '', tail] = address.split('::')
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])))
  const left = groupsOf(head)
  const right = tail === undefined ? [] : groupsOf(tail)
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`
}
