import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../server/domain/actors.ts'
import { roleMay } from '../../server/modules/auth/permissions.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { pdf } from '../helpers/files.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// Walks every operation of the OpenAPI document and throws generated bad input at it: wrong types, huge and
// strange strings, missing and extra fields, bad ids, cursors, bodies, content types and tokens (and, for some
// runs, valid tokens of every role, so the input gets past authentication). Whatever comes in: never a 5xx,
// and a 4xx leaves the database and the evidence store exactly as they were.

const RUNS_PER_OPERATION = Number(process.env.HOSTILE_RUNS ?? 70)

interface Schema {
  type?: string
  $ref?: string
  enum?: unknown[]
  anyOf?: Schema[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  maxLength?: number
  minimum?: number
  maximum?: number
  nullable?: boolean
  pattern?: string
}

interface Parameter {
  in: 'path' | 'query' | 'header'
  name: string
  required?: boolean
  schema: Schema
}

interface Operation {
  method: string
  path: string
  parameters: Parameter[]
  jsonBody: Schema | null
  /** The token holders whose role the route admits (all of them for a public route). */
  admitted: string[]
}

const HOLDERS: Record<string, Role> = {
  admin: 'admin',
  supervisor: 'supervisor',
  leader: 'leader',
  lead: 'unit',
  partner: 'unit',
  outsider: 'unit',
}

let t: TestApp
const operations: Operation[] = []
let tokens: Record<string, string> = {}
let tables: string[] = []
let inputsTried = 0
const statusCounts = new Map<number, number>()

beforeAll(async () => {
  t = await createTestApp({ env: { PUBLIC_REQUESTS_PER_MINUTE: '1000000', OBJECTIONS_PER_HOUR: '100000' } })
  const w = workflowWorld(t.app)
  tokens = {
    admin: w.tokens.admin,
    supervisor: w.tokens.supervisor,
    leader: w.tokens.leader,
    lead: w.tokens.lead,
    partner: w.tokens.partner,
    outsider: w.tokens.outsider,
  }
  // Something of every kind, so that small ids name real rows and bad input reaches past the 404s.
  await w.itemIn('assigned')
  const inProgress = await w.itemIn('in_progress')
  await w.itemIn('closure_requested')
  const inNotice = await w.itemIn('in_public_notice')
  await w.upload(w.tokens.lead, inProgress.id)
  await as(t.app, w.tokens.lead).post(`/api/v1/items/${inProgress.id}/progress-reports`, { period: '2018-10', text: '已完成排查' })
  await as(t.app, w.tokens.lead).post(`/api/v1/items/${inProgress.id}/extensions`, {
    newDeadline: '2019-03-31',
    reason: '工程量大',
    progress: '完成一半',
  })
  await as(t.app).post(`/api/v1/public/items/${inNotice.id}/objections`, { contact: '13800000000', content: '现场仍有扬尘' })
  await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${inProgress.id}/supervisions`, { reason: '进展缓慢' })

  const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>
    components?: { schemas?: Record<string, Schema> }
  }
  const resolve = (schema: Schema): Schema => {
    if (!schema.$ref) return schema
    const name = schema.$ref.split('/').at(-1)!
    return doc.components?.schemas?.[name] ?? {}
  }
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (path.startsWith('/docs')) continue
    for (const [method, op] of Object.entries(methods)) {
      const json = op.requestBody?.content['application/json']?.schema
      const route = t.app.routeCatalog.find((r) => r.method === method.toUpperCase() && r.url.replace(/:(\w+)/g, '{$1}') === path)
      const admitted = Object.keys(HOLDERS).filter((holder) => !route?.permission || roleMay(HOLDERS[holder]!, route.permission))
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        jsonBody: json ? resolve(json) : null,
        admitted,
      })
    }
  }
  tables = t.database.sqlite
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .pluck()
    .all() as string[]
})

afterAll(async () => {
  const byStatus = [...statusCounts]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ')
  console.log(`hostile input: ${inputsTried} inputs tried on ${operations.length} operations (${byStatus})`)
  await t?.close()
})

/** Every row of every table and every file of the evidence store: any write, even a half one, changes it. */
function fingerprint(): string {
  const hash = createHash('sha256')
  for (const table of tables) {
    hash.update(`\n#${table}\n`)
    for (const row of t.database.sqlite.prepare(`select * from "${table}"`).raw().iterate()) hash.update(JSON.stringify(row))
  }
  const store = join(t.dataDir, 'evidence')
  const walk = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
      : []
  hash.update(walk(store).sort().join('\n'))
  return hash.digest('hex')
}

// ---------------------------------------------------------------------------------------------------------------
// Generators

/** Percent-encodes every byte, so any string (lone surrogates too) makes a URL. */
const encode = (s: string) =>
  [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('')

const edgeStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\uFEFF',
  '\u202E覆盖',
  '\u200B',
  '\uD800',
  '\uDFFF',
  '👩‍👩‍👧‍👦',
  'e\u0301',
  'Ａ１',
  '𠮷野家',
  '\r\n',
  '\t',
  "'; drop table items; --",
  '" or 1=1 --',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, meant literally
  '${jndi:ldap://x}',
  '{{7*7}}',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  '０',
  '١٢٣',
  '2018-02-30',
  '2018-13',
  '0000-00-00',
  '9999-12-31',
  'constructor',
  '__proto__',
)
const hugeStrings = fc.oneof(
  fc.integer({ min: 4_001, max: 120_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => '整改'.repeat(n)),
)
const strings = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  edgeStrings,
)
const badScalars = fc.oneof(
  { weight: 4, arbitrary: strings },
  { weight: 1, arbitrary: hugeStrings },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1.5, 2 ** 53, 2 ** 64, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [1, 2], { a: 1 }, [null]) },
)

/** Values a schema accepts or nearly does (edge strings within the limits, ids that may or may not exist). */
function plausibleOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 3) return fc.constant(null)
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => plausibleOf(s, depth + 1)))
  if (schema.enum) return fc.constantFrom(...schema.enum)
  if (schema.type === 'integer' || schema.type === 'number')
    return fc.integer({ min: Math.max(schema.minimum ?? -5, -5), max: Math.min(schema.maximum ?? 20, 20) })
  if (schema.type === 'boolean') return fc.boolean()
  if (schema.type === 'array') return fc.array(plausibleOf(schema.items ?? {}, depth + 1), { maxLength: 4 })
  if (schema.type === 'object') return bodyOf(schema, depth + 1)
  if (schema.pattern?.includes('\\d{4}-\\d{2}-\\d{2}'))
    return fc.constantFrom('2018-12-31', '2019-02-28', '2018-10-15', '2018-02-30', '2100-01-01')
  if (schema.pattern) return fc.constantFrom('2018-11', '2018-10', '2018-09', '2019-01')
  const max = Math.min(schema.maxLength ?? 30, 30)
  return fc.oneof(fc.string({ minLength: 1, maxLength: max }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }), edgeStrings)
}

/** A body for an object schema: required properties present, optional ones sometimes. */
function bodyOf(schema: Schema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? [])
  const properties = Object.entries(schema.properties ?? {})
  const record = fc.record(
    Object.fromEntries(
      properties.map(([name, s]) => [
        name,
        required.has(name) ? plausibleOf(s, depth) : fc.option(plausibleOf(s, depth), { nil: undefined }),
      ]),
    ),
  )
  return record.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)))
}

/** One thing wrong with an otherwise plausible body. */
function spoilBody(schema: Schema | null, body: Record<string, unknown>): fc.Arbitrary<unknown> {
  const names = Object.keys(schema?.properties ?? {})
  const spoilers: fc.Arbitrary<unknown>[] = [
    fc
      .tuple(
        fc.oneof(fc.constantFrom('id', 'status', 'version', 'role', 'accountId', 'createdAt', 'isAdmin'), fc.string({ maxLength: 12 })),
        badScalars,
      )
      .map(([k, v]) => ({ ...body, [k]: v })),
    fc.jsonValue({ maxDepth: 3 }),
  ]
  if (names.length > 0) {
    spoilers.push(fc.tuple(fc.constantFrom(...names), badScalars).map(([k, v]) => ({ ...body, [k]: v })))
    spoilers.push(fc.constantFrom(...names).map((k) => Object.fromEntries(Object.entries(body).filter(([name]) => name !== k))))
  }
  return fc.oneof(...spoilers)
}

const pathValues = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }).map(String) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '0',
      '-1',
      '1.5',
      '1e3',
      '0x1',
      '01',
      '+1',
      '9007199254740993',
      '99999999999999999999999999',
      'abc',
      'null',
      '%00',
      '%2e%2e%2f',
      '%2F',
      '..',
      '%E4%B8%AD',
      '%ED%A0%80',
      '%FF',
      '%',
      '%%',
      '1%20',
      '2018-12',
      '2018-02-30',
      '2018-13',
      '9999-99-99',
      'a'.repeat(300),
      '1'.repeat(250),
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(encode) },
  { weight: 1, arbitrary: edgeStrings.map(encode) },
)

const rawQueryValues = fc.oneof(
  badScalars.map((v) => encode(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'x'))),
  fc.constantFrom(
    '%',
    '%FF',
    '%ED%A0%80',
    '%00',
    'true',
    'false',
    '1',
    '0',
    '-1',
    'aTo1',
    'aToxMjM',
    'i:1',
    Buffer.from('i:99999999999999999999').toString('base64url'),
    Buffer.from('x:1').toString('base64url'),
  ),
)

function queryOf(parameters: Parameter[]): fc.Arbitrary<string> {
  const names = parameters.filter((p) => p.in === 'query').map((p) => p.name)
  const name = fc.oneof(
    { weight: 3, arbitrary: names.length > 0 ? fc.constantFrom(...names) : fc.constant('q') },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map(encode) },
  )
  return fc
    .array(fc.tuple(name, rawQueryValues), { maxLength: 5 })
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`))
}

const rawJsonBodies = fc.constantFrom(
  '{',
  '{"a":',
  '[',
  'null',
  '""',
  '0',
  'true',
  '\u0000',
  '{"a":1}{"b":2}',
  '['.repeat(3000) + ']'.repeat(3000),
  `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`,
  '{"comment":"\\ud800"}',
  '\uFEFF{}',
  '{"expectedVersion":1e400}',
  '{"__proto__":{"role":"admin"}}',
  '{"constructor":{"prototype":{"role":"admin"}}}',
  '{"action":"start","action":"close"}',
)

const boundary = '----hostile'
const brokenMultiparts = fc.constantFrom(
  '',
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n${pdf().toString('latin1')}`,
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 truncated`,
  `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nnot a file\r\n--${boundary}--\r\n`,
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../etc/passwd"\r\n\r\nroot:x:0:0\r\n--${boundary}--\r\n`,
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n\r\n--${boundary}--\r\n`,
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.pdf"\r\n\r\n%PDF\r\n--${boundary}--\r\n`,
  `--other\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF\r\n--other--\r\n`,
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n${`X-Long: ${'y'.repeat(20_000)}`}\r\n\r\n%PDF\r\n--${boundary}--\r\n`,
  `--${boundary}\r\nContent-Disposition: form-data; name="mode"\r\n\r\n${'z'.repeat(10_000)}\r\n--${boundary}--\r\n`,
  `--${boundary}--\r\n`,
  'garbage without any boundary',
)

const authorizations = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom('admin', 'supervisor', 'leader', 'lead', 'partner', 'outsider').map((role) => `Bearer ${tokens[role]}`),
  },
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'bearer x',
        'Basic dXNlcjpwYXNz',
        `Bearer ${'A'.repeat(5000)}`,
        'Token abc',
        'Bearer null',
        'Bearer ../../',
      ),
      fc
        .string({
          minLength: 20,
          maxLength: 128,
          unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')),
        })
        .map((s) => `Bearer ${s}`),
      fc.constantFrom('admin', 'supervisor', 'lead').map((role) => `Bearer ${tokens[role]}x`),
      fc.constantFrom('admin', 'supervisor', 'lead').map((role) => `Bearer  ${tokens[role]}`),
      fc.constantFrom('admin', 'supervisor', 'lead').map((role) => `bearer ${tokens[role]}`),
    ),
  },
)

const contentTypes = fc.constantFrom<string | undefined>(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  `multipart/form-data; boundary=${boundary}`,
  'multipart/form-data',
  'multipart/form-data; boundary=',
  `multipart/form-data; boundary=${'b'.repeat(300)}`,
  'multipart/mixed; boundary=x',
  'application/xml',
  undefined,
)

interface Shape {
  path: string
  query: string
  payload: { kind: 'json' | 'multipart'; text: string } | null
  authorization: string | undefined
  contentType: string | undefined
  ifMatch: string | undefined
}

const ifMatches = fc.constantFrom('"1"', '1', 'W/"1"', '*', '', 'abc', '"99999999999999999999"', '-1', '"0"', '"2"')
const json = (value: unknown) => ({ kind: 'json' as const, text: JSON.stringify(value) ?? 'null' })

/**
 * Half the requests are plausible in every part but one (a token, an id, a field, the content type …), so they
 * reach the service behind the checks that catch the crude ones; the other half are bad all over.
 */
function requestFor(op: Operation): fc.Arbitrary<InjectOptions> {
  const pathParams = op.parameters.filter((p) => p.in === 'path')
  const fill = (values: string[]) => pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, values[i]!), op.path)
  const plausiblePath = fc
    .tuple(
      ...pathParams.map((p) =>
        p.schema.type === 'integer' ? fc.integer({ min: 1, max: 6 }).map(String) : plausibleOf(p.schema).map((v) => encode(String(v))),
      ),
    )
    .map(fill)
  const badPath = fc.tuple(...pathParams.map(() => pathValues)).map(fill)
  const plausibleBody = op.jsonBody ? bodyOf(op.jsonBody) : fc.constant({})
  // Mostly a holder the route admits, so the request gets past the role check; sometimes anyone.
  const validToken = fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...(op.admitted.length > 0 ? op.admitted : Object.keys(HOLDERS))) },
      { weight: 1, arbitrary: fc.constantFrom(...Object.keys(HOLDERS)) },
    )
    .map((holder) => `Bearer ${tokens[holder]}`)

  const nearlyValid: fc.Arbitrary<Shape> = fc
    .record({
      path: plausiblePath,
      body: plausibleBody,
      authorization: validToken,
      ifMatch: fc.option(fc.constantFrom('"1"', '"2"', '"3"'), { nil: undefined }),
    })
    .chain((base) => {
      const shape: Shape = {
        path: base.path,
        query: '',
        payload: json(base.body),
        authorization: base.authorization,
        contentType: 'application/json',
        ifMatch: base.ifMatch,
      }
      const defects: fc.Arbitrary<Shape>[] = [
        fc.constant(shape),
        authorizations.map((authorization) => ({ ...shape, authorization })),
        badPath.map((path) => ({ ...shape, path })),
        queryOf(op.parameters).map((query) => ({ ...shape, query })),
        spoilBody(op.jsonBody, base.body).map((body) => ({ ...shape, payload: json(body) })),
        rawJsonBodies.map((text) => ({ ...shape, payload: { kind: 'json' as const, text } })),
        contentTypes.map((contentType) => ({ ...shape, contentType })),
        brokenMultiparts.map((text) => ({
          ...shape,
          payload: { kind: 'multipart' as const, text },
          contentType: `multipart/form-data; boundary=${boundary}`,
        })),
        ifMatches.map((ifMatch) => ({ ...shape, ifMatch })),
      ]
      return fc.oneof(...defects)
    })

  const badAllOver: fc.Arbitrary<Shape> = fc.record({
    path: fc.oneof(plausiblePath, badPath),
    query: queryOf(op.parameters),
    payload: fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .oneof(
            plausibleBody.chain((b) => spoilBody(op.jsonBody, b)),
            fc.jsonValue({ maxDepth: 3 }),
          )
          .map(json),
      },
      { weight: 2, arbitrary: rawJsonBodies.map((text) => ({ kind: 'json' as const, text })) },
      { weight: op.jsonBody ? 1 : 3, arbitrary: brokenMultiparts.map((text) => ({ kind: 'multipart' as const, text })) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    authorization: authorizations,
    contentType: fc.option(contentTypes, { nil: undefined, freq: 2 }),
    ifMatch: fc.option(ifMatches, { nil: undefined }),
  })

  return fc.oneof(nearlyValid, badAllOver).map(({ path, query, payload, authorization, contentType, ifMatch }) => {
    const headers: Record<string, string> = {}
    if (authorization !== undefined) headers.authorization = authorization
    if (ifMatch !== undefined) headers['if-match'] = ifMatch
    const sendsBody = op.method !== 'GET' && op.method !== 'DELETE' && payload !== null
    if (sendsBody) {
      const type = contentType ?? (payload.kind === 'multipart' ? `multipart/form-data; boundary=${boundary}` : 'application/json')
      headers['content-type'] = type
    }
    return {
      method: op.method as InjectOptions['method'],
      url: path + query,
      headers,
      ...(sendsBody ? { payload: Buffer.from(payload.text, payload.kind === 'multipart' ? 'latin1' : 'utf8') } : {}),
    }
  })
}

// ---------------------------------------------------------------------------------------------------------------

describe('hostile input on every route of the OpenAPI document', () => {
  it('the document lists the routes', () => {
    expect(operations.length).toBeGreaterThan(30)
  })

  // What the walk found first, pinned: busboy's errors used to reach the client as 500s, and an evidence upload
  // whose body ended inside the file part never got an answer at all.
  it.each([
    [
      'no boundary',
      'multipart/form-data',
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF\r\n--${boundary}--\r\n`,
    ],
    [
      'a body cut off inside the file',
      `multipart/form-data; boundary=${boundary}`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 cut`,
    ],
    ['a boundary too long to search for', `multipart/form-data; boundary=${'b'.repeat(300)}`, `--${'b'.repeat(300)}\r\n`],
  ])('a malformed multipart body (%s) is a 400 on both upload routes, and nothing is kept', async (_what, contentType, body) => {
    const before = fingerprint()
    for (const [url, holder] of [
      ['/api/v1/items/2/evidence', 'lead'],
      ['/api/v1/plans/1/import', 'admin'],
    ] as const) {
      const res = await Promise.race([
        t.app.inject({
          method: 'POST',
          url,
          headers: { authorization: `Bearer ${tokens[holder]}`, 'content-type': contentType },
          payload: Buffer.from(body, 'latin1'),
        }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer from ${url}`)), 5000)),
      ])
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400)
      expect(res.json()).toMatchObject({ code: 'MALFORMED_MULTIPART' })
    }
    expect(fingerprint()).toBe(before)
  })

  it('never a 5xx; a 4xx changes nothing; every JSON error has the one error shape', async () => {
    const failures: string[] = []
    for (const op of operations) {
      await fc
        .assert(
          fc.asyncProperty(requestFor(op), async (request) => {
            const before = fingerprint()
            let res: Awaited<ReturnType<typeof t.app.inject>>
            try {
              res = await t.app.inject(request)
            } catch (err) {
              // light-my-request refuses some header values itself (they could not be sent over HTTP anyway).
              if (err instanceof TypeError && /header/i.test(err.message)) return true
              throw err
            }
            inputsTried++
            statusCounts.set(res.statusCode, (statusCounts.get(res.statusCode) ?? 0) + 1)
            const where = `${request.method} ${String(request.url).slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`
            if (res.statusCode >= 500) throw new Error(`5xx: ${where}`)
            if (res.statusCode >= 400) {
              if (fingerprint() !== before) throw new Error(`a ${res.statusCode} changed the database or the evidence store: ${where}`)
              if (String(res.headers['content-type'] ?? '').startsWith('application/json')) {
                const body = res.json() as Record<string, unknown>
                const shaped =
                  body.statusCode === res.statusCode &&
                  typeof body.code === 'string' &&
                  typeof body.error === 'string' &&
                  typeof body.message === 'string'
                if (!shaped) throw new Error(`error not in the { statusCode, code, error, message } shape: ${where}`)
              }
            }
            return true
          }),
          { numRuns: RUNS_PER_OPERATION, endOnFailure: true },
        )
        .catch((err: Error) => failures.push(`${op.method} ${op.path}: ${err.message.split('\n').slice(0, 6).join(' | ').slice(0, 1500)}`))
    }
    expect(failures).toEqual([])
    expect(inputsTried).toBeGreaterThan(operations.length * RUNS_PER_OPERATION * 0.9)
  }, 240_000)
})
