import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Role } from '../../server/domain/actors.ts'

export const ORIGIN = 'http://localhost:80'
export const PASSWORD = 'correct-horse-battery'

let seq = 0

/** An account that can sign in to the workbench (through the same service `npm run account` uses). */
export async function webAccount(app: FastifyInstance, role: Role, unitId: number | null = null, name = `${role}-web-${++seq}`) {
  const login = `${role}${++seq}`
  const { account } = await app.services.signIn.setPassword({ login, password: PASSWORD, role, name, unitId })
  return { login, password: PASSWORD, account }
}

/** The value of the first `name="_csrf"` field on a page. */
/** An item page's transition form as the page posts it: the action, the version the page showed, and its comment. */
export function transitionFields(action: string, version: number, comment?: string): Record<string, string> {
  return { action, expectedVersion: String(version), ...(comment === undefined ? {} : { [`comment-${action}`]: comment }) }
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!match) throw new Error('no CSRF field on the page')
  return match[1]!
}

function cookiesFrom(res: LightMyRequestResponse): Record<string, string> {
  const jar: Record<string, string> = {}
  for (const c of res.cookies as { name: string; value: string }[]) jar[c.name] = c.value
  return jar
}

/** A browser of sorts: keeps cookies, sends this site's Origin on POSTs, and reads the CSRF token from pages. */
export function browser(app: FastifyInstance) {
  const jar: Record<string, string> = {}
  const cookieHeader = () =>
    Object.entries(jar)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${v}`)
      .join('; ')
  const keep = (res: LightMyRequestResponse) => {
    Object.assign(jar, cookiesFrom(res))
    return res
  }
  let csrf = ''
  const api = {
    jar,
    get csrf() {
      return csrf
    },
    async get(url: string) {
      const res = keep(await app.inject({ method: 'GET', url, headers: { cookie: cookieHeader() } }))
      const m = /name="_csrf" value="([^"]+)"/.exec(res.body)
      if (m) csrf = m[1]!
      return res
    },
    /** Posts a form; `_csrf` is the last page's token unless the fields say otherwise (null: none sent). */
    async post(url: string, fields: Record<string, string | string[] | null> = {}, headers: Record<string, string> = { origin: ORIGIN }) {
      const params = new URLSearchParams()
      if (!('_csrf' in fields)) params.append('_csrf', csrf)
      for (const [k, v] of Object.entries(fields)) {
        if (v === null) continue
        for (const one of [v].flat()) params.append(k, one)
      }
      return keep(
        await app.inject({
          method: 'POST',
          url,
          payload: params.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(), host: 'localhost:80', ...headers },
        }),
      )
    },
    async postRaw(url: string, payload: string | Buffer, headers: Record<string, string>) {
      return keep(
        await app.inject({
          method: 'POST',
          url,
          payload,
          headers: { cookie: cookieHeader(), host: 'localhost:80', origin: ORIGIN, ...headers },
        }),
      )
    },
    async signIn(login: string, password: string) {
      await api.get('/login')
      return api.post('/login', { login, password, next: '/' })
    },
  }
  return api
}

/** A multipart form body: fields first (the CSRF token), then files, as a browser sends the upload form. */
export function multipartForm(fields: Record<string, string>, files: { name: string; content: Buffer; field?: string }[]) {
  const boundary = `----workbench${Math.random().toString(16).slice(2)}`
  const chunks: Buffer[] = []
  for (const [k, v] of Object.entries(fields))
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`, 'utf8'))
  for (const f of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'files'}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        'utf8',
      ),
    )
    chunks.push(f.content, Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}
