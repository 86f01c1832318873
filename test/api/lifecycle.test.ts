import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from '../../scripts/build.ts'
import { freePort, runJs, runTs, waitFor } from '../helpers/process.ts'

const dirs: string[] = []
function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'zhenggai-life-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('the process', () => {
  it('a bad setting stops it with a message naming the variable', async () => {
    const run = runTs('server/main.ts', [], { DATA_DIR: dataDir(), PORT: 'eighty', JOBS: 'off' })
    expect(await run.exited).toBe(1)
    expect(run.stderr()).toContain('PORT')
  })

  it('npm run token works on a fresh DATA_DIR and prints the token last; the running server accepts it', async () => {
    const dir = dataDir()
    const port = await freePort()
    const server = runTs('server/main.ts', [], { DATA_DIR: dir, PORT: String(port), JOBS: 'off', LOG_LEVEL: 'info' })
    try {
      await waitFor(() => server.stdout().includes('"listening"'))
      const token = runTs('scripts/token.ts', ['--role', 'unit', '--name', '李四', '--unit', '区水务局'], { DATA_DIR: dir })
      expect(await token.exited).toBe(0)
      const lastLine = token.stdout().trim().split('\n').at(-1)!
      expect(lastLine).toMatch(/^[A-Za-z0-9_-]{43}$/)
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, { headers: { authorization: `Bearer ${lastLine}` } })
      expect(me.status).toBe(200)
      expect(await me.json()).toMatchObject({ name: '李四', role: 'unit', unitName: '区水务局' })
      expect(server.stdout()).not.toContain(lastLine)

      // SIGTERM lets a request in flight finish, then exits 0.
      const inFlight = fetch(`http://127.0.0.1:${port}/readyz`)
      server.child.kill('SIGTERM')
      expect((await inFlight).status).toBe(200)
      expect(await server.exited).toBe(0)
      expect(server.stdout()).toContain('"stopped"')
    } finally {
      server.child.kill('SIGKILL')
    }
  })

  it('npm start runs the compiled service: dist/ migrates a fresh DATA_DIR, serves the API, and stops on SIGTERM', async () => {
    build()
    const dir = dataDir()
    const port = await freePort()
    const server = runJs('dist/server/main.js', [], { DATA_DIR: dir, PORT: String(port), JOBS: 'off', LOG_LEVEL: 'info' })
    try {
      await waitFor(() => server.stdout().includes('"listening"'))
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
      const token = runTs('scripts/token.ts', ['--role', 'admin', '--name', '管理员'], { DATA_DIR: dir })
      expect(await token.exited).toBe(0)
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, {
        headers: { authorization: `Bearer ${token.stdout().trim().split('\n').at(-1)}` },
      })
      expect(await me.json()).toMatchObject({ name: '管理员', role: 'admin' })
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
    } finally {
      server.child.kill('SIGKILL')
    }
  }, 60_000)

  it('npm run token refuses a bad role', async () => {
    const run = runTs('scripts/token.ts', ['--role', 'king', '--name', 'x'], { DATA_DIR: dataDir() })
    expect(await run.exited).toBe(2)
    expect(run.stderr()).toContain('--role')
  })
})
