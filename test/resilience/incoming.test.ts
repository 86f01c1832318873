import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEvidenceStore } from '../../server/modules/evidence/evidence.store.ts'
import { createTestApp } from '../helpers/app.ts'
import { runTs } from '../helpers/process.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// Temporary upload files and the processes that own them: a store sweeps what crashed processes left behind,
// never what a live one (the server, while `npm run token` opens the store beside it) is still receiving.

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('evidence/.incoming', () => {
  it('a store sweeps the files of dead processes and of none that still run', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zhenggai-incoming-'))
    dirs.push(dataDir)
    const incoming = join(dataDir, 'evidence', '.incoming')
    mkdirSync(incoming, { recursive: true })
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!
    const files = {
      deadProcess: `${gone}.1700000000000-a`,
      livingProcess: `${process.ppid}.1700000000000-b`,
      earlierProcessWithOurPid: `${process.pid}.1-c`,
      olderLayout: 'd1f0c6e2-5b7a-4c1e-9f1e-3a6b2c4d5e6f',
    }
    for (const name of Object.values(files)) writeFileSync(join(incoming, name), 'x')
    createEvidenceStore(dataDir)
    expect(readdirSync(incoming)).toEqual([files.livingProcess])
  })

  it('npm run token during an upload leaves the upload alone', async () => {
    const t = await createTestApp()
    try {
      const w = workflowWorld(t.app)
      const item = await w.itemIn('in_progress')
      const base = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }))
      const boundary = 'XYZ'
      const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\n`)
      const filler = Buffer.alloc(200_000, 0x41)
      const tail = Buffer.from(`\n%%EOF\r\n--${boundary}--\r\n`)
      const upload = request({
        host: '127.0.0.1',
        port: Number(base.port),
        method: 'POST',
        path: `/api/v1/items/${item.id}/evidence`,
        headers: {
          authorization: `Bearer ${w.tokens.lead}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + filler.length + tail.length,
        },
      })
      const answered = new Promise<number>((resolve, reject) => {
        upload.on('response', (res) => {
          res.resume()
          resolve(res.statusCode!)
        })
        upload.on('error', reject)
      })
      upload.write(head)
      upload.write(filler.subarray(0, 100_000))
      const incoming = join(t.dataDir, 'evidence', '.incoming')
      const deadline = Date.now() + 5000
      while (readdirSync(incoming).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      expect(readdirSync(incoming)).toHaveLength(1)

      const token = runTs('scripts/token.ts', ['--role', 'leader', '--name', '领导小组成员'], { DATA_DIR: t.dataDir })
      expect(await token.exited).toBe(0)
      expect(readdirSync(incoming)).toHaveLength(1)

      upload.write(filler.subarray(100_000))
      upload.end(tail)
      expect(await answered).toBe(201)
      expect(readdirSync(incoming)).toEqual([])
    } finally {
      await t.close()
    }
  }, 60_000)
})
