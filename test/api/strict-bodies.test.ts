import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { roleMay, type Permission } from '../../server/modules/auth/permissions.ts'
import type { Role } from '../../server/domain/actors.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { databaseSnapshot } from '../helpers/snapshot.ts'

// A JSON body field of the wrong type is a 400 naming the field and changes nothing, on every route that takes
// JSON: the routes come from the app's own catalogue, their fields from the declared schemas, and for each field a
// body that is valid but for that one field is sent with a value of another type (a number where text is declared,
// text where a number, a boolean, a list or an object is), the field being a top-level one, a list's item or a nested
// object's property (`categories[0]`). Query strings and path parameters are still read from text.

type Schema = Record<string, unknown>

let t: TestApp
let tokens: Record<Role, string>

beforeAll(async () => {
  t = await createTestApp()
  const f = factories(t.app)
  const unit = f.unit('区生态环境局')
  tokens = { admin: f.token('admin'), supervisor: f.token('supervisor'), leader: f.token('leader'), unit: f.token('unit', unit.id) }
})
afterAll(async () => t.close())

function resolve(schema: Schema): Schema {
  const ref = schema.$ref
  if (typeof ref !== 'string') return schema
  const found = t.app.getSchema(ref.replace(/#$/, '')) as Schema | undefined
  if (!found) throw new Error(`unresolved schema ${ref}`)
  return resolve(found)
}

/** The branches of a union (anyOf/oneOf), or the schema itself. */
const branches = (schema: Schema): Schema[] => ((schema.anyOf ?? schema.oneOf) as Schema[] | undefined)?.map(resolve) ?? [schema]
const isNull = (schema: Schema) => schema.type === 'null'

// Texts that match the patterns the API declares (months, days, codes); a pattern none of them matches fails below.
const PATTERN_SAMPLES = [
  '2026-11',
  '2026-11-30',
  '2026-11-30T08:00:00+08:00',
  'abc',
  'A1',
  '1',
  '区生态环境局',
  'https://example.org/hook',
  'a@example.org',
]

/** A value the schema accepts. */
function validValue(raw: Schema, path: string): unknown {
  const schema = resolve(raw)
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum)) return schema.enum[0]
  const options = branches(schema).filter((b) => !isNull(b))
  if (options.length > 1 || options[0] !== schema) return validValue(options[0]!, path)
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((x) => x !== 'null') : schema.type
  switch (type) {
    case 'string': {
      const format = schema.format
      if (format === 'date') return '2026-11-30'
      if (format === 'date-time') return '2026-11-30T08:00:00+08:00'
      if (format === 'email') return 'a@example.org'
      if (format === 'uri' || format === 'url') return 'https://example.org/hook'
      const min = (schema.minLength as number | undefined) ?? 1
      if (typeof schema.pattern === 'string') {
        const re = new RegExp(schema.pattern, 'u')
        const sample = PATTERN_SAMPLES.find((s) => re.test(s) && s.length >= min)
        if (sample === undefined) throw new Error(`no sample text for ${path} matches /${schema.pattern}/`)
        return sample
      }
      return '测'.repeat(Math.max(1, min))
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum as number | undefined
      const exclusive = schema.exclusiveMinimum as number | undefined
      return exclusive !== undefined
        ? exclusive + 1
        : Math.max(min ?? 1, 1) <= ((schema.maximum as number | undefined) ?? Infinity)
          ? Math.max(min ?? 1, 1)
          : min
    }
    case 'boolean':
      return true
    case 'array': {
      const count = (schema.minItems as number | undefined) ?? 0
      return Array.from({ length: count }, (_, i) => {
        const item = validValue((schema.items as Schema) ?? {}, `${path}[${i}]`)
        return typeof item === 'number' ? item + i : item
      })
    }
    case 'object': {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {}
      const required = (schema.required as string[] | undefined) ?? []
      const min = (schema.minProperties as number | undefined) ?? 0
      const names = [...required, ...Object.keys(properties).filter((k) => !required.includes(k))].slice(0, Math.max(required.length, min))
      return Object.fromEntries(names.map((name) => [name, validValue(properties[name]!, `${path}.${name}`)]))
    }
    default:
      throw new Error(`no value for ${path} (${JSON.stringify(schema)})`)
  }
}

/** A value of another JSON type than every type the schema allows (null excepted when it is allowed). */
function wrongTypeValue(raw: Schema): unknown {
  const schema = resolve(raw)
  const types = new Set<string>()
  for (const branch of branches(schema)) {
    if ('const' in branch) types.add(typeof branch.const === 'number' ? 'number' : typeof branch.const)
    else if (Array.isArray(branch.enum)) for (const v of branch.enum) types.add(typeof v)
    else for (const type of [branch.type].flat()) if (typeof type === 'string') types.add(type)
  }
  // Text where a number, a boolean, a list or an object is declared: the text a converting validator would accept.
  if (types.has('integer') || types.has('number')) return '1'
  if (types.has('boolean')) return 'true'
  if (types.has('array') || types.has('object')) return '1'
  // A number where text is declared: a converting validator would take it as '12345'.
  return 12345
}

interface Case {
  route: string
  method: string
  url: string
  token: string | undefined
  body: Record<string, unknown>
  field: string
  wrong: unknown
}

function jsonBodySchema(body: unknown): Schema | null {
  if (!body || typeof body !== 'object') return null
  const content = (body as { content?: Record<string, { schema: Schema }> }).content
  if (content) {
    const json = Object.entries(content).find(([type]) => /\bjson\b/i.test(type))
    return json ? resolve(json[1].schema) : null
  }
  return resolve(body as Schema)
}

function tokenFor(permission: Permission | null): string | undefined {
  if (permission === null) return undefined
  const role = (['admin', 'supervisor', 'unit', 'leader'] as Role[]).find((r) => roleMay(r, permission))
  if (!role) throw new Error(`no role may ${permission}`)
  return tokens[role]
}

/** The branch of a union `validValue` takes (the first that is not null: `Nullable(X)` is `anyOf [X, null]`). */
function chosenBranch(raw: Schema): Schema {
  const schema = resolve(raw)
  return branches(schema).find((b) => !isNull(b)) ?? schema
}

/**
 * Valid values of `raw` but for one field anywhere inside it of the wrong type: each property of an object, the
 * first item of a list, and in turn their own properties and items (`categories[0]`, `entries[0].date`).
 */
function wrongTypeVariants(raw: Schema, path: string): { value: unknown; field: string; wrong: unknown }[] {
  const schema = chosenBranch(raw)
  const out: { value: unknown; field: string; wrong: unknown }[] = []
  if (schema.type === 'object' && schema.properties) {
    const base = validValue(schema, path || 'body') as Record<string, unknown>
    for (const [name, property] of Object.entries(schema.properties as Record<string, Schema>)) {
      const field = path ? `${path}.${name}` : name
      const wrong = wrongTypeValue(property)
      out.push({ value: { ...base, [name]: wrong }, field, wrong })
      for (const inner of wrongTypeVariants(property, field)) out.push({ ...inner, value: { ...base, [name]: inner.value } })
    }
  } else if (schema.type === 'array' && schema.items && ((schema.maxItems as number | undefined) ?? 1) >= 1) {
    const items = validValue(schema, path) as unknown[]
    const rest = items.slice(1)
    const field = `${path}[0]`
    const wrong = wrongTypeValue(schema.items as Schema)
    out.push({ value: [wrong, ...rest], field, wrong })
    for (const inner of wrongTypeVariants(schema.items as Schema, field)) out.push({ ...inner, value: [inner.value, ...rest] })
  }
  return out
}

function cases(): Case[] {
  const out: Case[] = []
  // JSON lives under /api/ (the contract); the pages' forms post text (application/x-www-form-urlencoded).
  for (const route of t.app.routeCatalog.filter((r) => r.url.startsWith('/api/'))) {
    const schema = jsonBodySchema(route.body)
    if (schema?.type !== 'object') continue
    const url = route.url.replace(/:(\w+)/g, (_m, name: string) => (name === 'period' ? '2026-10' : name === 'date' ? '2026-10-01' : '1'))
    for (const variant of wrongTypeVariants(schema, '')) {
      out.push({
        route: `${route.method} ${route.url}`,
        method: route.method,
        url,
        token: tokenFor(route.permission),
        body: variant.value as Record<string, unknown>,
        field: variant.field,
        wrong: variant.wrong,
      })
    }
  }
  return out
}

describe('strict JSON bodies', () => {
  it('walks every route that takes JSON, and every field it declares', () => {
    const all = cases()
    const routes = new Set(all.map((c) => c.route))
    // Not a vacuous walk: the routes named in the API contract that take JSON are among them.
    for (const route of [
      'POST /api/v1/units',
      'POST /api/v1/plans',
      'POST /api/v1/plans/:planId/items',
      'PATCH /api/v1/items/:itemId',
      'POST /api/v1/items/:itemId/transitions',
      'POST /api/v1/items/:itemId/progress-reports',
      'POST /api/v1/items/:itemId/extensions',
      'POST /api/v1/plans/:planId/bulletins',
      'POST /api/v1/case-leads',
      'POST /api/v1/public/items/:itemId/objections',
    ]) {
      expect(routes.has(route), route).toBe(true)
    }
    expect(all.length).toBeGreaterThan(40)
    // Inside lists and nested objects too, not only the top-level fields.
    const fields = new Set(all.map((c) => `${c.route} ${c.field}`))
    for (const nested of [
      'POST /api/v1/plans/:planId/items responsibleUnitIds[0]',
      'PATCH /api/v1/items/:itemId responsibleUnitIds[0]',
      'POST /api/v1/plans categories[0]',
    ]) {
      expect(fields.has(nested), nested).toBe(true)
    }
  })

  it('refuses a wrong-type value of each field with a 400 naming the field, and changes nothing', async () => {
    const failures: string[] = []
    for (const c of cases()) {
      const before = databaseSnapshot(t.database.sqlite)
      const res = await t.app.inject({
        method: c.method as 'POST',
        url: c.url,
        payload: c.body,
        headers: { ...(c.token ? { authorization: `Bearer ${c.token}` } : {}), 'if-match': '"1"' },
      })
      const body = res.json() as { code?: string; message?: string }
      const named = typeof body.message === 'string' && body.message.includes(`body.${c.field} `)
      if (res.statusCode !== 400 || body.code !== 'VALIDATION_FAILED' || !named) {
        failures.push(`${c.route} ${c.field}=${JSON.stringify(c.wrong)}: ${res.statusCode} ${res.body}`)
      }
      expect(databaseSnapshot(t.database.sqlite), `${c.route} ${c.field}`).toEqual(before)
    }
    expect(failures).toEqual([])
  })

  it('still takes a valid body, and still reads numbers and booleans from query strings and paths', async () => {
    const created = await as(t.app, tokens.admin).post('/api/v1/units', { name: '区水务局' })
    expect(created.statusCode, created.body).toBe(201)
    const list = await as(t.app, tokens.admin).get('/api/v1/items?limit=5&overdue=false')
    expect(list.statusCode, list.body).toBe(200)
    // The same number as text in a body is refused, not converted.
    const plan = await as(t.app, tokens.admin).post('/api/v1/plans', { title: '测试', issuedBy: '区政府', categories: ['一'] })
    expect(plan.statusCode, plan.body).toBe(201)
    const item = await as(t.app, tokens.admin).post(`/api/v1/plans/${plan.json().id}/items`, {
      code: '1',
      category: '一',
      problem: 'p',
      target: 't',
      measures: 'm',
      leadUnitId: String(created.json().id),
      deadlineKind: 'immediate',
    })
    expect(item.statusCode).toBe(400)
    expect(item.json().message).toContain('body.leadUnitId')
  })
})
