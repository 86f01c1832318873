import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseFile, openDatabase } from '../../db/client.ts'
import { buildApp } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'
import { fixedClock } from '../../server/lib/time.ts'
import { createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { browser, ORIGIN, PASSWORD, webAccount } from '../helpers/web.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
})
afterAll(async () => t.close())

describe('signing in', () => {
  it('signed out, / redirects to /login, whose form has 用户名, 密码 and 登录', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/login?next=%2F')
    const login = await t.app.inject({ method: 'GET', url: '/login' })
    expect(login.statusCode).toBe(200)
    expect(login.body).toMatch(/<label for="f-login">用户名<\/label>/)
    expect(login.body).toMatch(/<label for="f-password">密码<\/label>/)
    expect(login.body).toContain('<button type="submit">登录</button>')
  })

  it('a right password sets an HttpOnly SameSite=Lax session cookie and goes where the person was going', async () => {
    const { login } = await webAccount(t.app, 'leader')
    const b = browser(t.app)
    await b.get('/login?next=%2Fitems%3Fstatus%3Dclosed')
    const res = await b.post('/login', { login, password: PASSWORD, next: '/items?status=closed' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/items?status=closed')
    const cookie = [res.headers['set-cookie']].flat().find((c) => c!.startsWith('zg_session='))!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).not.toMatch(/Secure/)
    expect((await b.get('/')).statusCode).toBe(200)
  })

  it('never redirects elsewhere after signing in', async () => {
    const { login } = await webAccount(t.app, 'leader')
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const b = browser(t.app)
      await b.get('/login')
      const res = await b.post('/login', { login, password: PASSWORD, next })
      expect(res.headers.location, next).toBe('/')
    }
  })

  it('a wrong password or an unknown login: the form again, 401, the same message', async () => {
    const { login } = await webAccount(t.app, 'leader')
    const b = browser(t.app)
    await b.get('/login')
    const wrong = await b.post('/login', { login, password: 'not-the-password' })
    await b.get('/login')
    const unknown = await b.post('/login', { login: 'nobody-here', password: 'not-the-password' })
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401)
      expect(res.body).toContain('用户名或密码不正确')
      expect(res.body).toContain('name="password"')
      expect(String(res.headers['set-cookie'] ?? '')).not.toContain('zg_session=')
    }
  })

  it('repeated failures for one login are slowed, then locked (429), for existing and unknown logins alike', async () => {
    const { login } = await webAccount(t.app, 'unit', factories(t.app).unit().id)
    for (const name of [login, 'ghost-login']) {
      const b = browser(t.app)
      const attempt = async (password: string) => {
        await b.get('/login')
        return b.post('/login', { login: name, password })
      }
      for (let i = 0; i < 3; i++) expect((await attempt('wrong-password')).statusCode).toBe(401)
      const slowed = await attempt(PASSWORD)
      expect(slowed.statusCode).toBe(429)
      expect(slowed.headers['retry-after']).toBe('5')
      expect(slowed.body).toContain('请5秒后再试')
      t.clock.advanceMs(5_000)
      for (let i = 0; i < 3; i++) {
        expect((await attempt('wrong-password')).statusCode).toBe(401)
        t.clock.advanceMs(60_000)
      }
      const locked = await attempt(PASSWORD)
      expect(locked.statusCode).toBe(429)
      expect(locked.body).toContain('分钟后再试')
      t.clock.advanceMs(15 * 60_000)
      const after = await attempt(PASSWORD)
      expect(after.statusCode).toBe(name === login ? 303 : 401)
    }
  })
})

describe('guessing in parallel', () => {
  it('guesses sent at once are counted before any is checked: only 3 are checked, the right one among them is refused', async () => {
    const { login } = await webAccount(t.app, 'unit', factories(t.app).unit('并发猜测单位').id)
    for (const name of [login, 'ghost-parallel']) {
      const b = browser(t.app)
      await b.get('/login')
      // As the audit sent them: 20 at once, the right password 18th.
      const passwords = Array.from({ length: 20 }, (_, i) => (i === 17 ? PASSWORD : `wrong-password-${i}`))
      const answers = await Promise.all(passwords.map((password) => b.post('/login', { login: name, password })))
      const checked = answers.filter((res) => res.statusCode !== 429)
      expect(checked.map((res) => res.statusCode)).toEqual([401, 401, 401])
      expect(answers[17]!.statusCode).toBe(429)
      expect(answers[17]!.body).toContain('请5秒后再试')
      for (const res of answers) expect(String(res.headers['set-cookie'] ?? '')).not.toContain('zg_session=')
      // The three count as failures: after the wait one more guess is checked, and the next waits longer.
      t.clock.advanceMs(5_000)
      await b.get('/login')
      const again = await Promise.all([
        b.post('/login', { login: name, password: 'wrong-again' }),
        b.post('/login', { login: name, password: PASSWORD }),
      ])
      expect(again.map((res) => res.statusCode)).toEqual([401, 429])
      expect(again[1]!.body).toContain('请10秒后再试')
      t.clock.advanceMs(10_000)
      const after = await b.signIn(name, PASSWORD)
      expect(after.statusCode).toBe(name === login ? 303 : 401)
      t.clock.advanceMs(15 * 60_000)
    }
  })

  it(`one client address gets LOGIN_ATTEMPTS_PER_MINUTE sign-in attempts a minute, whatever logins it names (429 in Chinese)`, async () => {
    const limited = await createTestApp({ env: { LOGIN_ATTEMPTS_PER_MINUTE: '5' } })
    try {
      const { login } = await webAccount(limited.app, 'leader')
      const b = browser(limited.app)
      await b.get('/login')
      // Spraying: one guess at each of eight logins, all at once.
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => b.post('/login', { login: `someone-${i}`, password: 'guessed-password' })),
      )
      expect(answers.filter((res) => res.statusCode === 401)).toHaveLength(5)
      const refused = answers.filter((res) => res.statusCode === 429)
      expect(refused).toHaveLength(3)
      for (const res of refused) {
        expect(res.headers['content-type']).toMatch(/^text\/html/)
        expect(res.body).toContain('来自您所在网络的登录尝试过多')
        expect(res.body).toContain('请1分钟后再试')
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
        expect(res.body).toContain('<button type="submit">登录</button>')
      }
      // The right password of a real login is refused too from this address, and nothing is checked.
      await b.get('/login')
      const right = await b.post('/login', { login, password: PASSWORD })
      expect(right.statusCode).toBe(429)
      expect(String(right.headers['set-cookie'] ?? '')).not.toContain('zg_session=')
      // Another address is not held back by this one.
      const page = await limited.app.inject({ method: 'GET', url: '/login', remoteAddress: '10.1.2.3' })
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
      const elsewhere = await limited.app.inject({
        method: 'POST',
        url: '/login',
        remoteAddress: '10.1.2.3',
        payload: new URLSearchParams({ _csrf: csrf, login, password: PASSWORD, next: '/' }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `zg_login_csrf=${page.cookies.find((c) => c.name === 'zg_login_csrf')!.value}`,
          host: 'localhost:80',
          origin: ORIGIN,
        },
      })
      expect(elsewhere.statusCode).toBe(303)
      // GET /login is not limited: the form still opens.
      expect((await b.get('/login')).statusCode).toBe(200)
    } finally {
      await limited.close()
    }
    expect(() => loadConfig({ LOGIN_ATTEMPTS_PER_MINUTE: '0' })).toThrow(/LOGIN_ATTEMPTS_PER_MINUTE/)
  })
})

describe('sessions', () => {
  it('signing out ends the session on the server: the old cookie no longer opens a page', async () => {
    const { login } = await webAccount(t.app, 'leader')
    const b = browser(t.app)
    await b.signIn(login, PASSWORD)
    const stolen = b.jar.zg_session!
    await b.get('/')
    const out = await b.post('/logout', {})
    expect(out.statusCode).toBe(303)
    expect(out.headers.location).toBe('/login?msg=signed-out')
    const replay = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: `zg_session=${stolen}` } })
    expect(replay.statusCode).toBe(303)
    expect(replay.headers.location).toBe('/login?next=%2F')
  })

  it(`ends after SESSION_IDLE_MINUTES unused (default 480), not while in use`, async () => {
    const { login } = await webAccount(t.app, 'leader')
    const b = browser(t.app)
    await b.signIn(login, PASSWORD)
    t.clock.advanceMs(479 * 60_000)
    expect((await b.get('/')).statusCode).toBe(200)
    t.clock.advanceMs(479 * 60_000)
    expect((await b.get('/')).statusCode).toBe(200)
    t.clock.advanceMs(480 * 60_000)
    expect((await b.get('/')).statusCode).toBe(303)
  })

  it('ends at its absolute lifetime however much it is used', async () => {
    const { login } = await webAccount(t.app, 'leader')
    const b = browser(t.app)
    await b.signIn(login, PASSWORD)
    for (let hour = 1; hour < 24; hour++) {
      t.clock.advanceMs(60 * 60_000)
      expect((await b.get('/')).statusCode, `hour ${hour}`).toBe(200)
    }
    t.clock.advanceMs(60 * 60_000)
    expect((await b.get('/')).statusCode).toBe(303)
  })

  it('survives a restart: a new app on the same database knows the session', async () => {
    const { login } = await webAccount(t.app, 'leader')
    const b = browser(t.app)
    await b.signIn(login, PASSWORD)
    const again = await buildApp({ config: t.config, database: t.database, clock: t.clock, logger: pino({ level: 'silent' }) })
    const res = await again.inject({ method: 'GET', url: '/', headers: { cookie: `zg_session=${b.jar.zg_session}` } })
    expect(res.statusCode).toBe(200)
    await again.close()
  })

  it('COOKIE_SECURE=true marks the cookie Secure', async () => {
    const secure = await createTestApp({ env: { COOKIE_SECURE: 'true' } })
    try {
      const { login } = await webAccount(secure.app, 'leader')
      const b = browser(secure.app)
      const res = await b.signIn(login, PASSWORD)
      expect([res.headers['set-cookie']].flat().find((c) => c!.startsWith('zg_session='))).toMatch(/; Secure/)
    } finally {
      await secure.close()
    }
    expect(() => loadConfig({ COOKIE_SECURE: 'yes' })).toThrow(/COOKIE_SECURE/)
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '0' })).toThrow(/SESSION_IDLE_MINUTES/)
  })
})

describe('changing the password', () => {
  it('needs the current one, checks the new one beside its field, and ends the other sessions', async () => {
    const { login } = await webAccount(t.app, 'leader')
    const here = browser(t.app)
    const there = browser(t.app)
    await here.signIn(login, PASSWORD)
    await there.signIn(login, PASSWORD)
    await here.get('/account/password')
    let res = await here.post('/account/password', {
      currentPassword: 'wrong-one-here',
      newPassword: 'a-new-long-password',
      confirmPassword: 'a-new-long-password',
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('当前密码不正确')
    res = await here.post('/account/password', { currentPassword: PASSWORD, newPassword: 'short', confirmPassword: 'short' })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('密码至少需要10个字符')
    res = await here.post('/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'a-new-long-password',
      confirmPassword: 'a-new-long-password',
    })
    expect(res.statusCode).toBe(303)
    expect((await here.get('/')).statusCode).toBe(200)
    expect((await there.get('/')).statusCode).toBe(303)
    const fresh = browser(t.app)
    expect((await fresh.signIn(login, PASSWORD)).statusCode).toBe(401)
    expect((await fresh.signIn(login, 'a-new-long-password')).statusCode).toBe(303)
  })
})

describe('API tokens', () => {
  it('keep working for programs, and a session cookie does not open the API', async () => {
    const token = factories(t.app).token('leader')
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200)
    const { login } = await webAccount(t.app, 'leader')
    const b = browser(t.app)
    await b.signIn(login, PASSWORD)
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: `zg_session=${b.jar.zg_session}`, origin: ORIGIN },
    })
    expect(res.statusCode).toBe(401)
  })
})

describe('npm run account', () => {
  it('creates an account that signs in, from a password on stdin; refuses a short one; works on a fresh DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zhenggai-account-'))
    const run = (password: string) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/account.ts',
          '--login',
          'wang',
          '--role',
          'unit',
          '--name',
          '王五',
          '--unit',
          '区水务局',
          '--password-stdin',
        ],
        {
          input: `${password}\n`,
          env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
          encoding: 'utf8',
        },
      )
    try {
      const short = run('short')
      expect(short.status).not.toBe(0)
      expect(short.stderr).toContain('密码至少需要10个字符')
      const made = run('a-long-enough-password')
      expect(made.status, made.stderr).toBe(0)
      expect(made.stdout).toContain('created account')
      const database = openDatabase(databaseFile(dataDir))
      const app = await buildApp({
        config: loadConfig({ DATA_DIR: dataDir, JOBS: 'off' }),
        database,
        clock: fixedClock('2018-10-15T02:00:00Z'),
        logger: pino({ level: 'silent' }),
      })
      const b = browser(app)
      expect((await b.signIn('wang', 'a-long-enough-password')).statusCode).toBe(303)
      expect((await b.get('/')).body).toContain('王五（区水务局）')
      await app.close()
      database.close()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
