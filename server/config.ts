import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { totalmem } from 'node:os'
import { resolve } from 'node:path'
import { getHeapStatistics } from 'node:v8'
import { isValidTimeZone } from './lib/time.ts'

// The environment, validated once. Nothing else in the service reads process.env.

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const JOBS_VALUES = ['on', 'off']

const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  LOG_LEVEL: Type.String({ default: 'info' }),
  JOBS: Type.String({ default: 'on' }),
  /** Time zone for plans created without one, and for the schedule of jobs. */
  DEFAULT_TIMEZONE: Type.String({ minLength: 1, default: 'Asia/Shanghai' }),
  /** Largest JSON body, in bytes. */
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, default: 1024 * 1024 }),
  /** Largest evidence file, in bytes (default 20 MB). */
  EVIDENCE_MAX_BYTES: Type.Integer({ minimum: 1, maximum: 1024 * 1024 * 1024, default: 20 * 1024 * 1024 }),
  /** Largest checklist spreadsheet to import, in bytes (default 5 MB); ten times this is the most it may unpack to. */
  IMPORT_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024, default: 5 * 1024 * 1024 }),
  /** Most rows (items and task-area headings) one import may hold. */
  IMPORT_MAX_ROWS: Type.Integer({ minimum: 1, maximum: 100_000, default: 2000 }),
  /** Objections one client may file per hour. */
  OBJECTIONS_PER_HOUR: Type.Integer({ minimum: 1, maximum: 100_000, default: 10 }),
  /** Requests one client may make per minute on the public routes. */
  PUBLIC_REQUESTS_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 120 }),
  /** The hour (0–23, in DEFAULT_TIMEZONE) at which the daily escalation sweep runs. */
  ESCALATION_HOUR: Type.Integer({ minimum: 0, maximum: 23, default: 6 }),
  /** Mean event-loop delay (ms) above which requests get 503 SERVICE_OVERLOADED; 0 turns the check off. */
  UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1000 }),
  /** Heap in use (bytes) above which requests get 503; default 90% of V8's heap limit; 0 turns the check off. */
  UNDER_PRESSURE_MAX_HEAP_USED_BYTES: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  /** Resident memory (bytes) above which requests get 503; default 90% of the memory the process may use; 0 turns it off. */
  UNDER_PRESSURE_MAX_RSS_BYTES: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  /** How often (ms) a thread of its own copies SQLite's write-ahead log into the database; 0: SQLite does it in the
   * writing request, as it does by default (db/checkpointer.ts). */
  WAL_CHECKPOINT_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 250 }),
  /** `true` marks the workbench's session cookie Secure (sent over HTTPS only): set it behind TLS. */
  COOKIE_SECURE: Type.String({ default: 'false' }),
  /** A workbench session left unused this long ends (minutes). */
  SESSION_IDLE_MINUTES: Type.Integer({ minimum: 1, maximum: 60 * 24 * 30, default: 480 }),
  /** A workbench session ends this long after sign-in however much it is used (hours). */
  SESSION_MAX_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 }),
  /** Where e-mail goes out (smtp:// or smtps://, credentials in the URL); unset: e-mail channels are not configured. */
  SMTP_URL: Type.Optional(Type.String({ minLength: 1 })),
  /** The sender of e-mail messages. */
  MAIL_FROM: Type.String({ minLength: 3, default: '整改销号系统 <noreply@localhost>' }),
  /** Messages to one channel within this many minutes go out as one digest; 0 sends each at once. */
  NOTIFY_DIGEST_MINUTES: Type.Integer({ minimum: 0, maximum: 1440, default: 10 }),
  /** The workbench's address, which messages link to; unset: messages carry the item's path alone. */
  PUBLIC_BASE_URL: Type.Optional(Type.String({ minLength: 1 })),
})

export interface Config {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  readonly logLevel: string
  readonly jobs: boolean
  readonly defaultTimezone: string
  readonly bodyLimitBytes: number
  readonly evidenceMaxBytes: number
  readonly importMaxBytes: number
  readonly importMaxRows: number
  readonly objectionsPerHour: number
  readonly publicRequestsPerMinute: number
  readonly escalationHour: number
  readonly cookieSecure: boolean
  /** How often a thread of its own checkpoints the database's write-ahead log (ms); 0: in the writing request. */
  readonly walCheckpointMs: number
  readonly sessionIdleMinutes: number
  readonly sessionMaxHours: number
  /** Limits past which the service sheds load with 503 rather than fall over; 0 turns a check off. */
  /** Reminders and where messages go. */
  readonly notify: {
    readonly smtpUrl: string | null
    readonly mailFrom: string
    readonly digestMinutes: number
    readonly publicBaseUrl: string | null
  }
  readonly underPressure: { readonly maxEventLoopDelayMs: number; readonly maxHeapUsedBytes: number; readonly maxRssBytes: number }
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`)
    this.name = 'ConfigError'
  }
}

const INTEGER_VARS = new Set([
  'PORT',
  'BODY_LIMIT_BYTES',
  'EVIDENCE_MAX_BYTES',
  'IMPORT_MAX_BYTES',
  'IMPORT_MAX_ROWS',
  'OBJECTIONS_PER_HOUR',
  'PUBLIC_REQUESTS_PER_MINUTE',
  'ESCALATION_HOUR',
  'UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS',
  'UNDER_PRESSURE_MAX_HEAP_USED_BYTES',
  'UNDER_PRESSURE_MAX_RSS_BYTES',
  'SESSION_IDLE_MINUTES',
  'SESSION_MAX_HOURS',
  'NOTIFY_DIGEST_MINUTES',
  'WAL_CHECKPOINT_MS',
])

/** Reads and checks the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value === undefined || value === '') continue
    if (INTEGER_VARS.has(key)) {
      if (!/^\d+$/.test(value.trim())) throw new ConfigError(key, `must be a whole number, got "${value}"`)
      raw[key] = Number(value.trim())
    } else {
      raw[key] = value.trim()
    }
  }
  const withDefaults = Value.Default(EnvSchema, raw) as Record<string, unknown>
  const firstError = Value.Errors(EnvSchema, withDefaults)[0]
  if (firstError) {
    const variable = firstError.instancePath.replace(/^\//, '') || 'environment'
    throw new ConfigError(variable, `${firstError.message}, got "${String(withDefaults[variable])}"`)
  }
  const env2 = withDefaults as Static<typeof EnvSchema>
  requireOneOf('LOG_LEVEL', env2.LOG_LEVEL, LOG_LEVELS)
  requireOneOf('JOBS', env2.JOBS, JOBS_VALUES)
  requireOneOf('COOKIE_SECURE', env2.COOKIE_SECURE, ['true', 'false'])
  if (!isValidTimeZone(env2.DEFAULT_TIMEZONE)) {
    throw new ConfigError('DEFAULT_TIMEZONE', `unknown time zone "${env2.DEFAULT_TIMEZONE}"`)
  }
  const smtpUrl = env2.SMTP_URL ?? null
  if (smtpUrl !== null && !/^smtps?:$/.test(urlProtocol(smtpUrl))) {
    // The value may hold a password: name the variable, never echo it.
    throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL')
  }
  const publicBaseUrl = env2.PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? null
  if (publicBaseUrl !== null && !/^https?:$/.test(urlProtocol(publicBaseUrl))) {
    throw new ConfigError('PUBLIC_BASE_URL', `must be an http:// or https:// URL, got "${publicBaseUrl}"`)
  }
  return Object.freeze({
    port: env2.PORT,
    host: env2.HOST,
    dataDir: resolve(env2.DATA_DIR),
    logLevel: env2.LOG_LEVEL,
    jobs: env2.JOBS === 'on',
    defaultTimezone: env2.DEFAULT_TIMEZONE,
    bodyLimitBytes: env2.BODY_LIMIT_BYTES,
    evidenceMaxBytes: env2.EVIDENCE_MAX_BYTES,
    importMaxBytes: env2.IMPORT_MAX_BYTES,
    importMaxRows: env2.IMPORT_MAX_ROWS,
    objectionsPerHour: env2.OBJECTIONS_PER_HOUR,
    publicRequestsPerMinute: env2.PUBLIC_REQUESTS_PER_MINUTE,
    escalationHour: env2.ESCALATION_HOUR,
    cookieSecure: env2.COOKIE_SECURE === 'true',
    walCheckpointMs: env2.WAL_CHECKPOINT_MS,
    sessionIdleMinutes: env2.SESSION_IDLE_MINUTES,
    sessionMaxHours: env2.SESSION_MAX_HOURS,
    notify: Object.freeze({ smtpUrl, mailFrom: env2.MAIL_FROM, digestMinutes: env2.NOTIFY_DIGEST_MINUTES, publicBaseUrl }),
    underPressure: Object.freeze({
      maxEventLoopDelayMs: env2.UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: env2.UNDER_PRESSURE_MAX_HEAP_USED_BYTES ?? Math.floor(getHeapStatistics().heap_size_limit * 0.9),
      maxRssBytes: env2.UNDER_PRESSURE_MAX_RSS_BYTES ?? Math.floor(memoryAvailable() * 0.9),
    }),
  })
}

/** What the process may use: the container's limit when there is one, else the machine's memory. */
function memoryAvailable(): number {
  const constrained = process.constrainedMemory?.() ?? 0
  // Without a cgroup limit Node reports a huge number (or 0); the machine's memory is then the real bound.
  return constrained > 0 ? Math.min(constrained, totalmem()) : totalmem()
}

function urlProtocol(value: string): string {
  try {
    return new URL(value).protocol
  } catch {
    return ''
  }
}

function requireOneOf(variable: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) throw new ConfigError(variable, `must be one of ${allowed.join(', ')}, got "${value}"`)
}
