// Helpers for scripts/bench.ts: the synthetic data set, the autocannon runner and the report formatting.
// Kept apart from bench.ts so that file reads as the list of scenarios and the order they run in.
import { eventHash, GENESIS_HASH, verifyAuditChain } from '../server/modules/events/audit-chain.ts'
import { closeSync, fsyncSync, openSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isDeepStrictEqual } from 'node:util'
import type { DatabaseHandle } from '../db/client.ts'
import { addDays, localDate } from '../server/lib/time.ts'
import type { AccountActor } from '../server/modules/auth/permissions.ts'
import type { ItemContent } from '../server/modules/items/items.service.ts'
import type { Services } from '../server/services.ts'

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness: the same flags give the same data set, so two runs compare the server, not the data.

export type Rng = () => number

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1))
}

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)]!
}

export function shuffled<T>(rng: Rng, list: readonly T[]): T[] {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Text in the register of a district 整改措施清单. Field lengths matter more than wording: they decide row size,
// page count and JSON size, which is what the read paths pay for.

const PLACES = [
  '八宝山街道',
  '老山街道',
  '八角街道',
  '古城街道',
  '苹果园街道',
  '金顶街街道',
  '广宁街道',
  '五里坨街道',
  '鲁谷街道',
  '永定河沿线',
]

const PROBLEMS = [
  '部分建筑工地未严格落实“六个百分之百”扬尘控制措施',
  '渣土运输车辆未密闭、带泥上路现象时有发生',
  '餐饮企业油烟净化设施未正常运行，群众投诉较多',
  '部分河段存在垃圾堆放和污水直排问题',
  '老旧小区雨污合流，汛期溢流污染河道',
  '“散乱污”企业清理整治不彻底，存在死灰复燃现象',
  '燃煤锅炉清洁能源改造进度滞后',
  '重型柴油车尾气超标排放监管不到位',
  '露天焚烧垃圾、树叶现象仍有发生',
  '污水处理厂出水部分指标不能稳定达标',
  '危险废物贮存场所不规范，台账记录不完整',
  '工业企业挥发性有机物治理设施运行不正常',
  '城乡结合部环境卫生脏乱差问题突出',
  '生态环境保护责任清单未落实到具体岗位',
  '对督察反馈问题整改认识不到位、推进力度不够',
  '再生资源回收站点无证经营，噪声和扬尘扰民',
  '裸露地面苫盖、绿化不及时',
  '道路清扫保洁机械化作业率偏低',
  '垃圾分类设施配置不足，混收混运现象较为普遍',
  '施工夜间噪声扰民投诉居高不下',
]

const TARGETS = [
  '全面完成整改任务，建立长效管理机制',
  '施工工地扬尘治理达标率达到100%',
  '辖区PM2.5年均浓度较上年下降5%以上',
  '河道水质稳定达到地表水IV类标准',
  '相关群众投诉量同比下降30%以上',
  '实现“散乱污”企业动态清零',
  '餐饮油烟在线监控覆盖率达到100%',
  '重点区域道路尘土残存量控制在每平方米10克以下',
  '危险废物规范化管理抽查合格率达到90%以上',
  '生活垃圾分类覆盖率达到90%',
  '完成全部燃煤锅炉清洁能源改造',
  '建立问题台账，逐项销号，确保问题不反弹',
]

const MEASURES = [
  '制定专项整治工作方案，明确责任单位和完成时限',
  '开展全覆盖拉网式排查，建立问题台账',
  '加大执法检查频次，对违法行为依法从严处罚',
  '推行网格化管理，将责任落实到街道、社区和具体人员',
  '安装在线监测设备，实现实时监控和超标预警',
  '每月通报整改进展，对进度滞后的单位约谈问责',
  '加强部门联动，建立联合执法工作机制',
  '督促企业落实主体责任，完善环保管理制度',
  '组织第三方机构开展评估，确保整改质量',
  '通过政府网站和新闻媒体公开整改情况，接受群众监督',
  '完善长效机制，防止问题反弹',
  '安排专项资金，保障整改工作顺利推进',
]

/** Joins phrases until the text is between `min` and `max` characters (the phrases are far shorter than max−min). */
function compose(rng: Rng, parts: readonly string[], min: number, max: number, numbered: boolean, prefix = ''): string {
  const wanted = randInt(rng, min, max)
  let text = prefix
  let n = 0
  while (text.length < wanted) {
    const phrase = pick(rng, parts)
    const piece = (n > 0 ? '；' : '') + (numbered ? `${n + 1}. ` : '') + phrase
    if (text.length + piece.length + 1 > max && text.length >= min) break
    text += piece
    n++
  }
  return `${text.slice(0, max - 1)}。`
}

const BUREAUS = [
  '生态环境局',
  '住房城乡建设委',
  '城市管理委',
  '水务局',
  '农业农村局',
  '商务局',
  '市场监管局',
  '发展改革委',
  '交通局',
  '园林绿化局',
  '规划和自然资源分局',
  '公安分局',
  '卫生健康委',
  '教育委员会',
  '财政局',
  '应急管理局',
  '经济和信息化局',
  '文化和旅游局',
  '国资委',
  '城管执法局',
  '民政局',
  '科委',
  '统计局',
  '审计局',
  '司法局',
]
const DISTRICTS = ['石景山区', '门头沟区', '丰台区', '海淀区', '朝阳区', '房山区', '大兴区', '通州区', '昌平区', '顺义区']

export function unitNames(count: number): string[] {
  const names: string[] = []
  for (const district of DISTRICTS) for (const bureau of BUREAUS) names.push(`${district}${bureau}`)
  for (let i = names.length; i < count; i++) names.push(`第${i + 1}督察整改工作组`)
  return names.slice(0, count)
}

export const PLAN_CATEGORIES = [
  '环保主体责任落实',
  '打好污染防治攻坚战',
  '加强城市治理能力建设',
  '大气污染防治',
  '水污染防治',
  '土壤和固体废物污染防治',
]

// ---------------------------------------------------------------------------------------------------------------
// Seeding

export interface SeedOptions {
  items: number
  units: number
  now: Date
  timezone: string
  seed?: number
}

export interface Seeded {
  planId: number
  unitIds: number[]
  focusUnitId: number
  focusUnitName: string
  /** Items the focus unit leads. */
  focusLeadCount: number
  /** Items the focus unit leads or shares: the ones a `unit` account of it may read. */
  focusVisibleIds: number[]
  /** Items the focus unit leads. */
  focusLeadIds: number[]
  unitToken: string
  /** A workbench session of the same unit (the cookie's value), for the page scenarios. */
  unitSession: string
  supervisorToken: string
  /** Items still 'assigned' (version 1), for write scenarios; the read scenarios do not change them. */
  assignedIds: number[]
  adminToken: string
  timings: { label: string; ms: number }[]
}

/** What the service's create() writes, minus what the database assigns: the part the bulk path must reproduce. */
interface BulkWriter {
  insert(content: ItemContent, createdAt: string): number
}

function bulkWriter(database: DatabaseHandle, planId: number, creator: AccountActor): BulkWriter {
  const { sqlite } = database
  // Only the columns items.repo insert() sets: the rest take their SQL defaults, as they do through drizzle.
  const item = sqlite.prepare(
    `insert into items (plan_id, code, category, problem, target, measures, lead_unit_id, deadline_kind, deadline,
       status, version, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'assigned', 1, ?, ?)`,
  )
  const responsible = sqlite.prepare('insert into item_responsible_units (item_id, unit_id) values (?, ?)')
  const event = sqlite.prepare(
    `insert into item_events (item_id, at, actor_account_id, actor_name, actor_role, actor_unit_id, action,
       from_status, to_status, comment, details, prev_hash, hash)
     values (?, ?, ?, ?, ?, ?, 'create', null, 'assigned', null, ?, ?, ?)`,
  )
  // The audit chain continues from the database's last row, read each time: a rolled-back check must not leave
  // the loader chaining to a row that no longer exists.
  const tail = sqlite.prepare('select hash from item_events order by id desc limit 1').pluck()
  return {
    insert(content, createdAt) {
      const id = Number(
        item.run(
          planId,
          content.code,
          content.category,
          content.problem,
          content.target,
          content.measures,
          content.leadUnitId,
          content.deadlineKind,
          content.deadline,
          createdAt,
          createdAt,
        ).lastInsertRowid,
      )
      for (const unitId of content.responsibleUnitIds) responsible.run(id, unitId)
      const details = JSON.stringify({ item: content })
      const lastHash = (tail.get() as string | undefined) ?? GENESIS_HASH
      const hash = eventHash(lastHash, {
        itemId: id,
        at: createdAt,
        actorAccountId: creator.accountId,
        actorName: creator.name,
        actorRole: creator.role,
        actorUnitId: creator.unitId,
        action: 'create',
        fromStatus: null,
        toStatus: 'assigned',
        comment: null,
        details,
      })
      event.run(id, createdAt, creator.accountId, creator.name, creator.role, creator.unitId, details, lastHash, hash)
      return id
    },
  }
}

function generateContent(rng: Rng, seq: number, unitIds: readonly number[], leadUnitId: number, today: string): ItemContent {
  const categoryIndex = randInt(rng, 0, PLAN_CATEGORIES.length - 1)
  const responsibleCount = randInt(rng, 0, 3)
  const responsibleUnitIds: number[] = []
  while (responsibleUnitIds.length < responsibleCount) {
    const id = pick(rng, unitIds)
    if (id !== leadUnitId && !responsibleUnitIds.includes(id)) responsibleUnitIds.push(id)
  }
  // Roughly the mix of a real checklist: mostly dated, some 立行立改, some 长期坚持; dates from months overdue to next year.
  const roll = rng()
  const deadlineKind: ItemContent['deadlineKind'] = roll < 0.6 ? 'date' : roll < 0.8 ? 'immediate' : 'long_term'
  const dated = deadlineKind === 'date' || rng() < 0.5
  const deadline = dated
    ? addDays(today, randInt(rng, deadlineKind === 'immediate' ? -120 : -90, deadlineKind === 'immediate' ? 30 : 365))
    : null
  const place = rng() < 0.5 ? `${pick(rng, PLACES)}辖区内` : ''
  return {
    code: `${categoryIndex + 1}-${seq}`,
    category: PLAN_CATEGORIES[categoryIndex]!,
    problem: compose(rng, PROBLEMS, 60, 200, false, place),
    target: compose(rng, TARGETS, 60, 200, false, rng() < 0.5 ? `${today.slice(0, 4)}年底前` : ''),
    measures: compose(rng, MEASURES, 60, 200, true),
    leadUnitId,
    responsibleUnitIds,
    deadlineKind,
    deadline,
    // As the service stores an item created without them: no wording of its own, no note.
    deadlineText: '',
    note: '',
  }
}

async function timed<T>(timings: Seeded['timings'], label: string, fn: () => T | Promise<T>): Promise<T> {
  const start = performance.now()
  const result = await fn()
  timings.push({ label, ms: performance.now() - start })
  return result
}

/**
 * Units, plan and accounts go through the services (few rows, and their rules should hold); items go in bulk
 * through raw prepared statements, checked first against one item written by the service itself.
 */
export async function seed(database: DatabaseHandle, services: Services, options: SeedOptions): Promise<Seeded> {
  const rng = mulberry32(options.seed ?? 20181015)
  const timings: Seeded['timings'] = []
  const { sqlite } = database

  const { unitIds, plan, supervisor, adminToken, supervisorToken } = await timed(timings, 'units, plan, accounts', () => {
    const admin = services.accounts.create({ name: '系统管理员（压测）', role: 'admin' })
    const sup = services.accounts.create({ name: '区环保督察整改办公室（压测）', role: 'supervisor' })
    const ids = services.transact(() => unitNames(options.units).map((name) => services.units.create(name).id))
    const adminActor: AccountActor = { kind: 'account', accountId: admin.account.id, name: admin.account.name, role: 'admin', unitId: null }
    const created = services.plans.create(adminActor, {
      title: '压测整改方案',
      issuedBy: '区委、区政府',
      timezone: options.timezone,
      categories: PLAN_CATEGORIES,
    })
    const supActor: AccountActor = { kind: 'account', accountId: sup.account.id, name: sup.account.name, role: 'supervisor', unitId: null }
    return { unitIds: ids, plan: created, supervisor: supActor, adminToken: admin.token, supervisorToken: sup.token }
  })

  const writer = bulkWriter(database, plan.id, supervisor)
  const today = localDate(options.now, options.timezone)

  await timed(timings, 'bulk path checked against service', () =>
    checkBulkMatchesService(database, services, writer, plan.id, supervisor, rng, unitIds, today),
  )

  await timed(timings, `${options.items.toLocaleString('en-US')} items + events (incl. fsync)`, () => {
    // Creation instants spread over the last 150 days in id order, as a plan filled in over time would have them.
    const span = 150 * 86_400_000
    const start = options.now.getTime() - span
    const step = span / Math.max(1, options.items)
    const BATCH = 5_000
    const insertBatch = sqlite.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const lead = pick(rng, unitIds)
        writer.insert(generateContent(rng, i + 1, unitIds, lead, today), new Date(start + Math.floor(i * step)).toISOString())
      }
    })
    for (let from = 0; from < options.items; from += BATCH) insertBatch(from, Math.min(options.items, from + BATCH))
    // Fold the WAL into the main file so the first measured requests do not pay for a huge WAL.
    sqlite.pragma('wal_checkpoint(TRUNCATE)')
    // Hundreds of MB of dirty pages would otherwise be written back by the kernel during the first scenario,
    // taking CPU from it on a small machine (the bare route measured at half speed right after seeding).
    const fd = openSync(sqlite.name, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  })

  await timed(timings, 'audit chain verified', () => {
    const { broken } = verifyAuditChain(sqlite)
    if (broken) throw new Error(`the bulk load broke the audit chain: ${broken.message}`)
  })

  const focusUnitId = unitIds[0]!
  const focusUnitName = sqlite.prepare('select name from units where id = ?').pluck().get(focusUnitId) as string
  const focusLeadIds = sqlite.prepare('select id from items where lead_unit_id = ? order by id').pluck().all(focusUnitId) as number[]
  const focusLeadCount = focusLeadIds.length
  const focusVisibleIds = sqlite
    .prepare('select id from items where lead_unit_id = ? union select item_id from item_responsible_units where unit_id = ? order by 1')
    .pluck()
    .all(focusUnitId, focusUnitId) as number[]
  const unit = services.accounts.create({ name: `${focusUnitName}联络员（压测）`, role: 'unit', unitId: focusUnitId })
  const password = 'bench-password-2018'
  await services.signIn.setPassword({
    login: 'bench-unit',
    password,
    role: 'unit',
    name: `${focusUnitName}经办人（压测）`,
    unitId: focusUnitId,
  })
  const session = await services.signIn.signIn('bench-unit', password)
  if (!session.ok) throw new Error('the bench account could not sign in')

  return {
    planId: plan.id,
    unitIds,
    focusUnitId,
    focusUnitName,
    focusLeadCount,
    focusVisibleIds,
    focusLeadIds,
    assignedIds: sqlite.prepare("select id from items where status = 'assigned' order by id").pluck().all() as number[],
    unitToken: unit.token,
    unitSession: session.token,
    supervisorToken,
    adminToken,
    timings,
  }
}

class Rollback extends Error {}

/**
 * Writes one item through the service and the same content through the bulk path, compares every column of
 * items, item_responsible_units and item_events, and rolls both back. Fails loudly when the service starts
 * writing something the bulk path does not (a new column, a changed event shape), instead of benchmarking
 * rows the service would never produce.
 */
function checkBulkMatchesService(
  database: DatabaseHandle,
  services: Services,
  writer: BulkWriter,
  planId: number,
  actor: AccountActor,
  rng: Rng,
  unitIds: readonly number[],
  today: string,
): void {
  const { sqlite } = database
  const content = generateContent(rng, 0, unitIds, unitIds[1] ?? unitIds[0]!, today)
  const differences: string[] = []
  try {
    sqlite.transaction(() => {
      const viaService = services.items.create(actor, planId, { ...content, code: 'bench-check-service' })
      const viaBulk = writer.insert({ ...content, code: 'bench-check-bulk' }, viaService.createdAt)
      const rows = (id: number) => ({
        item: sqlite.prepare('select * from items where id = ?').get(id) as Record<string, unknown>,
        responsible: sqlite.prepare('select unit_id from item_responsible_units where item_id = ? order by unit_id').pluck().all(id),
        events: sqlite.prepare('select * from item_events where item_id = ? order by id').all(id) as Record<string, unknown>[],
      })
      const a = rows(viaService.id)
      const b = rows(viaBulk)
      // The chain links differ by construction (each row chains to the one before it); verifyAuditChain checks them.
      const ignore = new Set(['id', 'item_id', 'code', 'prev_hash', 'hash'])
      const compare = (what: string, x: Record<string, unknown> | undefined, y: Record<string, unknown> | undefined) => {
        for (const key of new Set([...Object.keys(x ?? {}), ...Object.keys(y ?? {})])) {
          if (ignore.has(key)) continue
          let xv = x?.[key]
          let yv = y?.[key]
          if (key === 'details' && typeof xv === 'string' && typeof yv === 'string') {
            // The code differs on purpose; key order inside the JSON does not matter to anyone reading it.
            const strip = (s: string) => {
              const parsed = JSON.parse(s) as { item?: { code?: string } }
              if (parsed.item) delete parsed.item.code
              return parsed
            }
            xv = strip(xv)
            yv = strip(yv)
          }
          if (!isDeepStrictEqual(xv, yv)) differences.push(`${what}.${key}: service ${JSON.stringify(xv)} ≠ bulk ${JSON.stringify(yv)}`)
        }
      }
      compare('items', a.item, b.item)
      if (!isDeepStrictEqual(a.responsible, b.responsible)) differences.push('item_responsible_units differ')
      if (a.events.length !== b.events.length) differences.push(`item_events: service wrote ${a.events.length}, bulk ${b.events.length}`)
      a.events.forEach((e, i) => {
        compare(`item_events[${i}]`, e, b.events[i])
      })
      throw new Rollback()
    })()
  } catch (err) {
    if (!(err instanceof Rollback)) throw err
  }
  if (differences.length > 0) {
    throw new Error(
      `The bulk insert no longer writes what items.create() writes; update scripts/bench-lib.ts:\n  ${differences.join('\n  ')}`,
    )
  }
}

// ---------------------------------------------------------------------------------------------------------------
// autocannon (it ships no types; this is the part of its API the bench uses)

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface LoadRequest {
  method: HttpMethod
  path: string
  headers?: Record<string, string>
  body?: string
  /** Absolute path of a CommonJS module that rewrites each request (autocannon's setupRequest in worker mode). */
  setupRequest?: string
}

interface AutocannonOptions {
  url: string
  connections: number
  duration: number
  workers?: number
  timeout?: number
  requests: LoadRequest[]
}

interface AutocannonResult {
  requests: { average: number; total: number; sent: number }
  latency: { average: number; p50: number; p99: number; max: number }
  duration: number
  errors: number
  timeouts: number
  non2xx: number
  statusCodeStats: Record<string, { count: number }>
}

const autocannon = createRequire(import.meta.url)('autocannon') as (options: AutocannonOptions) => Promise<AutocannonResult>

export interface LoadResult {
  reqPerSec: number
  p50Ms: number
  p99Ms: number
  completed: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
}

/**
 * One autocannon run. The client runs in a worker thread: on the same thread it would take CPU from the server
 * it measures, and on a 2-core machine the server would get about half a core.
 */
export async function load(url: string, requests: LoadRequest[], connections: number, durationS: number): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: durationS, workers: 1, timeout: 10, requests })
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    completed: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US')
export const fmtMs = (n: number) => (n >= 10 ? String(Math.round(n)) : n.toFixed(1))
// Below 10% a rounded whole percent hides the difference between 0.4% and 1%.
export const fmtPct = (r: number) => `${r < 0.1 ? (r * 100).toFixed(1) : Math.round(r * 100)}%`

/** A Markdown table, padded so it also reads in a terminal. */
export function markdownTable(header: string[], rows: string[][]): string {
  // CJK characters take two columns in a terminal.
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0)
  const cols = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c + ' '.repeat(cols[i]! - width(c))).join(' | ')} |`
  return [line(header), `| ${cols.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n')
}
