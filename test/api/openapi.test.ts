import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { lintFromString, loadConfig } from '@redocly/openapi-core'
import ExcelJS from 'exceljs'
import Fastify from 'fastify'
import openapiTS, { astToString } from 'openapi-typescript'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docsPlugin } from '../../server/plugins/docs.ts'
import { operationIds } from '../../server/plugins/operation-ids.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { png } from '../helpers/files.ts'
import { workflowWorld } from '../helpers/workflow.ts'

interface Operation {
  operationId?: string
  security?: unknown[]
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>
}
interface Document {
  info: { license?: { name: string; url?: string } }
  servers?: { url: string }[]
  paths: Record<string, Record<string, Operation>>
}

const ROOT = resolve(import.meta.dirname, '../..')
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

let t: TestApp
let source: string
let doc: Document
beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-05T02:00:00.000Z' })
  const res = await t.app.inject('/docs/json')
  expect(res.statusCode).toBe(200)
  source = res.body
  doc = JSON.parse(source) as Document
})
afterAll(async () => t.close())

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  )
const op = (method: string, path: string) => doc.paths[path]![method]!

describe('the OpenAPI document', () => {
  it("passes Redocly's lint (the project's redocly.yaml: recommended rules) with no error and no warning", async () => {
    const config = await loadConfig({ configPath: join(ROOT, 'redocly.yaml') })
    const problems = await lintFromString({ source, absoluteRef: join(ROOT, 'openapi.json'), config })
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([])
    expect(doc.servers?.length).toBeGreaterThan(0)
  })

  it('names its licence, whose URL leads to the terms', async () => {
    expect(doc.info.license).toEqual({ name: expect.stringContaining('UNLICENSED'), url: '/docs/license' })
    const terms = await t.app.inject('/docs/license')
    expect(terms.statusCode).toBe(200)
    expect(terms.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(terms.body).toContain('All rights reserved')
  })

  it('the probes declare what they answer besides 200, and answer it: a malformed URL is 400 BAD_URL; a query string is ignored', async () => {
    expect(Object.keys(op('get', '/healthz').responses)).toEqual(['200', '400'])
    expect(Object.keys(op('get', '/readyz').responses)).toEqual(['200', '400', '503'])
    for (const url of ['/healthz%E0', '/readyz%E0', '/api/v1/items/%E0']) {
      const res = await t.app.inject(url)
      expect(res.statusCode, url).toBe(400)
      expect(res.json(), url).toEqual({ statusCode: 400, code: 'BAD_URL', error: 'Bad Request', message: 'The URL is malformed' })
    }
    const long = await t.app.inject(`/api/v1/items/${'1'.repeat(250)}`)
    expect(long.statusCode).toBe(414)
    expect(long.json()).toEqual({
      statusCode: 414,
      code: 'URI_TOO_LONG',
      error: 'URI Too Long',
      message: 'A part of the path is longer than allowed',
    })
    // A monitor's cache-buster changes nothing: 200 while the process runs (API.md).
    expect((await t.app.inject('/healthz?t=1733100000')).json()).toEqual({ status: 'ok' })
    expect((await t.app.inject('/readyz?verbose')).json()).toEqual({ status: 'ready' })
  })

  it('gives every operation a unique camelCase operationId from the table, and the table names no route that is gone', () => {
    const ids = operations().map(({ op }) => op.operationId)
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/)
    expect(new Set(ids).size).toBe(ids.length)
    const documented = new Set(operations().map(({ method, path }) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
    expect(Object.keys(operationIds).filter((key) => !documented.has(key))).toEqual([])
    expect(op('post', '/api/v1/items/{itemId}/evidence').operationId).toBe('uploadEvidence')
  })

  it('describes every response by what it means, and every operation declares its 4xx answers', () => {
    for (const { method, path, op: operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.description, `${method} ${path} ${status}`).not.toBe('Default Response')
      }
      expect(
        Object.keys(operation.responses).some((s) => s.startsWith('4')),
        `${method} ${path}`,
      ).toBe(true)
    }
    expect(op('get', '/api/v1/items/{itemId}').responses['404']!.description).toMatch(/may not see/)
    // Public routes ask for no token, so they neither declare bearer security nor a 401.
    expect(op('get', '/api/v1/public/plans').security).toEqual([])
    expect(op('get', '/api/v1/public/plans').responses['401']).toBeUndefined()
  })

  it('declares the uploads as multipart forms with a binary file', () => {
    for (const path of ['/api/v1/items/{itemId}/evidence', '/api/v1/plans/{planId}/import']) {
      const form = op('post', path).requestBody?.content['multipart/form-data']?.schema
      expect(form, path).toMatchObject({ type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } })
    }
  })

  it("declares each response's real media types: the bulletin's three formats, evidence as its own binary types, errors as JSON", () => {
    const bulletin = op('get', '/api/v1/plans/{planId}/bulletins/{period}').responses
    expect(Object.keys(bulletin['200']!.content!)).toEqual(['application/json', 'text/html', XLSX])
    expect(bulletin['200']!.content![XLSX]!.schema).toMatchObject({ type: 'string', format: 'binary' })
    expect(Object.keys(bulletin['404']!.content!)).toEqual(['application/json'])

    const content = op('get', '/api/v1/evidence/{evidenceId}/content').responses
    expect(Object.keys(content['200']!.content!).sort()).toEqual(
      [
        'application/pdf',
        'image/jpeg',
        'image/png',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        XLSX,
      ].sort(),
    )
    for (const media of Object.values(content['200']!.content!)) expect(media.schema).toEqual({ type: 'string', format: 'binary' })
    expect(Object.keys(content['404']!.content!)).toEqual(['application/json'])

    const exported = op('get', '/api/v1/plans/{planId}/export').responses
    expect(Object.keys(exported['200']!.content!)).toEqual([XLSX])
    for (const status of ['400', '401', '403', '404']) expect(Object.keys(exported[status]!.content!), status).toEqual(['application/json'])

    expect(Object.keys(op('get', '/api/v1/supervisions/{supervisionId}').responses['200']!.content!)).toEqual([
      'application/json',
      'text/html',
    ])
  })

  it('refuses to start with a documented route that has no operationId', async () => {
    const app = Fastify({ logger: false })
    await app.register(docsPlugin)
    await expect(
      app.register(async (scope) => {
        scope.get('/api/v1/new-thing', { schema: { summary: 'Something new' } }, async () => ({}))
      }),
    ).rejects.toThrow(/GET \/api\/v1\/new-thing has no operationId/)
    await app.close()
  })
})

// A client written by nobody here: types generated from the document, a program type-checked against them, then run.
const CLIENT_PROGRAM = `
import createClient from 'openapi-fetch'
import type { paths } from './schema.ts'

export async function useTheApi(baseUrl: string, token: string, itemId: number, planId: number, file: Blob) {
  // JSON is what the program reads by default; the page and the workbook are asked for with parseAs.
  const client = createClient<paths, 'application/json'>({ baseUrl, headers: { authorization: \`Bearer \${token}\` } })
  const uploaded = await client.POST('/api/v1/items/{itemId}/evidence', {
    params: { path: { itemId } },
    body: { file },
    bodySerializer: (body) => {
      const form = new FormData()
      form.append('file', body.file, '现场照片.png')
      return form
    },
  })
  const evidenceId: number | undefined = uploaded.data?.id
  const bulletin = await client.GET('/api/v1/plans/{planId}/bulletins/{period}', { params: { path: { planId, period: '2018-10' } } })
  const period: string | undefined = bulletin.data?.period
  const page = await client.GET('/api/v1/plans/{planId}/bulletins/{period}', {
    params: { path: { planId, period: '2018-10' }, query: { format: 'html' } },
    parseAs: 'text',
  })
  const html: string | undefined = page.data
  const workbook = await client.GET('/api/v1/plans/{planId}/bulletins/{period}', {
    params: { path: { planId, period: '2018-10' }, query: { format: 'xlsx' } },
    parseAs: 'arrayBuffer',
  })
  const missing = await client.GET('/api/v1/plans/{planId}/bulletins/{period}', { params: { path: { planId, period: '2018-09' } } })
  const code: string | undefined = missing.error?.code
  return {
    upload: { status: uploaded.response.status, evidenceId, fileName: uploaded.data?.fileName },
    bulletin: { status: bulletin.response.status, period },
    page: { status: page.response.status, type: page.response.headers.get('content-type'), html },
    workbook: { status: workbook.response.status, bytes: workbook.data, disposition: workbook.response.headers.get('content-disposition') },
    missing: { status: missing.response.status, code },
  }
}
`

/** What the generated program's function returns (it is imported at run time, so the test spells its type out). */
type UseTheApi = (
  baseUrl: string,
  token: string,
  itemId: number,
  planId: number,
  file: Blob,
) => Promise<{
  upload: { status: number; evidenceId: number | undefined; fileName: string | undefined }
  bulletin: { status: number; period: string | undefined }
  page: { status: number; type: string | null; html: string | undefined }
  workbook: { status: number; bytes: ArrayBuffer | undefined; disposition: string | null }
  missing: { status: number; code: string | undefined }
}>

function typeErrors(dir: string, files: string[]): string[] {
  const program = ts.createProgram(
    files.map((f) => join(dir, f)),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
    },
  )
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

describe('a client generated from the document (openapi-typescript + openapi-fetch)', () => {
  let dir: string
  beforeAll(async () => {
    mkdirSync(join(ROOT, 'tmp'), { recursive: true })
    // Under the project, so the program resolves openapi-fetch from its node_modules.
    dir = mkdtempSync(join(ROOT, 'tmp', 'openapi-client-'))
    const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0], {
      // A binary field or body is a Blob to the program (openapi-typescript's documented transform for uploads).
      transform: (schema) => (schema.format === 'binary' ? ts.factory.createTypeReferenceNode('Blob') : undefined),
    })
    writeFileSync(join(dir, 'schema.ts'), astToString(ast))
    writeFileSync(join(dir, 'client.ts'), CLIENT_PROGRAM)
  }, 60_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('type-checks a program that uploads evidence and asks for the bulletin as JSON, HTML and xlsx', () => {
    expect(typeErrors(dir, ['client.ts'])).toEqual([])
  }, 60_000)

  it('and the types are strict enough to refuse a format the API does not serve or an upload without its file', () => {
    writeFileSync(
      join(dir, 'wrong.ts'),
      `import createClient from 'openapi-fetch'
import type { paths } from './schema.ts'
const client = createClient<paths>({ baseUrl: 'http://x' })
void client.GET('/api/v1/plans/{planId}/bulletins/{period}', { params: { path: { planId: 1, period: '2018-10' }, query: { format: 'pdf' } } })
void client.POST('/api/v1/items/{itemId}/evidence', { params: { path: { itemId: 1 } }, body: {} })
`,
    )
    const errors = typeErrors(dir, ['wrong.ts'])
    expect(errors.some((e) => e.includes('"pdf"'))).toBe(true)
    expect(errors.some((e) => e.includes("'file'"))).toBe(true)
  }, 60_000)

  it('runs against the service: the upload, the JSON, the page and the workbook all come back as declared', async () => {
    const w = workflowWorld(t.app)
    const item = await w.itemIn('in_progress', { code: '9-1', deadline: '2018-10-20' })
    t.clock.set('2018-11-03T02:00:00.000Z')
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/plans/${w.plan.id}/bulletins`,
          payload: { period: '2018-10' },
          headers: { authorization: `Bearer ${w.tokens.supervisor}` },
        })
      ).statusCode,
    ).toBe(201)
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' })

    const { useTheApi } = (await import(pathToFileURL(join(dir, 'client.ts')).href)) as { useTheApi: UseTheApi }
    const result = await useTheApi(address, w.tokens.lead, item.id, w.plan.id, new Blob([await png()], { type: 'image/png' }))

    expect(result.upload).toMatchObject({ status: 201, fileName: '现场照片.png' })
    expect(result.upload.evidenceId).toBeGreaterThan(0)
    expect(result.bulletin).toEqual({ status: 200, period: '2018-10' })
    expect(result.page.status).toBe(200)
    expect(result.page.type).toContain('text/html')
    expect(result.page.html).toContain('测试整改方案')
    expect(result.workbook.status).toBe(200)
    expect(result.workbook.disposition).toContain(`filename="bulletin-plan${w.plan.id}-2018-10.xlsx"`)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(result.workbook.bytes as ArrayBuffer)
    expect(workbook.worksheets.length).toBeGreaterThan(1)
    expect(result.missing).toEqual({ status: 404, code: 'BULLETIN_NOT_FOUND' })
  }, 60_000)
})
