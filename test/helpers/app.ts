import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { databaseFile, openDatabase, type DatabaseHandle } from '../../db/client.ts'
import { buildApp } from '../../server/app.ts'
import { loadConfig, type Config } from '../../server/config.ts'
import { fixedClock } from '../../server/lib/time.ts'
import type { Role } from '../../server/domain/actors.ts'
import type { ItemContent } from '../../server/modules/items/items.service.ts'

export const DEFAULT_NOW = '2018-10-15T02:00:00.000Z'

export interface TestApp {
  app: FastifyInstance
  clock: ReturnType<typeof fixedClock>
  database: DatabaseHandle
  config: Config
  dataDir: string
  /** Every log line the app wrote, as raw JSON text. */
  logs: string[]
  close(): Promise<void>
}

/** A fresh data directory, a migrated database, a fixed clock, and the app with jobs off. */
export async function createTestApp(options: { now?: string; env?: Record<string, string> } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zhenggai-test-'))
  // Load shedding on event-loop delay is off unless a test asks for it: a busy CI machine must not turn a
  // functional test into a 503. Every test signs in from 127.0.0.1, far more often than a person: the per-client
  // sign-in limit is out of the way unless a test asks for it (test/web/sign-in.test.ts does).
  const config = loadConfig({
    DATA_DIR: dataDir,
    JOBS: 'off',
    LOG_LEVEL: 'info',
    UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    LOGIN_ATTEMPTS_PER_MINUTE: '100000',
    ...options.env,
  })
  const database = openDatabase(databaseFile(config.dataDir))
  const clock = fixedClock(options.now ?? DEFAULT_NOW)
  const logs: string[] = []
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk))
      done()
    },
  })
  const logger = pino({ level: config.logLevel }, sink)
  const app = await buildApp({ config, database, clock, logger })
  await app.ready()
  return {
    app,
    clock,
    database,
    config,
    dataDir,
    logs,
    async close() {
      await app.close()
      database.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Calls the API as the holder of `token` (or anonymously). */
export function as(app: FastifyInstance, token?: string) {
  const call = (method: InjectOptions['method'], url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url,
      ...(payload !== undefined ? { payload: payload as InjectOptions['payload'] } : {}),
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    }) as Promise<LightMyRequestResponse>
  return {
    get: (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call('POST', url, body ?? {}, headers),
    patch: (url: string, body: unknown, headers?: Record<string, string>) => call('PATCH', url, body, headers),
    put: (url: string, body: unknown, headers?: Record<string, string>) => call('PUT', url, body, headers),
    delete: (url: string) => call('DELETE', url),
  }
}

/** Small factories that go through the services, so fixtures obey the same rules as the API. */
export function factories(app: FastifyInstance) {
  const s = app.services
  let seq = 0
  const next = () => ++seq
  const api = {
    unit(name = `测试单位${next()}`) {
      return s.units.create(name)
    },
    account(role: Role, unitId: number | null = null, name = `${role}-${next()}`) {
      return s.accounts.create({ name, role, unitId })
    },
    token(role: Role, unitId: number | null = null) {
      return api.account(role, unitId).token
    },
    plan(overrides: Partial<{ title: string; issuedBy: string; timezone: string; categories: string[] }> = {}) {
      const admin = api.account('admin').account
      return s.plans.create(
        { kind: 'account', accountId: admin.id, name: admin.name, role: 'admin', unitId: null },
        {
          title: overrides.title ?? '测试整改方案',
          issuedBy: overrides.issuedBy ?? '区委、区政府',
          categories: overrides.categories ?? ['环保主体责任落实', '打好污染防治攻坚战', '加强城市治理能力建设'],
          ...(overrides.timezone ? { timezone: overrides.timezone } : {}),
        },
      )
    },
    item(planId: number, leadUnitId: number, overrides: Partial<ItemContent> = {}) {
      const sup = api.account('supervisor').account
      return s.items.create({ kind: 'account', accountId: sup.id, name: sup.name, role: 'supervisor', unitId: null }, planId, {
        code: overrides.code ?? `1-${next()}`,
        category: overrides.category ?? '打好污染防治攻坚战',
        problem: overrides.problem ?? '施工扬尘污染问题突出，部分工地未落实六个百分之百要求',
        target: overrides.target ?? '建筑工地扬尘治理全部达标',
        measures: overrides.measures ?? '1. 开展专项检查；2. 建立台账',
        leadUnitId,
        responsibleUnitIds: overrides.responsibleUnitIds ?? [],
        deadlineKind: overrides.deadlineKind ?? 'date',
        deadline: overrides.deadline === undefined ? '2018-12-31' : overrides.deadline,
      })
    },
  }
  return api
}
